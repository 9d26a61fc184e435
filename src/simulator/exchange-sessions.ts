import { REGULAR_SESSION, StaticNseCalendar, type SessionWindow, type TradingCalendar } from '../calendar/trading-calendar.js';
import { addDays, dayOfWeek, istInstant, type IsoDate } from '../time/ist.js';
import { LruCache } from './lru-cache.js';

// The simulator's exchange calendar: StaticNseCalendar for the segments it covers (NSE and
// BSE equity, F&O and indices).
// NOTE: other segments (NSE_COM, NCD_FO, BCD_FO, MCX_*, GLOBAL_*) get a regular 09:15-15:30
// session on every weekday with no holidays. Their real hours differ (MCX trades into the
// night, currency derivatives from 09:00 to 17:00), so their synthetic bars show NSE equity hours.

/** Trading sessions per segment and date. */
export class ExchangeSessions {
  // One request looks up each date's sessions several times, and parsing the date string is
  // the costly part of a lookup, so results are cached.
  private readonly cache = new LruCache<string, readonly SessionWindow[]>(200_000);

  constructor(private readonly calendar: TradingCalendar = new StaticNseCalendar()) {}

  /** Returns the sessions of `date` for `segment`; empty when the exchange is closed. */
  sessionsOf(segment: string, date: IsoDate): readonly SessionWindow[] {
    return this.cache.getOrCompute(`${segment}|${date}`, () => {
      const day = this.calendar.day(segment, date);
      if (day) return day.sessions;
      const weekday = dayOfWeek(date);
      return weekday === 0 || weekday === 6 ? [] : [REGULAR_SESSION];
    });
  }

  /** Returns the trading day before `date`, looking back at most `maxDays` calendar days. */
  previousTradingDay(segment: string, date: IsoDate, maxDays = 30): IsoDate | undefined {
    for (let back = 1; back <= maxDays; back++) {
      const candidate = addDays(date, -back);
      if (this.sessionsOf(segment, candidate).length > 0) return candidate;
    }
    return undefined;
  }

  /** Returns the instant (epoch ms) at which the last session of `date` ends, or undefined on a closed day. */
  closeInstant(segment: string, date: IsoDate): number | undefined {
    const sessions = this.sessionsOf(segment, date);
    const last = sessions.reduce<SessionWindow | undefined>((latest, s) => (!latest || s.endMinute > latest.endMinute ? s : latest), undefined);
    return last ? istInstant(date, last.endMinute) : undefined;
  }
}

/** Returns the IST minutes of every one-minute bar inside the sessions, in time order. */
export function sessionMinutes(sessions: readonly SessionWindow[]): number[] {
  const minutes: number[] = [];
  for (const session of [...sessions].sort((a, b) => a.startMinute - b.startMinute)) {
    for (let m = session.startMinute; m < session.endMinute; m++) minutes.push(m);
  }
  return minutes;
}
