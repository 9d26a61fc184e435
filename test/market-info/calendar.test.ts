import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresTradingCalendar } from '../../src/calendar/postgres-calendar.js';
import { normaliseHolidays, normaliseTimings } from '../../src/normalise/market-info.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { exchangeSessions, replaceHolidayYear, replaceTimings } from '../../src/stores/postgres/market-calendar.js';
import { PostgresStore } from '../../src/stores/postgres/store.js';
import { istInstant } from '../../src/time/ist.js';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

const TOKEN = 'market-calendar-token';
let ctx: TestContext;
let sim: RunningSimulator;
let store: PostgresStore;
let calendar: PostgresTradingCalendar;

beforeAll(async () => {
  ctx = await createTestContext();
  store = new PostgresStore(ctx.pool);
  sim = await startSimulator({ tokens: { [TOKEN]: 'main' }, now: () => Date.parse('2024-06-01T12:00:00+05:30') });
  const api = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 10_000 });
  try {
    // A holiday that is not in Upstox's list, which storing the list must remove.
    await store.upsert('market_holidays', ['date', 'exchange'], [
      { date: '2024-07-01', exchange: 'NSE', description: 'stale', holiday_type: 'TRADING_HOLIDAY', closed_all_day: true, open_start: null, open_end: null, raw: {} },
    ]);
    const holidays = await api.marketHolidays();
    await replaceHolidayYear(store, 2024, normaliseHolidays(holidays.data).rows, holidays.data.length);
    const timings = await api.marketTimings('2024-03-28');
    await replaceTimings(store, '2024-03-28', normaliseTimings('2024-03-28', timings.data));
  } finally {
    await api.close();
  }
  calendar = await PostgresTradingCalendar.load(store, '2024-01-01', '2025-12-31');
});
afterAll(async () => {
  await sim.close();
  await ctx.cleanup();
});

describe('stored trading calendar', () => {
  it('closes NSE on Good Friday', () => {
    expect(calendar.day('NSE_EQ', '2024-03-29')).toEqual({ date: '2024-03-29', kind: 'holiday', sessions: [] });
  });

  it('gives the MCX window on Good Friday', () => {
    expect(calendar.day('MCX_FO', '2024-03-29')).toEqual({ date: '2024-03-29', kind: 'special', sessions: [{ startMinute: 17 * 60, endMinute: 23 * 60 + 30 }] });
  });

  it('reads one exchange day from the store', async () => {
    expect(await exchangeSessions(store, 'MCX', '2024-03-29')).toEqual({
      exchange: 'MCX',
      date: '2024-03-29',
      kind: 'special',
      sessions: [{ startMs: istInstant('2024-03-29', 17 * 60), endMs: istInstant('2024-03-29', 23 * 60 + 30) }],
      source: 'holidays',
      description: 'Trading Holiday',
    });
  });

  it('closes NFO on Good Friday in the store', async () => {
    const day = await exchangeSessions(store, 'NFO', '2024-03-29');
    expect([day?.kind, day?.sessions, day?.source]).toEqual(['holiday', [], 'holidays']);
  });

  it('uses stored timings', () => {
    expect(calendar.exchangeDay('MCX', '2024-03-28')).toEqual({
      exchange: 'MCX',
      date: '2024-03-28',
      kind: 'regular',
      sessions: [{ startMs: istInstant('2024-03-28', 9 * 60), endMs: istInstant('2024-03-28', 23 * 60 + 30) }],
      source: 'timings',
      description: null,
    });
  });

  it('gives the usual session on an ordinary weekday', () => {
    expect(calendar.day('NSE_FO', '2024-04-02')).toEqual({ date: '2024-04-02', kind: 'regular', sessions: [{ startMinute: 555, endMinute: 930 }] });
  });

  it('opens NSE on a special Saturday', () => {
    expect(calendar.day('NSE_EQ', '2024-03-02')).toEqual({ date: '2024-03-02', kind: 'special', sessions: [{ startMinute: 555, endMinute: 750 }] });
  });

  it('closes MCX on a special Saturday', () => {
    expect(calendar.day('MCX_FO', '2024-03-02')?.sessions).toEqual([]);
  });

  it('closes a Sunday', () => {
    expect(calendar.day('BSE_EQ', '2024-03-31')).toEqual({ date: '2024-03-31', kind: 'weekend', sessions: [] });
  });

  it('removes holidays that left the list', async () => {
    expect(await exchangeSessions(store, 'NSE', '2024-07-01')).toMatchObject({ kind: 'regular', source: 'default' });
  });

  it('does not answer for a year without its list', () => {
    expect(calendar.day('NSE_EQ', '2025-04-18')).toBeUndefined();
  });

  it('does not answer for global indices', () => {
    expect(calendar.day('GLOBAL_INDEX', '2024-03-28')).toBeUndefined();
  });
});
