import { describe, expect, it } from 'vitest';
import { StaticNseCalendar } from '../../src/calendar/trading-calendar.js';
import type { CandleRow } from '../../src/candles/candle-row.js';
import { checkSessions, expectedBars } from '../../src/candles/session-check.js';
import { istInstant } from '../../src/time/ist.js';

const calendar = new StaticNseCalendar();
const KEY = 'NSE_EQ|INE000X01010';

function minuteBars(date: string, startMinute: number, count: number): CandleRow[] {
  return Array.from({ length: count }, (_, i) => ({
    tsMs: istInstant(date, startMinute + i),
    instrumentKey: KEY,
    interval: '1minute',
    tradeDate: date,
    open: 10, high: 11, low: 9, close: 10, volume: 1, openInterest: 0, source: 'historical' as const,
  }));
}

function check(rows: CandleRow[], fromDate = '2024-03-28', toDate = fromDate) {
  return checkSessions({ segment: 'NSE_EQ', unit: 'minutes', interval: 1, rows, fromDate, toDate, calendar });
}

describe('session check', () => {
  it('accepts a full day of 375 one-minute bars', () => {
    expect(check(minuteBars('2024-03-28', 555, 375)).problems).toEqual([]);
  });

  it('flags a short day', () => {
    expect(check(minuteBars('2024-03-28', 555, 374)).problems).toEqual(['2024-03-28: 374 of 375 1-minute bars']);
  });

  it('drops and flags a bar stamped 03:45 IST', () => {
    const result = check([...minuteBars('2024-03-28', 3 * 60 + 45, 1), ...minuteBars('2024-03-28', 555, 375)]);
    expect([result.rows.length, result.droppedOutsideSession, result.problems.length]).toEqual([375, 1, 1]);
  });

  it('flags 430 bars that run past the close', () => {
    const result = check(minuteBars('2024-03-28', 555, 430));
    expect(result.problems[0]).toMatch(/^55 bar\(s\) outside the exchange session/);
  });

  it('counts no trading day on Good Friday 2024', () => {
    expect(check([], '2024-03-29').tradingDays).toEqual([]);
  });

  it('lists the trading days of a week with a holiday', () => {
    expect(check([], '2024-03-25', '2024-03-31').tradingDays).toEqual(['2024-03-26', '2024-03-27', '2024-03-28']);
  });

  it('does not judge days before the first bar', () => {
    expect(check(minuteBars('2024-03-28', 555, 375), '2024-03-26', '2024-03-28').problems).toEqual([]);
  });

  it('flags a trading day missing after the first bar', () => {
    const rows = minuteBars('2024-03-26', 555, 375);
    expect(check(rows, '2024-03-26', '2024-03-27').problems).toEqual(['2024-03-27: 0 of 375 1-minute bars']);
  });

  it('expects 25 fifteen-minute bars and 7 hourly bars a day', () => {
    const sessions = calendar.day('NSE_EQ', '2024-03-28')!.sessions;
    expect([expectedBars(sessions, 15), expectedBars(sessions, 60)]).toEqual([25, 7]);
  });

  it('skips segments the calendar does not cover', () => {
    const result = checkSessions({ segment: 'MCX_FO', unit: 'minutes', interval: 1, rows: [], fromDate: '2024-03-29', toDate: '2024-03-29', calendar });
    expect(result.checked).toBe(false);
  });

  it('flags a daily bar on a holiday', () => {
    const row = { ...minuteBars('2024-03-29', 0, 1)[0]!, interval: '1day' };
    const result = checkSessions({ segment: 'NSE_EQ', unit: 'days', interval: 1, rows: [row], fromDate: '2024-03-29', toDate: '2024-03-29', calendar });
    expect(result.problems).toEqual(['2024-03-29: a daily bar on a day the calendar has as closed']);
  });
});
