import type { SessionWindow } from '../calendar/trading-calendar.js';
import { istInstant, istMidnight, type IsoDate } from '../time/ist.js';
import { isDerivativeSegment } from '../upstox/instrument-key.js';
import type { Bar } from './aggregation.js';
import { priceGrid, toTick } from './price-grid.js';
import { formatIstMillis, round, type QuoteMarket, type QuoteState } from './quote-market.js';
import type { MasterInstrument } from './quote-master.js';
import { uniformOf } from './random.js';

// The entries of the three quote maps for one instrument, in the field order of Upstox's
// bodies. Indices carry null where Upstox sends null for them (volume, OI, circuit limits,
// average price) and no depth, as the recorded NIFTY 50 quote shows.

const DEPTH_LEVELS = 5;

/** Builds a full market quote entry. */
export function fullQuoteEntry(instrument: MasterInstrument, state: QuoteState, symbol: string, nowMs: number): Record<string, unknown> {
  const index = instrument.segment.endsWith('_INDEX');
  const derivative = isDerivativeSegment(instrument.segment);
  const netChange = state.prevClose === undefined ? 0 : round(state.lastPrice - state.prevClose, 4);
  const depth = index ? { buy: [], sell: [] } : depthOf(instrument, state);
  // Upstox sends 0 open interest for equities and null for indices.
  let oi: { now: number; high: number; low: number } | null = { now: 0, high: 0, low: 0 };
  if (index) oi = null;
  else if (derivative) oi = { now: state.day.oi, high: state.oiDayHigh, low: state.oiDayLow };
  const totals = (side: 'buy' | 'sell') => (index ? null : Math.round(uniformOf(`total-${side}|${instrument.key}|${state.moment.lastTradeMs}`) * 500_000) * (instrument.lotSize ?? 1));
  return {
    ohlc: { open: state.day.open, high: state.day.high, low: state.day.low, close: state.lastPrice },
    depth,
    timestamp: formatIstMillis(nowMs),
    instrument_token: instrument.key,
    symbol: index ? 'NA' : symbol,
    last_price: state.lastPrice,
    volume: index ? null : state.day.volume,
    average_price: index ? null : (state.averagePrice ?? null),
    oi: oi?.now ?? null,
    net_change: netChange,
    total_buy_quantity: totals('buy'),
    total_sell_quantity: totals('sell'),
    lower_circuit_limit: index ? null : circuit(instrument, state, -1),
    upper_circuit_limit: index ? null : circuit(instrument, state, 1),
    last_trade_time: String(state.moment.lastTradeMs),
    oi_day_high: oi?.high ?? null,
    oi_day_low: oi?.low ?? null,
  };
}

/** Builds an LTP V3 entry: `ltq` is the last traded quantity and `cp` the previous close. */
export function ltpEntry(instrument: MasterInstrument, state: QuoteState): Record<string, unknown> {
  return {
    last_price: state.lastPrice,
    instrument_token: instrument.key,
    ltq: instrument.segment.endsWith('_INDEX') ? 0 : state.lastTradedQty,
    volume: state.day.volume,
    cp: state.prevClose ?? state.day.open,
  };
}

/**
 * Builds an OHLC V3 entry for `1d`, `I1` or `I30`: the live (forming) bar and the completed
 * bar before it, each with its start in epoch ms. The first bar of a day has no `prev_ohlc`
 * for the intraday intervals.
 */
export function ohlcEntry(market: QuoteMarket, instrument: MasterInstrument, state: QuoteState, interval: string, sessions: readonly SessionWindow[], previousDay: IsoDate | undefined): Record<string, unknown> {
  const { date, minute } = state.moment;
  const entry: Record<string, unknown> = { last_price: state.lastPrice, instrument_token: instrument.key };
  if (interval === '1d') {
    const prev = previousDay ? dayBar(market, instrument, previousDay) : undefined;
    if (prev) entry.prev_ohlc = ohlcOf(prev, istMidnight(previousDay!));
    entry.live_ohlc = ohlcOf(state.day, istMidnight(date));
    return entry;
  }
  const size = interval === 'I1' ? 1 : 30;
  const session = sessions.find((s) => minute >= s.startMinute && minute < s.endMinute) ?? sessions.at(-1)!;
  const start = session.startMinute + Math.floor((minute - session.startMinute) / size) * size;
  const live = market.bar(instrument, date, start, minute);
  if (start - size >= session.startMinute) {
    const prev = market.bar(instrument, date, start - size, start - 1);
    if (prev) entry.prev_ohlc = ohlcOf(prev, istInstant(date, start - size));
  }
  if (live) entry.live_ohlc = ohlcOf(live, istInstant(date, start));
  return entry;
}

function dayBar(market: QuoteMarket, instrument: MasterInstrument, date: IsoDate): Bar | undefined {
  return market.bar(instrument, date, 0, 24 * 60 - 1);
}

function ohlcOf(bar: Bar, startMs: number): Record<string, number> {
  return { open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume, ts: startMs };
}

// Five levels a side around the last price, one tick apart. Some instruments show fewer real
// levels, and the rest are padded with all-zero levels, as Upstox does.
function depthOf(instrument: MasterInstrument, state: QuoteState): { buy: unknown[]; sell: unknown[] } {
  const grid = priceGrid(instrument.tickSizePaise);
  const lot = instrument.lotSize ?? 1;
  const seed = `${instrument.key}|${state.moment.lastTradeMs}`;
  const side = (name: 'buy' | 'sell') => {
    const real = 1 + Math.floor(uniformOf(`levels-${name}|${seed}`) * DEPTH_LEVELS);
    return Array.from({ length: DEPTH_LEVELS }, (_, level) => {
      if (level >= real) return { quantity: 0, price: 0, orders: 0 };
      const offset = name === 'buy' ? -level : level + 1;
      const price = toTick(state.lastPrice + offset * grid.tick, grid);
      if (price <= 0) return { quantity: 0, price: 0, orders: 0 };
      const orders = 1 + Math.floor(uniformOf(`orders-${name}-${level}|${seed}`) * 20);
      return { quantity: lot * orders * (1 + Math.floor(uniformOf(`qty-${name}-${level}|${seed}`) * 50)), price, orders };
    });
  };
  return { buy: side('buy'), sell: side('sell') };
}

// Circuit limits as a band around the previous close: 10 % for derivatives, 2, 5, 10 or 20 %
// for equities by a hash, on the tick grid.
function circuit(instrument: MasterInstrument, state: QuoteState, direction: 1 | -1): number {
  const base = state.prevClose ?? state.day.open;
  const bands = [0.02, 0.05, 0.1, 0.2];
  const band = isDerivativeSegment(instrument.segment) ? 0.1 : bands[Math.floor(uniformOf(`band|${instrument.key}`) * bands.length)]!;
  return toTick(base * (1 + direction * band), priceGrid(instrument.tickSizePaise), direction > 0 ? 'down' : 'up');
}
