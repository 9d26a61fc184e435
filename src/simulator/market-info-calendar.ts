import { NSE_HOLIDAYS, NSE_SPECIAL_SESSIONS, type SessionWindow } from '../calendar/nse-calendar-data.js';
import { addDays, dayOfWeek, istDateOf, istInstant, type IsoDate } from '../time/ist.js';

// The simulator's market holidays, timings and status, derived from the built-in NSE calendar:
// - NSE holidays close NSE, NFO, BSE, BFO, CDS and BCD all day. MCX trades its evening
//   session (17:00-23:30 IST) on them, because the docs' partial-holiday example shows an MCX
//   window. On the fixed national days and Christmas MCX closes too, as the docs list MCX
//   among the exchanges closed on Republic Day.
// - Saturday sessions open NSE, NFO, BSE and BFO from the first session's start to the last
//   session's end (the API has one window per exchange), and keep MCX, CDS and BCD closed.
// - Muhurat sessions open NSE, NFO, BSE, BFO and MCX for the Muhurat hour.
// - Ordinary weekdays: NSE, NFO, BSE, BFO 09:15-15:30; MCX 09:00-23:30; CDS, BCD 09:00-17:00.
// NSCOM, which only the status endpoint names, follows MCX.

/** Exchanges of the holiday and timing lists, in the order of the docs' timings example. */
export const CALENDAR_EXCHANGES = ['MCX', 'NSE', 'NFO', 'CDS', 'BSE', 'BCD', 'BFO'] as const;

/** An exchange's window as the holiday and timing APIs send it, in epoch milliseconds. */
export interface ExchangeWindow {
  readonly exchange: string;
  readonly start_time: number;
  readonly end_time: number;
}

/** A holiday entry in the real response shape. */
export interface HolidayEntry {
  readonly date: IsoDate;
  readonly description: string;
  readonly holiday_type: string;
  readonly closed_exchanges: readonly string[];
  readonly open_exchanges: readonly ExchangeWindow[];
}

const EQUITY_EXCHANGES = ['NSE', 'NFO', 'BSE', 'BFO'];
const CURRENCY_EXCHANGES = ['CDS', 'BCD'];
const EQUITY_SESSION: SessionWindow = { startMinute: 9 * 60 + 15, endMinute: 15 * 60 + 30 };
const CURRENCY_SESSION: SessionWindow = { startMinute: 9 * 60, endMinute: 17 * 60 };
const COMMODITY_SESSION: SessionWindow = { startMinute: 9 * 60, endMinute: 23 * 60 + 30 };
const MCX_EVENING: SessionWindow = { startMinute: 17 * 60, endMinute: 23 * 60 + 30 };

// Month-day of the holidays on which MCX closes all day as well.
const MCX_FULL_CLOSURES = new Set(['01-26', '08-15', '10-02', '12-25']);
// Names of the fixed-date holidays. The built-in calendar has dates only, so others get a generic name.
const HOLIDAY_NAMES: Readonly<Record<string, string>> = {
  '01-26': 'Republic Day',
  '05-01': 'Maharashtra Day',
  '08-15': 'Independence Day',
  '10-02': 'Mahatma Gandhi Jayanti',
  '12-25': 'Christmas',
};

const HOLIDAY_SET = new Set(NSE_HOLIDAYS);

/** Returns the holiday entry of `date`, or undefined on an ordinary day. */
export function holidayOn(date: IsoDate): HolidayEntry | undefined {
  const special = NSE_SPECIAL_SESSIONS[date];
  if (special?.kind === 'muhurat') {
    const window = envelope(special.sessions);
    return {
      date,
      description: 'Muhurat Trading',
      holiday_type: 'SPECIAL_TIMING',
      closed_exchanges: [...CURRENCY_EXCHANGES],
      open_exchanges: [...EQUITY_EXCHANGES, 'MCX'].map((exchange) => windowOf(exchange, date, window)),
    };
  }
  if (special) {
    return {
      date,
      description: 'Special Trading Session',
      // The docs type their Saturday session TRADING_HOLIDAY as well.
      holiday_type: 'TRADING_HOLIDAY',
      closed_exchanges: ['MCX', ...CURRENCY_EXCHANGES],
      open_exchanges: EQUITY_EXCHANGES.map((exchange) => windowOf(exchange, date, envelope(special.sessions))),
    };
  }
  if (!HOLIDAY_SET.has(date)) return undefined;
  const monthDay = date.slice(5);
  const mcxCloses = MCX_FULL_CLOSURES.has(monthDay);
  return {
    date,
    description: HOLIDAY_NAMES[monthDay] ?? 'Trading Holiday',
    holiday_type: 'TRADING_HOLIDAY',
    closed_exchanges: [...EQUITY_EXCHANGES, ...CURRENCY_EXCHANGES, ...(mcxCloses ? ['MCX'] : [])],
    open_exchanges: mcxCloses ? [] : [windowOf('MCX', date, MCX_EVENING)],
  };
}

/** Returns the holiday entries of a calendar year, in date order. */
export function holidaysOfYear(year: number): HolidayEntry[] {
  const prefix = `${year}-`;
  const dates = new Set([...NSE_HOLIDAYS, ...Object.keys(NSE_SPECIAL_SESSIONS)].filter((date) => date.startsWith(prefix)));
  return [...dates].sort().map((date) => holidayOn(date)!);
}

/** Returns the session of `exchange` on `date` in IST minutes, or undefined when it is closed. */
export function sessionOf(exchange: string, date: IsoDate): SessionWindow | undefined {
  const calendarExchange = exchange === 'NSCOM' ? 'MCX' : exchange;
  const holiday = holidayOn(date);
  if (holiday) {
    const open = holiday.open_exchanges.find((w) => w.exchange === calendarExchange);
    return open ? { startMinute: (open.start_time - istInstant(date, 0)) / 60_000, endMinute: (open.end_time - istInstant(date, 0)) / 60_000 } : undefined;
  }
  const weekday = dayOfWeek(date);
  if (weekday === 0 || weekday === 6) return undefined;
  return usualSession(calendarExchange);
}

/** Returns the timings of `date`: one window per exchange that trades, empty on a day when none does. */
export function timingsOn(date: IsoDate): ExchangeWindow[] {
  const windows: ExchangeWindow[] = [];
  for (const exchange of CALENDAR_EXCHANGES) {
    const session = sessionOf(exchange, date);
    if (session) windows.push(windowOf(exchange, date, session));
  }
  return windows;
}

/**
 * Returns the status of an exchange at `nowMs` and the instant it began. NSE and BSE run a
 * pre-open from 15 to 7 minutes before the session, and a closing session from 10 to 30
 * minutes after the close. The other exchanges only open and close. Before the day's first
 * event, the last event of the previous trading day applies.
 */
export function statusAt(exchange: string, nowMs: number): { status: string; lastUpdatedMs: number } {
  const today = istDateOf(nowMs);
  for (let back = 0; back <= 30; back++) {
    const date = addDays(today, -back);
    const session = sessionOf(exchange, date);
    if (!session) continue;
    const reached = eventsOf(exchange, date, session).filter((event) => event.atMs <= nowMs);
    const last = reached[reached.length - 1];
    if (last) return { status: last.status, lastUpdatedMs: last.atMs };
  }
  return { status: 'NORMAL_CLOSE', lastUpdatedMs: istInstant(addDays(today, -30), 0) };
}

function eventsOf(exchange: string, date: IsoDate, session: SessionWindow): { status: string; atMs: number }[] {
  const at = (minute: number) => istInstant(date, minute);
  if (exchange === 'NSE' || exchange === 'BSE') {
    return [
      { status: 'PRE_OPEN_START', atMs: at(session.startMinute - 15) },
      { status: 'PRE_OPEN_END', atMs: at(session.startMinute - 7) },
      { status: 'NORMAL_OPEN', atMs: at(session.startMinute) },
      { status: 'NORMAL_CLOSE', atMs: at(session.endMinute) },
      { status: 'CLOSING_START', atMs: at(session.endMinute + 10) },
      { status: 'CLOSING_END', atMs: at(session.endMinute + 30) },
    ];
  }
  return [
    { status: 'NORMAL_OPEN', atMs: at(session.startMinute) },
    { status: 'NORMAL_CLOSE', atMs: at(session.endMinute) },
  ];
}

function usualSession(exchange: string): SessionWindow | undefined {
  if (EQUITY_EXCHANGES.includes(exchange)) return EQUITY_SESSION;
  if (CURRENCY_EXCHANGES.includes(exchange)) return CURRENCY_SESSION;
  if (exchange === 'MCX') return COMMODITY_SESSION;
  return undefined;
}

function envelope(sessions: readonly SessionWindow[]): SessionWindow {
  return {
    startMinute: Math.min(...sessions.map((s) => s.startMinute)),
    endMinute: Math.max(...sessions.map((s) => s.endMinute)),
  };
}

function windowOf(exchange: string, date: IsoDate, session: SessionWindow): ExchangeWindow {
  return { exchange, start_time: istInstant(date, session.startMinute), end_time: istInstant(date, session.endMinute) };
}
