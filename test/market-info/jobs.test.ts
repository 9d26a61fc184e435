import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketHolidaysJob, marketStatusJob, marketTimingsJob } from '../../jobs/market-info-calendar.js';
import { expiredCandlesJob, expiredContractsJob, expiredExpiriesJob } from '../../jobs/market-info-expired.js';
import type { SnapshotJobDefinition } from '../../jobs/snapshot-job.js';
import { PostgresTradingCalendar } from '../../src/calendar/postgres-calendar.js';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { PostgresStore } from '../../src/stores/postgres/store.js';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { CannedServer } from '../support/canned-server.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// Simulator → worker → stores for every market-information and expired-instrument job. The
// simulator's clock is set to noon IST on Good Friday 2025, an NSE holiday.

const TOKEN = 'market-info-jobs-token';
const SIM_NOW = Date.parse('2025-04-18T12:00:00+05:30');
const NIFTY = 'NSE_INDEX|Nifty 50';
const RELIANCE = 'NSE_EQ|INE002A01018';

let ctx: TestContext;
let producer: JobProducer;

/** Queues one job through the producer, as the CLI does, and waits until the worker settles it. */
async function runJob<P>(definition: SnapshotJobDefinition<P>, raw: Record<string, unknown>): Promise<{ state: string; jobId: string; returnvalue: unknown; failedReason: string | undefined; attemptsMade: number }> {
  const payload = definition.payloadSchema.parse(raw);
  const jobId = definition.jobId(payload, 'main');
  await producer.enqueue([{ jobId, name: definition.name, data: payload as Record<string, unknown> }], 'nightly');
  const queue = producer.queues.nightly;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      const job = await queue.getJob(jobId);
      return { state, jobId, returnvalue: job?.returnvalue, failedReason: job?.failedReason, attemptsMade: job?.attemptsMade ?? 0 };
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish within 20 s (state ${state})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Returns every row of a Postgres table in key order, as JSON text, to compare two runs. */
async function tableText(table: string, order: string): Promise<string> {
  const result = await ctx.pool.query(`SELECT * FROM ${table} ORDER BY ${order}`);
  return JSON.stringify(result.rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

async function runTwice<P>(definition: SnapshotJobDefinition<P>, raw: Record<string, unknown>, table: string, order: string): Promise<{ first: string; second: string; returnvalue: unknown }> {
  const run = await runJob(definition, raw);
  if (run.state !== 'completed') throw new Error(`job ${run.jobId} ${run.state}: ${run.failedReason}`);
  const first = await tableText(table, order);
  await runJob(definition, raw);
  return { first, second: await tableText(table, order), returnvalue: run.returnvalue };
}

async function questCount(sql: string): Promise<number> {
  return Number((await ctx.questdb.exec(sql)).dataset[0]![0]);
}

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main', JOB_ATTEMPTS: '3' });
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 3);
});
afterAll(async () => {
  await producer.close();
  await ctx.cleanup();
});

describe('market information jobs', () => {
  let sim: RunningSimulator;
  let worker: RunningIngestWorker;

  beforeAll(async () => {
    sim = await startSimulator({ tokens: { [TOKEN]: 'main' }, now: () => SIM_NOW });
    worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: sim.url }), ctx.log);
  });
  afterAll(async () => {
    await worker.close();
    await sim.close();
  });

  it('stores each exchange status once', async () => {
    const { first, second } = await runTwice(marketStatusJob, {}, 'market_status', 'exchange, last_updated');
    const rows = await ctx.pool.query<{ exchange: string; status: string; last_updated: Date }>('SELECT exchange, status, last_updated FROM market_status ORDER BY exchange');
    expect(rows.rows.map((r) => [r.exchange, r.status, r.last_updated.toISOString()])).toEqual([
      ['BCD', 'NORMAL_CLOSE', '2025-04-17T11:30:00.000Z'],
      ['BFO', 'NORMAL_CLOSE', '2025-04-17T10:00:00.000Z'],
      ['BSE', 'CLOSING_END', '2025-04-17T10:30:00.000Z'],
      ['CDS', 'NORMAL_CLOSE', '2025-04-17T11:30:00.000Z'],
      ['MCX', 'NORMAL_CLOSE', '2025-04-17T18:00:00.000Z'],
      ['NFO', 'NORMAL_CLOSE', '2025-04-17T10:00:00.000Z'],
      ['NSCOM', 'NORMAL_CLOSE', '2025-04-17T18:00:00.000Z'],
      ['NSE', 'CLOSING_END', '2025-04-17T10:30:00.000Z'],
    ]);
    const latest = await ctx.pool.query("SELECT status FROM market_status_latest WHERE exchange = 'MCX'");
    expect(latest.rows).toEqual([{ status: 'NORMAL_CLOSE' }]);
    expect(second).toBe(first);
  });

  it('stores the holiday list once', async () => {
    const { first, second } = await runTwice(marketHolidaysJob, {}, 'market_holidays', 'date, exchange');
    const years = await ctx.pool.query('SELECT year, entries FROM market_holiday_years');
    const goodFriday = await ctx.pool.query<{ exchange: string; closed_all_day: boolean }>(
      "SELECT exchange, closed_all_day FROM market_holidays WHERE date = '2025-04-18' ORDER BY exchange",
    );
    expect([years.rows, goodFriday.rows.map((r) => [r.exchange, r.closed_all_day])]).toEqual([
      [{ year: 2025, entries: 15 }],
      [['BCD', true], ['BFO', true], ['BSE', true], ['CDS', true], ['MCX', false], ['NFO', true], ['NSE', true]],
    ]);
    expect(second).toBe(first);
  });

  it('stores one date of holidays once', async () => {
    const before = await tableText('market_holidays', 'date, exchange');
    const { first, second } = await runTwice(marketHolidaysJob, { date: '2025-04-18' }, 'market_holidays', 'date, exchange');
    expect([first, second]).toEqual([before, before]);
  });

  it('makes the stored calendar answer', async () => {
    const calendar = await PostgresTradingCalendar.load(new PostgresStore(ctx.pool), '2025-04-01', '2025-04-30');
    expect([calendar.day('NSE_EQ', '2025-04-18'), calendar.day('MCX_FO', '2025-04-18')]).toEqual([
      { date: '2025-04-18', kind: 'holiday', sessions: [] },
      { date: '2025-04-18', kind: 'special', sessions: [{ startMinute: 1020, endMinute: 1410 }] },
    ]);
  });

  it('stores timings once', async () => {
    const { first, second } = await runTwice(marketTimingsJob, { fromDate: '2025-04-14', toDate: '2025-04-18' }, 'market_timings', 'date, exchange');
    const perDate = await ctx.pool.query<{ date: string; n: bigint }>('SELECT date, count(*) AS n FROM market_timings GROUP BY date ORDER BY date');
    expect(perDate.rows.map((r) => [r.date, Number(r.n)])).toEqual([
      ['2025-04-14', 1],
      ['2025-04-15', 7],
      ['2025-04-16', 7],
      ['2025-04-17', 7],
      ['2025-04-18', 1],
    ]);
    expect(second).toBe(first);
  });

  it('stores expiries once', async () => {
    const { first, second } = await runTwice(expiredExpiriesJob, { underlyings: `${NIFTY},${RELIANCE}` }, 'expired_expiries', 'underlying_key, expiry');
    const counts = await ctx.pool.query<{ underlying_key: string; n: bigint; last: string }>(
      'SELECT underlying_key, count(*) AS n, max(expiry) AS last FROM expired_expiries GROUP BY underlying_key ORDER BY underlying_key',
    );
    expect(counts.rows.map((r) => [r.underlying_key, Number(r.n), r.last])).toEqual([
      [RELIANCE, 6, '2025-03-27'],
      [NIFTY, 29, '2025-04-17'],
    ]);
    expect(second).toBe(first);
  });

  it('stores contracts once', async () => {
    const { first, second } = await runTwice(expiredContractsJob, { underlying: NIFTY, expiryDates: '2025-04-17,2025-03-27' }, 'expired_instruments', 'instrument_key');
    const byType = await ctx.pool.query<{ expiry: string; instrument_type: string; n: bigint }>(
      'SELECT expiry, instrument_type, count(*) AS n FROM expired_instruments GROUP BY expiry, instrument_type ORDER BY expiry, instrument_type',
    );
    const future = await ctx.pool.query("SELECT instrument_key, trading_symbol, strike_price, tick_size_paise, lot_size FROM expired_instruments WHERE instrument_type = 'FUT'");
    expect([byType.rows.map((r) => [r.expiry, r.instrument_type, Number(r.n)]), future.rows]).toEqual([
      [
        ['2025-03-27', 'CE', 93],
        ['2025-03-27', 'FUT', 1],
        ['2025-03-27', 'PE', 93],
        ['2025-04-17', 'CE', 93],
        ['2025-04-17', 'PE', 93],
      ],
      [{ instrument_key: 'NSE_FO|242000|27-03-2025', trading_symbol: 'NIFTY FUT 27 MAR 25', strike_price: null, tick_size_paise: '10', lot_size: 65 }],
    ]);
    expect(second).toBe(first);
  });

  it('stores expired minute candles once', async () => {
    const key = (await ctx.pool.query<{ instrument_key: string }>("SELECT instrument_key FROM expired_instruments WHERE expiry = '2025-04-17' ORDER BY instrument_key LIMIT 1")).rows[0]!.instrument_key;
    const table = `${ctx.config.questdb.tablePrefix}candles_intraday`;
    const where = `instrument_key = '${key}' AND interval = '1minute' AND source = 'expired'`;
    // The range runs past the expiry, so the job ends it at 2025-04-17.
    const first = await runJob(expiredCandlesJob, { instrumentKey: key, interval: '1minute', fromDate: '2025-04-16', toDate: '2025-04-25' });
    const countAfterFirst = await questCount(`SELECT count() FROM ${table} WHERE ${where}`);
    await runJob(expiredCandlesJob, { instrumentKey: key, interval: '1minute', fromDate: '2025-04-16', toDate: '2025-04-25' });
    const countAfterSecond = await questCount(`SELECT count() FROM ${table} WHERE ${where}`);
    expect([first.state, (first.returnvalue as { rowsWritten: number }).rowsWritten, countAfterFirst, countAfterSecond]).toEqual(['completed', 750, 750, 750]);
  });

  it('stores the bars the simulator serves', async () => {
    const key = (await ctx.pool.query<{ instrument_key: string }>("SELECT instrument_key FROM expired_instruments WHERE expiry = '2025-04-17' ORDER BY instrument_key LIMIT 1")).rows[0]!.instrument_key;
    const api = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 10_000 });
    const served = await api.expiredHistoricalCandles({ expiredInstrumentKey: key, interval: '1minute', toDate: '2025-04-17', fromDate: '2025-04-17' });
    await api.close();
    const [ts, open, high, low, close, volume, oi] = served.candles[0]!;
    const stored = await ctx.questdb.exec(
      `SELECT ts, trade_date, open, high, low, close, volume, open_interest, source FROM ${ctx.config.questdb.tablePrefix}candles_intraday ` +
        `WHERE instrument_key = '${key}' AND interval = '1minute' ORDER BY ts DESC LIMIT 1`,
    );
    expect([ts, stored.dataset[0]]).toEqual([
      '2025-04-17T15:29:00+05:30',
      ['2025-04-17T09:59:00.000000Z', '2025-04-17T00:00:00.000Z', open, high, low, close, volume, oi, 'expired'],
    ]);
  });

  it('stores expired day candles once', async () => {
    const table = `${ctx.config.questdb.tablePrefix}candles_daily`;
    const where = `instrument_key = 'NSE_FO|242000|27-03-2025' AND interval = '1day' AND source = 'expired'`;
    const payload = { instrumentKey: 'NSE_FO|242000|27-03-2025', interval: 'day', fromDate: '2025-03-01', toDate: '2025-03-27' };
    const first = await runJob(expiredCandlesJob, payload);
    const countAfterFirst = await questCount(`SELECT count() FROM ${table} WHERE ${where}`);
    await runJob(expiredCandlesJob, payload);
    const countAfterSecond = await questCount(`SELECT count() FROM ${table} WHERE ${where}`);
    // 2025-03-01..27 has 19 weekdays, and Holi on the 14th was an NSE holiday.
    expect([first.state, countAfterFirst, countAfterSecond]).toEqual(['completed', 18, 18]);
  });
});

describe('expired jobs without Upstox Plus', () => {
  let sim: RunningSimulator;
  let worker: RunningIngestWorker;

  beforeAll(async () => {
    sim = await startSimulator({ tokens: { [TOKEN]: 'main' }, accounts: { main: { plus: false } }, now: () => SIM_NOW });
    worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: sim.url }), ctx.log);
  });
  afterAll(async () => {
    await worker.close();
    await sim.close();
  });

  it('fails once with the plan named', async () => {
    const run = await runJob(expiredExpiriesJob, { underlyings: 'NSE_INDEX|Nifty Bank' });
    const runs = await ctx.pool.query<{ outcome: string; error_code: string; error_message: string }>('SELECT outcome, error_code, error_message FROM ingest_runs WHERE job_id = $1', [run.jobId]);
    expect([run.state, run.attemptsMade, sim.requestLog().length, runs.rows.map((r) => [r.outcome, r.error_code])]).toEqual([
      'failed',
      1,
      1,
      [['failed', 'UDAPI1149']],
    ]);
    expect(run.failedReason).toMatch(/needs an Upstox Plus plan, which this account does not have/);
    expect(runs.rows[0]!.error_message).toMatch(/needs an Upstox Plus plan/);
  });
});

describe('market timings job on an impossible body', () => {
  const server = new CannedServer();
  let worker: RunningIngestWorker;
  // The docs' timings example: requested for 2024-01-22, stamped with the sessions of 2024-01-01.
  const sample = readFileSync(resolve(import.meta.dirname, '..', '..', 'vendor', 'upstox', 'samples', 'market-timings.json'), 'utf8');

  beforeAll(async () => {
    server.route(() => ({ status: 200, body: sample }));
    await server.start();
    worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: server.url }), ctx.log);
  });
  afterAll(async () => {
    await worker.close();
    await server.stop();
  });

  it('quarantines the body without retries', async () => {
    const run = await runJob(marketTimingsJob, { fromDate: '2024-01-22' });
    const runs = await ctx.pool.query<{ outcome: string; error_code: string }>('SELECT outcome, error_code FROM ingest_runs WHERE job_id = $1', [run.jobId]);
    const kept = await ctx.pool.query<{ request_path: string; raw_body: string }>('SELECT request_path, raw_body FROM quarantine WHERE job_id = $1', [run.jobId]);
    const stored = await ctx.pool.query("SELECT 1 FROM market_timings WHERE date = '2024-01-22'");
    expect([run.state, server.requests.length, runs.rows, kept.rows, stored.rowCount]).toEqual([
      'failed',
      1,
      [{ outcome: 'failed', error_code: 'UPSTOX_SCHEMA_MISMATCH' }],
      [{ request_path: '/v2/market/timings/2024-01-22', raw_body: sample }],
      0,
    ]);
    expect(run.failedReason).toMatch(/MCX opens at 2024-01-01T03:30:00.000Z, which is on 2024-01-01 in IST, not on 2024-01-22/);
  });
});
