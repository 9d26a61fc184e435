import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCandleBackfill, waitForBackfill } from '../../src/backfill/candle-backfill.js';
import { withUpstoxSettings } from '../../src/config/env.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { JobProducer } from '../../src/queue/producer.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { waitForWalApplied } from '../../src/stores/questdb/wal.js';
import { parseInstant } from '../../src/time/ist.js';
import { startIngestWorker } from '../../workers/ingest-worker.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

const INFY = 'NSE_EQ|INE009A01021';
const RECORDED = resolve(import.meta.dirname, '..', '..', 'data', 'recorded', 'upstox-v2-historical-candle-1minute-INFY-2025-02-07.json');

describe('simulator to QuestDB', () => {
  let ctx: TestContext;
  let sim: RunningSimulator;

  beforeAll(async () => {
    ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main' });
    sim = await startSimulator({ tokens: { 'pipeline-token': 'main' } });
  });
  afterAll(async () => {
    await sim.close();
    await ctx.cleanup();
  });

  it("stores INFY's recorded day exactly, shifted to UTC", async () => {
    const worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: 'pipeline-token', baseUrl: sim.url }), ctx.log);
    const producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 3);
    try {
      const started = await startCandleBackfill(ctx.pool, producer, { account: 'main', instrumentKeys: [INFY], unit: 'minutes', interval: 1, fromDate: '2025-02-01', toDate: '2025-02-28', today: '2026-12-04' });
      await waitForBackfill(ctx.pool, started.backfillId, { pollMs: 100, timeoutMs: 60_000 });
    } finally {
      await producer.close();
      await worker.close();
    }
    const table = `${ctx.config.questdb.tablePrefix}candles_intraday`;
    await waitForWalApplied(ctx.questdb, table);
    const stored = await ctx.questdb.exec(`SELECT ts, open, high, low, close, volume, open_interest FROM ${table} WHERE instrument_key = '${INFY}' AND trade_date = '2025-02-07' ORDER BY ts`);
    const recorded = (JSON.parse(readFileSync(RECORDED, 'utf8')) as { data: { candles: [string, number, number, number, number, number, number][] } }).data.candles;
    const expected = [...recorded].reverse().map(([ts, o, h, l, c, v, oi]) => [new Date(parseInstant(ts)).toISOString().replace('Z', '000Z'), o, h, l, c, v, oi]);
    expect(stored.dataset).toEqual(expected);
  });

  it('stores 375 bars on each of the 20 trading days of February 2025', async () => {
    const table = `${ctx.config.questdb.tablePrefix}candles_intraday`;
    const result = await ctx.questdb.exec(`SELECT count_distinct(trade_date), count() FROM ${table} WHERE instrument_key = '${INFY}'`);
    expect(result.dataset[0]).toEqual([20, 20 * 375]);
  });
});

describe('demo', () => {
  let ctx: TestContext;
  let first: DemoResult;
  let second: DemoResult;

  beforeAll(async () => {
    ctx = await createTestContext();
    const print = () => undefined;
    first = await runDemo(ctx.config, ctx.log, print);
    second = await runDemo(ctx.config, ctx.log, print);
  }, 180_000);
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('uses the simulator when no token is set', () => {
    expect(first.usedSimulator).toBe(true);
  });

  it('stores what the calendar implies for each interval', () => {
    const stored = Object.fromEntries(first.stored.map((s) => [s.interval, s.rows]));
    expect(stored).toEqual(Object.fromEntries(first.expected));
  });

  it('expects 375 bars per instrument and trading day in February 2025', () => {
    expect(first.expected.get('1minute')).toBe(6 * 20 * 375);
  });

  it('leaves every count unchanged when run again', () => {
    expect(second.stored).toEqual(first.stored);
  });

  it('queues one request per instrument and backfill the first time', () => {
    expect(first.backfills.map((b) => b.requestsQueued)).toEqual([6, 6]);
  });

  it('queues no request the second time', () => {
    expect(second.backfills.map((b) => b.requestsQueued)).toEqual([0, 0]);
  });
});
