import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amount, calendarDate, financialYearOf, financialYearRange, isFinancialYear, istTimestamp } from '../../src/normalise/account-values.js';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { UpstoxSchemaError } from '../../src/upstox/errors.js';
import { CannedServer } from '../support/canned-server.js';
import { sampleBody } from './samples.js';

describe('IST timestamps', () => {
  it('reads YYYY-MM-DD HH:mm:ss as IST', () => {
    expect(istTimestamp('2023-10-19 09:23:23', 'order_timestamp')).toBe('2023-10-19T03:53:23.000Z');
  });

  it('reads dd-MMM-yyyy HH:mm:ss as IST', () => {
    expect(istTimestamp('03-Aug-2017 15:03:42', 'exchange_timestamp')).toBe('2017-08-03T09:33:42.000Z');
  });

  it('reads a month name in any case', () => {
    expect(istTimestamp('03-AUG-2017 00:10:00', 'exchange_timestamp')).toBe('2017-08-02T18:40:00.000Z');
  });

  it('reads a fractional second', () => {
    expect(istTimestamp('2025-03-11 00:00:00.0', 'created')).toBe('2025-03-10T18:30:00.000Z');
  });

  it('reads an ISO time with its own offset', () => {
    expect(istTimestamp('2024-03-28T09:15:00+05:30', 'order_timestamp')).toBe('2024-03-28T03:45:00.000Z');
  });

  it('returns null for null and empty', () => {
    expect(istTimestamp(null, 'order_timestamp')).toBeNull();
    expect(istTimestamp('', 'order_timestamp')).toBeNull();
    expect(istTimestamp(undefined, 'order_timestamp')).toBeNull();
  });

  it('rejects a date that does not exist', () => {
    expect(() => istTimestamp('2023-02-29 10:00:00', 'order_timestamp')).toThrow(/invalid order_timestamp "2023-02-29 10:00:00"/);
  });

  it('rejects an unknown month name', () => {
    expect(() => istTimestamp('03-Foo-2017 15:03:42', 'exchange_timestamp')).toThrow(/expected an IST time/);
  });
});

describe('calendar dates', () => {
  it('reads dd-mm-yyyy', () => {
    expect(calendarDate('14-09-2021', 'buy_date')).toBe('2021-09-14');
  });

  it('reads YYYY-MM-DD', () => {
    expect(calendarDate('2023-03-28', 'trade_date')).toBe('2023-03-28');
  });

  it('returns null for an empty expiry', () => {
    expect(calendarDate('', 'expiry')).toBeNull();
  });
});

describe('amounts', () => {
  it('turns -0 into 0', () => {
    expect(Object.is(amount(-0), 0)).toBe(true);
  });

  it('keeps null and undefined as null', () => {
    expect(amount(null)).toBeNull();
    expect(amount(undefined)).toBeNull();
  });
});

describe('financial years', () => {
  it('names FY 2023-24 2324 in March 2024', () => {
    expect(financialYearOf('2024-03-28')).toBe('2324');
  });

  it('names FY 2024-25 2425 in April 2024', () => {
    expect(financialYearOf('2024-04-01')).toBe('2425');
  });

  it('names FY 1999-2000 9900', () => {
    expect(isFinancialYear('9900')).toBe(true);
  });

  it('rejects a year pair out of order', () => {
    expect(isFinancialYear('2325')).toBe(false);
  });

  it('spans April to March', () => {
    expect(financialYearRange('2324')).toEqual({ from: '2023-04-01', to: '2024-03-31' });
  });
});

describe('account client pages', () => {
  const server = new CannedServer();
  let api: ReturnType<typeof createUpstoxClient>;
  const historical = sampleBody('historical-trades.json');

  beforeAll(async () => {
    await server.start();
    api = createUpstoxClient({ baseUrl: server.url, token: 'pages-test-token', requestTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await api.close();
    await server.stop();
  });

  const request = { startDate: '2023-03-01', endDate: '2023-03-31', pageNumber: 1, pageSize: 15 };
  const page = { pageNumber: 1, pageSize: 15, totalRecords: 15, totalPages: 1 };

  it('reads the page block under meta_data', async () => {
    server.enqueue({ status: 200, body: JSON.stringify(historical) });
    expect((await api.historicalTrades(request)).page).toEqual(page);
  });

  it('reads the page block under metaData', async () => {
    const { meta_data: block, ...rest } = historical;
    server.enqueue({ status: 200, body: JSON.stringify({ ...rest, metaData: block }) });
    expect((await api.historicalTrades(request)).page).toEqual(page);
  });

  it('sends the query of a historical trades page', async () => {
    server.enqueue({ status: 200, body: JSON.stringify(historical) });
    await api.historicalTrades({ ...request, segment: 'EQ', pageNumber: 2 });
    expect(server.requests.at(-1)?.url).toBe('/v2/charges/historical-trades?segment=EQ&start_date=2023-03-01&end_date=2023-03-31&page_number=2&page_size=15');
  });

  it('reads the P&L page block under metadata', async () => {
    server.enqueue({ status: 200, body: JSON.stringify(sampleBody('pnl-report-data.json')) });
    const response = await api.pnlReport({ segment: 'EQ', financialYear: '2324', pageNumber: 1, pageSize: 2 });
    expect(response.page).toEqual({ pageNumber: 1, pageSize: 2 });
  });

  it('quarantines a malformed page block', async () => {
    server.enqueue({ status: 200, body: JSON.stringify({ ...historical, meta_data: { page: { page_number: 'one' } } }) });
    await expect(api.historicalTrades(request)).rejects.toBeInstanceOf(UpstoxSchemaError);
  });

  it('rejects a page size above 5000 before sending', async () => {
    const sent = server.requests.length;
    await expect(api.historicalTrades({ ...request, pageSize: 5001 })).rejects.toThrow(/invalid page_size 5001/);
    expect(server.requests.length).toBe(sent);
  });

  it('rejects an order id with a slash', async () => {
    await expect(api.orderDetails('12/34')).rejects.toThrow(/invalid order id "12\/34"/);
  });

  it('rejects MF pages above 30 records', async () => {
    await expect(api.mfOrders({ pageNumber: 1, records: 31 })).rejects.toThrow(/invalid records 31/);
  });
});
