import { istDateOf, isIsoDate, parseInstant, type IsoDate } from '../time/ist.js';
import type { ActivityKind, OptionAnalyticsKind, SmartlistName } from '../upstox/analytics.js';

// Market analytics (PCR, OI, change in OI, max pain, FII, DII, smartlists) to rows of
// `market_analytics`. Upstox's OpenAPI document leaves the `data` of these endpoints untyped,
// so a row types only what the request fixes (the kind, the underlying, the expiry, the date)
// and keeps `data` whole as jsonb.

/** A normaliser found a value that cannot be right; the job quarantines the body. */
export class AnalyticsValueError extends Error {
  readonly code = 'ANALYTICS_VALUE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'AnalyticsValueError';
  }
}

/** The value of `market_analytics.kind`: the path after `/v2/market/`, with `/` written `-`. */
export type MarketAnalyticsKind = OptionAnalyticsKind | ActivityKind | `smartlist-${SmartlistName}`;

export const MARKET_ANALYTICS_KINDS: readonly MarketAnalyticsKind[] = ['pcr', 'oi', 'change-oi', 'max-pain', 'fii', 'dii', 'smartlist-futures', 'smartlist-options', 'smartlist-mtf'];

/** The request behind one stored body, with its parameters decoded. */
export interface MarketAnalyticsSource {
  readonly kind: MarketAnalyticsKind;
  /** Every query parameter that was sent, by its API name, such as `{ expiry: '2026-05-19' }`. */
  readonly params: Readonly<Record<string, string | number>>;
}

export interface MarketAnalyticsRow {
  readonly kind: MarketAnalyticsKind;
  /** The parameters except `date`, as `name=value` pairs sorted by name and joined with `&`; part of the key. */
  readonly params_key: string;
  /** The `date` parameter where the endpoint takes one, else the IST date of the fetch. */
  readonly as_of_date: IsoDate;
  readonly underlying_key: string | null;
  readonly expiry: IsoDate | null;
  readonly params: Readonly<Record<string, string | number>>;
  /** The body's `data` member as sent; null when the body had none. */
  readonly data: unknown;
  readonly fetched_at: string;
}

/** Builds the one `market_analytics` row of a response. */
export function marketAnalyticsRow(source: MarketAnalyticsSource, data: unknown, fetchedAtMs: number): MarketAnalyticsRow {
  const { date, ...rest } = source.params;
  const asOf = date === undefined ? istDateOf(fetchedAtMs) : String(date);
  if (!isIsoDate(asOf)) throw new AnalyticsValueError(`invalid ${source.kind} date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  const expiry = source.params.expiry === undefined ? null : String(source.params.expiry);
  if (expiry !== null && !isIsoDate(expiry)) throw new AnalyticsValueError(`invalid ${source.kind} expiry ${JSON.stringify(expiry)}: expected YYYY-MM-DD`);
  const paramsKey = Object.keys(rest)
    .sort()
    .map((name) => `${name}=${String(rest[name])}`)
    .join('&');
  return {
    kind: source.kind,
    params_key: paramsKey,
    as_of_date: asOf,
    underlying_key: source.params.instrument_key === undefined ? null : String(source.params.instrument_key),
    expiry,
    params: source.params,
    data: data ?? null,
    fetched_at: new Date(fetchedAtMs).toISOString(),
  };
}

const MONTHS: Readonly<Record<string, string>> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

/**
 * Reads a calendar date in one of the layouts Upstox uses across its APIs: `YYYY-MM-DD`,
 * `DD-MM-YYYY` or `DD/MM/YYYY`, `DD Mon YYYY` or `DD-Mon-YYYY`, or an ISO instant with an
 * offset (read as its IST date). The fundamentals APIs do not document theirs. Throws
 * {@link AnalyticsValueError} for anything else, naming `field`.
 */
export function parseLooseDate(value: string | number, field: string): IsoDate {
  const text = String(value).trim();
  if (isIsoDate(text)) return text;
  let match = /^(\d{2})[-/](\d{2})[-/](\d{4})$/.exec(text);
  if (match && isIsoDate(`${match[3]}-${match[2]}-${match[1]}`)) return `${match[3]}-${match[2]}-${match[1]}`;
  match = /^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*,?[- ](\d{4})$/.exec(text);
  const month = match ? MONTHS[match[2]!.toLowerCase()] : undefined;
  if (match && month) {
    const date = `${match[3]}-${month}-${match[1]!.padStart(2, '0')}`;
    if (isIsoDate(date)) return date;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    try {
      return istDateOf(parseInstant(text));
    } catch {
      // Falls through to the error below, which names the field.
    }
  }
  throw new AnalyticsValueError(
    `invalid ${field} ${JSON.stringify(value)}: expected a date such as 2024-08-19, 19-08-2024 or 19 Aug 2024; ` +
      'the body is quarantined, so add its layout to parseLooseDate if Upstox sends dates this way',
  );
}
