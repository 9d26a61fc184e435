import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

const TOKEN = 'analytics-token';
const RELIANCE = 'INE002A01018';
const INFY = 'INE009A01021';
const TABLES = ['market_analytics', 'fundamentals', 'corporate_actions', 'news'] as const;

let ctx: TestContext;
let sim: RunningSimulator;
let worker: RunningIngestWorker;
let producer: JobProducer;
let run = 0;

/** Enqueues one job on the nightly queue under a fresh id and waits until it settles. */
async function runJob(name: string, data: Record<string, unknown>): Promise<{ state: string; reason: string | undefined }> {
  run++;
  const jobId = `${name}-run-${run}`;
  await producer.enqueue([{ jobId, name, data }], 'nightly');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await producer.queues.nightly.getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      const job = await producer.queues.nightly.getJob(jobId);
      return { state, reason: job?.failedReason };
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not settle within 20 s; last state ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const rows = await ctx.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    result[table] = Number(rows.rows[0]!.n);
  }
  return result;
}

const JOBS: [string, Record<string, unknown>][] = [
  ['market-analytics', { kinds: 'pcr,oi,change-oi,max-pain', instrumentKey: 'NSE_INDEX|Nifty 50', expiry: '2026-05-19', date: '2026-05-06', changeInterval: 2 }],
  ['market-analytics', { kinds: 'fii,dii,smartlist-futures,smartlist-options,smartlist-mtf', from: '2026-01-01' }],
  ['fundamentals', { isins: `${RELIANCE},${INFY}` }],
  ['corporate-actions', { isins: `${RELIANCE},${INFY}` }],
  ['news', { instrumentKeys: `NSE_EQ|${RELIANCE},NSE_EQ|${INFY}`, pageSize: 4 }],
];

let first: Record<string, number>;
let second: Record<string, number>;
const outcomes: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main' });
  sim = await startSimulator({ tokens: { [TOKEN]: 'main' } });
  worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: sim.url }), ctx.log);
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 3);
  for (const [name, data] of JOBS) {
    const outcome = await runJob(name, data);
    outcomes.push(`${name} ${outcome.state}${outcome.reason ? `: ${outcome.reason}` : ''}`);
  }
  first = await counts();
  for (const [name, data] of JOBS) await runJob(name, data);
  second = await counts();
}, 60_000);
afterAll(async () => {
  await worker.close();
  await producer.close();
  await sim.close();
  await ctx.cleanup();
});

describe('analytics jobs', () => {
  it('complete every job', () => {
    expect(outcomes).toEqual(JOBS.map(([name]) => `${name} completed`));
  });

  it('store one row per request', () => {
    // 4 option analytics; 5 FII data types, 1 DII and 3 smartlists; 7 kinds for 2 ISINs.
    expect([first.market_analytics, first.fundamentals]).toEqual([4 + 5 + 1 + 3, 14]);
  });

  it('change no count when run again', () => {
    expect(second).toEqual(first);
  });

  it('store typed option analytics', async () => {
    const rows = await ctx.pool.query(
      "SELECT kind, params_key, as_of_date::text, underlying_key, expiry::text, jsonb_array_length(data->'insights') AS buckets FROM market_analytics WHERE kind = 'pcr'",
    );
    expect(rows.rows).toEqual([
      { kind: 'pcr', params_key: 'bucket_interval=15&expiry=2026-05-19&instrument_key=NSE_INDEX|Nifty 50', as_of_date: '2026-05-06', underlying_key: 'NSE_INDEX|Nifty 50', expiry: '2026-05-19', buckets: 25 },
    ]);
  });

  it('store change-oi under its interval', async () => {
    const rows = await ctx.pool.query("SELECT params->>'interval' AS days, (data->>'interval')::int AS sent FROM market_analytics WHERE kind = 'change-oi'");
    expect(rows.rows).toEqual([{ days: '2', sent: 2 }]);
  });

  it("store Reliance's corporate actions typed", async () => {
    const rows = await ctx.pool.query(
      'SELECT action_type, ex_date::text, record_date::text, amount::text, ratio, purpose FROM corporate_actions WHERE isin = $1 ORDER BY ex_date',
      [RELIANCE],
    );
    expect(rows.rows).toEqual([
      { action_type: 'Dividend', ex_date: '2024-08-19', record_date: '2024-08-19', amount: '10', ratio: null, purpose: 'Final Dividend' },
      { action_type: 'Bonus', ex_date: '2024-10-28', record_date: '2024-10-28', amount: null, ratio: '1:1', purpose: 'Bonus issue 1:1' },
      { action_type: 'Dividend', ex_date: '2025-08-14', record_date: '2025-08-14', amount: '5.5', ratio: null, purpose: 'Final Dividend' },
    ]);
  });

  it('store statements with their report type', async () => {
    const rows = await ctx.pool.query(
      "SELECT kind, report_type, time_period, units_in, full_statement FROM fundamentals WHERE isin = $1 AND kind IN ('balance-sheet', 'income-statement') ORDER BY kind",
      [INFY],
    );
    expect(rows.rows).toEqual([
      { kind: 'balance-sheet', report_type: 'consolidated', time_period: '', units_in: 'crore', full_statement: true },
      { kind: 'income-statement', report_type: 'consolidated', time_period: 'yearly', units_in: 'crore', full_statement: true },
    ]);
  });

  it('store competitors under the instrument key', async () => {
    const rows = await ctx.pool.query("SELECT subject, jsonb_array_length(data) AS peers FROM fundamentals WHERE kind = 'competitors' ORDER BY subject");
    expect(rows.rows).toEqual([
      { subject: `NSE_EQ|${RELIANCE}`, peers: 4 },
      { subject: `NSE_EQ|${INFY}`, peers: 4 },
    ]);
  });

  it('store a shared article once with both keys', async () => {
    const rows = await ctx.pool.query<{ instruments: string[] }>("SELECT instruments FROM news WHERE title LIKE 'Sensex and Nifty%'");
    expect(rows.rows).toEqual([{ instruments: [`NSE_EQ|${RELIANCE}`, `NSE_EQ|${INFY}`] }]);
  });

  it('fetch every news page', async () => {
    const runs = await ctx.pool.query<{ requests_made: number }>("SELECT requests_made FROM ingest_runs WHERE job_name = 'news' ORDER BY id LIMIT 1");
    const articles = await ctx.pool.query<{ n: string }>('SELECT count(*) AS n FROM news');
    // The simulator lists every article under each key it concerns; the shared one twice.
    expect(runs.rows[0]!.requests_made).toBe(Math.ceil((Number(articles.rows[0]!.n) + 1) / 4));
  });

  it('add keys to a stored article', async () => {
    await runJob('news', { instrumentKeys: 'NSE_EQ|INE040A01034' });
    const rows = await ctx.pool.query<{ instruments: string[] }>("SELECT instruments FROM news WHERE title LIKE 'Sensex and Nifty%'");
    expect(rows.rows).toEqual([{ instruments: [`NSE_EQ|${RELIANCE}`, `NSE_EQ|${INFY}`, 'NSE_EQ|INE040A01034'] }]);
  });
});
