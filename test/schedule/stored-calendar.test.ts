import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticNseCalendar } from '../../src/calendar/trading-calendar.js';
import { completeness } from '../../src/schedule/completeness.js';
import { exchangeCalendarOf, skipReason } from '../../src/schedule/session-gate.js';
import { storedExchangeCalendar } from '../../src/schedule/stored-calendar.js';
import { replaceHolidayYear, replaceTimings } from '../../src/stores/postgres/market-calendar.js';
import { PostgresStore } from '../../src/stores/postgres/store.js';
import { istInstant } from '../../src/time/ist.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

let ctx: TestContext;
let calendar: ReturnType<typeof storedExchangeCalendar>;
const iso = (date: string, minute: number) => new Date(istInstant(date, minute)).toISOString();
const hm = (h: number, m: number) => h * 60 + m;

beforeAll(async () => {
  ctx = await createTestContext();
  const store = new PostgresStore(ctx.pool);
  // 2024: Good Friday closes NSE all day, while MCX trades its evening session.
  await replaceHolidayYear(
    store,
    2024,
    [
      { date: '2024-03-29', exchange: 'NSE', description: 'Good Friday', holiday_type: 'TRADING_HOLIDAY', closed_all_day: true, open_start: null, open_end: null, raw: {} },
      { date: '2024-03-29', exchange: 'MCX', description: 'Good Friday', holiday_type: 'TRADING_HOLIDAY', closed_all_day: false, open_start: iso('2024-03-29', hm(17, 0)), open_end: iso('2024-03-29', hm(23, 55)), raw: {} },
    ],
    2,
  );
  await replaceTimings(store, '2024-03-28', [
    { date: '2024-03-28', exchange: 'NSE', start_time: iso('2024-03-28', hm(9, 15)), end_time: iso('2024-03-28', hm(15, 30)) },
    { date: '2024-03-28', exchange: 'MCX', start_time: iso('2024-03-28', hm(9, 0)), end_time: iso('2024-03-28', hm(23, 55)) },
  ]);
  calendar = storedExchangeCalendar(store, exchangeCalendarOf(new StaticNseCalendar()), 0);
});
afterAll(async () => {
  await ctx.cleanup();
});

const mcxPoll = { id: 'quotes-mcx', exchange: 'MCX', during: 'session' as const };
const nsePoll = { id: 'quotes-nse', exchange: 'NSE', during: 'session' as const };

describe('stored exchange calendar', () => {
  it('keeps MCX polling until its 23:55 close', async () => {
    expect(await skipReason(mcxPoll, istInstant('2024-03-28', hm(23, 54)), calendar)).toBeUndefined();
  });

  it('stops MCX polling after its close', async () => {
    expect(await skipReason(mcxPoll, istInstant('2024-03-28', hm(23, 56)), calendar)).toMatch(/outside its session/);
  });

  it('stops NSE polling at 15:30 the same day', async () => {
    expect(await skipReason(nsePoll, istInstant('2024-03-28', hm(15, 30)), calendar)).toMatch(/outside its session/);
  });

  it('skips NSE on Good Friday', async () => {
    expect(await skipReason(nsePoll, istInstant('2024-03-29', hm(10, 0)), calendar)).toBe('NSE does not trade on 2024-03-29');
  });

  it('polls MCX in its Good Friday evening session', async () => {
    expect(await skipReason(mcxPoll, istInstant('2024-03-29', hm(18, 0)), calendar)).toBeUndefined();
  });

  it('expects no NSE polls but the MCX evening ones on Good Friday', async () => {
    const rows = await completeness(
      [
        { id: 'quotes-nse', jobName: 'quotes-ltp', pattern: '* * * * *', stamp: nsePoll },
        { id: 'quotes-mcx', jobName: 'quotes-ltp', pattern: '* * * * *', stamp: mcxPoll },
      ],
      [],
      '2024-03-29',
      calendar,
    );
    expect(rows.map((r) => [r.scheduleId, r.expected])).toEqual([
      ['quotes-nse', 0],
      ['quotes-mcx', 415],
    ]);
  });

  it('falls back to the built-in calendar for years not stored', async () => {
    expect(await skipReason(nsePoll, istInstant('2025-02-26', hm(10, 0)), calendar)).toBe('NSE does not trade on 2025-02-26');
  });
});
