import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normaliseFullQuotes, normaliseLtpQuotes, normaliseOhlcQuotes, QuoteValueError, type QuoteRow } from '../../src/normalise/quotes.js';
import { depthJson, QUOTES_TABLE } from '../../src/stores/questdb/quote-tables.js';
import { fullQuoteEntrySchema, ltpQuoteEntrySchema, ohlcQuoteEntrySchema } from '../../src/upstox/quotes.js';

// Each sample body goes through the client's schema and then the normaliser, and the rows are
// compared whole, so every column of every row is checked.

const POLLED = Date.parse('2026-03-02T10:15:42.500Z');
const TIMES = { polledAtMs: POLLED, slotMs: Date.parse('2026-03-02T10:15:00Z') };

function body(path: string): unknown {
  return (JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as { data: unknown }).data;
}

const fullMap = (data: unknown) => z.record(z.string(), fullQuoteEntrySchema).parse(data);
const ohlcMap = (data: unknown) => z.record(z.string(), ohlcQuoteEntrySchema).parse(data);
const ltpMap = (data: unknown) => z.record(z.string(), ltpQuoteEntrySchema).parse(data);

const EMPTY: Omit<QuoteRow, 'tsMs' | 'instrumentKey' | 'source' | 'tradingSymbol' | 'snapshotMs'> = {
  lastTradeMs: null,
  lastPrice: null,
  prevClose: null,
  netChange: null,
  open: null,
  high: null,
  low: null,
  close: null,
  volume: null,
  prevBarMs: null,
  prevBarOpen: null,
  prevBarHigh: null,
  prevBarLow: null,
  prevBarClose: null,
  prevBarVolume: null,
  lastTradedQty: null,
  averagePrice: null,
  oi: null,
  oiDayHigh: null,
  oiDayLow: null,
  totalBuyQty: null,
  totalSellQty: null,
  lowerCircuit: null,
  upperCircuit: null,
  bids: null,
  asks: null,
};

/** Returns the value a table column takes for a row (undefined and null both mean a null cell). */
function cell(row: QuoteRow, column: string): unknown {
  const spec = QUOTES_TABLE.columns.find((c) => c.name === column);
  if (!spec) throw new Error(`no column ${column}`);
  return spec.value(row) ?? null;
}

describe('full quote normaliser', () => {
  it('maps the docs sample exactly', () => {
    const batch = normaliseFullQuotes(['NSE_EQ|INE848E01016'], fullMap(body('vendor/upstox/samples/full-market-quote.json')), TIMES);
    expect(batch).toEqual({
      missing: [],
      unexpected: [],
      rows: [
        {
          ...EMPTY,
          tsMs: Date.parse('2023-10-18T10:29:32.130Z'),
          instrumentKey: 'NSE_EQ|INE848E01016',
          source: 'full',
          tradingSymbol: 'NHPC',
          snapshotMs: Date.parse('2023-10-18T23:51:51.099Z'),
          lastTradeMs: Date.parse('2023-10-18T10:29:32.130Z'),
          lastPrice: 52.04999923706055,
          prevClose: 53.1,
          netChange: -1.0500000000000043,
          open: 53.4,
          high: 53.8,
          low: 51.75,
          close: 52.05,
          volume: 24123697,
          averagePrice: 52.56,
          totalBuyQty: 6917,
          totalSellQty: 0,
          lowerCircuit: 42.5,
          upperCircuit: 63.7,
          bids: [{ price: 52.05, quantity: 6917, orders: 20 }],
          asks: [],
        },
      ],
    });
  });

  it('maps the recorded NIFTY 50 index quote', () => {
    const batch = normaliseFullQuotes(['NSE_INDEX|Nifty 50'], fullMap(body('data/recorded/upstox-v2-full-market-quote-NIFTY50-index-2026-08-04.json')), TIMES);
    expect(batch.rows).toEqual([
      {
        ...EMPTY,
        tsMs: Date.parse('2026-08-04T06:06:14.000Z'),
        instrumentKey: 'NSE_INDEX|Nifty 50',
        source: 'full',
        tradingSymbol: 'Nifty 50',
        snapshotMs: Date.parse('2026-08-04T06:06:14.687Z'),
        lastTradeMs: Date.parse('2026-08-04T06:06:14.000Z'),
        lastPrice: 24565.1,
        prevClose: 24774.3,
        netChange: -209.2,
        open: 24703.9,
        high: 24703.9,
        low: 24563.95,
        close: 24565.1,
        bids: [],
        asks: [],
      },
    ]);
    expect(batch.missing).toEqual([]);
  });

  it('leaves index volume, OI and circuits null', () => {
    const [row] = normaliseFullQuotes(['NSE_INDEX|Nifty 50'], fullMap(body('data/recorded/upstox-v2-full-market-quote-NIFTY50-index-2026-08-04.json')), TIMES).rows;
    for (const column of ['volume', 'oi', 'oi_day_high', 'oi_day_low', 'lower_circuit', 'upper_circuit', 'average_price', 'total_buy_qty', 'bid_price', 'ask_price']) {
      expect(cell(row!, column), column).toBeNull();
    }
    expect([cell(row!, 'bid_levels'), cell(row!, 'ask_levels'), cell(row!, 'depth')]).toEqual([0, 0, '{"buy":[],"sell":[]}']);
  });

  it('keeps B07 rows under the requested keys', () => {
    const data = {
      'NSE_EQ:ABCLTD': { last_price: 52.05, instrument_token: 'NSE_EQ|INE000X01010' },
      'NSE_INDEX:Nifty 50': { last_price: 22122.25, instrument_token: 'NSE_INDEX|Nifty 50' },
    };
    const requested = ['NSE_EQ|INE000X01010', 'NSE_INDEX|Nifty 50', 'NSE_FO|99999'];
    for (const batch of [normaliseFullQuotes(requested, fullMap(data), TIMES), normaliseLtpQuotes(requested, ltpMap(data), TIMES)]) {
      expect(batch.rows.map((r) => [r.instrumentKey, r.tradingSymbol, r.lastPrice])).toEqual([
        ['NSE_EQ|INE000X01010', 'ABCLTD', 52.05],
        ['NSE_INDEX|Nifty 50', 'Nifty 50', 22122.25],
      ]);
      expect(batch.rows.some((r) => r.instrumentKey === 'NSE_EQ:ABCLTD')).toBe(false);
      expect(batch.missing).toEqual(['NSE_FO|99999']);
      expect(batch.unexpected).toEqual([]);
    }
  });

  it('keeps B09 trade and snapshot times apart', () => {
    const zero = { quantity: 0, price: 0, orders: 0 };
    const data = {
      'NSE_EQ:NHPC': {
        timestamp: '2023-10-19T05:21:51.099+05:30',
        last_trade_time: '1697624972130',
        instrument_token: 'NSE_EQ|INE848E01016',
        last_price: 52.05,
        depth: { buy: [{ quantity: 6917, price: 52.05, orders: 20 }, zero, zero, zero, zero], sell: [zero, zero, zero, zero, zero] },
      },
    };
    const [row] = normaliseFullQuotes(['NSE_EQ|INE848E01016'], fullMap(data), TIMES).rows;
    expect(new Date(row!.tsMs).toISOString()).toBe('2023-10-18T10:29:32.130Z');
    expect(new Date(row!.lastTradeMs!).toISOString()).toBe('2023-10-18T10:29:32.130Z');
    expect(new Date(row!.snapshotMs).toISOString()).toBe('2023-10-18T23:51:51.099Z');
    expect([row!.bids?.length, row!.asks?.length]).toEqual([1, 0]);
    expect([cell(row!, 'bid_price'), cell(row!, 'bid_qty'), cell(row!, 'ask_price'), cell(row!, 'ask_qty')]).toEqual([52.05, 6917, null, null]);
    expect(depthJson(row!)).toBe('{"buy":[[52.05,6917,20]],"sell":[]}');
  });

  it('reports entries for keys not requested', () => {
    const data = { 'NSE_EQ:XYZ': { last_price: 10, instrument_token: 'NSE_EQ|INE999Z01019' } };
    const batch = normaliseFullQuotes(['NSE_EQ|INE000X01010'], fullMap(data), TIMES);
    expect([batch.rows, batch.missing, batch.unexpected]).toEqual([[], ['NSE_EQ|INE000X01010'], ['NSE_EQ:XYZ']]);
  });

  it('matches a token that differs in case', () => {
    const data = { 'NSE_INDEX:NIFTY 50': { last_price: 10, instrument_token: 'NSE_INDEX|NIFTY 50' } };
    const batch = normaliseFullQuotes(['NSE_INDEX|Nifty 50'], fullMap(data), TIMES);
    expect(batch.rows.map((r) => r.instrumentKey)).toEqual(['NSE_INDEX|Nifty 50']);
  });

  it('falls back to the slot without a trade', () => {
    const data = { 'NSE_EQ:NHPC': { timestamp: '2023-10-19T05:21:51.099+05:30', last_trade_time: '0', instrument_token: 'NSE_EQ|INE848E01016', last_price: 52.05 } };
    const [row] = normaliseFullQuotes(['NSE_EQ|INE848E01016'], fullMap(data), TIMES).rows;
    expect([row!.tsMs, row!.lastTradeMs, row!.snapshotMs]).toEqual([TIMES.slotMs, null, Date.parse('2023-10-18T23:51:51.099Z')]);
  });

  it('keeps derivative open interest', () => {
    const data = { 'NSE_FO:NIFTY26MARFUT': { instrument_token: 'NSE_FO|51714', last_price: 25500, oi: 16874125, oi_day_high: 17000000, oi_day_low: 16800000 } };
    const [row] = normaliseFullQuotes(['NSE_FO|51714'], fullMap(data), TIMES).rows;
    expect([row!.oi, row!.oiDayHigh, row!.oiDayLow]).toEqual([16874125, 17000000, 16800000]);
  });

  it('rejects a day high below the low', () => {
    const data = { 'NSE_EQ:NHPC': { instrument_token: 'NSE_EQ|INE848E01016', last_price: 52, ohlc: { open: 52, high: 50, low: 51, close: 52 } } };
    expect(() => normaliseFullQuotes(['NSE_EQ|INE848E01016'], fullMap(data), TIMES)).toThrow(QuoteValueError);
  });

  it('rejects a fractional total quantity', () => {
    const data = { 'NSE_EQ:NHPC': { instrument_token: 'NSE_EQ|INE848E01016', last_price: 52, total_buy_quantity: 10.5 } };
    expect(() => normaliseFullQuotes(['NSE_EQ|INE848E01016'], fullMap(data), TIMES)).toThrow(/total_buy_quantity 10.5/);
  });

  it('rejects a last trade time in seconds', () => {
    const data = { 'NSE_EQ:NHPC': { instrument_token: 'NSE_EQ|INE848E01016', last_price: 52, last_trade_time: '1697624972' } };
    expect(() => normaliseFullQuotes(['NSE_EQ|INE848E01016'], fullMap(data), TIMES)).toThrow(/before 2000-01-01/);
  });
});

describe('OHLC V3 normaliser', () => {
  it('maps the docs sample exactly', () => {
    const batch = normaliseOhlcQuotes(['NSE_FO|51834'], ohlcMap(body('vendor/upstox/samples/ohlc-quotes-v3.json')), 'I1', TIMES);
    expect(batch).toEqual({
      missing: [],
      unexpected: [],
      rows: [
        {
          ...EMPTY,
          tsMs: 1744019940000,
          instrumentKey: 'NSE_FO|51834',
          source: 'ohlc_i1',
          tradingSymbol: 'NIFTY2543021600PE',
          snapshotMs: POLLED,
          lastPrice: 303.9,
          open: 304.45,
          high: 304.45,
          low: 302.75,
          close: 303.9,
          volume: 2250,
          prevBarMs: 1744019880000,
          prevBarOpen: 303.9,
          prevBarHigh: 304.3,
          prevBarLow: 303.85,
          prevBarClose: 304.3,
          prevBarVolume: 300,
        },
      ],
    });
  });

  it('stamps B09 entry without prev_ohlc', () => {
    const data = { 'NSE_FO:NIFTY2543021600PE': { last_price: 303.9, instrument_token: 'NSE_FO|51834', live_ohlc: { open: 304.45, high: 304.45, low: 302.75, close: 303.9, volume: 2250, ts: 1744019940000 } } };
    const [row] = normaliseOhlcQuotes(['NSE_FO|51834'], ohlcMap(data), 'I1', TIMES).rows;
    expect(new Date(row!.tsMs).toISOString()).toBe('2025-04-07T09:59:00.000Z');
    expect([row!.prevBarMs, row!.prevBarOpen, row!.prevBarHigh, row!.prevBarLow, row!.prevBarClose, row!.prevBarVolume]).toEqual([null, null, null, null, null, null]);
  });

  it('stamps an entry without bars at the slot', () => {
    const data = { 'NSE_EQ:NHPC': { last_price: 80.1, instrument_token: 'NSE_EQ|INE848E01016' } };
    const [row] = normaliseOhlcQuotes(['NSE_EQ|INE848E01016'], ohlcMap(data), '1d', TIMES).rows;
    expect([row!.tsMs, row!.source, row!.open]).toEqual([TIMES.slotMs, 'ohlc_1d', null]);
  });
});

describe('LTP V3 normaliser', () => {
  it('maps the docs sample exactly', () => {
    const batch = normaliseLtpQuotes(['NSE_FO|51834'], ltpMap(body('vendor/upstox/samples/ltp-quotes-v3.json')), TIMES);
    expect(batch).toEqual({
      missing: [],
      unexpected: [],
      rows: [
        {
          ...EMPTY,
          tsMs: TIMES.slotMs,
          instrumentKey: 'NSE_FO|51834',
          source: 'ltp',
          tradingSymbol: 'NIFTY2543021600PE',
          snapshotMs: POLLED,
          lastPrice: 303.9,
          prevClose: 29,
          volume: 170325,
          lastTradedQty: 75,
        },
      ],
    });
  });

  it('stores an index volume of 0 as null', () => {
    const data = { 'NSE_INDEX:Nifty 50': { last_price: 22122.25, instrument_token: 'NSE_INDEX|Nifty 50', ltq: 0, volume: 0, cp: 22080.5 } };
    const [row] = normaliseLtpQuotes(['NSE_INDEX|Nifty 50'], ltpMap(data), TIMES).rows;
    expect([row?.lastPrice, row?.prevClose, row?.volume]).toEqual([22122.25, 22080.5, null]);
  });
});
