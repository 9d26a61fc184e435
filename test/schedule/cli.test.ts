import { execFile, spawn } from 'node:child_process';
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
  return cliWith({}, ...args);
}

async function cliWith(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, ...ctx.env, UPSTOX_ACCOUNT: 'main', UPSTOX_ACCESS_TOKEN: 'cli-token', UPSTOX_API_BASE_URL: sim.url, ...env },
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

  it('prints the completeness of a date', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'schedules.yaml');
    writeFileSync(
      file,
      'schedules:\n  - id: ltp-session\n    job: quotes-ltp\n    cron: "* 9-15 * * 1-5"\n    tz: Asia/Kolkata\n    exchange: NSE\n    during: session\n' +
        '    params: { instrumentKeys: "NSE_EQ|INE002A01018" }\n',
    );
    // Nothing ran on either day, so a trading day misses all 375 session minutes, and Good
    // Friday 2024 (an NSE holiday) expects none.
    const thursday = await cliWith({ SCHEDULE_FILE: file }, 'report', '--date', '2024-03-28');
    expect(thursday).toMatch(/^ {2}ltp-session +quotes-ltp +375 +0 +0 +375$/m);
    expect(thursday).toContain('total: 0 of 375 (0%)');
    const goodFriday = await cliWith({ SCHEDULE_FILE: file }, 'report', '--date', '2024-03-29');
    expect(goodFriday).toMatch(/^ {2}ltp-session +quotes-ltp +0 +0 +0 +0$/m);
    expect(goodFriday).toContain('total: 0 of 0 (100%)');
    const stored = await ctx.pool.query("SELECT report_date::text AS date, expected, received, missing FROM completeness_reports WHERE schedule_id = 'ltp-session' ORDER BY report_date");
    expect(stored.rows).toEqual([
      { date: '2024-03-28', expected: 375, received: 0, missing: 375 },
      { date: '2024-03-29', expected: 0, received: 0, missing: 0 },
    ]);
  }, 60_000);

  it('rejects a report date that is not a date', async () => {
    await expect(cli('report', '--date', '28-03-2024')).rejects.toThrow(/--date "28-03-2024" is not a date; use YYYY-MM-DD/);
  }, 60_000);

  it('says when no worker takes the job', async () => {
    // No worker serves the account `idle`, so the job waits; the command is stopped after 9 s.
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'snapshot', 'market-status', '--set', 'exchanges=NSE'], {
      env: { ...process.env, ...ctx.env, UPSTOX_ACCOUNT: 'idle', UPSTOX_ACCESS_TOKEN: 'cli-token', UPSTOX_API_BASE_URL: sim.url },
      timeout: 9_000,
    });
    const failure = (await run.then(() => undefined, (error: unknown) => error)) as { stderr?: string } | undefined;
    expect(failure?.stderr).toContain('no worker takes jobs from the nightly queue of account idle; start one with "upstox-ingest worker"');
  }, 60_000);

  it('starts the simulator with its file host', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sim', '--port', '0', '--assets-port', '0', '--token', 'my-own-secret'], {
      env: { ...process.env, ...ctx.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 30_000;
      while (!output.includes('point the pipeline') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const assetsUrl = /UPSTOX_ASSETS_BASE_URL=(\S+)/.exec(output)?.[1];
      expect(assetsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(output).toContain('UPSTOX_ACCESS_TOKEN=<the --token value>');
      expect(output).not.toContain('my-own-secret');
      const file = await fetch(`${assetsUrl}/market-quote/instruments/exchange/MCX.json.gz`);
      expect([file.status, file.headers.get('content-type')]).toEqual([200, 'application/gzip']);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('rejects an unknown payload field', async () => {
    await expect(cli('snapshot', 'market-status', '--set', 'exchanges=NSE', '--set', 'exchange=MCX')).rejects.toThrow(
      /unknown payload field exchange for market-status; market-status takes exchanges/,
    );
  }, 60_000);

  it('suggests migrate for a missing database', async () => {
    const missing = new URL(ctx.config.postgres.url);
    missing.pathname = `/upstox_missing_${ctx.id}`;
    await expect(cliWith({ DATABASE_URL: missing.toString() }, 'status')).rejects.toThrow(
      `database "upstox_missing_${ctx.id}" does not exist; run "upstox-ingest migrate" to create the database and its tables`,
    );
  }, 60_000);

  it('explains an invalid payload', async () => {
    await expect(cli('snapshot', 'option-chain', '--set', 'instrumentKey=TECHM')).rejects.toThrow(
      /invalid payload for option-chain: instrumentKey: invalid instrument key "TECHM": expected SEGMENT\|IDENTIFIER .*a bare trading symbol is not a key: look the symbol up in the instruments master/,
    );
  }, 60_000);
});
