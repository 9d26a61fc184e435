import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentsMasterJob } from '../../jobs/instruments.js';
import type { InstrumentMasterPayload } from '../../jobs/instruments-load.js';
import { AccountDataSwitch } from '../../src/queue/account-data-switch.js';
import { IngestWorker } from '../../src/queue/ingest-worker.js';
import type { JobHandler } from '../../src/queue/job-handler.js';
import { JobProducer } from '../../src/queue/producer.js';
import { RateBudget } from '../../src/rate-budget/rate-budget.js';
import { startAssetsSimulator, type RunningAssetsSimulator } from '../../src/simulator/assets-server.js';
import { raiseAlert } from '../../src/stores/postgres/alerts.js';
import { recordRun } from '../../src/stores/postgres/run-history.js';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { waitFor } from '../account/run-job.js';
import { realSnapshotDeps } from '../support/snapshot-deps.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// A load of the real NSE master takes about 30 s of parsing and staging. Two workers share
// the queue with a 2 s lock and a 2 s stalled check, 15 times shorter than BullMQ's 30 s
// defaults. An event loop blocked for longer than the lock would let the other worker find
// the job stalled and run it again.

const LOCK_MS = 2_000;

let ctx: TestContext;
let producer: JobProducer;
let assets: RunningAssetsSimulator;
let deps: ReturnType<typeof realSnapshotDeps>;
const workers: IngestWorker[] = [];
const stalled: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 1);
  assets = await startAssetsSimulator();
  const api = createUpstoxClient({ baseUrl: 'http://127.0.0.1:9', token: 'stalled-test-token', requestTimeoutMs: 60_000 });
  deps = { ...realSnapshotDeps(ctx, api, Date.now), assetsBaseUrl: assets.url };
  const handler: JobHandler<InstrumentMasterPayload> = {
    accountData: false,
    parse: (data) => instrumentsMasterJob.payloadSchema.parse(data),
    run: (payload) => instrumentsMasterJob.run(payload, deps),
    giveUp: async () => undefined,
  };
  const budget = new RateBudget({
    redis: ctx.redis,
    keyPrefix: ctx.config.redis.queuePrefix,
    account: 'main',
    limits: { perSecond: 50, perMinute: 500, perHalfHour: 2000 },
    windowScale: 1,
    marginMs: 0,
    reserve: { live: 0, nightly: 0 },
    groupOf: (name) => name,
  });
  for (let i = 0; i < 2; i++) {
    const worker = new IngestWorker({
      connection: ctx.redis,
      prefix: ctx.config.redis.queuePrefix,
      account: 'main',
      priority: 'nightly',
      concurrency: 1,
      handlers: { [instrumentsMasterJob.name]: handler as JobHandler<never> },
      budget,
      accountData: new AccountDataSwitch(ctx.redis, ctx.config.redis.queuePrefix),
      recordRun: (record) => recordRun(ctx.pool, record),
      raiseAlert: (alert) => raiseAlert(ctx.pool, alert),
      pauseAccount: () => producer.pause(),
      log: ctx.log,
      lockDurationMs: LOCK_MS,
      stalledIntervalMs: LOCK_MS,
    });
    worker.worker.on('stalled', (jobId) => stalled.push(jobId));
    void worker.run();
    await worker.worker.waitUntilReady();
    workers.push(worker);
  }
}, 60_000);
afterAll(async () => {
  for (const worker of workers) await worker.close();
  await deps?.close();
  await assets?.close();
  await producer?.close();
  await ctx?.cleanup();
});

describe('long instruments load', { timeout: 180_000 }, () => {
  it('completes once without stalling', async () => {
    const payload = instrumentsMasterJob.payloadSchema.parse({ file: 'NSE' });
    const jobId = instrumentsMasterJob.jobId(payload, 'main');
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    await producer.enqueue([{ jobId, name: instrumentsMasterJob.name, data: { ...payload } }], 'nightly');

    const settled = async () => {
      const current = await producer.queues.nightly.getJobState(jobId);
      return current === 'completed' || current === 'failed' ? current : undefined;
    };
    const state = await waitFor(`job ${jobId} to finish`, settled, 150_000);
    delay.disable();
    const job = await producer.queues.nightly.getJob(jobId);

    expect([state, job?.failedReason]).toEqual(['completed', undefined]);
    expect(job?.attemptsMade).toBe(1);
    expect(stalled).toEqual([]);
    // The loop must turn well within the lock time, so BullMQ renews the lock.
    expect(delay.max / 1e6).toBeLessThan(LOCK_MS / 2);
    const versions = await ctx.pool.query<{ row_count: number }>('SELECT row_count FROM instrument_versions');
    expect(versions.rows).toEqual([{ row_count: 99_389 }]);
    const runs = await ctx.pool.query<{ outcome: string }>('SELECT outcome FROM ingest_runs WHERE job_id = $1', [jobId]);
    expect(runs.rows).toEqual([{ outcome: 'completed' }]);
  });
});
