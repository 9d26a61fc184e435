import type { HolidayRow, MarketStatusRow, TimingRow } from '../../normalise/market-info.js';
import { dayOfWeek, istInstant, type IsoDate } from '../../time/ist.js';
import type { PostgresStore } from './store.js';

// The market-information tables: status history, holidays and timings, and the trading
// calendar read from them ("the sessions of exchange X on date D").

/** One trading window, in epoch milliseconds (UTC). */
export interface SessionSpan {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The stored calendar's facts about one exchange on one date. `regular` days trade the timings
 * table's session, or the exchange's usual session when the timings of that date were not
 * fetched. `special` days are holiday entries on which the exchange still trades a window,
 * such as a Saturday session, Muhurat trading or MCX's evening session on an NSE holiday.
 */
export interface ExchangeDay {
  readonly exchange: string;
  readonly date: IsoDate;
  readonly kind: 'regular' | 'special' | 'holiday' | 'weekend';
  /** Empty when the exchange is closed all day. */
  readonly sessions: readonly SessionSpan[];
  /** The table the result came from; `default` means the usual session of a covered weekday. */
  readonly source: 'holidays' | 'timings' | 'default';
  readonly description: string | null;
}

/** The calendar rows of a date range, read once, for {@link resolveExchangeDay} to resolve days from. */
export interface CalendarRows {
  readonly fromDate: IsoDate;
  readonly toDate: IsoDate;
  /** Keyed `date|exchange`. */
  readonly holidays: ReadonlyMap<string, { closedAllDay: boolean; window: SessionSpan | null; description: string | null }>;
  /** Keyed `date|exchange`. */
  readonly timings: ReadonlyMap<string, SessionSpan>;
  /** Dates with at least one timings row: an exchange missing on such a date does not trade. */
  readonly timingDates: ReadonlySet<IsoDate>;
  /** Years whose whole holiday list is stored. */
  readonly holidayYears: ReadonlySet<number>;
}

// The usual session of each exchange in IST minutes, for a covered weekday whose timings were
// not fetched.
// NOTE: MCX trades until 23:55 while the United States observe daylight saving time; 23:30
// is its winter close. Storing the timings of the date gives the exact close.
const USUAL_SESSIONS: Readonly<Record<string, readonly [number, number]>> = {
  NSE: [555, 930],
  NFO: [555, 930],
  BSE: [555, 930],
  BFO: [555, 930],
  CDS: [540, 1020],
  BCD: [540, 1020],
  MCX: [540, 1410],
  NSCOM: [540, 1410],
};

/**
 * Stores status rows. A row is keyed by exchange and `last_updated`, so polling an unchanged
 * status rewrites the same row, and `observed_at` keeps the time it was first seen.
 */
export async function upsertMarketStatus(store: PostgresStore, rows: readonly MarketStatusRow[], observedAt: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const byKey = new Map(rows.map((row) => [`${row.exchange}|${row.last_updated}`, row]));
  await store.query(
    `INSERT INTO market_status (exchange, last_updated, status, cas_status, cas_last_updated, observed_at, raw)
     SELECT exchange, last_updated, status, cas_status, cas_last_updated, $2::timestamptz, raw
     FROM jsonb_populate_recordset(NULL::market_status, $1::jsonb)
     ON CONFLICT (exchange, last_updated) DO UPDATE SET
       status = EXCLUDED.status, cas_status = EXCLUDED.cas_status, cas_last_updated = EXCLUDED.cas_last_updated, raw = EXCLUDED.raw`,
    [JSON.stringify([...byKey.values()]), observedAt.toISOString()],
  );
  return byKey.size;
}

/**
 * Replaces the stored holidays of `year` with a full holiday list, in one transaction, and
 * marks the year as covered. A holiday that Upstox removed from the list disappears.
 */
export async function replaceHolidayYear(store: PostgresStore, year: number, rows: readonly HolidayRow[], entries: number): Promise<number> {
  const outside = rows.find((row) => Number(row.date.slice(0, 4)) !== year);
  if (outside) throw new RangeError(`holiday row of ${outside.date} does not belong to year ${year}; split the rows by year first`);
  return store.transaction(async (tx) => {
    await tx.query('DELETE FROM market_holidays WHERE date >= $1::date AND date <= $2::date', [`${year}-01-01`, `${year}-12-31`]);
    const written = await tx.upsert('market_holidays', ['date', 'exchange'], rows);
    await tx.upsert('market_holiday_years', ['year'], [{ year, entries }]);
    return written;
  });
}

/** Replaces the stored holidays of one date; an empty list removes that date's rows. */
export async function replaceHolidayDate(store: PostgresStore, date: IsoDate, rows: readonly HolidayRow[]): Promise<number> {
  return store.replace('market_holidays', { date }, ['date', 'exchange'], rows);
}

/** Replaces the stored timings of one date; an empty list removes that date's rows. */
export async function replaceTimings(store: PostgresStore, date: IsoDate, rows: readonly TimingRow[]): Promise<number> {
  return store.replace('market_timings', { date }, ['date', 'exchange'], rows);
}

/** Reads the holiday, timing and coverage rows of `fromDate`..`toDate` (both included). */
export async function readCalendarRows(store: PostgresStore, fromDate: IsoDate, toDate: IsoDate): Promise<CalendarRows> {
  const holidayRows = await store.query<{ date: string; exchange: string; closed_all_day: boolean; open_start: Date | null; open_end: Date | null; description: string | null }>(
    'SELECT date, exchange, closed_all_day, open_start, open_end, description FROM market_holidays WHERE date >= $1::date AND date <= $2::date',
    [fromDate, toDate],
  );
  const timingRows = await store.query<{ date: string; exchange: string; start_time: Date; end_time: Date }>(
    'SELECT date, exchange, start_time, end_time FROM market_timings WHERE date >= $1::date AND date <= $2::date',
    [fromDate, toDate],
  );
  const yearRows = await store.query<{ year: number }>('SELECT year FROM market_holiday_years WHERE year >= $1 AND year <= $2', [
    Number(fromDate.slice(0, 4)),
    Number(toDate.slice(0, 4)),
  ]);
  const holidays = new Map<string, { closedAllDay: boolean; window: SessionSpan | null; description: string | null }>();
  for (const row of holidayRows) {
    const window = row.open_start && row.open_end ? { startMs: row.open_start.getTime(), endMs: row.open_end.getTime() } : null;
    holidays.set(`${row.date}|${row.exchange}`, { closedAllDay: row.closed_all_day, window, description: row.description });
  }
  const timings = new Map<string, SessionSpan>();
  const timingDates = new Set<IsoDate>();
  for (const row of timingRows) {
    timings.set(`${row.date}|${row.exchange}`, { startMs: row.start_time.getTime(), endMs: row.end_time.getTime() });
    timingDates.add(row.date);
  }
  return { fromDate, toDate, holidays, timings, timingDates, holidayYears: new Set(yearRows.map((r) => r.year)) };
}

/**
 * Decides the sessions of `exchange` on `date` from calendar rows, in this order: the
 * holiday entry of the date, the timings of the date, then the exchange's usual session on a
 * weekday of a year whose holiday list is stored. Returns undefined when the rows cannot tell
 * (the date is outside the rows, or its year's holidays were never stored).
 */
export function resolveExchangeDay(rows: CalendarRows, exchange: string, date: IsoDate): ExchangeDay | undefined {
  if (date < rows.fromDate || date > rows.toDate) return undefined;
  const key = `${date}|${exchange}`;
  const holiday = rows.holidays.get(key);
  if (holiday) {
    if (holiday.closedAllDay || !holiday.window) return { exchange, date, kind: 'holiday', sessions: [], source: 'holidays', description: holiday.description };
    return { exchange, date, kind: 'special', sessions: [holiday.window], source: 'holidays', description: holiday.description };
  }
  const timing = rows.timings.get(key);
  if (timing) return { exchange, date, kind: 'regular', sessions: [timing], source: 'timings', description: null };
  if (rows.timingDates.has(date)) {
    // The timings of this date list every exchange that trades, and this one is not among them.
    return { exchange, date, kind: isWeekend(date) ? 'weekend' : 'holiday', sessions: [], source: 'timings', description: null };
  }
  if (!rows.holidayYears.has(Number(date.slice(0, 4)))) return undefined;
  if (isWeekend(date)) return { exchange, date, kind: 'weekend', sessions: [], source: 'default', description: null };
  const usual = USUAL_SESSIONS[exchange];
  if (!usual) return undefined;
  return { exchange, date, kind: 'regular', sessions: [{ startMs: istInstant(date, usual[0]), endMs: istInstant(date, usual[1]) }], source: 'default', description: null };
}

/** Returns the sessions of `exchange` on `date` from the stored calendar, or undefined when it does not cover that date. */
export async function exchangeSessions(store: PostgresStore, exchange: string, date: IsoDate): Promise<ExchangeDay | undefined> {
  return resolveExchangeDay(await readCalendarRows(store, date, date), exchange, date);
}

function isWeekend(date: IsoDate): boolean {
  const weekday = dayOfWeek(date);
  return weekday === 0 || weekday === 6;
}
