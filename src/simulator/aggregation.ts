import type { SessionWindow } from '../calendar/trading-calendar.js';
import { addDays, dayOfWeek, type IsoDate } from '../time/ist.js';

// Coarser candles are built from finer ones the way exchanges and Upstox stamp them. Each bar
// carries the start of its period and opens with the first open. It closes with the last
// close, spans the extremes, sums the volume and keeps the last open interest.

/** Prices in rupees, volume in units traded, open interest in contracts' units. */
export interface Bar {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly oi: number;
}

/** A bar inside one trading day; `minute` is its start in IST minutes after midnight. */
export interface MinuteBar extends Bar {
  readonly minute: number;
}

/** An intraday bar with the IST minute at which its period ends (its session's end at the latest). */
export interface PeriodBar extends MinuteBar {
  readonly endMinute: number;
}

/** Merges bars given in time order into one bar covering all of them. */
export function mergeBars(bars: readonly Bar[]): Bar {
  const first = bars[0];
  const last = bars[bars.length - 1];
  if (!first || !last) throw new RangeError('cannot merge an empty list of bars: at least one bar is required');
  let high = first.high;
  let low = first.low;
  let volume = 0;
  for (const bar of bars) {
    if (bar.high > high) high = bar.high;
    if (bar.low < low) low = bar.low;
    volume += bar.volume;
  }
  return { open: first.open, high, low, close: last.close, volume, oi: last.oi };
}

/**
 * Groups a day's one-minute bars into bars of `size` minutes. Buckets restart at each
 * session's start (09:15, 09:30, ... for 15 minutes), so no bar spans a break between sessions,
 * and the last bucket of a session ends with the session.
 */
export function groupMinutes(bars: readonly MinuteBar[], sessions: readonly SessionWindow[], size: number): PeriodBar[] {
  const grouped: PeriodBar[] = [];
  let bucket: MinuteBar[] = [];
  let bucketStart = -1;
  let bucketEnd = -1;
  const flush = (): void => {
    if (bucket.length > 0) grouped.push({ ...mergeBars(bucket), minute: bucketStart, endMinute: bucketEnd });
    bucket = [];
  };
  for (const bar of bars) {
    const session = sessionOf(sessions, bar.minute);
    const start = session.startMinute + Math.floor((bar.minute - session.startMinute) / size) * size;
    if (start !== bucketStart) {
      flush();
      bucketStart = start;
      bucketEnd = Math.min(start + size, session.endMinute);
    }
    bucket.push(bar);
  }
  flush();
  return grouped;
}

// Recorded bars all fall inside a session. A bar outside every session would mean that the
// calendar and the data disagree, and it is bucketed from the first session's start.
function sessionOf(sessions: readonly SessionWindow[], minute: number): SessionWindow {
  const inside = sessions.find((s) => minute >= s.startMinute && minute < s.endMinute);
  return inside ?? sessions[0] ?? { startMinute: 0, endMinute: 24 * 60 };
}

/** Returns the date that stamps the week or month containing `date`: its Monday or its 1st. */
export function periodStart(date: IsoDate, unit: 'weeks' | 'months'): IsoDate {
  if (unit === 'months') return `${date.slice(0, 8)}01`;
  return addDays(date, -((dayOfWeek(date) + 6) % 7));
}
