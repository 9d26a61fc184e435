import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalCdf, probabilityOfProfit, valueOption } from '../../src/simulator/option-pricing.js';
import { quoteSymbol, type MasterInstrument } from '../../src/simulator/quote-master.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { DATA_DIR } from '../quotes/harness.js';

// The simulator's option routes: contracts from the instruments master, the recorded NIFTY
// chain, synthetic chains and greeks, and their errors.

const TOKEN = 'sim-token';
const NOW = Date.parse('2026-02-26T11:20:30+05:30');
const NIFTY = 'NSE_INDEX|Nifty 50';
const UNLIMITED = { perSecond: 100_000, perMinute: 100_000, perHalfHour: 100_000 };
const recordedChain = JSON.parse(readFileSync(new URL('../../data/recorded/upstox-v2-option-chain-NIFTY-expiry-2026-03-02.json', import.meta.url), 'utf8')) as { data: Record<string, unknown>[] };

type Body = { status: string; data?: unknown; errors?: { error_code: string; invalid_value: unknown }[] };
type ChainSide = { instrument_key: string; market_data: Record<string, number>; option_greeks: Record<string, number> };
type Strike = { expiry: string; strike_price: number; underlying_spot_price: number; pcr: number; call_options?: ChainSide; put_options?: ChainSide };

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ tokens: { [TOKEN]: 'default' }, now: () => NOW, rateLimits: UNLIMITED, dataDir: DATA_DIR });
});
afterAll(async () => {
  await sim.close();
});

async function get(path: string): Promise<{ status: number; body: Body }> {
  const response = await fetch(sim.url + path, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } });
  return { status: response.status, body: (await response.json()) as Body };
}

const enc = encodeURIComponent;

describe('option contract route', () => {
  it('lists the 186 contracts of one expiry', async () => {
    const { body } = await get(`/v2/option/contract?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-02`);
    const contracts = body.data as Record<string, unknown>[];
    expect(contracts).toHaveLength(186);
    expect(contracts[0]).toEqual({
      name: 'NIFTY',
      segment: 'NSE_FO',
      exchange: 'NSE',
      expiry: '2026-03-02',
      instrument_key: 'NSE_FO|54710',
      exchange_token: '54710',
      trading_symbol: 'NIFTY 23100 CE 02 MAR 26',
      tick_size: 5,
      lot_size: 65,
      instrument_type: 'CE',
      freeze_quantity: 1755,
      underlying_key: NIFTY,
      underlying_type: 'INDEX',
      underlying_symbol: 'NIFTY',
      strike_price: 23100,
      minimum_lot: 65,
      weekly: true,
    });
  });

  it('lists live expiries without a date', async () => {
    const { body } = await get(`/v2/option/contract?instrument_key=${enc(NIFTY)}`);
    const expiries = [...new Set((body.data as { expiry: string }[]).map((c) => c.expiry))];
    expect(expiries[0]).toBe('2026-03-02');
    expect(expiries.every((e) => e >= '2026-02-26')).toBe(true);
    expect(expiries.length).toBeGreaterThan(5);
  });

  it('lists nothing for an unknown underlying', async () => {
    const { status, body } = await get(`/v2/option/contract?instrument_key=${enc('NSE_EQ|INE000X01010')}`);
    expect([status, body.data]).toEqual([200, []]);
  });

  it('rejects a malformed underlying', async () => {
    const { status, body } = await get('/v2/option/contract?instrument_key=NIFTY');
    expect([status, body.errors?.[0]?.error_code]).toEqual([400, 'UDAPI1011']);
  });

  it('rejects an invalid expiry date', async () => {
    const { status, body } = await get(`/v2/option/contract?instrument_key=${enc(NIFTY)}&expiry_date=02-03-2026`);
    expect([status, body.errors?.[0]?.error_code, body.errors?.[0]?.invalid_value]).toEqual([400, 'UDAPI100036', '02-03-2026']);
  });
});

describe('option chain route', () => {
  it('serves the recorded NIFTY chain', async () => {
    const { body } = await get(`/v2/option/chain?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-02`);
    expect(body.data).toEqual(recordedChain.data);
  });

  it('requires an expiry date', async () => {
    const { status, body } = await get(`/v2/option/chain?instrument_key=${enc(NIFTY)}`);
    expect([status, body.errors?.[0]?.error_code]).toEqual([400, 'UDAPI100036']);
  });

  it('builds a synthetic chain from the master', async () => {
    const { body } = await get(`/v2/option/chain?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-10`);
    const strikes = body.data as Strike[];
    const contracts = (await get(`/v2/option/contract?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-10`)).body.data as { instrument_key: string; strike_price: number; instrument_type: string }[];
    const keys = strikes.flatMap((s) => [s.call_options?.instrument_key, s.put_options?.instrument_key]).filter(Boolean);
    expect(keys.sort()).toEqual(contracts.map((c) => c.instrument_key).sort());
    expect(strikes.map((s) => s.strike_price)).toEqual([...new Set(contracts.map((c) => c.strike_price))].sort((a, b) => a - b));
    expect(strikes.every((s) => s.expiry === '2026-03-10')).toBe(true);
  });

  it('prices synthetic options around the spot', async () => {
    const strikes = (await get(`/v2/option/chain?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-10`)).body.data as Strike[];
    const spot = strikes[0]!.underlying_spot_price;
    expect(spot).toBeGreaterThan(strikes[0]!.strike_price);
    expect(spot).toBeLessThan(strikes.at(-1)!.strike_price);
    const atm = strikes.reduce((best, s) => (Math.abs(s.strike_price - spot) < Math.abs(best.strike_price - spot) ? s : best));
    const call = atm.call_options!.option_greeks;
    const put = atm.put_options!.option_greeks;
    // IV in percent, call delta near 0.5 and put delta near -0.5 at the money.
    expect(call.iv).toBeGreaterThan(5);
    expect(call.iv).toBeLessThan(60);
    expect(call.delta).toBeGreaterThan(0.3);
    expect(call.delta).toBeLessThan(0.7);
    expect(put.delta).toBeLessThan(-0.3);
    expect(put.delta).toBeGreaterThan(-0.7);
    expect(atm.call_options!.market_data.ask_price).toBeGreaterThan(atm.call_options!.market_data.bid_price!);
  });

  it('sends all-zero greeks deep in the money', async () => {
    // The monthly expiry lists strikes from 19000, far below the spot.
    const strikes = (await get(`/v2/option/chain?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-30`)).body.data as Strike[];
    expect(strikes[0]!.strike_price).toBe(19000);
    expect(strikes[0]!.call_options!.option_greeks).toEqual({ vega: 0, theta: 0, gamma: 0, delta: 1, iv: 0, pop: 99 });
    expect(strikes[0]!.put_options!.option_greeks.iv).toBeGreaterThan(0);
  });

  it('returns an empty chain for an expiry without contracts', async () => {
    const { status, body } = await get(`/v2/option/chain?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-03`);
    expect([status, body.data]).toEqual([200, []]);
  });
});

describe('option greek route', () => {
  it('returns recorded values with IV as a fraction', async () => {
    const { body } = await get(`/v3/market-quote/option-greek?instrument_key=${enc('NSE_FO|54911')},${enc('NSE_FO|54710')}`);
    expect(body.data).toEqual({
      'NSE_FO:NIFTY2630225400CE': { last_price: 209.7, instrument_token: 'NSE_FO|54911', ltq: 65, volume: 57169645, cp: 218.4, iv: 0.1311, vega: 11.4999, gamma: 0.001, theta: -15.0732, delta: 0.604, oi: 2034045 },
      'NSE_FO:NIFTY2630223100CE': { last_price: 2361.8, instrument_token: 'NSE_FO|54710', ltq: 65, volume: 0, cp: 2361.8, iv: 0, vega: 0, gamma: 0, theta: 0, delta: 1, oi: 130 },
    });
  });

  it('values a synthetic contract', async () => {
    const contracts = (await get(`/v2/option/contract?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-10`)).body.data as { instrument_key: string }[];
    const key = contracts[Math.floor(contracts.length / 2)]!.instrument_key;
    const entry = Object.values((await get(`/v3/market-quote/option-greek?instrument_key=${enc(key)}`)).body.data as Record<string, Record<string, number>>)[0]!;
    expect(entry.instrument_token).toBe(key);
    expect(entry.iv).toBeLessThan(1.5);
    expect(entry.last_price).toBeGreaterThan(0);
  });

  it('leaves out keys that are not options', async () => {
    const { body } = await get(`/v3/market-quote/option-greek?instrument_key=${enc('NSE_EQ|INE848E01016')},${enc('NSE_FO|54911')}`);
    expect(Object.keys(body.data as object)).toEqual(['NSE_FO:NIFTY2630225400CE']);
  });

  it('rejects 51 keys with UDAPI100043', async () => {
    const keys = Array.from({ length: 51 }, (_, i) => enc(`NSE_FO|${54700 + i}`)).join(',');
    const { status, body } = await get(`/v3/market-quote/option-greek?instrument_key=${keys}`);
    expect([status, body.errors?.[0]?.error_code]).toEqual([400, 'UDAPI100043']);
  });
});

describe('option pricing', () => {
  it('satisfies put-call parity', () => {
    const inputs = { spot: 25000, strike: 25200, years: 10 / 365, iv: 0.14 };
    const call = valueOption({ ...inputs, side: 'CE' });
    const put = valueOption({ ...inputs, side: 'PE' });
    expect(call.price - put.price).toBeCloseTo(25000 - 25200 * Math.exp(-0.065 * inputs.years), 6);
    expect(call.delta - put.delta).toBeCloseTo(1, 9);
    expect(call.vega).toBeCloseTo(put.vega, 9);
  });

  it('reads the normal distribution', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 3);
  });

  it('bounds the probability of profit', () => {
    const inputs = { side: 'CE' as const, spot: 25000, strike: 25000, years: 5 / 365, iv: 0.13 };
    const pop = probabilityOfProfit(inputs, valueOption(inputs).price);
    expect(pop).toBeGreaterThan(0);
    expect(pop).toBeLessThan(50);
  });

  it('values an expired option at intrinsic', () => {
    expect(valueOption({ side: 'PE', spot: 24000, strike: 25000, years: 0, iv: 0.2 })).toEqual({ price: 1000, delta: -1, gamma: 0, theta: 0, vega: 0 });
  });
});

describe('quote symbols', () => {
  const base: MasterInstrument = {
    key: 'NSE_FO|1', segment: 'NSE_FO', name: 'NIFTY', exchange: 'NSE', tradingSymbol: 'NIFTY 23000 PE 09 APR 25', instrumentType: 'PE', tickSizePaise: 5,
    exchangeToken: '1', lotSize: 75, minimumLot: 75, freezeQuantity: 1800, expiry: '2025-04-09', strike: 23000, weekly: true,
    underlyingKey: NIFTY, underlyingSymbol: 'NIFTY', underlyingType: 'INDEX',
  };

  it('names weekly options the exchange way', () => {
    expect(quoteSymbol(base)).toBe('NIFTY2540923000PE');
    expect(quoteSymbol({ ...base, expiry: '2025-10-07', instrumentType: 'CE', strike: 25000 })).toBe('NIFTY25O0725000CE');
  });

  it('names monthly options and futures', () => {
    expect(quoteSymbol({ ...base, weekly: false, expiry: '2026-03-30', strike: 19000, instrumentType: 'CE' })).toBe('NIFTY26MAR19000CE');
    expect(quoteSymbol({ ...base, weekly: false, expiry: '2026-03-30', strike: 0, instrumentType: 'FUT' })).toBe('NIFTY26MARFUT');
  });

  it('names indices by name', () => {
    expect(quoteSymbol({ ...base, key: NIFTY, segment: 'NSE_INDEX', name: 'Nifty 50', tradingSymbol: 'NIFTY', instrumentType: 'INDEX', expiry: undefined })).toBe('Nifty 50');
  });
});

describe('option OpenAPI schemas', () => {
  const DOCUMENT_ID = 'https://upstox.example/openapi.json';
  const document = JSON.parse(readFileSync(new URL('../../vendor/upstox/openapi/upstox-api-docs.json', import.meta.url), 'utf8')) as {
    paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> } }>;
  };
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
  // The document declares every `expiry` a date-time while Upstox sends dates (the recorded
  // chain fails that format too), so formats are not checked here.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  addFormats(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  const validator = (apiPath: string) => ajv.getSchema(`${DOCUMENT_ID}${document.paths[apiPath]!.get.responses['200']!.content['application/json']!.schema.$ref}`)!;

  for (const [apiPath, path] of [
    ['/v2/option/contract', `/v2/option/contract?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-10`],
    ['/v2/option/chain', `/v2/option/chain?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-10`],
    ['/v2/option/chain', `/v2/option/chain?instrument_key=${enc(NIFTY)}&expiry_date=2026-03-02`],
    ['/v3/market-quote/option-greek', `/v3/market-quote/option-greek?instrument_key=${enc('NSE_FO|54911')},${enc('NSE_FO|45444')}`],
  ] as const) {
    it(`validates ${path.split('?')[0]}${path.includes('2026-03-02') ? ' recorded' : ''}`, async () => {
      const { body } = await get(path);
      const validate = validator(apiPath);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    });
  }
});
