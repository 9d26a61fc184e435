import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANDLE_JOB_NAME } from '../../jobs/candles.js';
import { startCandleBackfill, waitForBackfill } from '../../src/backfill/candle-backfill.js';
import { candleChunkId } from '../../src/candles/plan.js';
import { JobProducer } from '../../src/queue/producer.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { recordBackfill } from '../../src/stores/postgres/chunk-ledger.js';
import { istToday } from '../../src/time/ist.js';
import { createTestContext, type TestContext } from '../support/test-context.js';
import { WorkerProcesses } from '../support/worker-processes.js';

// Windows shortened 10×: 1 s → 100 ms, 60 s → 6 s, 30 min → 3 min. Small limits make the
// minute window bind within seconds.
const SCALE = 10;
const LIMITS = { perSecond: 5, perMinute: 25, perHalfHour: 1000 };
const TOKEN = 'budget-workers-token';

/** Real NSE index keys from the recorded instruments master, which the simulator accepts. */
const INDEX_KEYS = (JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'data', 'recorded', 'upstox-instruments-NSE-2026-02-27-slice.json'), 'utf8')) as { segment: string; instrument_key: string }[])
  .filter((row) => row.segment === 'NSE_INDEX')
  .map((row) => row.instrument_key);

let ctx: TestContext;
let sim: RunningSimulator;
let producer: JobProducer;
const workers = new WorkerProcesses();

function workerEnv(): Record<string, string> {
  return {
    ...ctx.env,
    UPSTOX_ACCOUNT: 'main',
    UPSTOX_ACCESS_TOKEN: TOKEN,
    UPSTOX_API_BASE_URL: sim.url,
    WORKER_CONCURRENCY: '4',
    RATE_LIMIT_PER_SECOND: String(LIMITS.perSecond),
    RATE_LIMIT_PER_MINUTE: String(LIMITS.perMinute),
    RATE_LIMIT_PER_HALF_HOUR: String(LIMITS.perHalfHour),
    RATE_WINDOW_SCALE: String(SCALE),
    RATE_MARGIN_MS: '40',
    LOG_LEVEL: 'info',
  };
}

async function dailyBackfill(keys: readonly string[]) {
  return startCandleBackfill(ctx.pool, producer, { account: 'main', instrumentKeys: keys, unit: 'days', interval: 1, fromDate: '2025-01-01', toDate: '2025-01-31', today: '2026-12-04' });
}

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main' });
  sim = await startSimulator({ tokens: { [TOKEN]: 'main' }, rateLimits: LIMITS, timeScale: SCALE });
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 5);
  await workers.start(3, workerEnv());
}, 60_000);
afterAll(async () => {
  await workers.stop();
  await producer.close();
  await sim.close();
  await ctx.cleanup();
});

describe('three worker processes on one budget', () => {
  it('never exceed a window and get no 429', async () => {
    sim.resetStats();
    const started = await dailyBackfill(INDEX_KEYS.slice(0, 60));
    const progress = await waitForBackfill(ctx.pool, started.backfillId, { pollMs: 100, timeoutMs: 60_000 });
    const stats = sim.stats().byApi['main:historical-candle'];
    expect(progress.byState.done).toBe(60);
    expect(stats?.rejected429, JSON.stringify(stats)).toBe(0);
    expect(stats?.maxInWindow.second).toBeLessThanOrEqual(LIMITS.perSecond);
    expect(stats?.maxInWindow.minute).toBeLessThanOrEqual(LIMITS.perMinute);
  }, 90_000);

  it('starts a live job within one slot', async () => {
    // Wait out the minute window left by the previous test, so this backfill saturates a fresh one.
    await new Promise((resolve) => setTimeout(resolve, 60_000 / SCALE + 200));
    const started = await dailyBackfill(INDEX_KEYS.slice(60, 120));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const liveKey = 'NSE_INDEX|Nifty 50';
    const today = istToday(Date.now());
    const chunk = { account: 'main', instrumentKey: liveKey, unit: 'minutes' as const, interval: 1, source: 'intraday' as const, fromDate: today, toDate: today };
    const chunkId = candleChunkId(chunk);
    await recordBackfill(ctx.pool, 'main', {}, [{ ...chunk, chunkId, state: 'pending' }], { refetch: true });
    const dueAt = Date.now();
    await producer.enqueue([{ jobId: chunkId, name: CANDLE_JOB_NAME, data: { ...chunk, chunkId } }], 'live');
    await waitForBackfill(ctx.pool, started.backfillId, { pollMs: 100, timeoutMs: 60_000 });
    const liveRequest = sim.requestLog().find((entry) => entry.rawPath.startsWith('/v3/historical-candle/intraday/NSE_INDEX%7CNifty%2050/'));
    // One slot of the binding minute window: 6 s / 25 requests = 240 ms.
    const slotMs = 60_000 / SCALE / LIMITS.perMinute;
    expect(liveRequest).toBeDefined();
    expect(liveRequest!.at - dueAt).toBeLessThanOrEqual(slotMs);
  }, 120_000);

  it('waits out a burst of 429s without using attempts, then completes every job', async () => {
    await new Promise((resolve) => setTimeout(resolve, 60_000 / SCALE + 200));
    const body = '{"status":"error","errors":[{"errorCode":"UDAPI10005","message":"Too Many Request Sent"}]}';
    sim.injectFaults({ kind: 'status', status: 429, contentType: 'application/json', body, times: 6 });
    const keys = INDEX_KEYS.slice(120, 130);
    const started = await dailyBackfill(keys);
    const progress = await waitForBackfill(ctx.pool, started.backfillId, { pollMs: 100, timeoutMs: 60_000 });
    // The ledger settles inside each job, a moment before BullMQ marks the job completed.
    for (let i = 0; i < 100; i++) {
      const { active = 0 } = await producer.queues.backfill.getJobCounts('active');
      if (active === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const jobs = await Promise.all(started.plan.chunks.map((c) => producer.queues.backfill.getJob(c.chunkId)));
    const outcomes = await ctx.pool.query<{ outcome: string; n: bigint }>(
      `SELECT outcome, count(*) AS n FROM ingest_runs WHERE job_id = ANY($1) GROUP BY outcome ORDER BY outcome`,
      [started.plan.chunks.map((c) => c.chunkId)],
    );
    expect(progress.byState.done).toBe(keys.length);
    expect(jobs.map((j) => j?.attemptsMade)).toEqual(keys.map(() => 1));
    expect(outcomes.rows).toEqual([
      { outcome: 'completed', n: BigInt(keys.length) },
      { outcome: 'deferred', n: 6n },
    ]);
  }, 90_000);
});
