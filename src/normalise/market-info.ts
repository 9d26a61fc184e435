import { istDateOf, istMidnight, isIsoDate, parseInstant, type IsoDate } from '../time/ist.js';
import type { ExchangeWindowData, HolidayData, MarketStatusData } from '../upstox/market-info.js';

// Pure functions from the validated `data` of the market-status, holiday and timing APIs to
// rows of the Postgres tables `market_status`, `market_holidays` and `market_timings`. Times
// arrive as epoch milliseconds and leave as ISO 8601 UTC strings for timestamptz columns.

/** A body whose values cannot be real, such as a session that ends before it starts. */
export class MarketInfoValueError extends Error {
  readonly code = 'MARKET_INFO_INVALID';
  constructor(message: string, readonly issues: readonly string[]) {
    super(message);
    this.name = 'MarketInfoValueError';
  }
}

/** One row of `market_status`; `observed_at` is added by the store when the row is first seen. */
export type MarketStatusRow = {
  readonly exchange: string;
  readonly status: string;
  /** When the exchange entered this status, UTC. */
  readonly last_updated: string;
  readonly cas_status: string | null;
  readonly cas_last_updated: string | null;
  /** The whole `data` object as received. */
  readonly raw: Readonly<Record<string, unknown>>;
};

/** One row of `market_holidays`: one holiday entry's facts about one exchange. */
export type HolidayRow = {
  readonly date: IsoDate;
  readonly exchange: string;
  readonly description: string | null;
  /** As Upstox labels it; unreliable, so closures come from `closed_all_day`. */
  readonly holiday_type: string | null;
  readonly closed_all_day: boolean;
  /** The open window of an exchange that trades that day, UTC; null when closed all day. */
  readonly open_start: string | null;
  readonly open_end: string | null;
  /** The holiday entry as received. */
  readonly raw: Readonly<Record<string, unknown>>;
};

/** One row of `market_timings`. */
export type TimingRow = {
  readonly date: IsoDate;
  readonly exchange: string;
  readonly start_time: string;
  readonly end_time: string;
};

export interface HolidayResult {
  readonly rows: HolidayRow[];
  /** Dates of entries that name no exchange at all, so they add no row. */
  readonly withoutExchanges: IsoDate[];
}

// A session longer than a day cannot be one trading session.
const MAX_SESSION_MS = 86_400_000;

/** Converts a market-status body to its row; throws {@link MarketInfoValueError} on an impossible time. */
export function normaliseMarketStatus(data: MarketStatusData): MarketStatusRow {
  const issues: string[] = [];
  const lastUpdated = isoOf(data.last_updated, `${data.exchange} last_updated`, issues);
  const cas = data.cas_eligible_status;
  const casUpdated = cas?.last_updated == null ? null : isoOf(cas.last_updated, `${data.exchange} cas_eligible_status.last_updated`, issues);
  if (issues.length > 0) throw new MarketInfoValueError(`market status of ${data.exchange} is invalid: ${issues.join('; ')}`, issues);
  return {
    exchange: data.exchange,
    status: data.status,
    last_updated: lastUpdated!,
    cas_status: cas?.status ?? null,
    cas_last_updated: casUpdated,
    raw: data,
  };
}

/**
 * Converts holiday entries to one row per (date, exchange). Closures come from
 * `closed_exchanges` and open windows from `open_exchanges`, never from `holiday_type`, which
 * Upstox also puts on ordinary days and special sessions. An exchange listed twice in one
 * entry's `open_exchanges` keeps the span from its first start to its last end, because the
 * table has one window per exchange and day. `raw` keeps every window.
 */
export function normaliseHolidays(data: readonly HolidayData[]): HolidayResult {
  const issues: string[] = [];
  const rows = new Map<string, HolidayRow>();
  const withoutExchanges: IsoDate[] = [];
  for (const [index, entry] of data.entries()) {
    const date = holidayDateOf(entry.date);
    if (date === undefined) {
      issues.push(`entry ${index} has date ${JSON.stringify(entry.date)}, which is not a calendar date`);
      continue;
    }
    const closed = new Set(entry.closed_exchanges ?? []);
    const windows = new Map<string, { start: number; end: number }>();
    for (const open of entry.open_exchanges ?? []) {
      const problem = windowProblem(date, open);
      if (problem) {
        issues.push(`${date}: ${problem}`);
        continue;
      }
      if (closed.has(open.exchange)) issues.push(`${date}: ${open.exchange} is listed both as closed and as open`);
      const seen = windows.get(open.exchange);
      windows.set(open.exchange, seen ? { start: Math.min(seen.start, open.start_time), end: Math.max(seen.end, open.end_time) } : { start: open.start_time, end: open.end_time });
    }
    if (closed.size === 0 && windows.size === 0) withoutExchanges.push(date);

    const base = { date, description: entry.description ?? null, holiday_type: entry.holiday_type ?? null, raw: entry };
    const add = (row: HolidayRow) => {
      const key = `${row.date}|${row.exchange}`;
      if (rows.has(key)) issues.push(`${row.date}: ${row.exchange} appears in two holiday entries of the same date`);
      rows.set(key, row);
    };
    for (const exchange of closed) add({ ...base, exchange, closed_all_day: true, open_start: null, open_end: null });
    for (const [exchange, window] of windows) {
      add({ ...base, exchange, closed_all_day: false, open_start: new Date(window.start).toISOString(), open_end: new Date(window.end).toISOString() });
    }
  }
  if (issues.length > 0) {
    throw new MarketInfoValueError(`the holiday list is invalid (${issues.length} problem(s)): ${issues.slice(0, 3).join('; ')}`, issues);
  }
  return { rows: [...rows.values()], withoutExchanges };
}

/**
 * Converts the timings of `date` to one row per exchange. Every window must start on `date`
 * in IST: the timings of another day under this date would put a wrong session in the calendar.
 */
export function normaliseTimings(date: IsoDate, data: readonly ExchangeWindowData[]): TimingRow[] {
  const issues: string[] = [];
  const rows = new Map<string, TimingRow>();
  for (const window of data) {
    const problem = windowProblem(date, window);
    if (problem) {
      issues.push(problem);
      continue;
    }
    if (rows.has(window.exchange)) {
      issues.push(`${window.exchange} is listed twice`);
      continue;
    }
    rows.set(window.exchange, { date, exchange: window.exchange, start_time: new Date(window.start_time).toISOString(), end_time: new Date(window.end_time).toISOString() });
  }
  if (issues.length > 0) {
    throw new MarketInfoValueError(`the timings of ${date} are invalid (${issues.length} problem(s)): ${issues.slice(0, 3).join('; ')}`, issues);
  }
  return [...rows.values()];
}

/**
 * Reads a holiday entry's date. The spec types it as date-time while every example is
 * `YYYY-MM-DD`; both are read, and a date-time becomes its IST calendar date.
 */
export function holidayDateOf(value: string): IsoDate | undefined {
  if (isIsoDate(value)) return value;
  try {
    return istDateOf(parseInstant(value));
  } catch {
    return undefined;
  }
}

function windowProblem(date: IsoDate, window: ExchangeWindowData): string | undefined {
  const { exchange, start_time: start, end_time: end } = window;
  const startDate = plausibleMs(start) ? istDateOf(start) : undefined;
  if (startDate === undefined || !plausibleMs(end)) return `${exchange} has start_time ${start} and end_time ${end}, which are not epoch milliseconds`;
  if (startDate !== date) {
    return `${exchange} opens at ${new Date(start).toISOString()}, which is on ${startDate} in IST, not on ${date}`;
  }
  if (end <= start || end - start > MAX_SESSION_MS) {
    return `${exchange} has a session from ${new Date(start).toISOString()} to ${new Date(end).toISOString()}, which is not one trading session`;
  }
  return undefined;
}

// Epoch seconds, or milliseconds before 2000, would mean a unit mistake rather than a real session.
function plausibleMs(value: number): boolean {
  return Number.isSafeInteger(value) && value >= istMidnight('2000-01-01') && value < istMidnight('2100-01-01');
}

function isoOf(value: number, what: string, issues: string[]): string | null {
  if (!plausibleMs(value)) {
    issues.push(`${what} is ${value}, which is not epoch milliseconds between 2000 and 2100`);
    return null;
  }
  return new Date(value).toISOString();
}
