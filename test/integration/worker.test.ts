import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CANDLE_JOB_NAME } from '../../jobs/candles.js';
import { startCandleBackfill, waitForBackfill } from '../../src/backfill/candle-backfill.js';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { openAlerts } from '../../src/stores/postgres/alerts.js';
import { getChunk } from '../../src/stores/postgres/chunk-ledger.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { CannedServer, candleBody } from '../support/canned-server.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

const server = new CannedServer();
const TOKEN = 'worker-test-token';
let ctx: TestContext;
let worker: RunningIngestWorker;
let producer: JobProducer;
let keyCounter = 0;

const dayBar = (date: string) => [`${date}T00:00:00+05:30`, 100, 101, 99, 100.5, 10, 0];

/** Starts a one-instrument daily backfill over 2024-03-27..28 under a fresh key. */
async function backfill(): Promise<{ backfillId: number; chunkId: string }> {
  keyCounter++;
  const key = `NSE_EQ|INE00${String(keyCounter).padStart(4, '0')}W01`;
  const started = await startCandleBackfill(ctx.pool, producer, { account: 'main', instrumentKeys: [key], unit: 'days', interval: 1, fromDate: '2024-03-27', toDate: '2024-03-28', today: '2026-12-04' });
  return { backfillId: started.backfillId, chunkId: started.plan.chunks[0]!.chunkId };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ok = () => ({ status: 200, body: candleBody([dayBar('2024-03-28'), dayBar('2024-03-27')]) });

beforeAll(async () => {
  // Windows shortened 10,000×, so the pauses after 429 responses last milliseconds.
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main', JOB_ATTEMPTS: '3', WORKER_CONCURRENCY: '2', RATE_WINDOW_SCALE: '10000' });
  await server.start();
  const config = withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: server.url });
  worker = await startIngestWorker(config, ctx.log);
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 3);
});
afterAll(async () => {
  await worker.close();
  await producer.close();
  await server.stop();
  await ctx.cleanup();
});
beforeEach(() => {
  server.requests.length = 0;
  server.route(ok);
});

describe('ingest worker', () => {
  it('completes a backfill and records the run', async () => {
    const { backfillId, chunkId } = await backfill();
    const progress = await waitForBackfill(ctx.pool, backfillId, { pollMs: 50, timeoutMs: 15_000 });
    const runs = await ctx.pool.query('SELECT outcome, requests_made, rows_written FROM ingest_runs WHERE job_id = $1', [chunkId]);
    expect([progress.byState.done, runs.rows]).toEqual([1, [{ outcome: 'completed', requests_made: 1, rows_written: 2n }]]);
  });

  it('sends a job back to wait on 429 without using an attempt', async () => {
    server.enqueue(
      { status: 429, body: '{"status":"error","errors":[{"errorCode":"UDAPI10005","message":"Too Many Request Sent"}]}' },
      { status: 429, body: '{"status":"error","errors":[{"errorCode":"UDAPI10005","message":"Too Many Request Sent"}]}' },
    );
    const { backfillId, chunkId } = await backfill();
    await waitForBackfill(ctx.pool, backfillId, { pollMs: 50, timeoutMs: 30_000 });
    // The ledger settles inside the job, a moment before BullMQ marks the job completed.
    await waitFor('the job to complete', async () => ((await producer.queues.backfill.getJobState(chunkId)) === 'completed' ? true : undefined));
    const job = await producer.queues.backfill.getJob(chunkId);
    // BullMQ counts the successful run as the one attempt made; the two deferrals add none.
    expect([job?.attemptsMade, (await getChunk(ctx.pool, chunkId))?.state, server.requests.length]).toEqual([1, 'done', 3]);
  });

  it('fails a job as rate-limited after 20 deferrals', async () => {
    server.route(() => ({ status: 429, body: '{"status":"error","errors":[{"errorCode":"UDAPI10005","message":"Too Many Request Sent"}]}' }));
    const { backfillId, chunkId } = await backfill();
    await waitForBackfill(ctx.pool, backfillId, { pollMs: 50, timeoutMs: 30_000 });
    const chunk = await getChunk(ctx.pool, chunkId);
    const runs = await ctx.pool.query<{ outcome: string; n: bigint }>('SELECT outcome, count(*) AS n FROM ingest_runs WHERE job_id = $1 GROUP BY outcome ORDER BY outcome', [chunkId]);
    expect([chunk?.state, chunk?.errorCode, server.requests.length]).toEqual(['failed', 'UDAPI10005', 21]);
    expect(runs.rows).toEqual([
      { outcome: 'deferred', n: 20n },
      { outcome: 'failed', n: 1n },
    ]);
  }, 40_000);

  it('fails a permanent error at once with one request', async () => {
    server.enqueue({ status: 400, body: '{"status":"error","errors":[{"errorCode":"UDAPI100011","message":"Invalid Instrument key"}]}' });
    const { backfillId, chunkId } = await backfill();
    await waitForBackfill(ctx.pool, backfillId, { pollMs: 50, timeoutMs: 15_000 });
    const chunk = await getChunk(ctx.pool, chunkId);
    expect([chunk?.state, chunk?.errorCode, server.requests.length]).toEqual(['failed', 'UDAPI100011', 1]);
  });

  it('retries an HTML 504 and then completes', async () => {
    server.enqueue({ status: 504, contentType: 'text/html', body: '<html><body>504 Gateway Time-out</body></html>' });
    const { backfillId, chunkId } = await backfill();
    await waitForBackfill(ctx.pool, backfillId, { pollMs: 50, timeoutMs: 20_000 });
    const runs = await ctx.pool.query<{ outcome: string }>('SELECT outcome FROM ingest_runs WHERE job_id = $1 ORDER BY id', [chunkId]);
    expect(runs.rows.map((r) => r.outcome)).toEqual(['retrying', 'completed']);
  });

  it('gives up after the attempt limit on repeated 5xx', async () => {
    server.route(() => ({ status: 503, body: '{"status":"error","errors":[{"errorCode":"UDAPI100500","message":"maintenance"}]}' }));
    const { backfillId, chunkId } = await backfill();
    await waitForBackfill(ctx.pool, backfillId, { pollMs: 50, timeoutMs: 30_000 });
    const chunk = await getChunk(ctx.pool, chunkId);
    expect([chunk?.state, server.requests.length]).toEqual(['failed', 3]);
  });

  it('pauses the account on 401, raises one alert and sends nothing more', async () => {
    server.route(() => ({ status: 401, body: '{"status":"error","errors":[{"errorCode":"UDAPI100050","message":"Invalid token used to access API"}]}' }));
    const jobs = [await backfill(), await backfill(), await backfill()];
    await waitFor('the queue to pause', async () => ((await producer.isPaused()) ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const requestsWhilePaused = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const alerts = (await openAlerts(ctx.pool)).filter((a) => a.kind === 'token_invalid');
    const attempts = await Promise.all(jobs.map(async (j) => (await producer.queues.backfill.getJob(j.chunkId))?.attemptsMade));
    expect([alerts.length, server.requests.length === requestsWhilePaused, requestsWhilePaused <= 2, attempts]).toEqual([1, true, true, [0, 0, 0]]);

    server.route(ok);
    await producer.resume();
    for (const j of jobs) await waitForBackfill(ctx.pool, j.backfillId, { pollMs: 50, timeoutMs: 15_000 });
    const states = await Promise.all(jobs.map(async (j) => (await getChunk(ctx.pool, j.chunkId))?.state));
    expect(states).toEqual(['done', 'done', 'done']);
  });

  it('pauses the account on an HTML 403 block page', async () => {
    server.route(() => ({ status: 403, contentType: 'text/html', body: '<html><body>Sorry, you have been blocked</body></html>' }));
    const job = await backfill();
    await waitFor('the queue to pause', async () => ((await producer.isPaused()) ? true : undefined));
    const alerts = (await openAlerts(ctx.pool)).filter((a) => a.kind === 'blocked');
    expect(alerts).toHaveLength(1);
    server.route(ok);
    await producer.resume();
    await waitForBackfill(ctx.pool, job.backfillId, { pollMs: 50, timeoutMs: 15_000 });
  });

  it('fails the chunk of a job whose payload is invalid', async () => {
    const { recordBackfill } = await import('../../src/stores/postgres/chunk-ledger.js');
    const chunk = { chunkId: 'candles-main-bad-payload', account: 'main', instrumentKey: 'NSE_EQ|INE000B01011', unit: 'hours' as const, interval: 6, source: 'historical' as const, fromDate: '2024-01-01', toDate: '2024-03-31' };
    await recordBackfill(ctx.pool, 'main', {}, [{ ...chunk, state: 'pending' }]);
    await producer.enqueue([{ jobId: chunk.chunkId, name: CANDLE_JOB_NAME, data: chunk }], 'backfill');
    const settled = await waitFor('the chunk to settle', async () => {
      const row = await getChunk(ctx.pool, chunk.chunkId);
      return row?.state === 'pending' ? undefined : row;
    });
    expect([settled.state, settled.errorCode, server.requests.length]).toEqual(['failed', 'INVALID_PAYLOAD', 0]);
  });

  it('surfaces BullMQ rejecting an id with a colon', async () => {
    await expect(producer.enqueue([{ jobId: 'ltp:NSE_EQ|INE000X01010', name: CANDLE_JOB_NAME, data: {} }], 'backfill')).rejects.toThrow(/:/);
  });

  it('surfaces BullMQ rejecting an all-digit id', async () => {
    await expect(producer.enqueue([{ jobId: '43885', name: CANDLE_JOB_NAME, data: {} }], 'backfill')).rejects.toThrow(/integer/i);
  });

  it('accepts the ids our builder makes from awkward keys', async () => {
    const { buildJobId } = await import('../../src/ids/job-id.js');
    const ids = ['ltp:NSE_EQ|INE000X01010', 'NSE_EQ:ABCLTD', '43885', 'a:b:c'].map((k) => buildJobId('probe', k));
    await producer.queues.backfill.pause();
    const result = await producer.enqueue(ids.map((jobId) => ({ jobId, name: 'probe', data: {} })), 'backfill');
    await producer.queues.backfill.obliterate({ force: true });
    expect(result.added).toBe(4);
  });
});
