import type { SessionWindow } from '../calendar/trading-calendar.js';
import { exchangeSessions } from '../stores/postgres/market-calendar.js';
import type { PostgresStore } from '../stores/postgres/store.js';
import { istMidnight, type IsoDate } from '../time/ist.js';
import type { ExchangeCalendar } from './session-gate.js';

const DAY_MINUTES = 1440;

/**
 * The calendar the scheduler's gate and report use: the exchange's own holidays and timings
 * stored by the calendar-refresh jobs, and for dates they do not cover, `fallback` (the
 * built-in NSE calendar). Answers are kept for `ttlMs`, because every scheduled job asks.
 */
export function storedExchangeCalendar(store: PostgresStore, fallback: ExchangeCalendar, ttlMs = 300_000): ExchangeCalendar {
  const cache = new Map<string, { at: number; sessions: readonly SessionWindow[] | undefined }>();
  return {
    async sessions(exchange, date) {
      const key = `${exchange}|${date}`;
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.sessions;
      const day = await exchangeSessions(store, exchange, date);
      const sessions = day ? day.sessions.map((span) => minuteWindow(date, span)) : await fallback.sessions(exchange, date);
      if (cache.size > 1_000) cache.clear();
      cache.set(key, { at: Date.now(), sessions });
      return sessions;
    },
  };
}

// A session that runs past midnight is cut at the end of `date`: the gate judges one IST day.
function minuteWindow(date: IsoDate, span: { startMs: number; endMs: number }): SessionWindow {
  const midnight = istMidnight(date);
  return {
    startMinute: Math.max(0, Math.floor((span.startMs - midnight) / 60_000)),
    endMinute: Math.min(DAY_MINUTES, Math.ceil((span.endMs - midnight) / 60_000)),
  };
}
