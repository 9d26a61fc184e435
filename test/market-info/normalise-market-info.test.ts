import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarketInfoValueError, normaliseHolidays, normaliseMarketStatus, normaliseTimings } from '../../src/normalise/market-info.js';
import type { ExchangeWindowData, HolidayData, MarketStatusData } from '../../src/upstox/market-info.js';

const SAMPLES = resolve(import.meta.dirname, '..', '..', 'vendor', 'upstox', 'samples');

function sample<T>(name: string): T {
  return (JSON.parse(readFileSync(resolve(SAMPLES, name), 'utf8')) as { data: T }).data;
}

describe('market status normaliser', () => {
  it('converts the sample', () => {
    const data = sample<MarketStatusData>('market-status.json');
    expect(normaliseMarketStatus(data)).toEqual({
      exchange: 'NSE',
      status: 'NORMAL_OPEN',
      last_updated: '2024-01-18T03:45:00.000Z',
      cas_status: null,
      cas_last_updated: null,
      raw: { exchange: 'NSE', status: 'NORMAL_OPEN', last_updated: 1705549500000 },
    });
  });

  it('keeps the closing auction status', () => {
    const data = { exchange: 'NSE', status: 'CLOSING_START', last_updated: 1705571400000, cas_eligible_status: { status: 'CAS_LM_START', last_updated: 1705571700000 } };
    const row = normaliseMarketStatus(data);
    expect([row.last_updated, row.cas_status, row.cas_last_updated]).toEqual(['2024-01-18T09:50:00.000Z', 'CAS_LM_START', '2024-01-18T09:55:00.000Z']);
  });

  it('rejects epoch seconds', () => {
    expect(() => normaliseMarketStatus({ exchange: 'NSE', status: 'NORMAL_OPEN', last_updated: 1705549500 })).toThrow(/NSE last_updated is 1705549500, which is not epoch milliseconds/);
  });
});

describe('holiday normaliser', () => {
  const raw = sample<HolidayData[]>('market-holidays.json');
  const closed = (date: string, exchange: string, description: string, entry: HolidayData) => ({
    date,
    exchange,
    description,
    holiday_type: 'TRADING_HOLIDAY',
    closed_all_day: true,
    open_start: null,
    open_end: null,
    raw: entry,
  });
  const open = (date: string, exchange: string, description: string, start: string, end: string, entry: HolidayData) => ({
    date,
    exchange,
    description,
    holiday_type: 'TRADING_HOLIDAY',
    closed_all_day: false,
    open_start: start,
    open_end: end,
    raw: entry,
  });

  it('converts the list sample', () => {
    const [newYear, saturday, republic] = raw as [HolidayData, HolidayData, HolidayData];
    const ny = (exchange: string, start: string, end: string) => open('2024-01-01', exchange, 'New Year Day', start, end, newYear);
    const sat = (exchange: string) => open('2024-01-20', exchange, 'Special DR Trading', '2024-01-20T03:45:00.000Z', '2024-01-20T07:00:00.000Z', saturday);
    expect(normaliseHolidays(raw)).toEqual({
      rows: [
        ny('MCX', '2024-01-01T03:30:00.000Z', '2024-01-01T11:30:00.000Z'),
        ny('NSE', '2024-01-01T03:45:00.000Z', '2024-01-01T10:00:00.000Z'),
        ny('NFO', '2024-01-01T03:45:00.000Z', '2024-01-01T10:00:00.000Z'),
        ny('CDS', '2024-01-01T03:30:00.000Z', '2024-01-01T11:30:00.000Z'),
        ny('BSE', '2024-01-01T03:45:00.000Z', '2024-01-01T10:00:00.000Z'),
        ny('BCD', '2024-01-01T03:30:00.000Z', '2024-01-01T11:30:00.000Z'),
        ny('BFO', '2024-01-01T03:45:00.000Z', '2024-01-01T10:00:00.000Z'),
        closed('2024-01-20', 'MCX', 'Special DR Trading', saturday),
        closed('2024-01-20', 'CDS', 'Special DR Trading', saturday),
        closed('2024-01-20', 'BCD', 'Special DR Trading', saturday),
        sat('NSE'),
        sat('NFO'),
        sat('BSE'),
        sat('BFO'),
        ...['NFO', 'CDS', 'BSE', 'BCD', 'MCX', 'NSE', 'BFO'].map((exchange) => closed('2024-01-26', exchange, 'Republic Day', republic)),
      ],
      withoutExchanges: [],
    });
  });

  it('converts the one-date sample', () => {
    const data = sample<HolidayData[]>('market-holiday-on-date.json');
    expect(normaliseHolidays(data)).toEqual({
      rows: ['NFO', 'CDS', 'BSE', 'BCD', 'MCX', 'NSE', 'BFO'].map((exchange) => closed('2024-01-26', exchange, 'Republic Day', data[0]!)),
      withoutExchanges: [],
    });
  });

  it('merges two windows of one exchange', () => {
    const entry: HolidayData = {
      date: '2024-03-02',
      description: 'Special session',
      holiday_type: 'SPECIAL_TIMING',
      closed_exchanges: [],
      open_exchanges: [
        { exchange: 'NSE', start_time: 1709351100000, end_time: 1709353800000 },
        { exchange: 'NSE', start_time: 1709359200000, end_time: 1709362800000 },
      ],
    };
    const rows = normaliseHolidays([entry]).rows;
    expect(rows.map((r) => [r.exchange, r.open_start, r.open_end])).toEqual([['NSE', '2024-03-02T03:45:00.000Z', '2024-03-02T07:00:00.000Z']]);
  });

  it('lists an entry without exchanges', () => {
    const result = normaliseHolidays([{ date: '2024-04-01', description: 'Annual closing', holiday_type: 'SETTLEMENT_HOLIDAY', closed_exchanges: [], open_exchanges: [] }]);
    expect(result).toEqual({ rows: [], withoutExchanges: ['2024-04-01'] });
  });

  it('reads a date-time date as its IST date', () => {
    const rows = normaliseHolidays([{ date: '2024-03-28T18:30:00Z', description: 'Good Friday', holiday_type: 'TRADING_HOLIDAY', closed_exchanges: ['NSE'] }]).rows;
    expect(rows.map((r) => r.date)).toEqual(['2024-03-29']);
  });

  it('rejects an exchange both closed and open', () => {
    const entry = { date: '2024-01-01', closed_exchanges: ['MCX'], open_exchanges: [{ exchange: 'MCX', start_time: 1704079800000, end_time: 1704108600000 }] };
    expect(() => normaliseHolidays([entry])).toThrow(/2024-01-01: MCX is listed both as closed and as open/);
  });

  it('rejects a window on another day', () => {
    const entry = { date: '2024-01-02', closed_exchanges: [], open_exchanges: [{ exchange: 'MCX', start_time: 1704079800000, end_time: 1704108600000 }] };
    expect(() => normaliseHolidays([entry])).toThrow(MarketInfoValueError);
  });

  it('rejects a window that ends before it starts', () => {
    const entry = { date: '2024-01-01', closed_exchanges: [], open_exchanges: [{ exchange: 'NSE', start_time: 1704103200000, end_time: 1704080700000 }] };
    expect(() => normaliseHolidays([entry])).toThrow(/is not one trading session/);
  });

  it('rejects a date that is not a date', () => {
    expect(() => normaliseHolidays([{ date: '26-01-2024', closed_exchanges: ['NSE'] }])).toThrow(/"26-01-2024", which is not a calendar date/);
  });
});

describe('timings normaliser', () => {
  const data = sample<ExchangeWindowData[]>('market-timings.json');

  it('converts the sample under its timestamps date', () => {
    const row = (exchange: string, start: string, end: string) => ({ date: '2024-01-01', exchange, start_time: start, end_time: end });
    expect(normaliseTimings('2024-01-01', data)).toEqual([
      row('MCX', '2024-01-01T03:30:00.000Z', '2024-01-01T11:30:00.000Z'),
      row('NSE', '2024-01-01T03:45:00.000Z', '2024-01-01T10:00:00.000Z'),
      row('NFO', '2024-01-01T03:45:00.000Z', '2024-01-01T10:00:00.000Z'),
      row('CDS', '2024-01-01T03:30:00.000Z', '2024-01-01T11:30:00.000Z'),
      row('BSE', '2024-01-01T03:45:00.000Z', '2024-01-01T10:00:00.000Z'),
      row('BCD', '2024-01-01T03:30:00.000Z', '2024-01-01T11:30:00.000Z'),
      row('BFO', '2024-01-01T03:45:00.000Z', '2024-01-01T10:00:00.000Z'),
    ]);
  });

  it('rejects the sample under its request date', () => {
    // The docs requested 2024-01-22 but print the timestamps of 2024-01-01.
    expect(() => normaliseTimings('2024-01-22', data)).toThrow(/MCX opens at 2024-01-01T03:30:00.000Z, which is on 2024-01-01 in IST, not on 2024-01-22/);
  });

  it('returns no rows for a closed day', () => {
    expect(normaliseTimings('2024-01-26', [])).toEqual([]);
  });

  it('rejects an exchange listed twice', () => {
    const window = { exchange: 'NSE', start_time: 1704080700000, end_time: 1704103200000 };
    expect(() => normaliseTimings('2024-01-01', [window, window])).toThrow(/NSE is listed twice/);
  });
});
