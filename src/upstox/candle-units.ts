import { utcMidnight, type IsoDate } from '../time/ist.js';

// Candle units and request limits of the V3 historical candle endpoint, from Upstox's
// "Historical Candle Data V3" documentation.

export const CANDLE_UNITS = ['minutes', 'hours', 'days', 'weeks', 'months'] as const;
export type CandleUnit = (typeof CANDLE_UNITS)[number];

/** Allowed `interval` values per unit, both ends included. */
export const INTERVAL_RANGE: Readonly<Record<CandleUnit, readonly [number, number]>> = {
  minutes: [1, 300],
  hours: [1, 5],
  days: [1, 1],
  weeks: [1, 1],
  months: [1, 1],
};

/** Units the intraday endpoint accepts. */
export const INTRADAY_UNITS: readonly CandleUnit[] = ['minutes', 'hours', 'days'];

/** The widest span one request may cover, in calendar months; `undefined` means unlimited. */
export function maxSpanMonths(unit: CandleUnit, interval: number): number | undefined {
  switch (unit) {
    case 'minutes':
      return interval <= 15 ? 1 : 3;
    case 'hours':
      return 3;
    case 'days':
      return 120;
    case 'weeks':
    case 'months':
      return undefined;
  }
}

/** The first date for which Upstox serves candles of this unit. */
export function earliestDate(unit: CandleUnit): IsoDate {
  return unit === 'minutes' || unit === 'hours' ? '2022-01-01' : '2000-01-01';
}

/** Returns true when `value` is a valid interval for `unit`. */
export function isValidInterval(unit: CandleUnit, value: number): boolean {
  const [min, max] = INTERVAL_RANGE[unit];
  return Number.isInteger(value) && value >= min && value <= max;
}

/** Returns true for units stored in the intraday candle table (minutes and hours). */
export function isIntradayUnit(unit: CandleUnit): boolean {
  return unit === 'minutes' || unit === 'hours';
}

/** Returns the interval label stored with each candle: `1minute`, `2hour`, `1day`, `1week`, `1month`. */
export function intervalLabel(unit: CandleUnit, interval: number): string {
  return `${interval}${unit.slice(0, -1)}`;
}

/** Adds calendar months to a date, clamping the day to the end of the target month. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const start = new Date(utcMidnight(date));
  const day = start.getUTCDate();
  const target = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * Returns true when one request may cover `fromDate`..`toDate` (both included): the span must
 * end before the date that lies `maxSpanMonths` after `fromDate`.
 */
export function spanFits(unit: CandleUnit, interval: number, fromDate: IsoDate, toDate: IsoDate): boolean {
  const months = maxSpanMonths(unit, interval);
  if (months === undefined) return true;
  return toDate < addMonths(fromDate, months);
}
