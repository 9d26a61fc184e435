import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { istInstant } from '../../src/time/ist.js';
import { createUpstoxClient } from '../../src/upstox/client.js';

const TOKEN = 'market-info-sim-token';
const LITE_TOKEN = 'market-info-lite-token';
const NIFTY = 'NSE_INDEX|Nifty 50';
const SAMPLES = resolve(import.meta.dirname, '..', '..', 'vendor', 'upstox', 'samples');

let now = Date.parse('2025-04-18T12:00:00+05:30');
let sim: RunningSimulator;
let api: ReturnType<typeof createUpstoxClient>;

beforeAll(async () => {
  sim = await startSimulator({ tokens: { [TOKEN]: 'main', [LITE_TOKEN]: 'lite' }, accounts: { lite: { plus: false } }, now: () => now });
  api = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 10_000 });
});
afterAll(async () => {
  await api.close();
  await sim.close();
});

/** Sends one GET and returns the status and parsed body, errors included. */
async function get(path: string, token = TOKEN): Promise<{ status: number; body: { status: string; data?: unknown; errors?: { errorCode: string; propertyPath: string | null; invalidValue: unknown }[] } }> {
  const response = await fetch(sim.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as never };
}

async function errorOf(path: string, token = TOKEN): Promise<[number, string | undefined, string | null | undefined]> {
  const { status, body } = await get(path, token);
  return [status, body.errors?.[0]?.errorCode, body.errors?.[0]?.propertyPath];
}

const ist = (date: string, hhmm: string) => istInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));

describe('simulated holidays', () => {
  it('lists the clock year', async () => {
    now = Date.parse('2024-06-01T12:00:00+05:30');
    const dates = (await api.marketHolidays()).data.map((entry) => entry.date);
    expect([dates.length, dates[0], dates.includes('2024-03-29'), dates.every((d) => d.startsWith('2024-'))]).toEqual([20, '2024-01-20', true, true]);
  });

  it('opens MCX in the evening of Good Friday', async () => {
    expect((await api.marketHolidaysOn('2024-03-29')).data).toEqual([
      {
        date: '2024-03-29',
        description: 'Trading Holiday',
        holiday_type: 'TRADING_HOLIDAY',
        closed_exchanges: ['NSE', 'NFO', 'BSE', 'BFO', 'CDS', 'BCD'],
        open_exchanges: [{ exchange: 'MCX', start_time: ist('2024-03-29', '17:00'), end_time: ist('2024-03-29', '23:30') }],
      },
    ]);
  });

  it('closes MCX on Republic Day', async () => {
    const [entry] = (await api.marketHolidaysOn('2024-01-26')).data;
    expect([entry?.description, entry?.closed_exchanges, entry?.open_exchanges]).toEqual(['Republic Day', ['NSE', 'NFO', 'BSE', 'BFO', 'CDS', 'BCD', 'MCX'], []]);
  });

  it('spans a split Saturday session', async () => {
    const [entry] = (await api.marketHolidaysOn('2024-03-02')).data;
    const nse = entry?.open_exchanges?.find((w) => w.exchange === 'NSE');
    expect([entry?.closed_exchanges, nse?.start_time, nse?.end_time]).toEqual([['MCX', 'CDS', 'BCD'], ist('2024-03-02', '09:15'), ist('2024-03-02', '12:30')]);
  });

  it('opens MCX for Muhurat trading', async () => {
    const [entry] = (await api.marketHolidaysOn('2024-11-01')).data;
    expect([entry?.holiday_type, entry?.open_exchanges?.map((w) => [w.exchange, w.start_time, w.end_time])]).toEqual([
      'SPECIAL_TIMING',
      ['NSE', 'NFO', 'BSE', 'BFO', 'MCX'].map((exchange) => [exchange, ist('2024-11-01', '18:00'), ist('2024-11-01', '19:00')]),
    ]);
  });

  it('returns no entry on an ordinary day', async () => {
    expect((await api.marketHolidaysOn('2024-03-28')).data).toEqual([]);
  });

  it('rejects a bad date with UDAPI1088', async () => {
    expect(await errorOf('/v2/market/holidays/2024-02-30')).toEqual([400, 'UDAPI1088', 'date']);
  });
});

describe('simulated timings', () => {
  it('lists usual sessions on a weekday', async () => {
    const windows = (await api.marketTimings('2024-03-28')).data.map((w) => [w.exchange, w.start_time, w.end_time]);
    const equity = [ist('2024-03-28', '09:15'), ist('2024-03-28', '15:30')];
    const currency = [ist('2024-03-28', '09:00'), ist('2024-03-28', '17:00')];
    expect(windows).toEqual([
      ['MCX', ist('2024-03-28', '09:00'), ist('2024-03-28', '23:30')],
      ['NSE', ...equity],
      ['NFO', ...equity],
      ['CDS', ...currency],
      ['BSE', ...equity],
      ['BCD', ...currency],
      ['BFO', ...equity],
    ]);
  });

  it('lists only MCX on Good Friday', async () => {
    expect((await api.marketTimings('2024-03-29')).data.map((w) => w.exchange)).toEqual(['MCX']);
  });

  it('lists nothing on a Sunday', async () => {
    expect((await api.marketTimings('2024-03-31')).data).toEqual([]);
  });

  it('rejects a bad date with UDAPI1088', async () => {
    expect(await errorOf('/v2/market/timings/28-03-2024')).toEqual([400, 'UDAPI1088', 'date']);
  });
});

describe('simulated market status', () => {
  const statusAt = async (instant: string, exchange: 'NSE' | 'MCX' | 'NFO') => {
    now = Date.parse(instant);
    const data = (await api.marketStatus(exchange)).data;
    return [data.status, new Date(data.last_updated).toISOString()];
  };

  it('follows the NSE session', async () => {
    expect([
      await statusAt('2024-03-28T09:05:00+05:30', 'NSE'),
      await statusAt('2024-03-28T09:10:00+05:30', 'NSE'),
      await statusAt('2024-03-28T10:00:00+05:30', 'NSE'),
      await statusAt('2024-03-28T15:45:00+05:30', 'NSE'),
      await statusAt('2024-03-28T20:00:00+05:30', 'NSE'),
    ]).toEqual([
      ['PRE_OPEN_START', '2024-03-28T03:30:00.000Z'],
      ['PRE_OPEN_END', '2024-03-28T03:38:00.000Z'],
      ['NORMAL_OPEN', '2024-03-28T03:45:00.000Z'],
      ['CLOSING_START', '2024-03-28T10:10:00.000Z'],
      ['CLOSING_END', '2024-03-28T10:30:00.000Z'],
    ]);
  });

  it('stays closed over a holiday weekend', async () => {
    expect(await statusAt('2024-04-01T08:00:00+05:30', 'NFO')).toEqual(['NORMAL_CLOSE', '2024-03-28T10:00:00.000Z']);
  });

  it('opens MCX on the evening of Good Friday', async () => {
    expect([await statusAt('2024-03-29T12:00:00+05:30', 'MCX'), await statusAt('2024-03-29T18:00:00+05:30', 'MCX')]).toEqual([
      ['NORMAL_CLOSE', '2024-03-28T18:00:00.000Z'],
      ['NORMAL_OPEN', '2024-03-29T11:30:00.000Z'],
    ]);
  });

  it('rejects an unknown exchange with UDAPI1089', async () => {
    expect([await errorOf('/v2/market/status/NYSE'), await errorOf('/v2/market/status/nse')]).toEqual([
      [400, 'UDAPI1089', 'exchange'],
      [400, 'UDAPI1089', 'exchange'],
    ]);
  });
});

describe('simulated instrument search', () => {
  it('pages through matches', async () => {
    const first = await api.searchInstruments({ query: 'nifty 25800 ce', records: 4 });
    const second = await api.searchInstruments({ query: 'nifty 25800 ce', records: 4, pageNumber: 2 });
    expect([first.page, first.instruments.map((i) => i.trading_symbol), second.instruments[0]?.trading_symbol]).toEqual([
      { pageNumber: 1, totalPages: 2, records: 4, totalRecords: 7 },
      ['NIFTY 25800 CE 02 MAR 26', 'NIFTY 25800 CE 10 MAR 26', 'NIFTY 25800 CE 17 MAR 26', 'NIFTY 25800 CE 24 MAR 26'],
      'NIFTY 25800 CE 30 MAR 26',
    ]);
  });

  it('returns rows in the instruments-file shape', async () => {
    const { instruments } = await api.searchInstruments({ query: 'nifty 25800 ce', records: 1 });
    const sampleKeys = Object.keys((JSON.parse(readFileSync(resolve(SAMPLES, 'instrument-search.json'), 'utf8')) as { data: object[] }).data[0]!).sort();
    expect(Object.keys(instruments[0]!).sort()).toEqual(sampleKeys);
  });

  it('picks the current week for options', async () => {
    now = Date.parse('2026-02-27T12:00:00+05:30');
    // NIFTY's nearest expiry has 93 strikes, whose middle one is 25400; NIFTYNXT50 has monthly expiries only.
    const { instruments } = await api.searchInstruments({ query: 'nifty', segments: ['OPT'], instrumentTypes: ['CE'], atmOffset: 0 });
    expect(instruments.map((i) => [i.trading_symbol, i.expiry])).toEqual([
      ['NIFTY 25400 CE 02 MAR 26', Date.parse('2026-03-02T23:59:59+05:30')],
      ['NIFTYNXT50 68500 CE 30 MAR 26', Date.parse('2026-03-30T23:59:59+05:30')],
    ]);
  });

  it('rejects 31 records with UDAPI100036', async () => {
    expect(await errorOf('/v2/instruments/search?query=nifty&records=31')).toEqual([400, 'UDAPI100036', 'records']);
  });

  it('rejects a missing query', async () => {
    expect(await errorOf('/v2/instruments/search?records=5')).toEqual([400, 'UDAPI100036', 'query']);
  });
});

describe('simulated brokerage', () => {
  it('charges a delivery buy', async () => {
    const { charges } = await api.brokerageDetails({ instrumentKey: 'NSE_EQ|INE002A01018', quantity: 100, product: 'D', transactionType: 'BUY', price: 1750 });
    expect(charges).toEqual({
      total: 208.37,
      brokerage: 0,
      taxes: { gst: 1.09, stt: 175, stampDuty: 26.25 },
      otherCharges: { transaction: 5.69, clearing: 0, ipft: 0.18, sebiTurnover: 0.18 },
      dpPlan: { name: 'DP3A', minExpense: 18.5 },
    });
  });

  it('sends the camelCase twins', async () => {
    const { body } = await get('/v2/charges/brokerage?instrument_token=NSE_EQ%7CINE002A01018&quantity=1&product=I&transaction_type=SELL&price=100');
    const charges = (body.data as { charges: Record<string, unknown> }).charges;
    expect([charges.otherTaxes, charges.dpPlan]).toEqual([charges.other_charges, charges.dp_plan]);
  });

  it('rejects each bad input with its code', async () => {
    const base = 'instrument_token=NSE_EQ%7CINE002A01018&quantity=10&product=D&transaction_type=BUY&price=100';
    const without = (name: string) => base.split('&').filter((p) => !p.startsWith(`${name}=`)).join('&');
    const codes = await Promise.all([
      errorOf(`/v2/charges/brokerage?${base.replace('NSE_EQ%7C', 'NSE_EQ:')}`),
      errorOf(`/v2/charges/brokerage?${without('quantity')}`),
      errorOf(`/v2/charges/brokerage?${without('price')}`),
      errorOf(`/v2/charges/brokerage?${without('transaction_type')}`),
      errorOf(`/v2/charges/brokerage?${without('product')}`),
      errorOf(`/v2/charges/brokerage?${base.replace('quantity=10', 'quantity=0')}`),
      errorOf(`/v2/charges/brokerage?${base.replace('price=100', 'price=0')}`),
    ]);
    expect(codes.map((c) => c[1])).toEqual(['UDAPI1059', 'UDAPI1060', 'UDAPI1061', 'UDAPI1062', 'UDAPI1063', 'UDAPI1064', 'UDAPI1065']);
  });
});

describe('simulated expired instruments', () => {
  it('reproduces the docs expiry list', async () => {
    now = Date.parse('2025-04-18T12:00:00+05:30');
    const sample = (JSON.parse(readFileSync(resolve(SAMPLES, 'expired-expiries.json'), 'utf8')) as { data: string[] }).data;
    expect((await api.expiredExpiries(NIFTY)).data).toEqual(sample);
  });

  it('lists monthly expiries for a stock', async () => {
    expect((await api.expiredExpiries('NSE_EQ|INE002A01018')).data).toEqual(['2024-10-31', '2024-11-28', '2024-12-26', '2025-01-30', '2025-02-27', '2025-03-27']);
  });

  it('lists a call and a put per strike', async () => {
    const contracts = (await api.expiredOptionContracts(NIFTY, '2025-04-17')).data;
    const keys = new Set(contracts.map((c) => c.instrument_key));
    expect([contracts.length, keys.size, contracts.every((c) => c.instrument_key.endsWith('|17-04-2025') && c.expiry === '2025-04-17')]).toEqual([186, 186, true]);
  });

  it('lists a future only on monthly expiries', async () => {
    const weekly = (await api.expiredFutureContracts(NIFTY, '2025-04-17')).data;
    const monthly = (await api.expiredFutureContracts(NIFTY, '2025-03-27')).data;
    expect([weekly, monthly.map((c) => [c.trading_symbol, c.instrument_type, c.tick_size])]).toEqual([[], [['NIFTY FUT 27 MAR 25', 'FUT', 10]]]);
  });

  it('lists nothing for a date that is no expiry', async () => {
    expect((await api.expiredOptionContracts(NIFTY, '2025-04-16')).data).toEqual([]);
  });

  it('serves a full session of candles twice alike', async () => {
    const [contract] = (await api.expiredOptionContracts(NIFTY, '2025-04-17')).data;
    const request = { expiredInstrumentKey: contract!.instrument_key, interval: '1minute' as const, toDate: '2025-04-17', fromDate: '2025-04-17' };
    const first = await api.expiredHistoricalCandles(request);
    const second = await api.expiredHistoricalCandles(request);
    expect([first.candles.length, first.candles[0]?.[0], first.candles.at(-1)?.[0], second.rawBody === first.rawBody]).toEqual([
      375,
      '2025-04-17T15:29:00+05:30',
      '2025-04-17T09:15:00+05:30',
      true,
    ]);
  });

  it('serves no candles after expiry', async () => {
    const [contract] = (await api.expiredOptionContracts(NIFTY, '2025-04-09')).data;
    const response = await api.expiredHistoricalCandles({ expiredInstrumentKey: contract!.instrument_key, interval: 'day', toDate: '2025-04-17', fromDate: '2025-04-10' });
    expect(response.candles).toEqual([]);
  });

  it('rejects bad candle requests with their codes', async () => {
    const key = encodeURIComponent((await api.expiredOptionContracts(NIFTY, '2025-04-17')).data[0]!.instrument_key);
    const base = '/v2/expired-instruments/historical-candle';
    expect([
      await errorOf(`${base}/NSE_FO%7C242001/1minute/2025-04-17/2025-04-17`),
      await errorOf(`${base}/${key}/week/2025-04-17/2025-04-17`),
      await errorOf(`${base}/${key}/day/2025-04-01/2025-04-17`),
      await errorOf(`${base}/NSE_FO%7C99999%7C17-04-2025/day/2025-04-17/2025-04-01`),
    ]).toEqual([
      [400, 'UDAPI1021', 'expired_instrument_key'],
      [400, 'UDAPI1020', 'interval'],
      [400, 'UDAPI1015', 'to_date'],
      [400, 'UDAPI100011', 'expired_instrument_key'],
    ]);
  });

  it('rejects bad underlyings with their codes', async () => {
    const base = '/v2/expired-instruments/expiries';
    expect([
      await errorOf(base),
      await errorOf(`${base}?instrument_key=NIFTY`),
      await errorOf(`${base}?instrument_key=NSE_EQ%7CINE000X00000`),
      await errorOf(`${base}?instrument_key=MCX_FO%7C472789`),
    ]).toEqual([
      [400, 'UDAPI1009', 'instrument_key'],
      [400, 'UDAPI1011', 'instrument_key'],
      [400, 'UDAPI100011', 'instrument_key'],
      [400, 'UDAPI100011', 'instrument_key'],
    ]);
  });

  it('rejects every expired route without Upstox Plus', async () => {
    const paths = [
      '/v2/expired-instruments/expiries?instrument_key=NSE_INDEX%7CNifty%2050',
      '/v2/expired-instruments/option/contract?instrument_key=NSE_INDEX%7CNifty%2050&expiry_date=2025-04-17',
      '/v2/expired-instruments/future/contract?instrument_key=NSE_INDEX%7CNifty%2050&expiry_date=2025-03-27',
      '/v2/expired-instruments/historical-candle/NSE_FO%7C242001%7C17-04-2025/day/2025-04-17/2025-04-01',
    ];
    const results = await Promise.all(paths.map((path) => errorOf(path, LITE_TOKEN)));
    expect(results).toEqual(paths.map(() => [400, 'UDAPI1149', null]));
  });
});
