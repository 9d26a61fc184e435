import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { UpstoxPlanRequiredError, UpstoxSchemaError } from '../../src/upstox/errors.js';
import { searchAllInstruments } from '../../src/upstox/market-info.js';
import { CannedServer } from '../support/canned-server.js';

const SAMPLES = resolve(import.meta.dirname, '..', '..', 'vendor', 'upstox', 'samples');
const TOKEN = 'market-info-client-token';

function body(name: string): string {
  return readFileSync(resolve(SAMPLES, name), 'utf8');
}

function dataOf(name: string): unknown {
  return (JSON.parse(body(name)) as { data: unknown }).data;
}

const server = new CannedServer();
let api: ReturnType<typeof createUpstoxClient>;

beforeAll(async () => {
  await server.start();
  api = createUpstoxClient({ baseUrl: server.url, token: TOKEN, requestTimeoutMs: 5_000 });
});
afterAll(async () => {
  await api.close();
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
});

const reply = (name: string) => server.enqueue({ status: 200, body: body(name) });

describe('instrument search client', () => {
  it('parses the sample', async () => {
    reply('instrument-search.json');
    const page = await api.searchInstruments({ query: 'nifty 25800 ce' });
    expect(page).toEqual({
      instruments: [
        {
          weekly: true,
          segment: 'NSE_FO',
          name: 'NIFTY',
          exchange: 'NSE',
          expiry: 1794335399000,
          instrument_type: 'CE',
          asset_symbol: 'NIFTY',
          underlying_symbol: 'NIFTY',
          instrument_key: 'NSE_FO|49875',
          lot_size: 65,
          freeze_quantity: 3510,
          exchange_token: '49875',
          minimum_lot: 65,
          asset_key: 'NSE_INDEX|Nifty 50',
          underlying_key: 'NSE_INDEX|Nifty 50',
          tick_size: 5,
          asset_type: 'INDEX',
          underlying_type: 'INDEX',
          trading_symbol: 'NIFTY 25800 CE 10 NOV 26',
          strike_price: 25800,
          qty_multiplier: 1,
        },
      ],
      page: { pageNumber: 1, totalPages: 1, records: 1, totalRecords: 1 },
      path: '/v2/instruments/search?query=nifty%2025800%20ce',
    });
  });

  it('encodes every parameter once', async () => {
    reply('instrument-search.json');
    await api.searchInstruments({ query: 'nifty 25800 ce', exchanges: ['NSE'], segments: ['FO', 'OPT'], instrumentTypes: ['CE', 'PE'], expiry: 'next_week', atmOffset: -1, pageNumber: 2, records: 30 });
    expect(server.requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', '/v2/instruments/search?query=nifty%2025800%20ce&exchanges=NSE&segments=FO,OPT&instrument_types=CE,PE&expiry=next_week&atm_offset=-1&page_number=2&records=30'],
    ]);
  });

  it('rejects a body without meta_data', async () => {
    server.enqueue({ status: 200, body: JSON.stringify({ status: 'success', data: [] }) });
    await expect(api.searchInstruments({ query: 'nifty' })).rejects.toThrow(UpstoxSchemaError);
  });

  it('walks every page', async () => {
    const page = (n: number, key: string) => ({
      status: 200,
      body: JSON.stringify({ status: 'success', data: [{ instrument_key: key }], meta_data: { page: { page_number: n, total_pages: 2, records: 1, total_records: 2 } } }),
    });
    server.enqueue(page(1, 'NSE_EQ|INE002A01018'), page(2, 'NSE_EQ|INE009A01021'));
    const rows = await searchAllInstruments(api, { query: 'reliance', records: 1 });
    expect([rows.map((r) => r.instrument_key), server.requests.length]).toEqual([['NSE_EQ|INE002A01018', 'NSE_EQ|INE009A01021'], 2]);
  });

  it('rejects more than 30 records before sending', async () => {
    await expect(api.searchInstruments({ query: 'nifty', records: 31 })).rejects.toThrow(/invalid records 31: Upstox returns 1 to 30 rows per page/);
    expect(server.requests.length).toBe(0);
  });
});

describe('brokerage client', () => {
  const request = { instrumentKey: 'NSE_EQ|INE848E01016', quantity: 100, product: 'D', transactionType: 'BUY' as const, price: 1750 };
  const charges = {
    total: 208.27,
    brokerage: 0,
    taxes: { gst: 1.02, stt: 175, stampDuty: 26.23 },
    otherCharges: { transaction: 5.68, clearing: 0, ipft: 0.17, sebiTurnover: 0.17 },
    dpPlan: { name: 'DP3A', minExpense: 18.5 },
  };

  it('parses the sample', async () => {
    reply('brokerage-details.json');
    const result = await api.brokerageDetails(request);
    expect(result).toEqual({ charges, path: '/v2/charges/brokerage?instrument_token=NSE_EQ%7CINE848E01016&quantity=100&product=D&transaction_type=BUY&price=1750' });
  });

  it('reads the camelCase twins alone', async () => {
    const sample = JSON.parse(body('brokerage-details.json')) as { data: { charges: Record<string, unknown> } };
    delete sample.data.charges.other_charges;
    delete sample.data.charges.dp_plan;
    server.enqueue({ status: 200, body: JSON.stringify(sample) });
    expect((await api.brokerageDetails(request)).charges).toEqual(charges);
  });

  it('rejects a zero quantity before sending', async () => {
    await expect(api.brokerageDetails({ ...request, quantity: 0 })).rejects.toThrow(/invalid quantity 0/);
    expect(server.requests.length).toBe(0);
  });
});

describe('market information client', () => {
  it('parses the status sample', async () => {
    reply('market-status.json');
    const response = await api.marketStatus('NSE');
    expect([response.path, response.data]).toEqual(['/v2/market/status/NSE', dataOf('market-status.json')]);
  });

  it('parses the holiday samples', async () => {
    reply('market-holidays.json');
    reply('market-holiday-on-date.json');
    const list = await api.marketHolidays();
    const one = await api.marketHolidaysOn('2024-01-26');
    expect([list.path, list.data, one.path, one.data]).toEqual([
      '/v2/market/holidays',
      dataOf('market-holidays.json'),
      '/v2/market/holidays/2024-01-26',
      dataOf('market-holiday-on-date.json'),
    ]);
  });

  it('parses the timings sample', async () => {
    reply('market-timings.json');
    const response = await api.marketTimings('2024-01-22');
    expect([response.path, response.data]).toEqual(['/v2/market/timings/2024-01-22', dataOf('market-timings.json')]);
  });

  it('rejects an unknown exchange before sending', async () => {
    await expect(api.marketStatus('NYSE' as 'NSE')).rejects.toThrow(/invalid exchange "NYSE": expected one of NSE, NFO, CDS, BSE, BFO, BCD, MCX, NSCOM/);
    expect(server.requests.length).toBe(0);
  });

  it('rejects a status without last_updated', async () => {
    server.enqueue({ status: 200, body: JSON.stringify({ status: 'success', data: { exchange: 'NSE', status: 'NORMAL_OPEN' } }) });
    await expect(api.marketStatus('NSE')).rejects.toThrow(/data.last_updated/);
  });
});

describe('expired instruments client', () => {
  it('parses the expiries sample', async () => {
    reply('expired-expiries.json');
    const response = await api.expiredExpiries('NSE_INDEX|Nifty 50');
    expect([response.path, response.data]).toEqual(['/v2/expired-instruments/expiries?instrument_key=NSE_INDEX%7CNifty%2050', dataOf('expired-expiries.json')]);
  });

  it('parses the contract samples', async () => {
    reply('expired-option-contracts.json');
    reply('expired-future-contracts.json');
    const options = await api.expiredOptionContracts('NSE_INDEX|Nifty 50', '2025-04-17');
    const futures = await api.expiredFutureContracts('NSE_INDEX|Nifty 50', '2025-04-24');
    expect([options.path, options.data, futures.path, futures.data]).toEqual([
      '/v2/expired-instruments/option/contract?instrument_key=NSE_INDEX%7CNifty%2050&expiry_date=2025-04-17',
      dataOf('expired-option-contracts.json'),
      '/v2/expired-instruments/future/contract?instrument_key=NSE_INDEX%7CNifty%2050&expiry_date=2025-04-24',
      dataOf('expired-future-contracts.json'),
    ]);
  });

  it('parses the candle sample', async () => {
    reply('expired-historical-candle.json');
    const response = await api.expiredHistoricalCandles({ expiredInstrumentKey: 'NSE_FO|47983|17-04-2025', interval: '1minute', toDate: '2025-04-17', fromDate: '2025-04-17' });
    expect([response.path, response.candles]).toEqual([
      '/v2/expired-instruments/historical-candle/NSE_FO%7C47983%7C17-04-2025/1minute/2025-04-17/2025-04-17',
      (dataOf('expired-historical-candle.json') as { candles: unknown }).candles,
    ]);
  });

  it('throws the plan error on UDAPI1149', async () => {
    server.enqueue({
      status: 400,
      body: JSON.stringify({ status: 'error', errors: [{ errorCode: 'UDAPI1149', message: 'This API is available only with Upstox Plus', error_code: 'UDAPI1149' }] }),
    });
    const failure = api.expiredExpiries('NSE_INDEX|Nifty 50');
    await expect(failure).rejects.toThrow(UpstoxPlanRequiredError);
    await expect(failure).rejects.toThrow(/needs an Upstox Plus plan, which this account does not have/);
  });

  it('rejects an MCX underlying before sending', async () => {
    await expect(api.expiredExpiries('MCX_FO|472789')).rejects.toThrow(/the expired-instrument APIs do not cover MCX/);
    expect(server.requests.length).toBe(0);
  });

  it('rejects a live key for candles', async () => {
    await expect(api.expiredHistoricalCandles({ expiredInstrumentKey: 'NSE_FO|47983', interval: 'day', toDate: '2025-04-17', fromDate: '2025-04-01' })).rejects.toThrow(
      /invalid expired instrument key "NSE_FO\|47983": expected SEGMENT\|TOKEN\|DD-MM-YYYY/,
    );
  });
});
