import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { giveUpCandleJob, runCandleJob, type CandlePayload } from '../../jobs/candles.js';
import { candleChunkId, planCandleBackfill } from '../../src/candles/plan.js';
import { resumeCursor } from '../../src/stores/postgres/candle-coverage.js';
import { getChunk, recordBackfill } from '../../src/stores/postgres/chunk-ledger.js';
import { waitForWalApplied } from '../../src/stores/questdb/wal.js';
import { createUpstoxClient, type UpstoxApi } from '../../src/upstox/client.js';
import { CannedServer, candleBody } from '../support/canned-server.js';
import { realCandleDeps } from '../support/candle-deps.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

const KEY = 'NSE_EQ|INE000X01010';
const server = new CannedServer();
let ctx: TestContext;
let api: UpstoxApi & { close(): Promise<void> };
let deps: ReturnType<typeof realCandleDeps>;

function payload(unit: CandlePayload['unit'], fromDate: string, toDate: string, source: CandlePayload['source'] = 'historical', key = KEY): CandlePayload {
  const chunk = { account: 'main', instrumentKey: key, unit, interval: 1, source, fromDate, toDate };
  return { ...chunk, chunkId: candleChunkId(chunk) };
}

/** Registers the chunk in the ledger as the backfill command would. */
async function plan(p: CandlePayload): Promise<void> {
  await recordBackfill(ctx.pool, 'main', {}, [{ ...p, state: 'pending' }], { refetch: true });
}

async function rows(table: 'candles_intraday' | 'candles_daily', key = KEY): Promise<unknown[][]> {
  await waitForWalApplied(ctx.questdb, deps.store.table(table));
  const result = await ctx.questdb.exec(`SELECT ts, trade_date, close FROM ${deps.store.table(table)} WHERE instrument_key = '${key}' ORDER BY ts`);
  return result.dataset as unknown[][];
}

beforeAll(async () => {
  ctx = await createTestContext();
  await server.start();
  api = createUpstoxClient({ baseUrl: server.url, token: 'test-token', requestTimeoutMs: 2_000 });
  deps = realCandleDeps(ctx, api);
});
afterAll(async () => {
  await deps.close();
  await api.close();
  await server.stop();
  await ctx.cleanup();
});
beforeEach(() => {
  server.requests.length = 0;
});

describe('candle job: IST daily bars', () => {
  const body = candleBody([
    ['2024-03-28T00:00:00+05:30', 1003.5, 1010.0, 995.2, 1008.4, 1234567, 0],
    ['2024-03-27T00:00:00+05:30', 990.0, 1004.0, 988.1, 1003.0, 1100000, 0],
  ]);

  it('stores the 2024-03-28 bar at 2024-03-27T18:30Z with its IST date', async () => {
    const p = payload('days', '2024-03-27', '2024-03-28');
    await plan(p);
    server.enqueue({ status: 200, body });
    await runCandleJob(p, deps);
    expect(await rows('candles_daily')).toEqual([
      ['2024-03-26T18:30:00.000000Z', '2024-03-27T00:00:00.000Z', 1003.0],
      ['2024-03-27T18:30:00.000000Z', '2024-03-28T00:00:00.000Z', 1008.4],
    ]);
  });

  it('marks the daily chunk done with a clean session check', async () => {
    const chunk = await getChunk(ctx.pool, payload('days', '2024-03-27', '2024-03-28').chunkId);
    expect([chunk?.state, chunk?.rowsWritten, chunk?.detail]).toEqual(['done', 2, undefined]);
  });

  it('leaves the same rows when run twice', async () => {
    const p = payload('days', '2024-03-27', '2024-03-28');
    const before = await rows('candles_daily');
    server.enqueue({ status: 200, body });
    await runCandleJob(p, deps);
    expect(await rows('candles_daily')).toEqual(before);
  });
});

describe('candle job: intraday chunk on a closed day', () => {
  it('settles a Saturday without bars as empty', async () => {
    const saturday = payload('minutes', '2024-03-30', '2024-03-30', 'intraday', 'NSE_EQ|INE000Z01012');
    await plan(saturday);
    server.enqueue({ status: 200, body: candleBody([]) });
    await runCandleJob(saturday, deps);
    const chunk = await getChunk(ctx.pool, saturday.chunkId);
    expect([chunk?.state, chunk?.rowsWritten, chunk?.detail]).toEqual(['empty', 0, 'no session on 2024-03-30 per the exchange calendar']);
  });

  it('keeps a trading day without bars yet partial', async () => {
    const thursday = payload('minutes', '2024-03-28', '2024-03-28', 'intraday', 'NSE_EQ|INE000Z01012');
    await plan(thursday);
    server.enqueue({ status: 200, body: candleBody([]) });
    await runCandleJob(thursday, deps);
    const chunk = await getChunk(ctx.pool, thursday.chunkId);
    expect([chunk?.state, chunk?.rowsWritten]).toEqual(['partial', 0]);
  });
});

describe('candle job: overlapping intraday and historical answers', () => {
  const key = 'NSE_EQ|INE000Y01011';
  const bar = (time: string, close: number) => [`2024-03-28T${time}:00+05:30`, 100, 101, 99, close, 500, 0];

  it('keeps three rows, ascending, with the historical close', async () => {
    const intraday = payload('minutes', '2024-03-28', '2024-03-28', 'intraday', key);
    await plan(intraday);
    server.enqueue({ status: 200, body: candleBody([bar('09:17', 100.2), bar('09:16', 100.1), bar('09:15', 100.0)]) });
    await runCandleJob(intraday, deps);
    const historical = payload('minutes', '2024-03-28', '2024-03-28', 'historical', key);
    await plan(historical);
    server.enqueue({ status: 200, body: candleBody([bar('09:17', 100.2), bar('09:16', 100.15), bar('09:15', 100.0)]) });
    await runCandleJob(historical, deps);
    expect(await rows('candles_intraday', key)).toEqual([
      ['2024-03-28T03:45:00.000000Z', '2024-03-28T00:00:00.000Z', 100.0],
      ['2024-03-28T03:46:00.000000Z', '2024-03-28T00:00:00.000Z', 100.15],
      ['2024-03-28T03:47:00.000000Z', '2024-03-28T00:00:00.000Z', 100.2],
    ]);
  });

  it('sets the resume cursor to the newest bar, 09:17 IST', async () => {
    expect((await resumeCursor(ctx.pool, key, '1minute'))?.toISOString()).toBe('2024-03-28T03:47:00.000Z');
  });

  it('leaves three rows after running again', async () => {
    const historical = payload('minutes', '2024-03-28', '2024-03-28', 'historical', key);
    server.enqueue({ status: 200, body: candleBody([bar('09:17', 100.2), bar('09:16', 100.15), bar('09:15', 100.0)]) });
    await runCandleJob(historical, deps);
    expect(await rows('candles_intraday', key)).toHaveLength(3);
  });

  it('does not mark a three-bar day complete', async () => {
    const chunk = await getChunk(ctx.pool, payload('minutes', '2024-03-28', '2024-03-28', 'historical', key).chunkId);
    expect([chunk?.state, chunk?.detail]).toEqual(['suspect', '2024-03-28: 3 of 375 1-minute bars']);
  });
});

describe('candle job: empty answers', () => {
  const empty = { status: 200, body: candleBody([]) };

  it('asks again once, one day wider, when a trading day comes back empty', async () => {
    const p = payload('days', '2026-08-06', '2026-08-06', 'historical', 'NSE_EQ|INE000A01011');
    await plan(p);
    server.enqueue(empty, empty);
    await runCandleJob(p, deps);
    expect(server.requests.map((r) => r.url.split('/').slice(-2).join('/'))).toEqual(['2026-08-06/2026-08-06', '2026-08-07/2026-08-06']);
  });

  it('records the chunk as empty on a trading day, not complete', async () => {
    const chunk = await getChunk(ctx.pool, payload('days', '2026-08-06', '2026-08-06', 'historical', 'NSE_EQ|INE000A01011').chunkId);
    expect(chunk?.state).toBe('empty_trading_day');
  });

  it('raises one alert for it', async () => {
    const result = await ctx.pool.query("SELECT kind, subject FROM alerts WHERE kind = 'empty_trading_day' AND resolved_at IS NULL");
    expect(result.rows).toEqual([{ kind: 'empty_trading_day', subject: payload('days', '2026-08-06', '2026-08-06', 'historical', 'NSE_EQ|INE000A01011').chunkId }]);
  });

  it('keeps only the requested day from the wider answer', async () => {
    const key = 'NSE_EQ|INE000B01011';
    const p = payload('days', '2026-08-06', '2026-08-06', 'historical', key);
    await plan(p);
    server.enqueue(empty, {
      status: 200,
      body: candleBody([
        ['2026-08-07T00:00:00+05:30', 11, 12, 10, 11.5, 900, 0],
        ['2026-08-06T00:00:00+05:30', 10, 12, 9, 11, 800, 0],
      ]),
    });
    await runCandleJob(p, deps);
    expect((await rows('candles_daily', key)).map((r) => r[1])).toEqual(['2026-08-06T00:00:00.000Z']);
  });

  it('completes a holiday with zero rows and no second request', async () => {
    const p = payload('days', '2024-03-29', '2024-03-29', 'historical', 'NSE_EQ|INE000C01011');
    await plan(p);
    server.enqueue(empty);
    const summary = await runCandleJob(p, deps);
    expect([summary.state, summary.rowsWritten, server.requests.length]).toEqual(['empty', 0, 1]);
  });
});

describe('candle job: session checks', () => {
  function fullDay(date: string, extra: unknown[] = []): string {
    const bars: unknown[] = [...extra];
    for (let m = 15 * 60 + 29; m >= 9 * 60 + 15; m--) {
      const hh = String(Math.floor(m / 60)).padStart(2, '0');
      const mm = String(m % 60).padStart(2, '0');
      bars.push([`${date}T${hh}:${mm}:00+05:30`, 100, 101, 99, 100.5, 10, 0]);
    }
    return candleBody(bars);
  }

  it('accepts a full day of 375 minutes as done', async () => {
    const p = payload('minutes', '2024-03-28', '2024-03-28', 'historical', 'NSE_EQ|INE000D01011');
    await plan(p);
    server.enqueue({ status: 200, body: fullDay('2024-03-28') });
    expect((await runCandleJob(p, deps)).state).toBe('done');
  });

  it('flags a bar stamped 03:45 IST and does not store it', async () => {
    const key = 'NSE_EQ|INE000E01011';
    const p = payload('minutes', '2024-03-28', '2024-03-28', 'historical', key);
    await plan(p);
    server.enqueue({ status: 200, body: fullDay('2024-03-28', [['2024-03-28T03:45:00+05:30', 100, 101, 99, 100.5, 10, 0]]) });
    const summary = await runCandleJob(p, deps);
    expect([summary.state, summary.rowsWritten, (await rows('candles_intraday', key)).length]).toEqual(['suspect', 375, 375]);
  });
});

describe('candle job: error bodies', () => {
  it('records UDAPI1011 and the invalid value on the failed chunk', async () => {
    const p = payload('days', '2024-03-01', '2024-03-28', 'historical', 'NSE_EQ|INE000F01011');
    await plan(p);
    server.enqueue({ status: 400, body: '{"status":"error","errors":[{"errorCode":"UDAPI1011","message":"instrument_key is of invalid format","propertyPath":"instrument_key","invalidValue":"TECHM"}]}' });
    const error = await runCandleJob(p, deps).catch((e: unknown) => e);
    await giveUpCandleJob(p, error, deps);
    const chunk = await getChunk(ctx.pool, p.chunkId);
    expect([chunk?.state, chunk?.errorCode, chunk?.detail?.includes('(invalid value "TECHM")')]).toEqual(['failed', 'UDAPI1011', true]);
  });

  it('calls an oversize-window rejection a planner defect', async () => {
    const p = payload('days', '2024-03-01', '2024-03-28', 'historical', 'NSE_EQ|INE000G01011');
    await plan(p);
    server.enqueue({ status: 400, body: '{"status":"error","errors":[{"errorCode":"UDAPI1148","message":"Invalid date range"}]}' });
    const error = await runCandleJob(p, deps).catch((e: unknown) => e);
    await giveUpCandleJob(p, error, deps);
    expect((await getChunk(ctx.pool, p.chunkId))?.detail).toMatch(/^planner defect/);
  });

  it('quarantines a body that fails validation', async () => {
    const p = payload('days', '2024-03-01', '2024-03-28', 'historical', 'NSE_EQ|INE000H01011');
    await plan(p);
    const bad = candleBody([['2024-03-28T00:00:00+05:30', 10, 9, 11, 10, 5, 0]]);
    server.enqueue({ status: 200, body: bad });
    const error = await runCandleJob(p, deps).catch((e: unknown) => e);
    await giveUpCandleJob(p, error, deps);
    const result = await ctx.pool.query('SELECT job_id, raw_body FROM quarantine WHERE job_id = $1', [p.chunkId]);
    expect(result.rows).toEqual([{ job_id: p.chunkId, raw_body: bad }]);
  });

  it('never marks a chunk empty after an HTML 504', async () => {
    const p = payload('days', '2024-03-01', '2024-03-28', 'historical', 'NSE_EQ|INE000J01011');
    await plan(p);
    server.enqueue({ status: 504, contentType: 'text/html', body: '<html><body>504 Gateway Time-out</body></html>' });
    await expect(runCandleJob(p, deps)).rejects.toThrow(/HTTP 504/);
    expect((await getChunk(ctx.pool, p.chunkId))?.state).toBe('pending');
  });
});

describe('candle job: backfill plans', () => {
  it('sends exactly three requests per instrument for a 1-minute quarter', async () => {
    const keys = ['NSE_EQ|INE000K01011', 'NSE_EQ|INE000L01011'];
    const quarter = planCandleBackfill({ account: 'main', instrumentKeys: keys, unit: 'minutes', interval: 1, fromDate: '2024-01-01', toDate: '2024-03-31', today: '2026-12-04' });
    // Return one bar on each request's from_date, so no empty response causes a second request.
    server.route((request) => {
      const fromDate = request.url.split('/').at(-1);
      return { status: 200, body: candleBody([[`${fromDate}T09:15:00+05:30`, 100, 101, 99, 100.5, 10, 0]]) };
    });
    for (const chunk of quarter.chunks) {
      await recordBackfill(ctx.pool, 'main', {}, [chunk]);
      await runCandleJob(chunk, deps);
    }
    expect(server.requests.map((r) => r.url)).toEqual(
      keys.flatMap((key) => {
        const encoded = encodeURIComponent(key);
        return ['2024-01-31/2024-01-01', '2024-02-29/2024-02-01', '2024-03-31/2024-03-01'].map((dates) => `/v3/historical-candle/${encoded}/minutes/1/${dates}`);
      }),
    );
  });
});
