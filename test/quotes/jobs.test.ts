import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullQuoteJob, ltpQuoteJob, ohlcQuoteJob } from '../../jobs/quotes.js';
import { normaliseFullQuotes, normaliseOhlcQuotes, type QuoteRow } from '../../src/normalise/quotes.js';
import { loadQuoteMaster } from '../../src/simulator/quote-master.js';
import { depthJson } from '../../src/stores/questdb/quote-tables.js';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { ACCOUNT, DATA_DIR, JobHarness, TOKEN } from './harness.js';

// Simulator → worker → QuestDB for the three quote jobs, each run twice. The simulator's clock
// is frozen inside a session, so a second run gets the same quotes and must change nothing.

const NOW = Date.parse('2026-02-26T11:20:30+05:30');
const NHPC = 'NSE_EQ|INE848E01016';
const RELIANCE = 'NSE_EQ|INE002A01018';
const NIFTY = 'NSE_INDEX|Nifty 50';
const NIFTY_CALL = 'NSE_FO|54911';
const UNKNOWN = 'NSE_FO|99999999';
const KEYS = [NHPC, RELIANCE, NIFTY, NIFTY_CALL, UNKNOWN];

let harness: JobHarness;

beforeAll(async () => {
  harness = await JobHarness.start(NOW);
});
afterAll(async () => {
  await harness?.close();
});

/** Fetches the same quotes straight from the simulator, as the job saw them. */
async function expectedFullRows(): Promise<QuoteRow[]> {
  const client = createUpstoxClient({ baseUrl: harness.sim.url, token: TOKEN, requestTimeoutMs: 10_000 });
  try {
    const response = await client.fullMarketQuotes(KEYS);
    return normaliseFullQuotes(KEYS, response.data, { polledAtMs: NOW, slotMs: NOW }).rows;
  } finally {
    await client.close();
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const storedIso = (value: unknown) => (value === null ? null : new Date(Date.parse(String(value))).toISOString());

describe('quotes-full job', () => {
  it('stores one row per known key', async () => {
    const result = await harness.run(fullQuoteJob, { instrumentKeys: KEYS });
    expect(result.requestsMade).toBe(1);
    expect(result.rowsWritten).toBe(4);
    expect(result.state).toBe('incomplete');
    expect(result.detail).toBe(`1 of 5 keys missing from response: ${UNKNOWN}`);
    const keys = await harness.rows('quotes', "SELECT instrument_key FROM {table} WHERE source = 'full' ORDER BY instrument_key");
    expect(keys.map((r) => r.instrument_key)).toEqual([NIFTY, NHPC, RELIANCE, NIFTY_CALL].sort());
  });

  it('stores the values the simulator sent', async () => {
    const stored = await harness.rows('quotes', "SELECT * FROM {table} WHERE source = 'full'");
    for (const row of await expectedFullRows()) {
      const got = stored.find((r) => r.instrument_key === row.instrumentKey)!;
      expect(storedIso(got.ts), row.instrumentKey).toBe(iso(row.tsMs));
      expect(storedIso(got.last_trade_ts), row.instrumentKey).toBe(iso(row.lastTradeMs));
      expect(storedIso(got.snapshot_ts), row.instrumentKey).toBe('2026-02-26T05:50:30.000Z');
      expect(got.trading_symbol, row.instrumentKey).toBe(row.tradingSymbol);
      expect([got.last_price, got.prev_close, got.net_change], row.instrumentKey).toEqual([row.lastPrice, row.prevClose, row.netChange]);
      expect([got.open, got.high, got.low, got.close, got.volume], row.instrumentKey).toEqual([row.open, row.high, row.low, row.close, row.volume]);
      expect([got.oi, got.lower_circuit, got.upper_circuit, got.average_price], row.instrumentKey).toEqual([row.oi, row.lowerCircuit, row.upperCircuit, row.averagePrice]);
      expect([got.bid_price, got.bid_qty, got.ask_price, got.ask_qty], row.instrumentKey).toEqual([
        row.bids?.[0]?.price ?? null,
        row.bids?.[0]?.quantity ?? null,
        row.asks?.[0]?.price ?? null,
        row.asks?.[0]?.quantity ?? null,
      ]);
      expect(got.depth, row.instrumentKey).toBe(depthJson(row));
    }
  });

  it('keeps index columns null', async () => {
    const [nifty] = await harness.rows('quotes', `SELECT volume, oi, lower_circuit, bid_price, depth FROM {table} WHERE source = 'full' AND instrument_key = '${NIFTY}'`);
    expect(nifty).toEqual({ volume: null, oi: null, lower_circuit: null, bid_price: null, depth: '{"buy":[],"sell":[]}' });
  });

  it('keeps the trade and snapshot times apart', async () => {
    const [nhpc] = await harness.rows('quotes', `SELECT ts, last_trade_ts, snapshot_ts FROM {table} WHERE source = 'full' AND instrument_key = '${NHPC}'`);
    expect(nhpc!.ts).toBe(nhpc!.last_trade_ts);
    expect(Date.parse(String(nhpc!.ts))).toBeLessThan(Date.parse(String(nhpc!.snapshot_ts)));
  });

  it('changes nothing on a second run', async () => {
    const before = await harness.count('quotes');
    const result = await harness.run(fullQuoteJob, { instrumentKeys: KEYS });
    expect(result.rowsWritten).toBe(4);
    expect(await harness.count('quotes')).toBe(before);
  });
});

describe('quotes-ohlc job', () => {
  it('stamps I30 rows at the live bar', async () => {
    const result = await harness.run(ohlcQuoteJob, { instrumentKeys: [NHPC, NIFTY, NIFTY_CALL], interval: 'I30' });
    expect([result.requestsMade, result.rowsWritten, result.state]).toEqual([1, 3, 'done']);
    const rows = await harness.rows('quotes', "SELECT instrument_key, ts, prev_bar_ts FROM {table} WHERE source = 'ohlc_i30' ORDER BY instrument_key");
    // 11:20 IST falls in the bar that starts at 11:15; the bar before it started at 10:45.
    expect(rows.map((r) => [r.instrument_key, storedIso(r.ts), storedIso(r.prev_bar_ts)])).toEqual([
      [NHPC, '2026-02-26T05:45:00.000Z', '2026-02-26T05:15:00.000Z'],
      [NIFTY_CALL, '2026-02-26T05:45:00.000Z', '2026-02-26T05:15:00.000Z'],
      [NIFTY, '2026-02-26T05:45:00.000Z', '2026-02-26T05:15:00.000Z'],
    ]);
  });

  it('stores the live and previous bars', async () => {
    const client = createUpstoxClient({ baseUrl: harness.sim.url, token: TOKEN, requestTimeoutMs: 10_000 });
    const response = await client.ohlcQuotes([NHPC], 'I30');
    await client.close();
    const [expected] = normaliseOhlcQuotes([NHPC], response.data, 'I30', { polledAtMs: NOW, slotMs: NOW }).rows;
    const [got] = await harness.rows('quotes', `SELECT * FROM {table} WHERE source = 'ohlc_i30' AND instrument_key = '${NHPC}'`);
    expect([got!.open, got!.high, got!.low, got!.close, got!.volume, got!.last_price]).toEqual([expected!.open, expected!.high, expected!.low, expected!.close, expected!.volume, expected!.lastPrice]);
    expect([got!.prev_bar_open, got!.prev_bar_high, got!.prev_bar_low, got!.prev_bar_close, got!.prev_bar_volume]).toEqual([
      expected!.prevBarOpen,
      expected!.prevBarHigh,
      expected!.prevBarLow,
      expected!.prevBarClose,
      expected!.prevBarVolume,
    ]);
  });

  it('keeps intervals apart and reruns cleanly', async () => {
    await harness.run(ohlcQuoteJob, { instrumentKeys: [NHPC, NIFTY, NIFTY_CALL], interval: '1d' });
    const before = await harness.count('quotes');
    await harness.run(ohlcQuoteJob, { instrumentKeys: [NHPC, NIFTY, NIFTY_CALL], interval: '1d' });
    await harness.run(ohlcQuoteJob, { instrumentKeys: [NHPC, NIFTY, NIFTY_CALL], interval: 'I30' });
    expect(await harness.count('quotes', "source = 'ohlc_1d'")).toBe(3);
    expect(await harness.count('quotes', "source = 'ohlc_i30'")).toBe(3);
    expect(await harness.count('quotes')).toBe(before);
  });
});

describe('quotes-ltp job', () => {
  const AS_OF = '2026-02-26T11:20:00+05:30';

  it('batches 600 keys into two requests', async () => {
    const master = await loadQuoteMaster(DATA_DIR);
    const equities = [...master.byKey.values()].filter((i) => i.segment === 'NSE_EQ' && i.instrumentType === 'EQ' && i.key !== RELIANCE);
    const keys = [RELIANCE, ...equities.slice(0, 598).map((i) => i.key), UNKNOWN];
    const logBefore = harness.sim.requestLog().length;
    const result = await harness.run(ltpQuoteJob, { instrumentKeys: keys, asOf: AS_OF }, 60_000);
    const requests = harness.sim.requestLog().slice(logBefore).filter((r) => r.rawPath.startsWith('/v3/market-quote/ltp'));
    expect(requests.map((r) => decodeURIComponent(r.rawPath.split('instrument_key=')[1]!).split(',').length)).toEqual([500, 100]);
    expect([result.requestsMade, result.rowsWritten, result.state]).toEqual([2, 599, 'incomplete']);
    expect(await harness.count('quotes', `source = 'ltp' AND ts = '2026-02-26T05:50:00.000000Z'`)).toBe(599);

    const again = await harness.run(ltpQuoteJob, { instrumentKeys: keys, asOf: AS_OF }, 60_000);
    expect(again.rowsWritten).toBe(599);
    expect(await harness.count('quotes', "source = 'ltp'")).toBe(599);
  }, 90_000);

  it('stores the previous close from cp', async () => {
    const [ltp] = await harness.rows('quotes', `SELECT last_price, prev_close, last_traded_qty, volume FROM {table} WHERE source = 'ltp' AND instrument_key = '${RELIANCE}'`);
    const [full] = await harness.rows('quotes', `SELECT last_price, prev_close, volume FROM {table} WHERE source = 'full' AND instrument_key = '${RELIANCE}'`);
    expect([ltp!.last_price, ltp!.prev_close, ltp!.volume]).toEqual([full!.last_price, full!.prev_close, full!.volume]);
    expect(ltp!.last_traded_qty).toBeGreaterThan(0);
  });
});

describe('quotes table schema', () => {
  it('sizes SYMBOL columns and keeps ids VARCHAR', async () => {
    const columns = await harness.rows('quotes', "SELECT \"column\", type, symbolCapacity, upsertKey FROM table_columns('{table}')");
    const byName = new Map(columns.map((c) => [c.column, c]));
    expect(byName.get('instrument_key')).toEqual({ column: 'instrument_key', type: 'SYMBOL', symbolCapacity: 131072, upsertKey: true });
    expect(byName.get('source')?.upsertKey).toBe(true);
    expect(byName.get('ts')?.upsertKey).toBe(true);
    expect(byName.get('trading_symbol')?.type).toBe('VARCHAR');
    expect(byName.get('depth')?.type).toBe('VARCHAR');
    expect(columns.filter((c) => c.upsertKey === true).map((c) => c.column).sort()).toEqual(['instrument_key', 'source', 'ts']);
  });

  it('names the account in job ids', () => {
    const id = fullQuoteJob.jobId(fullQuoteJob.payloadSchema.parse({ instrumentKeys: KEYS }), ACCOUNT);
    expect(id).toMatch(/^quotes-full-main-5keys-[0-9a-f]{16}$/);
    expect(id).not.toContain(':');
  });
});
