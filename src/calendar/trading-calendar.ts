import { dayOfWeek, type IsoDate } from '../time/ist.js';
import { NSE_HOLIDAYS, NSE_SPECIAL_SESSIONS, REGULAR_SESSION, type SessionWindow } from './nse-calendar-data.js';

export type { SessionWindow } from './nse-calendar-data.js';
export { REGULAR_SESSION } from './nse-calendar-data.js';

/** What the calendar knows about one exchange day. */
export interface TradingDay {
  readonly date: IsoDate;
  /** Empty when the exchange is closed all day. */
  readonly sessions: readonly SessionWindow[];
  /** `regular`, `holiday`, `weekend`, or the kind of special session. */
  readonly kind: string;
}

/** Answers which days an exchange trades and when. Job handlers take it as a dependency. */
export interface TradingCalendar {
  /** Returns the trading day, or `undefined` when the calendar does not cover the segment. */
  day(segment: string, date: IsoDate): TradingDay | undefined;
}

// Segments that follow the NSE equity and F&O calendar. BSE shares NSE's holidays for
// equity and derivatives. MCX and currency segments have other sessions and are not covered.
const NSE_CALENDAR_SEGMENTS = new Set(['NSE_EQ', 'NSE_FO', 'NSE_INDEX', 'BSE_EQ', 'BSE_FO', 'BSE_INDEX']);

/** The calendar built from the static NSE data that ships with the product. */
export class StaticNseCalendar implements TradingCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(holidays: readonly string[] = NSE_HOLIDAYS) {
    this.holidays = new Set(holidays);
  }

  day(segment: string, date: IsoDate): TradingDay | undefined {
    if (!NSE_CALENDAR_SEGMENTS.has(segment)) return undefined;
    const special = NSE_SPECIAL_SESSIONS[date];
    if (special) return { date, sessions: special.sessions, kind: special.kind };
    if (this.holidays.has(date)) return { date, sessions: [], kind: 'holiday' };
    const weekday = dayOfWeek(date);
    if (weekday === 0 || weekday === 6) return { date, sessions: [], kind: 'weekend' };
    return { date, sessions: [REGULAR_SESSION], kind: 'regular' };
  }
}

/** Returns the number of one-minute bars in a day's sessions. */
export function minutesInSessions(sessions: readonly SessionWindow[]): number {
  return sessions.reduce((sum, s) => sum + (s.endMinute - s.startMinute), 0);
}

/** Returns true when `minuteOfDay` falls inside one of the sessions. */
export function inSessions(sessions: readonly SessionWindow[], minuteOfDay: number): boolean {
  return sessions.some((s) => minuteOfDay >= s.startMinute && minuteOfDay < s.endMinute);
}
