import { readCalendarRows, resolveExchangeDay, type CalendarRows, type ExchangeDay, type SessionSpan } from '../stores/postgres/market-calendar.js';
import type { PostgresStore } from '../stores/postgres/store.js';
import { istMidnight, type IsoDate } from '../time/ist.js';
import type { SessionWindow, TradingCalendar, TradingDay } from './trading-calendar.js';

/** The exchange code that Upstox's market-information APIs use for each instrument-key segment. */
export const SEGMENT_EXCHANGES: Readonly<Record<string, string>> = {
  NSE_EQ: 'NSE',
  NSE_INDEX: 'NSE',
  NSE_FO: 'NFO',
  NCD_FO: 'CDS',
  NSE_COM: 'NSCOM',
  BSE_EQ: 'BSE',
  BSE_INDEX: 'BSE',
  BSE_FO: 'BFO',
  BCD_FO: 'BCD',
  MCX_FO: 'MCX',
  MCX_INDEX: 'MCX',
};

const DAY_MINUTES = 1440;

/**
 * The trading calendar stored by the market-holidays and market-timings jobs. It reads the
 * rows of a date range once, because `TradingCalendar.day` is synchronous. Dates outside that
 * range, and years whose holiday list was never stored, return undefined, so the caller can
 * fall back to the built-in NSE calendar.
 */
export class PostgresTradingCalendar implements TradingCalendar {
  private constructor(private readonly rows: CalendarRows) {}

  /** Reads the calendar rows of `fromDate`..`toDate` (both included). */
  static async load(store: PostgresStore, fromDate: IsoDate, toDate: IsoDate): Promise<PostgresTradingCalendar> {
    if (toDate < fromDate) throw new RangeError(`invalid calendar range: toDate ${toDate} is before fromDate ${fromDate}`);
    return new PostgresTradingCalendar(await readCalendarRows(store, fromDate, toDate));
  }

  /** Returns the trading day of an instrument-key segment, such as `NSE_EQ` or `MCX_FO`. */
  day(segment: string, date: IsoDate): TradingDay | undefined {
    const exchange = SEGMENT_EXCHANGES[segment];
    if (!exchange) return undefined;
    const day = this.exchangeDay(exchange, date);
    if (!day) return undefined;
    return { date, kind: day.kind, sessions: day.sessions.map((span) => toWindow(date, span)) };
  }

  /** Returns the day of an exchange code, such as `NSE` or `MCX`, with its sessions in epoch milliseconds. */
  exchangeDay(exchange: string, date: IsoDate): ExchangeDay | undefined {
    return resolveExchangeDay(this.rows, exchange, date);
  }
}

// A session that runs past midnight is cut at the end of `date`, because a SessionWindow
// counts minutes of one IST day.
function toWindow(date: IsoDate, span: SessionSpan): SessionWindow {
  const midnight = istMidnight(date);
  return {
    startMinute: Math.max(0, Math.floor((span.startMs - midnight) / 60_000)),
    endMinute: Math.min(DAY_MINUTES, Math.ceil((span.endMs - midnight) / 60_000)),
  };
}
