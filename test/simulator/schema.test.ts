import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { fetchPath, HDFCBANK, historicalPath, INFY, intradayPath, RELIANCE, startTestSimulator } from './helpers.js';

// Success bodies are checked against Upstox's own OpenAPI 3.1 document. The whole document is
// added as one schema with an $id, so `#/components/...` references inside it resolve.
const DOCUMENT_ID = 'https://upstox.example/openapi.json';
const document = JSON.parse(readFileSync(new URL('../../vendor/upstox/openapi/upstox-api-docs.json', import.meta.url), 'utf8')) as {
  paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> } }>;
};

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, DOCUMENT_ID);

/** Returns the validator of a path's 200 response, found through the document's own $ref. */
function successValidator(apiPath: string) {
  const ref = document.paths[apiPath]?.get.responses['200']?.content['application/json']?.schema.$ref;
  if (!ref) throw new Error(`no 200 schema for ${apiPath} in the OpenAPI document`);
  const validate = ajv.getSchema(`${DOCUMENT_ID}${ref}`);
  if (!validate) throw new Error(`schema ${ref} not found`);
  return validate;
}

const historicalWithFrom = '/v3/historical-candle/{instrumentKey}/{unit}/{interval}/{to_date}/{from_date}';
const historicalWithoutFrom = '/v3/historical-candle/{instrumentKey}/{unit}/{interval}/{to_date}';
const intraday = '/v3/historical-candle/intraday/{instrumentKey}/{unit}/{interval}';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startTestSimulator({ now: () => Date.parse('2025-02-07T12:00:00+05:30') });
});

afterAll(async () => {
  await sim.close();
});

describe('OpenAPI response schemas', () => {
  it('names the candle response schemas', () => {
    expect(document.paths[historicalWithFrom]?.get.responses['200']?.content['application/json']?.schema.$ref).toBe('#/components/schemas/GetHistoricalCandleResponse');
    expect(document.paths[intraday]?.get.responses['200']?.content['application/json']?.schema.$ref).toBe('#/components/schemas/GetIntraDayCandleResponse');
  });

  const historicalCases: [string, string][] = [
    ['recorded minutes', historicalPath(INFY, 'minutes', 1, '2025-02-06', '2025-02-03')],
    ['synthetic hours', historicalPath(HDFCBANK, 'hours', 2, '2024-06-30', '2024-06-01')],
    ['recorded days', historicalPath(RELIANCE, 'days', 1, '2024-12-31', '2024-01-01')],
    ['derivative days', historicalPath('NSE_FO|51820', 'days', 1, '2024-12-31', '2024-01-01')],
    ['weeks', historicalPath(HDFCBANK, 'weeks', 1, '2024-12-31', '2024-01-01')],
    ['months', historicalPath(HDFCBANK, 'months', 1, '2024-12-31', '2020-01-01')],
    ['empty range', historicalPath(HDFCBANK, 'days', 1, '2024-06-09', '2024-06-08')],
  ];

  for (const [name, path] of historicalCases) {
    it(`validates historical ${name}`, async () => {
      const body: unknown = JSON.parse((await fetchPath(sim, path)).text);
      const validate = successValidator(historicalWithFrom);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  it('validates historical without from_date', async () => {
    const body: unknown = JSON.parse((await fetchPath(sim, historicalPath(HDFCBANK, 'minutes', 30, '2024-06-30'))).text);
    const validate = successValidator(historicalWithoutFrom);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });

  for (const [unit, interval] of [['minutes', 1], ['hours', 1], ['days', 1]] as const) {
    it(`validates intraday ${unit}`, async () => {
      const body: unknown = JSON.parse((await fetchPath(sim, intradayPath(INFY, unit, interval))).text);
      const validate = successValidator(intraday);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  it('rejects a body without the envelope', () => {
    const validate = successValidator(historicalWithFrom);
    expect(validate({ status: 'ok', data: { candles: [] } })).toBe(false);
  });
});
