import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { listSchedulers } from '../../src/queue/schedulers.js';
import { nextRuns } from '../../src/schedule/next-runs.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { startIngestWorker } from '../../workers/ingest-worker.js';
import { startScheduler } from '../../workers/scheduler.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

let ctx: TestContext;
let producer: JobProducer;
const dir = mkdtempSync(join(tmpdir(), 'schedules-'));

function scheduleFile(name: string, schedules: string): string {
  const file = join(dir, name);
  writeFileSync(file, `watchlists:\n  core:\n    instruments: ["NSE_EQ|INE002A01018", "NSE_INDEX|Nifty 50"]\nschedules:\n${schedules}`);
  return file;
}

const entry = (id: string, cron: string, extra = '') =>
  `  - id: ${id}\n    job: candles-eod\n    cron: "${cron}"\n    tz: Asia/Kolkata\n    params: { instrumentKeys: "$watchlist:core" }\n${extra}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main' });
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 3);
});
afterAll(async () => {
  await producer.close();
  await ctx.cleanup();
});

describe('scheduler', () => {
  it('keeps one job scheduler per entry across five restarts', async () => {
    const file = scheduleFile('restarts.yaml', entry('eod-candles', '40 15 * * 1-5') + entry('eod-candles-late', '50 15 * * 1-5'));
    for (let i = 0; i < 5; i++) {
      const scheduler = await startScheduler(ctx.config, ctx.log, { file, watchFile: false });
      await scheduler.close();
    }
    const schedulers = await listSchedulers(producer);
    const delayed = await producer.queues.nightly.getDelayed();
    expect(schedulers.map((s) => s.id).sort()).toEqual(['eod-candles', 'eod-candles-late']);
    expect(delayed.filter((job) => job.repeatJobKey === 'eod-candles')).toHaveLength(1);
  });

  it('schedules the next run at 15:40 IST on the next weekday', async () => {
    const [scheduler] = (await listSchedulers(producer)).filter((s) => s.id === 'eod-candles');
    expect(scheduler?.next).toBe(nextRuns('40 15 * * 1-5', Date.now(), 1)[0]);
  });

  it('follows an edited cron', async () => {
    const file = scheduleFile('edit.yaml', entry('eod-candles', '40 15 * * 1-5'));
    const scheduler = await startScheduler(ctx.config, ctx.log, { file });
    try {
      writeFileSync(file, `watchlists:\n  core:\n    instruments: ["NSE_EQ|INE002A01018"]\nschedules:\n${entry('eod-candles', '45 16 * * 1-5')}`);
      const updated = await until('the cron to change', async () => (await listSchedulers(producer)).find((s) => s.id === 'eod-candles' && s.pattern === '45 16 * * 1-5'));
      expect(updated.next).toBe(nextRuns('45 16 * * 1-5', Date.now(), 1)[0]);
    } finally {
      await scheduler.close();
    }
  });

  it('removes a schedule that left the file', async () => {
    const file = scheduleFile('remove.yaml', entry('eod-candles', '45 16 * * 1-5'));
    const scheduler = await startScheduler(ctx.config, ctx.log, { file, watchFile: false });
    await scheduler.close();
    expect((await listSchedulers(producer)).map((s) => s.id)).toEqual(['eod-candles']);
  });

  it('moves a schedule whose priority changed', async () => {
    const file = scheduleFile('move.yaml', entry('eod-candles', '45 16 * * 1-5', '    priority: live\n'));
    const scheduler = await startScheduler(ctx.config, ctx.log, { file, watchFile: false });
    await scheduler.close();
    expect((await listSchedulers(producer)).map((s) => `${s.id}@${s.priority}`)).toEqual(['eod-candles@live']);
  });

  it('leaves the schedulers alone when the file is invalid', async () => {
    const file = scheduleFile('invalid.yaml', entry('eod-candles', '45 16 * * 1-5').replace('tz: Asia/Kolkata', 'tz: UTC'));
    await expect(startScheduler(ctx.config, ctx.log, { file, watchFile: false })).rejects.toThrow(/tz must be Asia\/Kolkata/);
    expect((await listSchedulers(producer)).map((s) => s.id)).toEqual(['eod-candles']);
  });

  it('refuses params the job would reject', async () => {
    const file = scheduleFile('params.yaml', entry('eod-candles', '45 16 * * 1-5').replace('{ instrumentKeys: "$watchlist:core" }', '{ instrumentKeys: [] }'));
    await expect(startScheduler(ctx.config, ctx.log, { file, watchFile: false })).rejects.toThrow(/schedule eod-candles: params for candles-eod are invalid/);
  });
});

describe('scheduler with a worker running', () => {
  let sim: RunningSimulator;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    sim = await startSimulator({ tokens: { 'scheduler-token': 'main' } });
    const worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: 'scheduler-token', baseUrl: sim.url }), ctx.log);
    stop = () => worker.close();
  });
  afterAll(async () => {
    await stop();
    await sim.close();
  });

  it('runs each iteration once while the scheduler restarts', async () => {
    // Every two seconds, with five scheduler restarts during the first iterations.
    const file = scheduleFile('seconds.yaml', entry('every-two-seconds', '*/2 * * * * *'));
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const scheduler = await startScheduler(ctx.config, ctx.log, { file, watchFile: false });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await scheduler.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 6_500 - (Date.now() - started)));
    const runs = await ctx.pool.query<{ job_id: string; started_at: Date }>("SELECT job_id, started_at FROM ingest_runs WHERE job_name = 'candles-eod' AND job_id LIKE 'repeat:every-two-seconds:%'");
    const slots = runs.rows.map((r) => Number(r.job_id.split(':').at(-1)));
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.length).toBeGreaterThanOrEqual(2);
    expect(slots.length).toBeLessThanOrEqual(4);
    const file2 = scheduleFile('seconds-off.yaml', '');
    const off = await startScheduler(ctx.config, ctx.log, { file: file2, watchFile: false });
    await off.close();
  }, 30_000);
});

describe('default schedule file', () => {
  it('creates one job scheduler per entry, every payload valid', async () => {
    const fresh = await createTestContext({ UPSTOX_ACCOUNT: 'defaults' });
    const defaults = new JobProducer(fresh.redis, fresh.config.redis.queuePrefix, 'defaults', 3);
    try {
      const file = new URL('../../config/schedules.yaml', import.meta.url).pathname;
      const scheduler = await startScheduler(fresh.config, fresh.log, { file, watchFile: false });
      await scheduler.close();
      const { readScheduleConfig } = await import('../../src/schedule/schedule-config.js');
      const { schedulableJobNames } = await import('../../workers/scheduler.js');
      const entries = readScheduleConfig(file, schedulableJobNames()).schedules.map((s) => s.id).sort();
      expect((await listSchedulers(defaults)).map((s) => s.id).sort()).toEqual(entries);
    } finally {
      await defaults.close();
      await fresh.cleanup();
    }
  });
});
