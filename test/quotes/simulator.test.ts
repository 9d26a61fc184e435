import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { createUpstoxClient, type UpstoxApi } from '../../src/upstox/client.js';
import { InvalidInstrumentKeyError } from '../../src/upstox/instrument-key.js';
import { DATA_DIR } from './harness.js';

// The simulator's quote routes: keys of the response map, unknown and malformed keys, the
// batch limit, the recorded NIFTY 50 quote, and the wire format of the client's requests.

const TOKEN = 'sim-token';
const NOW = Date.parse('2026-02-26T11:20:30+05:30');
const NHPC = 'NSE_EQ|INE848E01016';
const NIFTY = 'NSE_INDEX|Nifty 50';
const NIFTY_CALL = 'NSE_FO|54911';
const NIFTY_FUTURE = 'NSE_FO|51714';
const UNLIMITED = { perSecond: 100_000, perMinute: 100_000, perHalfHour: 100_000 };

let sim: RunningSimulator;
let recordedSim: RunningSimulator;
let api: UpstoxApi & { close(): Promise<void> };

beforeAll(async () => {
  sim = await startSimulator({ tokens: { [TOKEN]: 'default' }, now: () => NOW, rateLimits: UNLIMITED, dataDir: DATA_DIR });
  // The minute of the recorded NIFTY 50 quote: 2026-08-04 11:36 IST.
  recordedSim = await startSimulator({ tokens: { [TOKEN]: 'default' }, now: () => Date.parse('2026-08-04T11:36:40+05:30'), rateLimits: UNLIMITED, dataDir: DATA_DIR });
  api = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 10_000 });
});
afterAll(async () => {
  await api.close();
  await sim.close();
  await recordedSim.close();
});

async function get(server: RunningSimulator, path: string): Promise<{ status: number; body: { status: string; data?: Record<string, Record<string, unknown>>; errors?: { error_code: string; invalid_value: unknown }[] } }> {
  const response = await fetch(server.url + path, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } });
  return { status: response.status, body: (await response.json()) as never };
}

const keyParam = (keys: readonly string[]) => keys.map(encodeURIComponent).join(',');

describe('quote routes', () => {
  it('keys entries by segment and symbol', async () => {
    const { body } = await get(sim, `/v2/market-quote/quotes?instrument_key=${keyParam([NHPC, NIFTY, NIFTY_CALL, NIFTY_FUTURE])}`);
    expect(Object.keys(body.data!).sort()).toEqual(['NSE_EQ:NHPC', 'NSE_FO:NIFTY2630225400CE', 'NSE_FO:NIFTY26MARFUT', 'NSE_INDEX:Nifty 50']);
    expect(body.data!['NSE_EQ:NHPC']!.instrument_token).toBe(NHPC);
    expect(body.data!['NSE_FO:NIFTY2630225400CE']!.instrument_token).toBe(NIFTY_CALL);
  });

  it('leaves unknown keys out', async () => {
    const { status, body } = await get(sim, `/v3/market-quote/ltp?instrument_key=${keyParam([NHPC, 'NSE_FO|99999999', 'BSE_EQ|INE000Y01011'])}`);
    expect(status).toBe(200);
    expect(Object.keys(body.data!)).toEqual(['NSE_EQ:NHPC']);
  });

  it('rejects a malformed key with UDAPI1011', async () => {
    const { status, body } = await get(sim, `/v3/market-quote/ltp?instrument_key=${keyParam([NHPC])},TECHM`);
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ error_code: 'UDAPI1011', invalid_value: 'TECHM' });
  });

  it('rejects a double-encoded key', async () => {
    const { body } = await get(sim, '/v2/market-quote/quotes?instrument_key=NSE_EQ%257CINE848E01016');
    expect(body.errors?.[0]?.error_code).toBe('UDAPI1011');
  });

  it('rejects 501 keys with UDAPI100043', async () => {
    const keys = Array.from({ length: 501 }, (_, i) => `NSE_EQ|INE${String(i).padStart(6, '0')}01`);
    for (const path of ['/v2/market-quote/quotes', '/v3/market-quote/ltp', '/v3/market-quote/ohlc']) {
      const { status, body } = await get(sim, `${path}?interval=1d&instrument_key=${keyParam(keys)}`);
      expect(status, path).toBe(400);
      expect(body.errors?.[0]?.error_code, path).toBe('UDAPI100043');
    }
  });

  it('accepts 500 keys', async () => {
    const keys = Array.from({ length: 500 }, (_, i) => `NSE_EQ|INE${String(i).padStart(6, '0')}01`);
    const { status } = await get(sim, `/v3/market-quote/ltp?instrument_key=${keyParam(keys)}`);
    expect(status).toBe(200);
  });

  it('requires a key', async () => {
    const { status, body } = await get(sim, '/v3/market-quote/ltp');
    expect([status, body.errors?.[0]?.error_code]).toEqual([400, 'UDAPI1009']);
  });

  it('checks the OHLC interval', async () => {
    const missing = await get(sim, `/v3/market-quote/ohlc?instrument_key=${keyParam([NHPC])}`);
    const invalid = await get(sim, `/v3/market-quote/ohlc?instrument_key=${keyParam([NHPC])}&interval=I5`);
    expect([missing.status, missing.body.errors?.[0]?.error_code]).toEqual([400, 'UDAPI1027']);
    expect([invalid.status, invalid.body.errors?.[0]?.error_code, invalid.body.errors?.[0]?.invalid_value]).toEqual([400, 'UDAPI1028', 'I5']);
  });

  it('sends the same bytes twice', async () => {
    const path = `/v2/market-quote/quotes?instrument_key=${keyParam([NHPC, NIFTY, NIFTY_CALL])}`;
    const first = await fetch(sim.url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
    const second = await fetch(sim.url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await first.text()).toBe(await second.text());
  });

  it('pads equity depth to five levels', async () => {
    const { body } = await get(sim, `/v2/market-quote/quotes?instrument_key=${keyParam([NHPC])}`);
    const depth = body.data!['NSE_EQ:NHPC']!.depth as { buy: { price: number; quantity: number }[]; sell: { price: number; quantity: number }[] };
    expect([depth.buy.length, depth.sell.length]).toEqual([5, 5]);
    const lastPrice = body.data!['NSE_EQ:NHPC']!.last_price as number;
    expect(depth.buy[0]!.price).toBeLessThanOrEqual(lastPrice);
    expect(depth.sell[0]!.price).toBeGreaterThan(lastPrice);
  });

  it('agrees between full quote and LTP', async () => {
    const full = (await get(sim, `/v2/market-quote/quotes?instrument_key=${keyParam([NHPC])}`)).body.data!['NSE_EQ:NHPC']!;
    const ltp = (await get(sim, `/v3/market-quote/ltp?instrument_key=${keyParam([NHPC])}`)).body.data!['NSE_EQ:NHPC']!;
    expect(ltp.last_price).toBe(full.last_price);
    expect(ltp.cp).toBeCloseTo((full.last_price as number) - (full.net_change as number), 6);
    expect(ltp.volume).toBe(full.volume);
  });

  it('stamps the last trade inside the live minute', async () => {
    const full = (await get(sim, `/v2/market-quote/quotes?instrument_key=${keyParam([NHPC])}`)).body.data!['NSE_EQ:NHPC']!;
    const lastTrade = Number(full.last_trade_time);
    expect(lastTrade).toBeGreaterThanOrEqual(Date.parse('2026-02-26T11:20:00+05:30'));
    expect(lastTrade).toBeLessThanOrEqual(NOW);
    expect(full.timestamp).toBe('2026-02-26T11:20:30.000+05:30');
  });

  it('omits prev_ohlc on the first bar', async () => {
    const opening = await startSimulator({ tokens: { [TOKEN]: 'default' }, now: () => Date.parse('2026-02-26T09:15:20+05:30'), rateLimits: UNLIMITED, dataDir: DATA_DIR });
    try {
      const entry = (await get(opening, `/v3/market-quote/ohlc?instrument_key=${keyParam([NHPC])}&interval=I1`)).body.data!['NSE_EQ:NHPC']!;
      expect(entry.prev_ohlc).toBeUndefined();
      expect((entry.live_ohlc as { ts: number }).ts).toBe(Date.parse('2026-02-26T09:15:00+05:30'));
    } finally {
      await opening.close();
    }
  });

  it('shows the last session after hours', async () => {
    const evening = await startSimulator({ tokens: { [TOKEN]: 'default' }, now: () => Date.parse('2026-02-28T20:00:00+05:30'), rateLimits: UNLIMITED, dataDir: DATA_DIR });
    try {
      const entry = (await get(evening, `/v3/market-quote/ohlc?instrument_key=${keyParam([NHPC])}&interval=I1`)).body.data!['NSE_EQ:NHPC']!;
      // 2026-02-28 is a Saturday, so the quote shows the close of Friday 2026-02-27.
      expect((entry.live_ohlc as { ts: number }).ts).toBe(Date.parse('2026-02-27T15:29:00+05:30'));
      expect((entry.prev_ohlc as { ts: number }).ts).toBe(Date.parse('2026-02-27T15:28:00+05:30'));
    } finally {
      await evening.close();
    }
  });
});

describe('recorded NIFTY 50 quote', () => {
  const recorded = JSON.parse(readFileSync(new URL('../../data/recorded/upstox-v2-full-market-quote-NIFTY50-index-2026-08-04.json', import.meta.url), 'utf8')) as { data: Record<string, unknown> };

  it('serves the recorded entry in its minute', async () => {
    const { body } = await get(recordedSim, `/v2/market-quote/quotes?instrument_key=${keyParam([NIFTY])}`);
    expect(body.data).toEqual(recorded.data);
  });

  it('derives LTP from the recorded entry', async () => {
    const { body } = await get(recordedSim, `/v3/market-quote/ltp?instrument_key=${keyParam([NIFTY])}`);
    expect(body.data!['NSE_INDEX:Nifty 50']).toMatchObject({ last_price: 24565.1, cp: 24774.3, instrument_token: NIFTY });
  });
});

describe('quote request encoding', () => {
  it('sends B08 keys encoded once', async () => {
    const before = sim.requestLog().length;
    const response = await api.fullMarketQuotes(['NSE_INDEX|Nifty 50', 'NSE_EQ|INE000X01010', 'BSE_EQ|INE000Y01011']);
    const sent = sim.requestLog().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.rawPath).toBe('/v2/market-quote/quotes?instrument_key=NSE_INDEX%7CNifty%2050,NSE_EQ%7CINE000X01010,BSE_EQ%7CINE000Y01011');
    expect(sent[0]!.rawPath).not.toContain('%257C');
    expect(sent[0]!.rawPath).not.toContain('+');
    expect(Object.values(response.data).map((e) => e.instrument_token)).toEqual(['NSE_INDEX|Nifty 50']);
  });

  it('rejects a bare symbol before sending', async () => {
    const before = sim.requestLog().length;
    await expect(api.ltpQuotes(['NSE_EQ|INE848E01016', 'TECHM'])).rejects.toThrow(InvalidInstrumentKeyError);
    expect(sim.requestLog().length).toBe(before);
  });

  it('rejects 501 keys before sending', async () => {
    const keys = Array.from({ length: 501 }, (_, i) => `NSE_EQ|INE${String(i).padStart(6, '0')}01`);
    const before = sim.requestLog().length;
    await expect(api.ohlcQuotes(keys, '1d')).rejects.toThrow(/501 instrument keys given but one request takes at most 500/);
    expect(sim.requestLog().length).toBe(before);
  });

  it('sends the OHLC interval', async () => {
    const before = sim.requestLog().length;
    await api.ohlcQuotes([NHPC], 'I30');
    expect(sim.requestLog().slice(before).map((r) => r.rawPath)).toEqual(['/v3/market-quote/ohlc?instrument_key=NSE_EQ%7CINE848E01016&interval=I30']);
  });
});

// Success bodies are checked against Upstox's OpenAPI document. The index quote is left out
// because Upstox itself sends null where the document declares numbers.
describe('quote OpenAPI schemas', () => {
  const DOCUMENT_ID = 'https://upstox.example/openapi.json';
  const document = JSON.parse(readFileSync(new URL('../../vendor/upstox/openapi/upstox-api-docs.json', import.meta.url), 'utf8')) as {
    paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> } }>;
  };
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  const validator = (apiPath: string) => ajv.getSchema(`${DOCUMENT_ID}${document.paths[apiPath]!.get.responses['200']!.content['application/json']!.schema.$ref}`)!;
  const keys = keyParam([NHPC, NIFTY_CALL, NIFTY_FUTURE]);

  for (const [apiPath, path] of [
    ['/v2/market-quote/quotes', `/v2/market-quote/quotes?instrument_key=${keys}`],
    ['/v3/market-quote/ltp', `/v3/market-quote/ltp?instrument_key=${keys}`],
    ['/v3/market-quote/ohlc', `/v3/market-quote/ohlc?instrument_key=${keys}&interval=I1`],
    ['/v3/market-quote/ohlc', `/v3/market-quote/ohlc?instrument_key=${keys}&interval=1d`],
  ] as const) {
    it(`validates ${path.split('?')[0]} ${path.includes('interval') ? path.slice(-2) : ''}`.trim(), async () => {
      const { body } = await get(sim, path);
      const validate = validator(apiPath);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    });
  }
});
