import { inSessions, type SessionWindow, type TradingCalendar } from '../calendar/trading-calendar.js';
import { datesBetween, istMinuteOfDay, type IsoDate } from '../time/ist.js';
import type { CandleUnit } from '../upstox/candle-units.js';
import type { CandleRow } from './candle-row.js';

export interface SessionCheckInput {
  readonly segment: string;
  readonly unit: CandleUnit;
  readonly interval: number;
  readonly rows: readonly CandleRow[];
  readonly fromDate: IsoDate;
  /** The last day that should hold complete data. */
  readonly toDate: IsoDate;
  readonly calendar: TradingCalendar;
}

export interface SessionCheckResult {
  /** Rows that fall inside a session; the others are dropped and described in `problems`. */
  readonly rows: CandleRow[];
  readonly droppedOutsideSession: number;
  /** Days in the window on which the exchange traded, per the calendar. */
  readonly tradingDays: readonly IsoDate[];
  /** One line per day that does not look like a complete session. */
  readonly problems: readonly string[];
  /** False when the calendar does not cover the segment, so nothing was checked. */
  readonly checked: boolean;
}

/**
 * Checks candles against the exchange calendar: intraday bars must start inside a session,
 * and each trading day from the first returned bar on must be complete (375 one-minute bars
 * on a regular NSE day). Days before the first bar are not judged, since the instrument may
 * not have been listed yet.
 */
export function checkSessions(input: SessionCheckInput): SessionCheckResult {
  const days = datesBetween(input.fromDate, input.toDate);
  const sessionsByDay = new Map<IsoDate, readonly SessionWindow[]>();
  for (const date of days) {
    const day = input.calendar.day(input.segment, date);
    if (!day) return { rows: [...input.rows], droppedOutsideSession: 0, tradingDays: [], problems: [], checked: false };
    sessionsByDay.set(date, day.sessions);
  }
  const tradingDays = days.filter((d) => (sessionsByDay.get(d)?.length ?? 0) > 0);

  if (input.unit === 'weeks' || input.unit === 'months') {
    return { rows: [...input.rows], droppedOutsideSession: 0, tradingDays, problems: [], checked: true };
  }
  if (input.unit === 'days') return checkDaily(input, sessionsByDay, tradingDays);
  return checkIntraday(input, sessionsByDay, tradingDays);
}

function checkDaily(input: SessionCheckInput, sessionsByDay: Map<IsoDate, readonly SessionWindow[]>, tradingDays: readonly IsoDate[]): SessionCheckResult {
  const problems: string[] = [];
  const present = new Set(input.rows.map((r) => r.tradeDate));
  for (const row of input.rows) {
    if ((sessionsByDay.get(row.tradeDate)?.length ?? 0) === 0) {
      problems.push(`${row.tradeDate}: a daily bar on a day the calendar has as closed`);
    }
  }
  const first = input.rows[0]?.tradeDate;
  if (first !== undefined) {
    const missing = tradingDays.filter((d) => d >= first && !present.has(d));
    if (missing.length > 0) problems.push(`no daily bar on ${missing.length} trading day(s): ${summariseDates(missing)}`);
  }
  return { rows: [...input.rows], droppedOutsideSession: 0, tradingDays, problems, checked: true };
}

function checkIntraday(input: SessionCheckInput, sessionsByDay: Map<IsoDate, readonly SessionWindow[]>, tradingDays: readonly IsoDate[]): SessionCheckResult {
  const barMinutes = input.unit === 'hours' ? input.interval * 60 : input.interval;
  const problems: string[] = [];
  const kept: CandleRow[] = [];
  const perDay = new Map<IsoDate, number>();
  const outside: CandleRow[] = [];
  for (const row of input.rows) {
    const sessions = sessionsByDay.get(row.tradeDate) ?? [];
    if (inSessions(sessions, istMinuteOfDay(row.tsMs))) {
      kept.push(row);
      perDay.set(row.tradeDate, (perDay.get(row.tradeDate) ?? 0) + 1);
    } else {
      outside.push(row);
    }
  }
  if (outside.length > 0) {
    const examples = outside.slice(0, 3).map((r) => new Date(r.tsMs).toISOString());
    problems.push(`${outside.length} bar(s) outside the exchange session were not stored, for example ${examples.join(', ')}`);
  }
  const first = kept[0]?.tradeDate;
  if (first !== undefined) {
    for (const date of tradingDays) {
      if (date < first) continue;
      const expected = expectedBars(sessionsByDay.get(date) ?? [], barMinutes);
      const got = perDay.get(date) ?? 0;
      if (got !== expected) problems.push(`${date}: ${got} of ${expected} ${input.interval}-${input.unit.slice(0, -1)} bars`);
    }
  }
  return { rows: kept, droppedOutsideSession: outside.length, tradingDays, problems, checked: true };
}

/** Returns the number of bars of `barMinutes` that the sessions hold, each session starting its own bars. */
export function expectedBars(sessions: readonly SessionWindow[], barMinutes: number): number {
  return sessions.reduce((sum, s) => sum + Math.ceil((s.endMinute - s.startMinute) / barMinutes), 0);
}

function summariseDates(dates: readonly IsoDate[]): string {
  return dates.length <= 5 ? dates.join(', ') : `${dates.slice(0, 5).join(', ')} and ${dates.length - 5} more`;
}
