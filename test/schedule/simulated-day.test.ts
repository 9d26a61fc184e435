import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticNseCalendar } from '../../src/calendar/trading-calendar.js';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { completeness, slotsOn, type ReportedSchedule } from '../../src/schedule/completeness.js';
import { exchangeCalendarOf } from '../../src/schedule/session-gate.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { scheduledRunsOn } from '../../src/stores/postgres/completeness.js';
import { PostgresStore } from '../../src/stores/postgres/store.js';
import { waitForWalApplied } from '../../src/stores/questdb/wal.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// A trading day replayed in compressed time: the test plays the scheduler's part, queueing
// each cron slot's job under the id BullMQ gives it (`repeat:<schedule>:<slot ms>`) with the
// slot as the snapshot time. The worker gates every run on the exchange calendar at its slot,
// and the completeness report then compares the slots with the runs.
const KEYS = ['NSE_EQ|INE002A01018', 'NSE_INDEX|Nifty 50'];
const ltp: ReportedSchedule = { id: 'quotes-ltp-core', jobName: 'quotes-ltp', pattern: '* 9-15 * * 1-5', stamp: { id: 'quotes-ltp-core', exchange: 'NSE', during: 'session' } };
const eod: ReportedSchedule = { id: 'candles-eod-core', jobName: 'candles-eod', pattern: '45 15 * * 1-5', stamp: { id: 'candles-eod-core', exchange: 'NSE', during: 'trading-day' } };

let ctx: TestContext;
let sim: RunningSimulator;
let worker: RunningIngestWorker;
let producer: JobProducer;
let store: PostgresStore;
let simulatedNow = 0;

async function replayDay(date: string): Promise<void> {
  const jobs = [ltp, eod].flatMap((schedule) =>
    slotsOn(schedule.pattern, date).map((slotMs) => ({ schedule, slotMs })),
  ).sort((a, b) => a.slotMs - b.slotMs);
  for (const { schedule, slotMs } of jobs) {
    simulatedNow = slotMs;
    const data = { instrumentKeys: KEYS, schedule: schedule.stamp, ...(schedule === ltp ? { asOf: new Date(slotMs).toISOString() } : {}) };
    await producer.enqueue([{ jobId: `repeat:${schedule.id}:${slotMs}`, name: schedule.jobName, data }], schedule === ltp ? 'live' : 'nightly');
  }
  const ids = jobs.map((j) => `repeat:${j.schedule.id}:${j.slotMs}`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const runs = await ctx.pool.query<{ n: bigint }>("SELECT count(DISTINCT job_id) AS n FROM ingest_runs WHERE job_id = ANY($1) AND outcome IN ('completed', 'skipped', 'failed')", [ids]);
    if (Number(runs.rows[0]!.n) === ids.length) return;
    if (Date.now() > deadline) throw new Error(`only ${runs.rows[0]!.n} of ${ids.length} runs of ${date} finished within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main', WORKER_CONCURRENCY: '8' });
  sim = await startSimulator({ tokens: { 'day-token': 'main' }, now: () => simulatedNow });
  worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: 'day-token', baseUrl: sim.url }), ctx.log);
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 3);
  store = new PostgresStore(ctx.pool);
}, 60_000);
afterAll(async () => {
  await worker.close();
  await producer.close();
  await sim.close();
  await ctx.cleanup();
});

describe('a simulated trading day', () => {
  it('stores one quote snapshot per key and session minute', async () => {
    await replayDay('2024-03-28');
    const table = `${ctx.config.questdb.tablePrefix}quotes`;
    await waitForWalApplied(ctx.questdb, table);
    const result = await ctx.questdb.exec(`SELECT instrument_key, count_distinct(ts) FROM ${table} WHERE source = 'ltp' ORDER BY instrument_key`);
    expect(result.dataset).toEqual(KEYS.slice().sort().map((key) => [key, 375]));
  }, 180_000);

  it('skips the slots outside the session', async () => {
    const skipped = await ctx.pool.query<{ n: bigint }>("SELECT count(*) AS n FROM ingest_runs WHERE job_id LIKE 'repeat:quotes-ltp-core:%' AND outcome = 'skipped'");
    // 09:00-09:14 and 15:30-15:59 are cron slots outside the 09:15-15:30 session.
    expect(Number(skipped.rows[0]!.n)).toBe(15 + 30);
  });

  it('reports the day 100% complete', async () => {
    const rows = await completeness([ltp, eod], await scheduledRunsOn(store, '2024-03-28'), '2024-03-28', exchangeCalendarOf(new StaticNseCalendar()));
    expect(rows.map((r) => [r.scheduleId, r.expected, r.received, r.missing])).toEqual([
      ['quotes-ltp-core', 375, 375, 0],
      ['candles-eod-core', 1, 1, 0],
    ]);
  });

  it('runs nothing on Good Friday and reports nothing missing', async () => {
    await replayDay('2024-03-29');
    const runs = await scheduledRunsOn(store, '2024-03-29');
    const rows = await completeness([ltp, eod], runs, '2024-03-29', exchangeCalendarOf(new StaticNseCalendar()));
    expect(rows.map((r) => [r.expected, r.missing])).toEqual([[0, 0], [0, 0]]);
    expect(runs.filter((r) => r.outcome !== 'skipped')).toEqual([]);
  }, 180_000);
});
