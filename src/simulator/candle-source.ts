import type { SessionWindow } from '../calendar/trading-calendar.js';
import type { IsoDate } from '../time/ist.js';
import { groupMinutes, mergeBars, type Bar, type MinuteBar, type PeriodBar } from './aggregation.js';
import { sessionMinutes, type ExchangeSessions } from './exchange-sessions.js';
import type { InstrumentInfo } from './instruments.js';
import { LruCache } from './lru-cache.js';
import { buildMinuteBars, type AnchorSpan } from './minute-path.js';
import { priceGrid } from './price-grid.js';
import type { RecordedData } from './recorded-data.js';
import { createSeries, profileFor, syntheticDayBar, syntheticDayClose, type ReferenceClose, type SyntheticSeries } from './synthetic-candles.js';

// The bars of one instrument and trading day, recorded where real data exists and synthetic
// elsewhere. For the one-minute bars the order of preference is: recorded one-minute bars,
// then minutes built under recorded 15-minute bars, then minutes built under the daily bar.
// For the daily bar it is: the recorded daily row, then the aggregate of recorded one-minute
// or 15-minute bars, then the synthetic daily bar. Minutes built under an anchor aggregate
// back to it exactly, so coarser candles agree with finer ones on every day except where two
// recorded sources disagree. That happens for RELIANCE on 2026-01-29, whose daily row carries
// the exchange's closing price and post-close volume while its 15-minute rows do not.

/** The instrument that a request names. */
export interface Instrument {
  readonly key: string;
  readonly segment: string;
  /** The instruments-master row, when the key is listed there. */
  readonly info: InstrumentInfo | undefined;
}

// A regular session has 375 one-minute bars (09:15 to 15:29); special sessions scale volume by it.
const REGULAR_MINUTES = 375;
// Enough daily bars for a decade of about 20 instruments.
const DAY_BAR_CACHE_SIZE = 50_000;
// About 30 KB per day of 375 bars, so 1,000 days stay under about 30 MB.
const MINUTE_CACHE_SIZE = 1_000;

/** Produces daily and one-minute bars per instrument and trading day, with bounded caches. */
export class CandleSource {
  private readonly dayBars = new LruCache<string, Bar>(DAY_BAR_CACHE_SIZE);
  private readonly minuteBarCache = new LruCache<string, readonly MinuteBar[]>(MINUTE_CACHE_SIZE);
  private readonly seriesCache = new LruCache<string, SyntheticSeries>(10_000);

  constructor(
    readonly sessions: ExchangeSessions,
    private readonly recorded: RecordedData,
  ) {}

  /** Returns the sessions of the instrument's exchange on `date`. */
  sessionsOf(instrument: Instrument, date: IsoDate): readonly SessionWindow[] {
    return this.sessions.sessionsOf(instrument.segment, date);
  }

  /** Returns the daily bar of a trading day, or undefined when the exchange is closed. */
  dayBar(instrument: Instrument, date: IsoDate): Bar | undefined {
    const sessions = this.sessionsOf(instrument, date);
    if (sessions.length === 0) return undefined;
    return this.dayBars.getOrCompute(`${instrument.key}|${date}`, () => {
      const recorded = this.recordedDayBar(instrument.key, date);
      if (recorded) return recorded;
      const previous = this.sessions.previousTradingDay(instrument.segment, date);
      const series = this.seriesOf(instrument);
      const previousClose = previous ? this.closeOf(instrument, previous) : syntheticDayClose(series, date);
      const share = sessionMinutes(sessions).length / REGULAR_MINUTES;
      return syntheticDayBar(series, date, previousClose, share);
    });
  }

  /** Returns the one-minute bars of a trading day in time order; empty when the exchange is closed. */
  minuteBars(instrument: Instrument, date: IsoDate): readonly MinuteBar[] {
    const sessions = this.sessionsOf(instrument, date);
    if (sessions.length === 0) return [];
    const recorded = this.recorded.oneMinute.get(instrument.key)?.get(date);
    if (recorded) return recorded;
    return this.minuteBarCache.getOrCompute(`${instrument.key}|${date}`, () => {
      const series = this.seriesOf(instrument);
      const spans = this.fifteenMinuteSpans(instrument.key, date, sessions) ?? [this.daySpan(instrument, date, sessions)];
      return buildMinuteBars(`${instrument.key}|${date}`, spans, series.grid);
    });
  }

  /** Returns the day's bars of `size` minutes aligned to each session's start, in time order. */
  intradayBars(instrument: Instrument, date: IsoDate, size: number): PeriodBar[] {
    const sessions = this.sessionsOf(instrument, date);
    return groupMinutes(this.minuteBars(instrument, date), sessions, size);
  }

  private recordedDayBar(key: string, date: IsoDate): Bar | undefined {
    const daily = this.recorded.daily.get(key)?.get(date);
    if (daily) return daily;
    const minutes = this.recorded.oneMinute.get(key)?.get(date) ?? this.recorded.fifteenMinute.get(key)?.get(date);
    return minutes && minutes.length > 0 ? mergeBars(minutes) : undefined;
  }

  // The close alone, without the open, so looking up the day before never recurses further back.
  private closeOf(instrument: Instrument, date: IsoDate): number {
    return this.recordedDayBar(instrument.key, date)?.close ?? syntheticDayClose(this.seriesOf(instrument), date);
  }

  private daySpan(instrument: Instrument, date: IsoDate, sessions: readonly SessionWindow[]): AnchorSpan {
    const bar = this.dayBar(instrument, date);
    if (!bar) throw new Error(`no daily bar for ${instrument.key} on ${date}, although the calendar lists sessions`);
    const previous = this.sessions.previousTradingDay(instrument.segment, date);
    const oiBefore = bar.oi > 0 && previous ? (this.dayBar(instrument, previous)?.oi ?? bar.oi) : bar.oi;
    return { minutes: sessionMinutes(sessions), bar, oiBefore };
  }

  // Recorded 15-minute bars anchor the minutes only when they cover every minute of the
  // day's sessions; otherwise the day falls back to its daily bar.
  private fifteenMinuteSpans(key: string, date: IsoDate, sessions: readonly SessionWindow[]): AnchorSpan[] | undefined {
    const rows = this.recorded.fifteenMinute.get(key)?.get(date);
    if (!rows) return undefined;
    const byStart = new Map(rows.map((row) => [row.minute, row]));
    const minutesByStart = new Map<number, number[]>();
    for (const session of sessions) {
      for (let m = session.startMinute; m < session.endMinute; m++) {
        const start = session.startMinute + Math.floor((m - session.startMinute) / 15) * 15;
        if (!byStart.has(start)) return undefined;
        const list = minutesByStart.get(start) ?? [];
        list.push(m);
        minutesByStart.set(start, list);
      }
    }
    return [...minutesByStart.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, minutes]) => {
        const row = byStart.get(start) as MinuteBar;
        return { minutes, bar: row, oiBefore: row.oi };
      });
  }

  private seriesOf(instrument: Instrument): SyntheticSeries {
    return this.seriesCache.getOrCompute(instrument.key, () => {
      const profile = profileFor(instrument.segment, instrument.info?.instrumentType);
      return createSeries(instrument.key, profile, priceGrid(instrument.info?.tickSizePaise), this.referenceCloses(instrument.key));
    });
  }

  // Every recorded close of the key pins its synthetic series, so synthetic days sit near real prices.
  private referenceCloses(key: string): ReferenceClose[] {
    const dates = new Set<IsoDate>();
    for (const source of [this.recorded.daily, this.recorded.oneMinute, this.recorded.fifteenMinute]) {
      for (const date of source.get(key)?.keys() ?? []) dates.add(date);
    }
    const references: ReferenceClose[] = [];
    for (const date of dates) {
      const bar = this.recordedDayBar(key, date);
      if (bar) references.push({ date, close: bar.close });
    }
    return references;
  }
}
