import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticNseCalendar } from '../../src/calendar/trading-calendar.js';
import { completeness, slotsOn, type ReportedSchedule, type ScheduledRun } from '../../src/schedule/completeness.js';
import { exchangeCalendarOf } from '../../src/schedule/session-gate.js';
import { readCompleteness, saveCompleteness, scheduledRunsOn } from '../../src/stores/postgres/completeness.js';
import { recordRun } from '../../src/stores/postgres/run-history.js';
import { PostgresStore } from '../../src/stores/postgres/store.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

const calendar = exchangeCalendarOf(new StaticNseCalendar());
const ltp: ReportedSchedule = { id: 'quotes-ltp-core', jobName: 'quotes-ltp', pattern: '* 9-15 * * *', stamp: { id: 'quotes-ltp-core', exchange: 'NSE', during: 'session' } };
const eod: ReportedSchedule = { id: 'eod-candles', jobName: 'candles-eod', pattern: '40 15 * * 1-5', stamp: { id: 'eod-candles', exchange: 'NSE', during: 'trading-day' } };
const muhurat: ReportedSchedule = { id: 'quotes-any-hour', jobName: 'quotes-ltp', pattern: '* * * * *', stamp: { id: 'quotes-any-hour', exchange: 'NSE', during: 'session' } };

const allCompleted = (schedule: ReportedSchedule, date: string): ScheduledRun[] =>
  slotsOn(schedule.pattern, date).map((slotMs) => ({ scheduleId: schedule.id, slotMs, outcome: 'completed' }));

describe('completeness report', () => {
  it('expects 375 one-minute polls on a regular NSE day', async () => {
    const [row] = await completeness([ltp], [], '2024-03-28', calendar);
    expect([row?.expected, row?.missing]).toEqual([375, 375]);
  });

  it('reports 100% when every slot completed', async () => {
    const [row] = await completeness([ltp], allCompleted(ltp, '2024-03-28'), '2024-03-28', calendar);
    expect([row?.expected, row?.received, row?.missing]).toEqual([375, 375, 0]);
  });

  it('expects nothing and flags nothing on Good Friday 2024', async () => {
    const rows = await completeness([ltp, eod], [], '2024-03-29', calendar);
    expect(rows.map((r) => [r.expected, r.missing])).toEqual([[0, 0], [0, 0]]);
  });

  it('expects the Muhurat hour of 2024-11-01 only', async () => {
    const [row] = await completeness([muhurat], [], '2024-11-01', calendar);
    expect([row?.expected, row?.missingSlots[0]]).toEqual([60, '2024-11-01T12:30:00.000Z']);
  });

  it('counts a slot whose only run failed', async () => {
    const slot = slotsOn(eod.pattern, '2024-03-28')[0]!;
    const [row] = await completeness([eod], [{ scheduleId: eod.id, slotMs: slot, outcome: 'failed' }], '2024-03-28', calendar);
    expect([row?.expected, row?.received, row?.failed, row?.missing]).toEqual([1, 0, 1, 1]);
  });

  it('counts a retried slot once it completed', async () => {
    const slot = slotsOn(eod.pattern, '2024-03-28')[0]!;
    const runs = [{ scheduleId: eod.id, slotMs: slot, outcome: 'retrying' }, { scheduleId: eod.id, slotMs: slot, outcome: 'completed' }];
    const [row] = await completeness([eod], runs, '2024-03-28', calendar);
    expect([row?.received, row?.failed, row?.missing]).toEqual([1, 0, 0]);
  });
});

describe('completeness report storage', () => {
  let ctx: TestContext;
  let store: PostgresStore;

  beforeAll(async () => {
    ctx = await createTestContext();
    store = new PostgresStore(ctx.pool);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('finds runs by the slot in their job id', async () => {
    const slot = slotsOn(eod.pattern, '2024-03-28')[0]!;
    const started = new Date(slot + 5_000);
    await recordRun(ctx.pool, { jobId: `repeat:eod-candles:${slot}`, jobName: 'candles-eod', queue: 'q', account: 'main', attempt: 1, inputs: {}, startedAt: started, finishedAt: started, requestsMade: 2, rowsWritten: 10, outcome: 'completed' });
    await recordRun(ctx.pool, { jobId: 'candles-main-x', jobName: 'candles', queue: 'q', account: 'main', attempt: 1, inputs: {}, startedAt: started, finishedAt: started, requestsMade: 1, rowsWritten: 1, outcome: 'completed' });
    expect(await scheduledRunsOn(store, '2024-03-28')).toEqual([{ scheduleId: 'eod-candles', slotMs: slot, outcome: 'completed' }]);
  });

  it('stores a report and replaces it on a rerun', async () => {
    const rows = await completeness([eod], await scheduledRunsOn(store, '2024-03-28'), '2024-03-28', calendar);
    await saveCompleteness(store, '2024-03-28', rows);
    await saveCompleteness(store, '2024-03-28', rows);
    expect(await readCompleteness(store, '2024-03-28')).toEqual([
      { reportDate: '2024-03-28', scheduleId: 'eod-candles', jobName: 'candles-eod', expected: 1, received: 1, failed: 0, missing: 0, missingSlots: [] },
    ]);
  });
});
