import { inSessions, type SessionWindow, type TradingCalendar } from '../calendar/trading-calendar.js';
import { istDateOf, istMinuteOfDay, type IsoDate } from '../time/ist.js';
import type { ScheduleStamp } from './desired-schedulers.js';

/** Sessions of an exchange (exchange codes such as NSE, NFO, MCX) on an IST date; undefined when unknown. */
export interface ExchangeCalendar {
  sessions(exchange: string, date: IsoDate): Promise<readonly SessionWindow[] | undefined>;
}

// The instrument segments whose calendar stands for each exchange code.
const SEGMENT_OF_EXCHANGE: Readonly<Record<string, string>> = {
  NSE: 'NSE_EQ',
  NFO: 'NSE_FO',
  BSE: 'BSE_EQ',
  BFO: 'BSE_FO',
};

/** Adapts a segment calendar (such as the built-in NSE calendar) to exchange codes. */
export function exchangeCalendarOf(calendar: TradingCalendar): ExchangeCalendar {
  return {
    async sessions(exchange, date) {
      const segment = SEGMENT_OF_EXCHANGE[exchange];
      return segment === undefined ? undefined : calendar.day(segment, date)?.sessions;
    },
  };
}

/**
 * Decides whether a scheduled run goes ahead at `nowMs`. Returns the reason to skip it, or
 * undefined to run it. A schedule `during: session` runs only inside one of the exchange's
 * sessions; `during: trading-day` runs on any day the exchange trades; `any` always runs. An
 * exchange the calendar does not know is treated as open, and the reason is not hidden: the
 * run goes ahead.
 */
export async function skipReason(stamp: ScheduleStamp | undefined, nowMs: number, calendar: ExchangeCalendar): Promise<string | undefined> {
  if (!stamp?.exchange || stamp.during === 'any') return undefined;
  const date = istDateOf(nowMs);
  const sessions = await calendar.sessions(stamp.exchange, date);
  if (sessions === undefined) return undefined;
  if (sessions.length === 0) return `${stamp.exchange} does not trade on ${date}`;
  if (stamp.during === 'session' && !inSessions(sessions, istMinuteOfDay(nowMs))) {
    return `${stamp.exchange} is outside its session at ${new Date(nowMs).toISOString()}`;
  }
  return undefined;
}
