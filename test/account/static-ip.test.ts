import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCandleBackfill, waitForBackfill } from '../../src/backfill/candle-backfill.js';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { openAlerts } from '../../src/stores/postgres/alerts.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { createTestContext, type TestContext } from '../support/test-context.js';
import { countRows, runAccountJob, runOutcomes } from './run-job.js';

// A static-IP refusal end to end: the simulator refuses the account's account APIs, as Upstox
// does for a request from an unregistered IP. One refused job disables account data with one
// alert, later account jobs are skipped, candles still load, and `upstox-ingest resume`
// enables account data again.

const TOKEN = 'static-ip-token';
const CLI = resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
let ctx: TestContext;
let sim: RunningSimulator;
let worker: RunningIngestWorker;
let producer: JobProducer;

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main', JOB_ATTEMPTS: '2' });
  sim = await startSimulator({ tokens: { [TOKEN]: 'main' }, accounts: { main: { staticIpAllowed: false } } });
  worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: sim.url }), ctx.log);
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 2);
});
afterAll(async () => {
  await worker.close();
  await producer.close();
  await sim.close();
  await ctx.cleanup();
});

const staticIpAlerts = async () => (await openAlerts(ctx.pool)).filter((a) => a.kind === 'static_ip');

describe('static IP refusal', () => {
  it('fails the refused job and raises one alert', async () => {
    const result = await runAccountJob(producer, 'account-holdings');
    const run = await ctx.pool.query('SELECT outcome, error_code FROM ingest_runs WHERE job_id = $1', [result.jobId]);
    expect(result.state).toBe('failed');
    expect(run.rows).toEqual([{ outcome: 'failed', error_code: 'UDAPI1154' }]);
    expect(await staticIpAlerts()).toHaveLength(1);
  });

  it('says how to register the IP', async () => {
    const [alert] = await staticIpAlerts();
    expect(alert?.message).toContain("register this machine's public IP under Static IP in the Upstox developer apps page");
    expect(alert?.message).toContain('then run "upstox-ingest resume"; market data is not affected');
  });

  it('skips later account jobs without a request', async () => {
    const sent = sim.requestLog().length;
    const profile = await runAccountJob(producer, 'account-profile');
    const pnl = await runAccountJob(producer, 'account-pnl', { financialYear: '2425' });
    expect(await runOutcomes(ctx.pool, profile.jobId)).toEqual(['skipped']);
    expect(await runOutcomes(ctx.pool, pnl.jobId)).toEqual(['skipped']);
    expect(sim.requestLog().length).toBe(sent);
    expect(await staticIpAlerts()).toHaveLength(1);
  });

  it('keeps loading candles', async () => {
    const started = await startCandleBackfill(ctx.pool, producer, {
      account: 'main',
      instrumentKeys: ['NSE_EQ|INE009A01021'],
      unit: 'days',
      interval: 1,
      fromDate: '2025-02-03',
      toDate: '2025-02-07',
      today: '2026-12-04',
    });
    const progress = await waitForBackfill(ctx.pool, started.backfillId, { pollMs: 50, timeoutMs: 30_000 });
    expect(progress.byState.done).toBe(1);
  });

  it('runs account jobs again after resume', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'resume'], {
      env: { ...process.env, ...ctx.env, UPSTOX_ACCOUNT: 'main', LOG_LEVEL: 'silent' },
    });
    expect(stdout).toContain('account-data jobs enabled again');
    expect(await staticIpAlerts()).toHaveLength(0);

    // The operator has registered the IP: the same port now serves the account APIs.
    const port = sim.port;
    await sim.close();
    sim = await startSimulator({ port, tokens: { [TOKEN]: 'main' } });
    const profile = await runAccountJob(producer, 'account-profile');
    expect(await runOutcomes(ctx.pool, profile.jobId)).toEqual(['skipped', 'completed']);
    expect(await countRows(ctx.pool, 'account_profiles')).toBe(1);
  }, 30_000);
});
