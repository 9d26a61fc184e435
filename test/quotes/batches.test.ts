import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSchemaError, batchesOf, checkSnapshotRows, keyListId, snapshotTimes, writeSnapshotRows } from '../../jobs/quote-batches.js';
import { QuoteValueError, type QuoteRow } from '../../src/normalise/quotes.js';
import { QUOTES_TABLE } from '../../src/stores/questdb/quote-tables.js';
import { QuestDbRowWriter } from '../../src/stores/questdb/row-writer.js';
import { SenderPool } from '../../src/stores/questdb/sender-pool.js';
import { UpstoxSchemaError } from '../../src/upstox/errors.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

let ctx: TestContext;
let senders: SenderPool;
let deps: { questdb: QuestDbRowWriter; questdbSql: TestContext['questdb'] };

beforeAll(async () => {
  ctx = await createTestContext();
  senders = new SenderPool(ctx.config.questdb);
  deps = { questdb: new QuestDbRowWriter({ http: ctx.questdb, senders, tablePrefix: ctx.config.questdb.tablePrefix }), questdbSql: ctx.questdb };
});
afterAll(async () => {
  await senders.close();
  await ctx.cleanup();
});

function ltpRow(instrumentKey: string, tsMs: number, lastPrice: number): QuoteRow {
  return {
    tsMs, instrumentKey, source: 'ltp', tradingSymbol: null, snapshotMs: tsMs, lastTradeMs: null, lastPrice, prevClose: null, netChange: null,
    open: null, high: null, low: null, close: null, volume: 10, prevBarMs: null, prevBarOpen: null, prevBarHigh: null, prevBarLow: null,
    prevBarClose: null, prevBarVolume: null, lastTradedQty: 1, averagePrice: null, oi: null, oiDayHigh: null, oiDayLow: null, totalBuyQty: null,
    totalSellQty: null, lowerCircuit: null, upperCircuit: null, bids: null, asks: null,
  };
}

describe('snapshot batches', () => {
  it('splits keys into batches', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([], 500)).toEqual([]);
  });

  it('names a key list by its set', () => {
    expect(keyListId(['NSE_EQ|A', 'NSE_EQ|B'])).toBe(keyListId(['NSE_EQ|B', 'NSE_EQ|A']));
    expect(keyListId(['NSE_EQ|A', 'NSE_EQ|B'])).not.toBe(keyListId(['NSE_EQ|A', 'NSE_EQ|C']));
    expect(keyListId(['NSE_EQ|A'])).toMatch(/^1keys-[0-9a-f]{16}$/);
  });

  it('cuts the poll time to the minute', () => {
    const now = Date.parse('2026-03-02T04:45:42.317Z');
    expect(snapshotTimes(undefined, now)).toEqual({ polledAtMs: now, slotMs: Date.parse('2026-03-02T04:45:00Z') });
    expect(snapshotTimes('2026-03-02T10:15:30+05:30', now)).toEqual({ polledAtMs: now, slotMs: Date.parse('2026-03-02T04:45:30Z') });
  });

  it('turns impossible values into schema errors', () => {
    const response = { data: {}, body: {}, path: '/v3/market-quote/ltp?instrument_key=NSE_EQ%7CA', status: 200, rawBody: '{"status":"success"}' };
    const error = asSchemaError(new QuoteValueError('LTP quote NSE_EQ:A has ltq -1'), 'ltp-quotes', response);
    expect(error).toBeInstanceOf(UpstoxSchemaError);
    expect((error as UpstoxSchemaError).rawBody).toBe('{"status":"success"}');
    expect((error as UpstoxSchemaError).issues).toEqual(['LTP quote NSE_EQ:A has ltq -1']);
    const other = new Error('network');
    expect(asSchemaError(other, 'ltp-quotes', response)).toBe(other);
  });

  it('writes rows and finds every one', async () => {
    const ts = Date.parse('2026-03-02T04:45:00Z');
    const rows = Array.from({ length: 250 }, (_, i) => ltpRow(`NSE_EQ|INE${String(i).padStart(6, '0')}01`, ts, 100 + i));
    await writeSnapshotRows(deps, QUOTES_TABLE, rows);
    expect(await ctx.questdb.scalar(`SELECT count() FROM ${ctx.config.questdb.tablePrefix}quotes WHERE source = 'ltp'`)).toBe(250);
  });

  it('fails the check for rows never written', async () => {
    const rows = [ltpRow('NSE_EQ|INE000000001', Date.parse('2026-03-02T04:46:00Z'), 100)];
    await expect(checkSnapshotRows(deps, QUOTES_TABLE, rows)).rejects.toThrow(/lacks 1 of the 1 rows just written, such as NSE_EQ\|INE000000001 \(ltp\) at 2026-03-02T04:46:00.000Z/);
  });
});
