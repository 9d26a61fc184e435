import { isIsoDate, IST_OFFSET_MS, parseInstant, type IsoDate } from '../time/ist.js';

// Value conversions shared by the account normalisers. Upstox writes account times in IST
// without an offset, in several layouts, and dates in two orders. Every reader here does
// plain arithmetic on the digits, so the host's time zone never matters.

/**
 * A value in a validated account body that cannot be true, such as a date that does not
 * exist. The job turns it into a schema error, so the body goes to quarantine.
 */
export class AccountValueError extends Error {
  readonly code = 'ACCOUNT_VALUE_INVALID';
}

/** The account and arrival time shared by every row of one response. */
export interface FetchContext {
  readonly account: string;
  /** When the response arrived, as an ISO 8601 instant in UTC. */
  readonly fetchedAt: string;
}

/** A fetch that belongs to a daily snapshot. */
export interface SnapshotContext extends FetchContext {
  /** The IST calendar date of the snapshot. */
  readonly snapshotDate: IsoDate;
}

/** Returns a money or quantity value with `-0` turned into 0 and a missing value as null. */
export function amount(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return value === 0 ? 0 : value;
}

/** Returns a text value with an empty or missing string as null. */
export function textOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : value;
}

const MONTHS: Readonly<Record<string, number>> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const DAY_MONTH_NAME = /^(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const WITH_OFFSET = /(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads an IST wall-clock time without an offset and returns the instant in UTC as an ISO
 * 8601 string; empty or missing is null. Accepts `YYYY-MM-DD HH:mm:ss` with an optional
 * fraction (orders, MF SIPs) and `dd-MMM-yyyy HH:mm:ss` (the trades documentation), and an
 * ISO 8601 string that carries its own offset.
 */
export function istTimestamp(value: string | null | undefined, field: string): string | null {
  const text = textOrNull(value);
  if (text === null) return null;
  const iso = ISO_LOCAL.exec(text);
  if (iso) {
    const millis = Number((iso[7] ?? '0').padEnd(3, '0').slice(0, 3));
    return wallClockToUtc(field, text, Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4]), Number(iso[5]), Number(iso[6]), millis);
  }
  const named = DAY_MONTH_NAME.exec(text);
  if (named) {
    const month = MONTHS[named[2]!.toLowerCase()];
    if (month !== undefined) return wallClockToUtc(field, text, Number(named[3]), month, Number(named[1]), Number(named[4]), Number(named[5]), Number(named[6]), 0);
  }
  if (text.includes('T') && WITH_OFFSET.test(text)) {
    try {
      return new Date(parseInstant(text)).toISOString();
    } catch {
      // Falls through to the error below, which names the accepted layouts.
    }
  }
  throw new AccountValueError(`invalid ${field} ${JSON.stringify(text)}: expected an IST time as YYYY-MM-DD HH:mm:ss or dd-MMM-yyyy HH:mm:ss, such as 2023-10-19 09:23:23`);
}

function wallClockToUtc(field: string, text: string, year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): string {
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (!isIsoDate(date) || hour > 23 || minute > 59 || second > 59) {
    throw new AccountValueError(`invalid ${field} ${JSON.stringify(text)}: the date or time does not exist`);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - IST_OFFSET_MS).toISOString();
}

/** Returns the IST calendar date of an IST wall-clock time (see `istTimestamp`); empty or missing is null. */
export function istDateOfTimestamp(value: string | null | undefined, field: string): IsoDate | null {
  const instant = istTimestamp(value, field);
  return instant === null ? null : new Date(Date.parse(instant) + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Reads a calendar date written `YYYY-MM-DD` or `dd-mm-yyyy` and returns `YYYY-MM-DD`; empty or missing is null. */
export function calendarDate(value: string | null | undefined, field: string): IsoDate | null {
  const text = textOrNull(value);
  if (text === null) return null;
  let date: string | undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) date = text;
  const dayFirst = /^(\d{2})-(\d{2})-(\d{4})$/.exec(text);
  if (dayFirst) date = `${dayFirst[3]}-${dayFirst[2]}-${dayFirst[1]}`;
  if (date === undefined || !isIsoDate(date)) {
    throw new AccountValueError(`invalid ${field} ${JSON.stringify(text)}: expected a real date as YYYY-MM-DD or dd-mm-yyyy, such as 2024-03-28 or 28-03-2024`);
  }
  return date;
}

/** Formats `YYYY-MM-DD` as `dd-mm-yyyy`, the layout of the P&L endpoints' dates. */
export function toDayMonthYear(date: IsoDate): string {
  return `${date.slice(8, 10)}-${date.slice(5, 7)}-${date.slice(0, 4)}`;
}

/** Reads a decimal number sent as a string (such as a strike price "0.0"); empty or missing is null. */
export function decimalText(value: string | null | undefined, field: string): string | null {
  const text = textOrNull(value);
  if (text === null) return null;
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new AccountValueError(`invalid ${field} ${JSON.stringify(text)}: expected a decimal number such as 17500.0`);
  return text;
}

/** Checks that every row has a distinct key; a repeated key would silently merge two rows in the store. */
export function assertUniqueKeys<T>(rows: readonly T[], key: (row: T) => string, what: string): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const k = key(row);
    if (seen.has(k)) throw new AccountValueError(`${what} lists ${k} twice; the table keeps one row per key, so the body is kept in quarantine for a person to look at`);
    seen.add(k);
  }
}

/**
 * Returns the Indian financial year (April to March) of a date, written as Upstox's P&L
 * endpoints expect: two digits of each calendar year, so 2024-03-28 is in `2324`.
 */
export function financialYearOf(date: IsoDate): string {
  const year = Number(date.slice(0, 4));
  const start = Number(date.slice(5, 7)) >= 4 ? year : year - 1;
  return `${String(start % 100).padStart(2, '0')}${String((start + 1) % 100).padStart(2, '0')}`;
}

/** Checks that `value` is a financial year such as `2324`: four digits, the second pair one year after the first. */
export function isFinancialYear(value: string): boolean {
  if (!/^\d{4}$/.test(value)) return false;
  return (Number(value.slice(0, 2)) + 1) % 100 === Number(value.slice(2, 4));
}

/**
 * Returns the first and last date of a financial year such as `2324`. Years are read as
 * 20xx, because Upstox serves only the last few financial years.
 */
export function financialYearRange(financialYear: string): { from: IsoDate; to: IsoDate } {
  if (!isFinancialYear(financialYear)) throw new RangeError(`invalid financial year ${JSON.stringify(financialYear)}: expected such as 2324 for April 2023 to March 2024`);
  const start = 2000 + Number(financialYear.slice(0, 2));
  return { from: `${start}-04-01`, to: `${start + 1}-03-31` };
}
