import { parseInstant } from '../time/ist.js';
import { isDerivativeSegment, isInstrumentKey, segmentOf } from '../upstox/instrument-key.js';
import type { FullQuoteEntry, LtpQuoteEntry, OhlcBar, OhlcInterval, OhlcQuoteEntry } from '../upstox/quotes.js';

// Pure functions from validated quote maps to rows of the QuestDB `quotes` table. Upstox keys
// each map by `SEGMENT:TRADING_SYMBOL`, so every entry is matched back to a requested key
// through its `instrument_token`, and the requested key is what the row stores.

/** The endpoint (and, for OHLC V3, the interval) that a quote row came from. */
export type QuoteSource = 'full' | 'ltp' | 'ohlc_1d' | 'ohlc_i1' | 'ohlc_i30';

/** One real level of market depth; Upstox pads the list with all-zero levels, which are dropped. */
export interface DepthLevel {
  readonly price: number;
  readonly quantity: number;
  readonly orders: number | null;
}

/** One row of the `quotes` table. Prices in rupees, quantities in shares or contracts, times in epoch ms (UTC). */
export interface QuoteRow {
  /** The market time the quote refers to: the last trade, the live bar's start, or else the snapshot slot. */
  readonly tsMs: number;
  /** The requested key, such as `NSE_EQ|INE848E01016`; never the response's `SEGMENT:SYMBOL` key. */
  readonly instrumentKey: string;
  readonly source: QuoteSource;
  /** The symbol part of the response key, such as `NHPC` from `NSE_EQ:NHPC`. */
  readonly tradingSymbol: string | null;
  /** When the quote was served: the full quote's `timestamp`, or else when the response arrived. */
  readonly snapshotMs: number;
  readonly lastTradeMs: number | null;
  readonly lastPrice: number | null;
  /** The previous session's close: `last_price - net_change` for the full quote, `cp` for LTP V3. */
  readonly prevClose: number | null;
  readonly netChange: number | null;
  /** The day's bar for the full quote; the live bar of the interval for OHLC V3. */
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number | null;
  /** The day's volume for the full quote and LTP V3; the live bar's volume for OHLC V3. */
  readonly volume: number | null;
  readonly prevBarMs: number | null;
  readonly prevBarOpen: number | null;
  readonly prevBarHigh: number | null;
  readonly prevBarLow: number | null;
  readonly prevBarClose: number | null;
  readonly prevBarVolume: number | null;
  readonly lastTradedQty: number | null;
  readonly averagePrice: number | null;
  readonly oi: number | null;
  readonly oiDayHigh: number | null;
  readonly oiDayLow: number | null;
  readonly totalBuyQty: number | null;
  readonly totalSellQty: number | null;
  readonly lowerCircuit: number | null;
  readonly upperCircuit: number | null;
  /** Best first; null when the endpoint sends no depth. */
  readonly bids: readonly DepthLevel[] | null;
  readonly asks: readonly DepthLevel[] | null;
}

/** Rows of one response, and the requested keys that it left out. */
export interface QuoteBatch<Row> {
  readonly rows: Row[];
  /** Requested keys with no entry in the response: unknown, expired or not quoted. */
  readonly missing: string[];
  /** Response keys whose `instrument_token` matches no requested key; their entries are not stored. */
  readonly unexpected: string[];
}

/** When the response arrived, and the instant that stamps rows without a market time. */
export interface QuoteTimes {
  readonly polledAtMs: number;
  readonly slotMs: number;
}

/** An error for a quote entry with a value that cannot be real; the message names the key and the field. */
export class QuoteValueError extends Error {
  readonly code = 'QUOTE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'QuoteValueError';
  }
}

/** A response entry matched to the key that was requested for it. */
export interface MatchedEntry<Entry> {
  readonly instrumentKey: string;
  readonly responseKey: string;
  readonly entry: Entry;
}

/**
 * Matches the entries of a quote-style map to the requested keys through `instrument_token`.
 * A token that differs from a requested key only in letter case still matches, and the row
 * keeps the key as requested.
 */
export function matchRequestedKeys<Entry extends { instrument_token: string }>(
  requested: readonly string[],
  data: Readonly<Record<string, Entry>>,
): { matched: MatchedEntry<Entry>[]; missing: string[]; unexpected: string[] } {
  const exact = new Set(requested);
  const folded = new Map(requested.map((key) => [key.toLowerCase(), key]));
  const found = new Map<string, MatchedEntry<Entry>>();
  const unexpected: string[] = [];
  for (const [responseKey, entry] of Object.entries(data)) {
    const token = entry.instrument_token;
    const key = exact.has(token) ? token : folded.get(token.toLowerCase());
    if (key === undefined) unexpected.push(responseKey);
    else found.set(key, { instrumentKey: key, responseKey, entry });
  }
  const matched = requested.flatMap((key) => found.get(key) ?? []);
  const missing = requested.filter((key) => !found.has(key));
  return { matched, missing, unexpected };
}

/** Normalises a full market quote map into `full` rows, stamped at the last trade time (or the slot without a trade). */
export function normaliseFullQuotes(requested: readonly string[], data: Readonly<Record<string, FullQuoteEntry>>, times: QuoteTimes): QuoteBatch<QuoteRow> {
  const { matched, missing, unexpected } = matchRequestedKeys(requested, data);
  const rows = matched.map(({ instrumentKey, responseKey, entry }) => {
    const where = `full quote ${responseKey} (${instrumentKey})`;

    const snapshotMs = entry.timestamp ? instantOf(entry.timestamp, where, 'timestamp') : times.polledAtMs;
    const lastTradeMs = lastTradeOf(entry.last_trade_time, where);
    const lastPrice = price(entry.last_price);
    const netChange = entry.net_change ?? null;
    const day = entry.ohlc;
    checkRange(where, 'ohlc', day?.high, day?.low);
    const derivative = isDerivative(instrumentKey);
    const bids = depthLevels(entry.depth?.buy, where, 'depth.buy');
    const asks = depthLevels(entry.depth?.sell, where, 'depth.sell');

    const row: QuoteRow = {
      ...emptyRow(instrumentKey, 'full', responseKey),
      // Without a trade there is no market time, and the snapshot slot keeps reruns idempotent.
      tsMs: lastTradeMs ?? times.slotMs,
      snapshotMs,
      lastTradeMs,
      lastPrice,
      // `ohlc.close` is not the previous close during the session (it follows the last
      // price), so the previous close comes from the change instead. Rounding removes the
      // float noise of the operands, such as 52.04999923706055.
      prevClose: lastPrice !== null && netChange !== null ? price(roundPrice(lastPrice - netChange)) : null,
      netChange,
      open: price(day?.open),
      high: price(day?.high),
      low: price(day?.low),
      close: price(day?.close),
      volume: tradedVolume(instrumentKey, quantity(entry.volume, where, 'volume')),
      averagePrice: price(entry.average_price),
      // Upstox sends 0 for the open interest of instruments that have none.
      oi: derivative ? (entry.oi ?? null) : null,
      oiDayHigh: derivative ? (entry.oi_day_high ?? null) : null,
      oiDayLow: derivative ? (entry.oi_day_low ?? null) : null,
      totalBuyQty: quantity(entry.total_buy_quantity, where, 'total_buy_quantity'),
      totalSellQty: quantity(entry.total_sell_quantity, where, 'total_sell_quantity'),
      lowerCircuit: price(entry.lower_circuit_limit),
      upperCircuit: price(entry.upper_circuit_limit),
      bids,
      asks,
    };
    return row;
  });
  return { rows, missing, unexpected };
}

/** Normalises an OHLC V3 map into rows stamped at the live bar's start (or the slot when it has no bar). */
export function normaliseOhlcQuotes(
  requested: readonly string[],
  data: Readonly<Record<string, OhlcQuoteEntry>>,
  interval: OhlcInterval,
  times: QuoteTimes,
): QuoteBatch<QuoteRow> {
  const source = ohlcSource(interval);
  const { matched, missing, unexpected } = matchRequestedKeys(requested, data);
  const rows = matched.map(({ instrumentKey, responseKey, entry }) => {
    const where = `OHLC quote ${responseKey} (${instrumentKey})`;
    const live = checkedBar(entry.live_ohlc, where, 'live_ohlc');
    const prev = checkedBar(entry.prev_ohlc, where, 'prev_ohlc');
    const row: QuoteRow = {
      ...emptyRow(instrumentKey, source, responseKey),
      tsMs: live?.ts ?? times.slotMs,
      snapshotMs: times.polledAtMs,
      lastPrice: price(entry.last_price),
      open: price(live?.open),
      high: price(live?.high),
      low: price(live?.low),
      close: price(live?.close),
      volume: quantity(live?.volume, where, 'live_ohlc.volume'),
      prevBarMs: prev?.ts ?? null,
      prevBarOpen: price(prev?.open),
      prevBarHigh: price(prev?.high),
      prevBarLow: price(prev?.low),
      prevBarClose: price(prev?.close),
      prevBarVolume: quantity(prev?.volume, where, 'prev_ohlc.volume'),
    };
    return row;
  });
  return { rows, missing, unexpected };
}

/** Returns null for the volume of an index, which does not trade: LTP V3 sends it as 0. */
function tradedVolume(instrumentKey: string, volume: number | null): number | null {
  return instrumentKey.split('|', 1)[0]!.endsWith('_INDEX') ? null : volume;
}

/** Normalises an LTP V3 map into `ltp` rows; LTP V3 has no market time, so rows are stamped at the slot. */
export function normaliseLtpQuotes(requested: readonly string[], data: Readonly<Record<string, LtpQuoteEntry>>, times: QuoteTimes): QuoteBatch<QuoteRow> {
  const { matched, missing, unexpected } = matchRequestedKeys(requested, data);
  const rows = matched.map(({ instrumentKey, responseKey, entry }) => {
    const where = `LTP quote ${responseKey} (${instrumentKey})`;
    const row: QuoteRow = {
      ...emptyRow(instrumentKey, 'ltp', responseKey),
      tsMs: times.slotMs,
      snapshotMs: times.polledAtMs,
      lastPrice: price(entry.last_price),
      prevClose: price(entry.cp),
      volume: tradedVolume(instrumentKey, quantity(entry.volume, where, 'volume')),
      lastTradedQty: quantity(entry.ltq, where, 'ltq'),
    };
    return row;
  });
  return { rows, missing, unexpected };
}

/** Returns the `source` value of an OHLC V3 interval. */
export function ohlcSource(interval: OhlcInterval): QuoteSource {
  if (interval === '1d') return 'ohlc_1d';
  if (interval === 'I1') return 'ohlc_i1';
  return 'ohlc_i30';
}

function emptyRow(instrumentKey: string, source: QuoteSource, responseKey: string): QuoteRow {
  const colon = responseKey.indexOf(':');
  return {
    tsMs: 0,
    instrumentKey,
    source,
    tradingSymbol: colon >= 0 ? responseKey.slice(colon + 1) : null,
    snapshotMs: 0,
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
}

/** Returns a price, or null for a missing one or for 0, which Upstox sends where there is no price. */
export function price(value: number | null | undefined): number | null {
  return value === null || value === undefined || value === 0 ? null : value;
}

/** Rounds an arithmetic result to 4 decimals, finer than any tick (currency options tick at ₹0.0025). */
export function roundPrice(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function quantity(value: number | null | undefined, where: string, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new QuoteValueError(`${where} has ${field} ${value}, which is not a whole non-negative quantity`);
  }
  return value;
}

function isDerivative(instrumentKey: string): boolean {
  return isInstrumentKey(instrumentKey) && isDerivativeSegment(segmentOf(instrumentKey));
}

function instantOf(value: string, where: string, field: string): number {
  try {
    return parseInstant(value);
  } catch {
    throw new QuoteValueError(`${where} has ${field} ${JSON.stringify(value)}, which is not an ISO 8601 instant with an offset`);
  }
}

// `last_trade_time` is epoch milliseconds as a string; "0" means no trade yet.
function lastTradeOf(value: string | null | undefined, where: string): number | null {
  if (value === null || value === undefined || value === '0') return null;
  const ms = Number(value);
  if (ms < Date.UTC(2000, 0, 1)) {
    throw new QuoteValueError(`${where} has last_trade_time ${JSON.stringify(value)}, before 2000-01-01; expected epoch milliseconds`);
  }
  return ms;
}

function checkRange(where: string, field: string, high: number | null | undefined, low: number | null | undefined): void {
  if (high !== null && high !== undefined && low !== null && low !== undefined && high !== 0 && high < low) {
    throw new QuoteValueError(`${where} has ${field}.high ${high} below ${field}.low ${low}`);
  }
}

function checkedBar(bar: OhlcBar | null | undefined, where: string, field: string): OhlcBar | null {
  if (!bar) return null;
  checkRange(where, field, bar.high, bar.low);
  if (bar.ts < Date.UTC(2000, 0, 1)) {
    throw new QuoteValueError(`${where} has ${field}.ts ${bar.ts}, before 2000-01-01; expected epoch milliseconds`);
  }
  return bar;
}

type RawLevel = { quantity?: number | null; price?: number | null; orders?: number | null };

// Upstox pads depth to five levels with {quantity: 0, price: 0, orders: 0}. Only levels with a
// price and a quantity are real. A level with just one of them is dropped as well, because no
// order can trade against it.
function depthLevels(levels: readonly RawLevel[] | null | undefined, where: string, field: string): DepthLevel[] | null {
  if (levels === null || levels === undefined) return null;
  const real: DepthLevel[] = [];
  for (const level of levels) {
    const levelPrice = level.price ?? 0;
    const levelQuantity = level.quantity ?? 0;
    if (levelPrice === 0 || levelQuantity === 0) continue;
    if (levelPrice < 0 || levelQuantity < 0) {
      throw new QuoteValueError(`${where} has a ${field} level with price ${levelPrice} and quantity ${levelQuantity}; neither can be negative`);
    }
    real.push({ price: levelPrice, quantity: levelQuantity, orders: level.orders ?? null });
  }
  return real;
}
