// Rate-budget benchmark: a backfill of many candle requests against the simulator, which
// enforces Upstox's three windows, run by several worker processes that share one budget.
// It prints the wall time, the lower bound the windows imply for that many requests, their
// ratio, and the number of 429 responses the simulator sent.
//
// The windows are shortened by --scale (default 10: 1 s → 100 ms, 60 s → 6 s, 30 min → 3 min).
// With more than 2,000 requests the 30-minute window binds, as it does for real backfills.
// The wall time also holds the processing of the last burst of requests, so the script
// prints, beside it, when the simulator received the last request.
//
// Usage: npx tsx bench/rate-budget.ts [--requests 2200] [--runs 3] [--workers 2] [--scale 10]
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startCandleBackfill, waitForBackfill } from '../src/backfill/candle-backfill.js';
import { JobProducer } from '../src/queue/producer.js';
import { startSimulator } from '../src/simulator/server.js';
import { createTestContext } from '../test/support/test-context.js';
import { WorkerProcesses } from '../test/support/worker-processes.js';

const ROOT = join(import.meta.dirname, '..');
const LIMITS = { perSecond: 50, perMinute: 500, perHalfHour: 2000 };
const WINDOWS_MS = [1_000, 60_000, 1_800_000];

interface Options {
  requests: number;
  runs: number;
  workers: number;
  scale: number;
  concurrency: number;
  marginMs: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { requests: 2200, runs: 3, workers: 2, scale: 10, concurrency: 8, marginMs: 40 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, '') as keyof Options;
    const value = Number(argv[i + 1]);
    if (!(name in options) || !Number.isFinite(value)) throw new Error(`unknown option ${argv[i]}; use --requests, --runs, --workers, --scale, --concurrency, --marginMs`);
    options[name] = value;
  }
  return options;
}

/**
 * Returns the earliest start of the last of `count` requests that the sliding windows allow:
 * each request starts as soon as every window contains fewer than its limit.
 */
export function lowerBoundMs(count: number, limits: readonly number[], windowsMs: readonly number[]): number {
  const starts: number[] = [];
  for (let k = 0; k < count; k++) {
    let t = 0;
    for (let w = 0; w < limits.length; w++) {
      const earlier = k - limits[w]!;
      if (earlier >= 0) t = Math.max(t, starts[earlier]! + windowsMs[w]!);
    }
    starts.push(t);
  }
  return starts[count - 1] ?? 0;
}

function equityKeys(count: number): string[] {
  const rows = JSON.parse(gunzipSync(readFileSync(join(ROOT, 'data/recorded/upstox-instruments-NSE-2026-02-27.json.gz'))).toString('utf8')) as { segment: string; instrument_key: string }[];
  const keys = rows.filter((r) => r.segment === 'NSE_EQ').map((r) => r.instrument_key);
  if (keys.length < count) throw new Error(`the master has only ${keys.length} NSE_EQ keys; ask for at most that many requests`);
  return keys.slice(0, count);
}

async function runOnce(options: Options, keys: string[]): Promise<{ wallMs: number; lastSentMs: number; rejected429: number; accepted: number; maxima: unknown }> {
  const token = 'bench-token';
  const ctx = await createTestContext({ UPSTOX_ACCOUNT: 'bench' });
  const sim = await startSimulator({ tokens: { [token]: 'bench' }, rateLimits: LIMITS, timeScale: options.scale });
  const producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'bench', 5);
  const workers = new WorkerProcesses();
  try {
    await workers.start(options.workers, {
      ...ctx.env,
      UPSTOX_ACCOUNT: 'bench',
      UPSTOX_ACCESS_TOKEN: token,
      UPSTOX_API_BASE_URL: sim.url,
      WORKER_CONCURRENCY: String(options.concurrency),
      RATE_WINDOW_SCALE: String(options.scale),
      RATE_MARGIN_MS: String(options.marginMs),
      RATE_RESERVE_LIVE: '0',
      RATE_RESERVE_NIGHTLY: '0',
      LOG_LEVEL: 'info',
    });
    // Load the simulator's data files before timing, as a running simulator would have. The
    // intraday endpoint is a separate API for the rate windows, so this request takes nothing
    // from the historical endpoint's windows.
    await fetch(`${sim.url}/v3/historical-candle/intraday/${encodeURIComponent(keys[0]!)}/minutes/1`, { headers: { authorization: `Bearer ${token}` } });
    sim.resetStats();
    const started = Date.now();
    const backfill = await startCandleBackfill(ctx.pool, producer, { account: 'bench', instrumentKeys: keys, unit: 'days', interval: 1, fromDate: '2025-01-01', toDate: '2025-01-31', today: '2026-12-04' });
    const progress = await waitForBackfill(ctx.pool, backfill.backfillId, { pollMs: 20, timeoutMs: 900_000 });
    const wallMs = Date.now() - started;
    if (progress.byState.done !== keys.length) throw new Error(`only ${progress.byState.done} of ${keys.length} chunks are done: ${JSON.stringify(progress.byState)}`);
    const stats = sim.stats();
    const lastSentMs = Math.max(...sim.requestLog().map((entry) => entry.at)) - started;
    const api = stats.byApi['bench:historical-candle'];
    return { wallMs, lastSentMs, rejected429: api?.rejected429 ?? 0, accepted: api?.accepted ?? 0, maxima: api?.maxInWindow };
  } finally {
    await workers.stop();
    await producer.close();
    await sim.close();
    await ctx.cleanup();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const keys = equityKeys(options.requests);
  const bound = lowerBoundMs(options.requests, [LIMITS.perSecond, LIMITS.perMinute, LIMITS.perHalfHour], WINDOWS_MS.map((w) => w / options.scale));
  console.log(`Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model}; ${Math.round(totalmem() / 2 ** 30)} GiB`);
  console.log(`${options.requests} requests, ${options.workers} worker processes × concurrency ${options.concurrency}, windows ÷${options.scale}, margin ${options.marginMs} ms`);
  console.log(`lower bound: ${(bound / 1000).toFixed(2)} s`);
  const results = [];
  for (let run = 1; run <= options.runs; run++) {
    const result = await runOnce(options, keys);
    results.push(result);
    console.log(
      `run ${run}: wall ${(result.wallMs / 1000).toFixed(2)} s, ratio ${(result.wallMs / bound).toFixed(3)}; last request received at ` +
        `${(result.lastSentMs / 1000).toFixed(2)} s, ratio ${(result.lastSentMs / bound).toFixed(3)}; 429 responses ${result.rejected429}; requests accepted ${result.accepted}; most in one window ${JSON.stringify(result.maxima)}`,
    );
  }
  const ratios = results.map((r) => r.wallMs / bound).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  const total429 = results.reduce((n, r) => n + r.rejected429, 0);
  console.log(`\nmedian ratio ${median.toFixed(3)} (target ≤ 1.03); 429 responses in all runs: ${total429}`);
  if (median > 1.03 || total429 > 0) process.exitCode = 1;
}

await main();
