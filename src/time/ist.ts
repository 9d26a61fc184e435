// India Standard Time is UTC+05:30 with no daylight saving, so every conversion here is
// plain arithmetic on epoch milliseconds and never consults the host's time zone.

export const IST_OFFSET_MS = 19_800_000;
const DAY_MS = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** A calendar date as `YYYY-MM-DD`, with no time zone attached. */
export type IsoDate = string;

/** Checks that `value` is a real calendar date written as `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an ISO 8601 instant that carries its own offset (`+05:30` or `Z`) into epoch
 * milliseconds. A string without an offset is rejected, because reading it would depend on
 * the host's time zone.
 */
export function parseInstant(value: string): number {
  const fast = parseIstSeconds(value);
  if (fast !== undefined) return fast;
  const match = ISO_INSTANT.exec(value);
  if (!match || !isIsoDate(match[1]!)) {
    throw new RangeError(`invalid timestamp ${JSON.stringify(value)}: expected ISO 8601 with an offset, such as 2024-03-28T09:15:00+05:30`);
  }
  // The pattern has already fixed the format and checked every field, so Date.parse reads
  // the offset from the string and never falls back to the host's time zone.
  return Date.parse(value);
}

// Upstox stamps every candle as `YYYY-MM-DDTHH:MM:SS+05:30`. Reading that one layout by
// character codes is several times faster than the regular expression and Date.parse, which
// matters when a backfill normalises millions of candles. Anything else takes the general path.
function parseIstSeconds(value: string): number | undefined {
  if (value.length !== 25 || value.charCodeAt(10) !== 84 || !value.endsWith('+05:30')) return undefined;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second) - IST_OFFSET_MS;
}

/** Reads `length` decimal digits at `start`; returns -1 when one is not a digit. */
function digits(value: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const code = value.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    n = n * 10 + code;
  }
  return n;
}

/** Returns the IST calendar date of an instant. */
export function istDateOf(epochMs: number): IsoDate {
  return new Date(epochMs + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Returns the minutes since IST midnight of an instant (0..1439). */
export function istMinuteOfDay(epochMs: number): number {
  const ms = (((epochMs + IST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(ms / 60_000);
}

/** Returns the instant of IST midnight at the start of `date`. */
export function istMidnight(date: IsoDate): number {
  return utcMidnight(date) - IST_OFFSET_MS;
}

/** Returns the instant of `date` at `hh:mm` IST. */
export function istInstant(date: IsoDate, minuteOfDay: number): number {
  return istMidnight(date) + minuteOfDay * 60_000;
}

/** Formats an instant as an ISO 8601 string with the `+05:30` offset, as Upstox does. */
export function formatIst(epochMs: number): string {
  return new Date(epochMs + IST_OFFSET_MS).toISOString().slice(0, 19) + '+05:30';
}

/** Returns the epoch milliseconds of UTC midnight at the start of `date`. */
export function utcMidnight(date: IsoDate): number {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** Adds whole days to a calendar date. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(utcMidnight(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Returns the day of the week of a calendar date: 0 is Sunday, 6 is Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(utcMidnight(date)).getUTCDay();
}

/** Returns every calendar date from `from` to `to`, both included. */
export function datesBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const dates: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/** Returns the number of calendar days from `from` to `to`, both included. */
export function daysBetweenInclusive(from: IsoDate, to: IsoDate): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS) + 1;
}

/** Returns the IST calendar date of today, read from `nowMs`. */
export function istToday(nowMs: number): IsoDate {
  return istDateOf(nowMs);
}

/** Returns the last day of the month that `date` falls in. */
export function endOfMonth(date: IsoDate): IsoDate {
  const start = utcMidnight(date.slice(0, 8) + '01');
  const next = new Date(start);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return new Date(next.getTime() - DAY_MS).toISOString().slice(0, 10);
}
