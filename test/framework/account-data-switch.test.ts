import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDataSwitch } from '../../src/queue/account-data-switch.js';
import { IngestWorker } from '../../src/queue/ingest-worker.js';
import type { JobHandler } from '../../src/queue/job-handler.js';
import { JobProducer } from '../../src/queue/producer.js';
import { RateBudget } from '../../src/rate-budget/rate-budget.js';
import { openAlerts, raiseAlert } from '../../src/stores/postgres/alerts.js';
import { recordRun } from '../../src/stores/postgres/run-history.js';
import { UpstoxStaticIpError } from '../../src/upstox/errors.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

let ctx: TestContext;
let worker: IngestWorker;
let producer: JobProducer;
let accountData: AccountDataSwitch;
const calls: string[] = [];
let refuse = true;

function handler(accountDataJob: boolean): JobHandler<{ n: number }> {
  return {
    accountData: accountDataJob,
    parse: (data) => data as { n: number },
    run: async (payload) => {
      calls.push(`${accountDataJob ? 'account' : 'market'}-${payload.n}`);
      if (accountDataJob && refuse) {
        throw new UpstoxStaticIpError('GET /v2/portfolio/long-term-holdings was refused: static IP', { api: 'holdings', path: '/v2/portfolio/long-term-holdings', status: 403 });
      }
      return { requestsMade: 1, rowsWritten: 0, state: 'done' };
    },
    giveUp: async () => undefined,
  };
}

async function settle(jobId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const state = await producer.queues.nightly.getJobState(jobId);
    if (state === 'completed' || state === 'failed') return state;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${jobId} did not finish within 5 s`);
}

async function run(name: 'account' | 'market', n: number): Promise<string> {
  const jobId = `${name}-${n}`;
  await producer.enqueue([{ jobId, name, data: { n } }], 'nightly');
  return settle(jobId);
}

beforeAll(async () => {
  ctx = await createTestContext();
  accountData = new AccountDataSwitch(ctx.redis, ctx.config.redis.queuePrefix);
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 3);
  const budget = new RateBudget({ redis: ctx.redis, keyPrefix: ctx.config.redis.queuePrefix, account: 'main', limits: { perSecond: 50, perMinute: 500, perHalfHour: 2000 }, windowScale: 1, marginMs: 0, reserve: { live: 0, nightly: 0 }, groupOf: (api) => api });
  worker = new IngestWorker({
    connection: ctx.redis,
    prefix: ctx.config.redis.queuePrefix,
    account: 'main',
    priority: 'nightly',
    concurrency: 1,
    handlers: { account: handler(true) as JobHandler<never>, market: handler(false) as JobHandler<never> },
    budget,
    accountData,
    recordRun: (record) => recordRun(ctx.pool, record),
    raiseAlert: (alert) => raiseAlert(ctx.pool, alert),
    pauseAccount: () => producer.pause(),
    log: ctx.log,
  });
  void worker.run();
  await worker.worker.waitUntilReady();
});
afterAll(async () => {
  await worker.close();
  await producer.close();
  await ctx.cleanup();
});

describe('account-data switch', () => {
  it('fails the refused job without retries', async () => {
    expect(await run('account', 1)).toBe('failed');
  });

  it('raises one static_ip alert', async () => {
    await run('account', 2);
    const alerts = (await openAlerts(ctx.pool)).filter((a) => a.kind === 'static_ip');
    expect(alerts).toHaveLength(1);
  });

  it('skips later account jobs without calling them', async () => {
    expect(calls.filter((c) => c.startsWith('account'))).toEqual(['account-1']);
  });

  it('records the skipped run', async () => {
    const runs = await ctx.pool.query<{ outcome: string; error_code: string }>("SELECT outcome, error_code FROM ingest_runs WHERE job_id = 'account-2'");
    expect(runs.rows).toEqual([{ outcome: 'skipped', error_code: 'ACCOUNT_DATA_DISABLED' }]);
  });

  it('keeps running market-data jobs', async () => {
    expect([await run('market', 3), calls.includes('market-3')]).toEqual(['completed', true]);
  });

  it('runs account jobs again once enabled', async () => {
    refuse = false;
    await accountData.enable('main');
    expect([await run('account', 4), calls.at(-1)]).toEqual(['completed', 'account-4']);
  });
});
