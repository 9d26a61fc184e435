import type { SessionWindow } from '../calendar/trading-calendar.js';
import { IST_OFFSET_MS, istInstant, istMinuteOfDay, istToday, type IsoDate } from '../time/ist.js';
import { mergeBars, type Bar } from './aggregation.js';
import type { CandleSource, Instrument } from './candle-source.js';
import { sessionMinutes } from './exchange-sessions.js';
import { probabilityOfProfit, syntheticIv, valueOption, yearsToExpiry, type OptionInputs, type OptionSide } from './option-pricing.js';
import { priceGrid, toTick } from './price-grid.js';
import { instrumentInfoOf, type MasterInstrument, type QuoteMaster } from './quote-master.js';
import { logUniformOf, uniformOf } from './random.js';

// The simulated market behind the quote and option routes. Prices of ordinary instruments
// are the simulator's one-minute candles (recorded or synthetic), so a quote agrees with the
// candle endpoints. Options are valued with Black-Scholes from their underlying's candles,
// with a hashed volatility smile, so option prices, greeks and chains agree with each other.

/** The trading day, minute and last trade that an instrument's quote shows at the simulator's clock. */
export interface MarketMoment {
  /** The trading day whose data is shown: today once its first session opened, else the last trading day. */
  readonly date: IsoDate;
  /** The IST minute of the last bar that has traded. */
  readonly minute: number;
  /** True while a session of `date` runs. */
  readonly live: boolean;
  readonly lastTradeMs: number;
}

/** The quote of one instrument at one moment. */
export interface QuoteState {
  readonly moment: MarketMoment;
  readonly lastPrice: number;
  /** The day so far: open, high, low, last price, volume and open interest. */
  readonly day: Bar;
  readonly prevClose: number | undefined;
  readonly oiDayHigh: number;
  readonly oiDayLow: number;
  /** The volume-weighted average price of the day so far; undefined without volume. */
  readonly averagePrice: number | undefined;
  readonly lastTradedQty: number;
}

/** Option greeks in Upstox's units: IV as a fraction, theta per day, vega per IV point, pop in percent. */
export interface GreekState {
  readonly iv: number;
  readonly delta: number;
  readonly gamma: number;
  readonly theta: number;
  readonly vega: number;
  readonly pop: number;
  readonly spot: number;
}

// Options whose delta is this close to ±1 get the all-zero greeks that Upstox sends for deep
// in-the-money strikes: iv, vega, gamma and theta 0, delta ±1 and pop 99.
const DEEP_DELTA = 0.995;
const REGULAR_MINUTES = 375;
// The last trading day before the instruments master was downloaded (2026-02-27, before the open).
const MASTER_ANCHOR_DATE = '2026-02-26';

/** Quotes, bars and greeks for instruments of the master at any instant. */
export class QuoteMarket {
  private readonly scales = new Map<string, number>();

  constructor(
    private readonly master: QuoteMaster,
    private readonly source: CandleSource,
  ) {}

  /** Returns the sessions of the instrument's exchange on `date`; empty when it is closed. */
  sessionsOf(instrument: MasterInstrument, date: IsoDate): readonly SessionWindow[] {
    return this.source.sessions.sessionsOf(instrument.segment, date);
  }

  /** Returns the trading day of the instrument's exchange before `date`. */
  previousTradingDay(instrument: MasterInstrument, date: IsoDate): IsoDate | undefined {
    return this.source.sessions.previousTradingDay(instrument.segment, date);
  }

  /** Returns the trading day and minute an instrument's quote shows at `nowMs`. */
  moment(instrument: MasterInstrument, nowMs: number): MarketMoment | undefined {
    const sessions = this.source.sessions;
    const today = istToday(nowMs);
    const nowMinute = istMinuteOfDay(nowMs);
    const todays = sessionMinutes(sessions.sessionsOf(instrument.segment, today));
    let date: IsoDate;
    let minute: number;
    let live = false;
    if (todays.length > 0 && nowMinute >= todays[0]!) {
      date = today;
      minute = todays.filter((m) => m <= nowMinute).at(-1)!;
      live = minute === nowMinute;
    } else {
      const previous = sessions.previousTradingDay(instrument.segment, today);
      if (!previous) return undefined;
      date = previous;
      minute = sessionMinutes(sessions.sessionsOf(instrument.segment, previous)).at(-1)!;
    }
    const minuteStart = istInstant(date, minute);
    const span = live ? Math.max(1, nowMs - minuteStart) : 60_000;
    const lastTradeMs = minuteStart + Math.floor(uniformOf(`ltt|${instrument.key}|${date}|${minute}`) * span);
    return { date, minute, live, lastTradeMs };
  }

  /** Returns the quote of an instrument at `nowMs`. */
  quote(instrument: MasterInstrument, nowMs: number): QuoteState | undefined {
    const moment = this.moment(instrument, nowMs);
    if (!moment) return undefined;
    const first = sessionMinutes(this.source.sessions.sessionsOf(instrument.segment, moment.date))[0]!;
    const day = this.bar(instrument, moment.date, first, moment.minute);
    if (!day) return undefined;
    const previous = this.source.sessions.previousTradingDay(instrument.segment, moment.date);
    const prevClose = previous ? this.dayClose(instrument, previous) : undefined;
    const oiRange = this.oiRange(instrument, moment.date, first, moment.minute);
    const averagePrice = day.volume > 0 ? this.averagePrice(instrument, moment.date, first, moment.minute) : undefined;
    const lot = instrument.lotSize ?? 1;
    const lastTradedQty = lot * (1 + Math.floor(uniformOf(`ltq|${instrument.key}|${moment.lastTradeMs}`) * 20));
    return { moment, lastPrice: day.close, day, prevClose, oiDayHigh: oiRange.high, oiDayLow: oiRange.low, averagePrice, lastTradedQty };
  }

  /** Returns the bar over the IST minutes `fromMinute`..`toMinute` (both included) of `date`. */
  bar(instrument: MasterInstrument, date: IsoDate, fromMinute: number, toMinute: number): Bar | undefined {
    const option = this.optionParts(instrument);
    if (option) return this.optionBar(instrument, option, date, fromMinute, toMinute);
    const bars = this.source.minuteBars(this.candleInstrument(instrument), date).filter((b) => b.minute >= fromMinute && b.minute <= toMinute);
    return bars.length > 0 ? this.scaled(instrument, mergeBars(bars)) : undefined;
  }

  /** Returns the option greeks at `nowMs`, or undefined for an instrument that is not an option of a listed underlying. */
  greeks(instrument: MasterInstrument, nowMs: number): GreekState | undefined {
    const option = this.optionParts(instrument);
    const quote = this.quote(instrument, nowMs);
    if (!option || !quote) return undefined;
    const underlyingQuote = this.quote(option.underlying, nowMs);
    if (!underlyingQuote) return undefined;
    const inputs = this.inputs(option, underlyingQuote.lastPrice, nowMs);
    const valuation = valueOption(inputs);
    if (Math.abs(valuation.delta) >= DEEP_DELTA) {
      return { iv: 0, delta: option.side === 'CE' ? 1 : -1, gamma: 0, theta: 0, vega: 0, pop: 99, spot: inputs.spot };
    }
    return {
      iv: round(inputs.iv, 4),
      delta: round(valuation.delta, 4),
      gamma: round(valuation.gamma, 4),
      theta: round(valuation.theta, 4),
      vega: round(valuation.vega, 4),
      pop: round(probabilityOfProfit(inputs, quote.lastPrice), 2),
      spot: inputs.spot,
    };
  }

  /** Returns the open interest of a derivative at the end of `date`'s minute `minute`; 0 for other instruments. */
  openInterest(instrument: MasterInstrument, date: IsoDate, minute: number): number {
    const option = this.optionParts(instrument);
    if (!option) {
      const bars = this.source.minuteBars(this.candleInstrument(instrument), date).filter((b) => b.minute <= minute);
      return bars.at(-1)?.oi ?? 0;
    }
    return optionOpenInterest(instrument, date);
  }

  private dayClose(instrument: MasterInstrument, date: IsoDate): number | undefined {
    const option = this.optionParts(instrument);
    if (option) {
      const minutes = sessionMinutes(this.source.sessions.sessionsOf(instrument.segment, date));
      return this.optionBar(instrument, option, date, minutes[0]!, minutes.at(-1)!)?.close;
    }
    const bar = this.source.dayBar(this.candleInstrument(instrument), date);
    return bar ? this.scaled(instrument, bar).close : undefined;
  }

  // An underlying's synthetic candles can sit far from the strikes the master lists for it
  // (the synthetic NIFTY 50 level is not the real one), which would put every strike deep in
  // or out of the money. So quotes of an underlying are scaled to put its close of the day
  // before the master was downloaded at the median strike of its nearest expiry. This makes
  // its quotes differ from its candles by that constant factor.
  private scaleOf(instrument: MasterInstrument): number {
    let scale = this.scales.get(instrument.key);
    if (scale !== undefined) return scale;
    scale = 1;
    const contracts = this.master.optionsByUnderlying.get(instrument.key);
    if (contracts && contracts.length > 0) {
      const nearest = contracts[0]!.expiry;
      const strikes = contracts.filter((c) => c.expiry === nearest).map((c) => c.strike!).sort((a, b) => a - b);
      const median = strikes[Math.floor(strikes.length / 2)]!;
      const close = this.source.dayBar(this.candleInstrument(instrument), MASTER_ANCHOR_DATE)?.close;
      if (close && median > 0) scale = median / close;
    }
    this.scales.set(instrument.key, scale);
    return scale;
  }

  private scaled(instrument: MasterInstrument, bar: Bar): Bar {
    const scale = this.scaleOf(instrument);
    if (scale === 1) return bar;
    const grid = priceGrid(instrument.tickSizePaise);
    const at = (value: number) => toTick(value * scale, grid);
    return { ...bar, open: at(bar.open), high: at(bar.high), low: at(bar.low), close: at(bar.close) };
  }

  private oiRange(instrument: MasterInstrument, date: IsoDate, fromMinute: number, toMinute: number): { high: number; low: number } {
    if (this.optionParts(instrument)) {
      const oi = optionOpenInterest(instrument, date);
      return { high: oi, low: oi };
    }
    const bars = this.source.minuteBars(this.candleInstrument(instrument), date).filter((b) => b.minute >= fromMinute && b.minute <= toMinute);
    const values = bars.map((b) => b.oi);
    return { high: Math.max(0, ...values), low: values.length > 0 ? Math.min(...values) : 0 };
  }

  private averagePrice(instrument: MasterInstrument, date: IsoDate, fromMinute: number, toMinute: number): number | undefined {
    if (this.optionParts(instrument)) {
      const bar = this.bar(instrument, date, fromMinute, toMinute);
      return bar ? round((bar.open + bar.high + bar.low + bar.close) / 4, 2) : undefined;
    }
    const bars = this.source.minuteBars(this.candleInstrument(instrument), date).filter((b) => b.minute >= fromMinute && b.minute <= toMinute);
    const volume = bars.reduce((sum, b) => sum + b.volume, 0);
    if (volume === 0) return undefined;
    const typical = bars.reduce((sum, b) => sum + ((b.high + b.low + b.close) / 3) * b.volume, 0) / volume;
    return round(typical * this.scaleOf(instrument), 2);
  }

  private optionBar(instrument: MasterInstrument, option: OptionParts, date: IsoDate, fromMinute: number, toMinute: number): Bar | undefined {
    const spot = this.bar(option.underlying, date, fromMinute, toMinute);
    if (!spot) return undefined;
    const atMs = istInstant(date, toMinute + 1);
    const grid = priceGrid(instrument.tickSizePaise);
    const value = (underlyingPrice: number): number =>
      Math.max(grid.tick, toTick(valueOption(this.inputs(option, underlyingPrice, atMs)).price, grid));
    // The value rises with the spot for a call and falls for a put, so the bar's extremes come
    // from the underlying's extremes.
    const atHigh = value(spot.high);
    const atLow = value(spot.low);
    const minutes = toMinute - fromMinute + 1;
    const lot = instrument.lotSize ?? 1;
    const dayLots = Math.round(logUniformOf(`option-volume|${instrument.key}|${date}`, 10, 200_000));
    const volume = lot * Math.round((dayLots * minutes) / REGULAR_MINUTES);
    return {
      open: value(spot.open),
      high: Math.max(atHigh, atLow),
      low: Math.min(atHigh, atLow),
      close: value(spot.close),
      volume,
      oi: optionOpenInterest(instrument, date),
    };
  }

  private inputs(option: OptionParts, spot: number, atMs: number): OptionInputs {
    return {
      side: option.side,
      spot,
      strike: option.strike,
      years: yearsToExpiry(atMs, istInstant(option.expiry, 15 * 60 + 30)),
      iv: syntheticIv(option.underlying.key, option.expiry, option.strike, spot),
    };
  }

  private optionParts(instrument: MasterInstrument): OptionParts | undefined {
    if (instrument.instrumentType !== 'CE' && instrument.instrumentType !== 'PE') return undefined;
    const underlying = instrument.underlyingKey ? this.master.byKey.get(instrument.underlyingKey) : undefined;
    if (!underlying || instrument.strike === undefined || !instrument.expiry) return undefined;
    return { side: instrument.instrumentType, strike: instrument.strike, expiry: instrument.expiry, underlying };
  }

  private candleInstrument(instrument: MasterInstrument): Instrument {
    return { key: instrument.key, segment: instrument.segment, info: instrumentInfoOf(instrument) };
  }
}

interface OptionParts {
  readonly side: OptionSide;
  readonly strike: number;
  readonly expiry: IsoDate;
  readonly underlying: MasterInstrument;
}

function optionOpenInterest(instrument: MasterInstrument, date: IsoDate): number {
  return (instrument.lotSize ?? 1) * Math.round(logUniformOf(`option-oi|${instrument.key}|${date}`, 20, 100_000));
}

/** Rounds to `decimals` places. */
export function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** Formats an instant as Upstox's quote `timestamp`: ISO 8601 with milliseconds and `+05:30`. */
export function formatIstMillis(epochMs: number): string {
  return new Date(epochMs + IST_OFFSET_MS).toISOString().slice(0, 23) + '+05:30';
}
