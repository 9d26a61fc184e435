import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { NEWS_BODY, OTHER_LAYOUT_ACTIONS } from './bodies.js';

// Simulator bodies are checked against Upstox's OpenAPI 3.1 document twice: as published, and
// with `additionalProperties: false` added to every object schema that lists properties, so a
// misspelt or invented field name fails too.

type Document = { paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> } }> };
const document = JSON.parse(readFileSync(new URL('../../vendor/upstox/openapi/upstox-api-docs.json', import.meta.url), 'utf8')) as Document;

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, closeObjects(v)])) : closeObjects(value);
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, 'https://upstox.example/openapi.json');
ajv.addSchema(closeObjects(document) as object, 'https://upstox.example/openapi-closed.json');

/** Returns the validators of a path's 200 response, as published and closed. */
function validators(apiPath: string) {
  const ref = document.paths[apiPath]?.get.responses['200']?.content['application/json']?.schema.$ref;
  if (!ref) throw new Error(`no 200 schema for ${apiPath} in the OpenAPI document`);
  return [`https://upstox.example/openapi.json${ref}`, `https://upstox.example/openapi-closed.json${ref}`].map((id) => {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`schema ${id} not found`);
    return validate;
  });
}

const TOKEN = 'schema-token';
const NIFTY = encodeURIComponent('NSE_INDEX|Nifty 50');
const option = `instrument_key=${NIFTY}&expiry=2026-05-19&date=2026-05-06`;

// [OpenAPI path, request sent to the simulator]
const CASES: [string, string][] = [
  ['/v2/market/pcr', `/v2/market/pcr?${option}&bucket_interval=15`],
  ['/v2/market/oi', `/v2/market/oi?${option}`],
  ['/v2/market/change-oi', `/v2/market/change-oi?${option}&interval=2`],
  ['/v2/market/max-pain', `/v2/market/max-pain?${option}&bucket_interval=5`],
  ['/v2/market/fii', '/v2/market/fii?data_type=NSE_FO%7CINDEX_OPTIONS&interval=1D&from=2026-04-01'],
  ['/v2/market/dii', '/v2/market/dii?data_type=NSE_EQ%7CCASH&interval=1M'],
  ['/v2/market/smartlist/futures', '/v2/market/smartlist/futures?asset_type=STOCK&category=PREMIUM&page_size=5'],
  ['/v2/market/smartlist/options', '/v2/market/smartlist/options?asset_type=INDEX&category=IV_GAINERS'],
  ['/v2/market/smartlist/mtf', '/v2/market/smartlist/mtf?page_number=2&page_size=10'],
  ['/v2/fundamentals/{isin}/profile', '/v2/fundamentals/INE002A01018/profile'],
  ['/v2/fundamentals/{isin}/key-ratios', '/v2/fundamentals/INE009A01021/key-ratios'],
  ['/v2/fundamentals/{isin}/balance-sheet', '/v2/fundamentals/INE009A01021/balance-sheet?type=standalone&fs=true'],
  ['/v2/fundamentals/{isin}/income-statement', '/v2/fundamentals/INE009A01021/income-statement?time_period=quarterly&fs=true'],
  ['/v2/fundamentals/{isin}/cash-flow', '/v2/fundamentals/INE009A01021/cash-flow'],
  ['/v2/fundamentals/{isin}/share-holdings', '/v2/fundamentals/INE002A01018/share-holdings'],
  ['/v2/fundamentals/{isin}/corporate-actions', '/v2/fundamentals/INE002A01018/corporate-actions'],
  ['/v2/fundamentals/{isin}/corporate-actions', '/v2/fundamentals/INE040A01034/corporate-actions'],
  ['/v2/fundamentals/{instrument_key}/competitors', `/v2/fundamentals/${encodeURIComponent('NSE_EQ|INE002A01018')}/competitors`],
  ['/v2/fundamentals/{instrument_key}/competitors', `/v2/fundamentals/${encodeURIComponent('NSE_EQ|INE040A01034')}/competitors`],
  ['/v2/news', `/v2/news?category=instrument_keys&instrument_keys=${encodeURIComponent('NSE_EQ|INE002A01018')},${encodeURIComponent('NSE_EQ|INE009A01021')}&page_size=3`],
  ['/v2/news', '/v2/news?category=holdings'],
];

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ tokens: { [TOKEN]: 'default' }, now: () => Date.parse('2026-05-06T20:00:00+05:30') });
});
afterAll(async () => {
  await sim.close();
});

describe('analytics OpenAPI schemas', () => {
  for (const [apiPath, request] of CASES) {
    it(`validates ${request.split('?')[0]}`, async () => {
      const response = await fetch(sim.url + request, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } });
      const text = await response.text();
      expect(response.status, text.slice(0, 300)).toBe(200);
      const body: unknown = JSON.parse(text);
      for (const validate of validators(apiPath)) expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  it('validates the hand-written news body', () => {
    for (const validate of validators('/v2/news')) expect(validate(NEWS_BODY), JSON.stringify(validate.errors)).toBe(true);
  });

  it('validates the other corporate action layouts', () => {
    for (const validate of validators('/v2/fundamentals/{isin}/corporate-actions')) expect(validate(OTHER_LAYOUT_ACTIONS), JSON.stringify(validate.errors)).toBe(true);
  });

  it('closed schema rejects an invented field', () => {
    const [open, closed] = validators('/v2/fundamentals/{isin}/corporate-actions');
    const body = { status: 'success', data: [{ name: 'Dividend', expiry_date: '2025-08-14', ex_date: '2025-08-14' }] };
    expect([open!(body), closed!(body)]).toEqual([true, false]);
  });
});
