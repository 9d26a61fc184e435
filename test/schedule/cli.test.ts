import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUpstoxSettings } from '../../src/config/env.js';
import { nextRuns } from '../../src/schedule/next-runs.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { formatIst } from '../../src/time/ist.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { startScheduler } from '../../workers/scheduler.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;
let ctx: TestContext;
let sim: RunningSimulator;
let worker: RunningIngestWorker;

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, ...ctx.env, UPSTOX_ACCOUNT: 'main', UPSTOX_ACCESS_TOKEN: 'cli-token', UPSTOX_API_BASE_URL: sim.url },
    timeout: 60_000,
  });
  return stdout;
}

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main' });
  sim = await startSimulator({ tokens: { 'cli-token': 'main' } });
  worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: 'cli-token', baseUrl: sim.url }), ctx.log);
}, 60_000);
afterAll(async () => {
  await worker.close();
  await sim.close();
  await ctx.cleanup();
});

describe('scheduling commands', () => {
  it('lists each schedule with its next run in IST', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'schedules.yaml');
    writeFileSync(file, 'schedules:\n  - id: eod-candles\n    job: candles-eod\n    cron: "40 15 * * 1-5"\n    tz: Asia/Kolkata\n    params: { instrumentKeys: "NSE_EQ|INE002A01018" }\n');
    const scheduler = await startScheduler(ctx.config, ctx.log, { file, watchFile: false });
    await scheduler.close();
    const next = formatIst(nextRuns('40 15 * * 1-5', Date.now(), 1)[0]!).replace('T', ' ');
    expect(await cli('schedules')).toContain(`eod-candles                  candles-eod            nightly  40 15 * * 1-5      next ${next} IST`);
  }, 60_000);

  it('runs one snapshot now and prints its result', async () => {
    const output = await cli('snapshot', 'market-status', '--set', 'exchanges=NSE,MCX');
    expect(output).toMatch(/^completed: \{"requestsMade":2,/m);
  }, 60_000);

  it('lists the jobs a snapshot can run', async () => {
    expect(await cli('snapshot', '--list')).toMatch(/^ {2}quotes-ltp +store/m);
  }, 60_000);

  it('explains an invalid payload', async () => {
    await expect(cli('snapshot', 'option-chain', '--set', 'instrumentKey=TECHM')).rejects.toThrow(/invalid payload for option-chain: instrumentKey: expected an instrument key/);
  }, 60_000);
});
