import type { EnumValue, FeedJson, FeedResponseJson, Int64, LtpcJson, OhlcJson, OptionGreeksJson, QuoteJson } from '../feed/decode.js';

// Decoded Market Data Feed V3 frames to rows of the QuestDB tables `feed_ticks` and
// `feed_market_status`. Upstox sends deltas and proto3 leaves out every field equal to its
// default, so a field missing from a frame is not a zero: it keeps the value last seen for
// that instrument. A `FeedState` stores those values, one entry per instrument, and each frame
// yields one row per instrument it mentions, filled from the state after the frame applied.
//
// What carries over, field by field, when a live frame leaves it out:
// - ltp, ltt, ltq, cp (the LTPC block);
// - atp, vtt, oi, iv, tbq, tsq;
// - each greek (delta, theta, gamma, vega, rho) on its own.
// What is replaced whole when present and carried whole when absent:
// - the best bid and ask (`marketLevel` or `firstDepth`). The depth list is a repeated field,
//   which protobuf cannot send in part, so a level present without a price means that side is
//   empty, and the row stores null there;
// - the day bar (the `1d` entry of `marketOHLC`), for the same reason.
// Nothing carries across an `initial_feed` snapshot, which restarts the instrument's state,
// nor across a change of feed kind (such as from `ltpc` to `full`).

/** The subscription modes of the feed, as the subscribe message spells them. */
export const FEED_MODES = ['ltpc', 'option_greeks', 'full', 'full_d30'] as const;
export type FeedMode = (typeof FEED_MODES)[number];

/** The frame types that carry ticks. */
export type FeedFrameType = 'initial_feed' | 'live_feed';

/** One row of `feed_ticks`. Prices in rupees, quantities in shares or contracts, times in epoch ms (UTC). */
export interface FeedTickRow {
  /** The last trade time `ltt` (market time); the frame's `currentTs` when no trade time is known yet. */
  readonly tsMs: number;
  /** The frame's `currentTs`: when Upstox sent it. */
  readonly receivedMs: number;
  /** In pipe form, such as `NSE_INDEX|Nifty 50`. */
  readonly instrumentKey: string;
  /** The subscription mode: `ltpc`, `option_greeks`, `full` (Upstox's `full_d5`) or `full_d30`. */
  readonly mode: string;
  readonly frameType: FeedFrameType;
  readonly ltp: number | null;
  readonly ltq: number | null;
  /** The previous session's close. */
  readonly cp: number | null;
  readonly bidPrice: number | null;
  readonly bidQty: number | null;
  readonly askPrice: number | null;
  readonly askQty: number | null;
  /** Volume traded today (`vtt`). */
  readonly volume: number | null;
  readonly oi: number | null;
  /** Implied volatility as Upstox sends it in the feed. */
  readonly iv: number | null;
  readonly totalBuyQty: number | null;
  readonly totalSellQty: number | null;
  /** Average traded price. */
  readonly atp: number | null;
  readonly dayOpen: number | null;
  readonly dayHigh: number | null;
  readonly dayLow: number | null;
  readonly dayClose: number | null;
  readonly dayVolume: number | null;
  readonly delta: number | null;
  readonly theta: number | null;
  readonly gamma: number | null;
  readonly vega: number | null;
  readonly rho: number | null;
}

/** One row of `feed_market_status`: a segment's status as a `market_info` frame reported it. */
export interface FeedStatusRow {
  /** The frame's `currentTs`. */
  readonly tsMs: number;
  /** A segment such as `NSE_EQ` or `MCX_FO`. */
  readonly segment: string;
  /** Such as `NORMAL_OPEN` or `CLOSING_END`. */
  readonly status: string;
}

/** The rows of one frame, and what in it could not be used. */
export interface FeedFrameRows {
  readonly frameType: FeedFrameType | 'market_info' | 'unknown';
  readonly ticks: FeedTickRow[];
  readonly statuses: FeedStatusRow[];
  /** One line per value that was left out because it cannot be real, naming the key and the field. */
  readonly issues: string[];
}

type FeedKind = 'ltpc' | 'marketFF' | 'indexFF' | 'firstLevelWithGreeks';

interface BestLevel {
  readonly bidPrice: number | null;
  readonly bidQty: number | null;
  readonly askPrice: number | null;
  readonly askQty: number | null;
}

interface DayBar {
  readonly dayOpen: number | null;
  readonly dayHigh: number | null;
  readonly dayLow: number | null;
  readonly dayClose: number | null;
  readonly dayVolume: number | null;
}

// Fields that carry over one by one.
type CarriedField = 'ltp' | 'ltt' | 'ltq' | 'cp' | 'atp' | 'volume' | 'oi' | 'iv' | 'totalBuyQty' | 'totalSellQty' | 'delta' | 'theta' | 'gamma' | 'vega' | 'rho';

interface InstrumentState {
  readonly kind: FeedKind;
  readonly values: Partial<Record<CarriedField, number>>;
  best: BestLevel | undefined;
  day: DayBar | undefined;
}

/** The last values seen per instrument, which fill the fields a delta frame leaves out. */
export class FeedState {
  private readonly instruments = new Map<string, InstrumentState>();

  /** The number of instruments with state. */
  get size(): number {
    return this.instruments.size;
  }

  /** Forgets every instrument, such as before a new subscription. */
  clear(): void {
    this.instruments.clear();
  }

  /** Returns the instrument's state, starting it afresh on a snapshot or a change of feed kind. */
  entry(instrumentKey: string, kind: FeedKind, snapshot: boolean): InstrumentState {
    const known = this.instruments.get(instrumentKey);
    if (known && known.kind === kind && !snapshot) return known;
    const fresh: InstrumentState = { kind, values: {}, best: undefined, day: undefined };
    this.instruments.set(instrumentKey, fresh);
    return fresh;
  }
}

/** Times before this cannot be market data; a smaller value means a unit mistake or a default. */
const MIN_TS_MS = Date.UTC(2000, 0, 1);

// Upstox's request modes as the subscribe message names them; `full_d5` is the `full` mode.
const MODE_NAMES: Readonly<Record<string, string>> = { ltpc: 'ltpc', full_d5: 'full', option_greeks: 'option_greeks', full_d30: 'full_d30', 0: 'ltpc', 1: 'full', 2: 'option_greeks', 3: 'full_d30' };
const FRAME_TYPES: Readonly<Record<string, FeedFrameRows['frameType']>> = { initial_feed: 'initial_feed', live_feed: 'live_feed', market_info: 'market_info', 0: 'initial_feed', 1: 'live_feed', 2: 'market_info' };

/**
 * Converts one decoded frame to rows and updates `state`. `arrivedAtMs` (the local clock when
 * the frame arrived) stamps the rows only when the frame has no valid `currentTs`.
 */
export function normaliseFeedFrame(frame: FeedResponseJson, state: FeedState, arrivedAtMs: number): FeedFrameRows {
  const issues: string[] = [];
  // The initial snapshot's enum value is 0, which proto3 leaves out.
  const frameType = FRAME_TYPES[String(frame.type ?? 'initial_feed')] ?? 'unknown';
  if (frameType === 'unknown') issues.push(`frame type ${JSON.stringify(frame.type)} is unknown; its feeds are read as a live frame`);
  const currentTs = timestampOf(frame.currentTs, 'currentTs', issues, 'the arrival time stamps the rows');
  const receivedMs = currentTs ?? arrivedAtMs;

  const statuses: FeedStatusRow[] = Object.entries(frame.marketInfo?.segmentStatus ?? {}).map(([segment, status]) => ({
    tsMs: receivedMs,
    segment,
    status: String(status),
  }));

  const ticks: FeedTickRow[] = [];
  const snapshot = frameType === 'initial_feed';
  for (const [instrumentKey, feed] of Object.entries(frame.feeds ?? {})) {
    const row = tickOf(instrumentKey, feed, state, { snapshot, receivedMs, frameType: snapshot ? 'initial_feed' : 'live_feed' }, issues);
    if (row) ticks.push(row);
  }
  return { frameType, ticks, statuses, issues };
}

interface FrameContext {
  readonly snapshot: boolean;
  readonly receivedMs: number;
  readonly frameType: FeedFrameType;
}

function tickOf(instrumentKey: string, feed: FeedJson, state: FeedState, frame: FrameContext, issues: string[]): FeedTickRow | undefined {
  const where = (field: string) => `${instrumentKey} ${field}`;
  const market = feed.fullFeed?.marketFF;
  const index = feed.fullFeed?.indexFF;
  const greeksFeed = feed.firstLevelWithGreeks;

  let entry: InstrumentState;
  if (market) {
    entry = state.entry(instrumentKey, 'marketFF', frame.snapshot);
    applyLtpc(entry, market.ltpc, where, issues);
    applyMarketScalars(entry, market, where, issues);
    if (market.tbq !== undefined) entry.values.totalBuyQty = market.tbq;
    if (market.tsq !== undefined) entry.values.totalSellQty = market.tsq;
    if (market.atp !== undefined) entry.values.atp = market.atp;
    if (market.marketLevel) entry.best = bestLevelOf(market.marketLevel.bidAskQuote?.[0], where, issues);
    applyGreeks(entry, market.optionGreeks);
    applyDayBar(entry, market.marketOHLC?.ohlc, where, issues);
  } else if (index) {
    entry = state.entry(instrumentKey, 'indexFF', frame.snapshot);
    applyLtpc(entry, index.ltpc, where, issues);
    applyDayBar(entry, index.marketOHLC?.ohlc, where, issues);
  } else if (greeksFeed) {
    entry = state.entry(instrumentKey, 'firstLevelWithGreeks', frame.snapshot);
    applyLtpc(entry, greeksFeed.ltpc, where, issues);
    applyMarketScalars(entry, greeksFeed, where, issues);
    if (greeksFeed.firstDepth) entry.best = bestLevelOf(greeksFeed.firstDepth, where, issues);
    applyGreeks(entry, greeksFeed.optionGreeks);
  } else if (feed.ltpc) {
    entry = state.entry(instrumentKey, 'ltpc', frame.snapshot);
    applyLtpc(entry, feed.ltpc, where, issues);
  } else {
    issues.push(`${instrumentKey} has a feed entry with no ltpc, fullFeed or firstLevelWithGreeks block; no row is written for it`);
    return undefined;
  }

  const v = entry.values;
  const best = entry.best;
  const day = entry.day;
  return {
    tsMs: v.ltt ?? frame.receivedMs,
    receivedMs: frame.receivedMs,
    instrumentKey,
    mode: MODE_NAMES[String(feed.requestMode ?? 'ltpc')] ?? String(feed.requestMode),
    frameType: frame.frameType,
    ltp: v.ltp ?? null,
    ltq: v.ltq ?? null,
    cp: v.cp ?? null,
    bidPrice: best?.bidPrice ?? null,
    bidQty: best?.bidQty ?? null,
    askPrice: best?.askPrice ?? null,
    askQty: best?.askQty ?? null,
    volume: v.volume ?? null,
    oi: v.oi ?? null,
    iv: v.iv ?? null,
    totalBuyQty: v.totalBuyQty ?? null,
    totalSellQty: v.totalSellQty ?? null,
    atp: v.atp ?? null,
    dayOpen: day?.dayOpen ?? null,
    dayHigh: day?.dayHigh ?? null,
    dayLow: day?.dayLow ?? null,
    dayClose: day?.dayClose ?? null,
    dayVolume: day?.dayVolume ?? null,
    delta: v.delta ?? null,
    theta: v.theta ?? null,
    gamma: v.gamma ?? null,
    vega: v.vega ?? null,
    rho: v.rho ?? null,
  };
}

type Where = (field: string) => string;

function applyLtpc(entry: InstrumentState, ltpc: LtpcJson | undefined, where: Where, issues: string[]): void {
  if (!ltpc) return;
  const v = entry.values;
  if (ltpc.ltp !== undefined) v.ltp = ltpc.ltp;
  if (ltpc.cp !== undefined) v.cp = ltpc.cp;
  const ltt = timestampOf(ltpc.ltt, where('ltpc.ltt'), issues, 'the last value is kept');
  if (ltt !== undefined) v.ltt = ltt;
  const ltq = countOf(ltpc.ltq, where('ltpc.ltq'), issues);
  if (ltq !== undefined) v.ltq = ltq;
}

function applyMarketScalars(entry: InstrumentState, feed: { vtt?: Int64; oi?: number; iv?: number }, where: Where, issues: string[]): void {
  const volume = countOf(feed.vtt, where('vtt'), issues);
  if (volume !== undefined) entry.values.volume = volume;
  if (feed.oi !== undefined) entry.values.oi = feed.oi;
  if (feed.iv !== undefined) entry.values.iv = feed.iv;
}

function applyGreeks(entry: InstrumentState, greeks: OptionGreeksJson | undefined): void {
  if (!greeks) return;
  for (const name of ['delta', 'theta', 'gamma', 'vega', 'rho'] as const) {
    const value = greeks[name];
    if (value !== undefined) entry.values[name] = value;
  }
}

// A side with no price is empty (proto3 left out its zeros), so both its price and quantity are null.
function bestLevelOf(quote: QuoteJson | undefined, where: Where, issues: string[]): BestLevel {
  const bidPrice = positiveOrNull(quote?.bidP);
  const askPrice = positiveOrNull(quote?.askP);
  const bidQty = bidPrice === null ? undefined : countOf(quote?.bidQ, where('bidQ'), issues);
  const askQty = askPrice === null ? undefined : countOf(quote?.askQ, where('askQ'), issues);
  return { bidPrice, bidQty: positiveOrNull(bidQty), askPrice, askQty: positiveOrNull(askQty) };
}

// A `marketOHLC` block without a `1d` bar leaves the carried day bar as it was.
function applyDayBar(entry: InstrumentState, bars: readonly OhlcJson[] | undefined, where: Where, issues: string[]): void {
  const bar = bars?.find((b) => b.interval === '1d');
  if (!bar) return;
  entry.day = {
    dayOpen: positiveOrNull(bar.open),
    dayHigh: positiveOrNull(bar.high),
    dayLow: positiveOrNull(bar.low),
    dayClose: positiveOrNull(bar.close),
    dayVolume: positiveOrNull(countOf(bar.vol, where('marketOHLC 1d vol'), issues)),
  };
}

function positiveOrNull(value: number | undefined): number | null {
  return value !== undefined && value > 0 ? value : null;
}

// An int64 count (quantity or volume) as a number; undefined when absent or unusable.
function countOf(value: Int64 | undefined, field: string, issues: string[]): number | undefined {
  if (value === undefined) return undefined;
  const n = integerOf(value);
  if (n === undefined || n < 0) {
    issues.push(`${field} is ${JSON.stringify(value)}, not a whole number from 0 to 2^53; the last value is kept`);
    return undefined;
  }
  return n;
}

// An int64 epoch-millisecond time as a number; undefined when absent or before 2000.
function timestampOf(value: Int64 | undefined, field: string, issues: string[], fallback: string): number | undefined {
  if (value === undefined) return undefined;
  const n = integerOf(value);
  if (n === undefined || n < MIN_TS_MS) {
    issues.push(`${field} is ${JSON.stringify(value)}, not epoch milliseconds after 2000-01-01; ${fallback}`);
    return undefined;
  }
  return n;
}

function integerOf(value: Int64 | EnumValue): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (!/^-?\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}
