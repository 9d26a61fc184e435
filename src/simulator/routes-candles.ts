import { addDays, isIsoDate, type IsoDate } from '../time/ist.js';
import {
  addMonths,
  CANDLE_UNITS,
  earliestDate,
  INTRADAY_UNITS,
  isValidInterval,
  maxSpanMonths,
  spanFits,
  type CandleUnit,
} from '../upstox/candle-units.js';
import { isInstrumentKey } from '../upstox/instrument-key.js';
import { historicalRows, intradayRows, type CandleQuery } from './candle-queries.js';
import { CandleSource } from './candle-source.js';
import { candleResponse, errorResponse, type SimulatorResponse } from './envelopes.js';
import { ExchangeSessions } from './exchange-sessions.js';
import { loadInstruments, MASTER_SEGMENTS, type InstrumentInfo } from './instruments.js';
import { loadRecordedData } from './recorded-data.js';
import { decodeOnce, type SimRoute, type SimRouteContext } from './route.js';

// The V3 candle endpoints:
//   GET /v3/historical-candle/{instrument_key}/{unit}/{interval}/{to_date}[/{from_date}]
//   GET /v3/historical-candle/intraday/{instrument_key}/{unit}/{interval}
// Parameters are checked in the order Upstox reports them: key format, key known, unit,
// interval, dates, span.

/** The rate-limit bucket of an endpoint; Upstox limits each API separately. */
export type CandleApi = 'historical-candle' | 'intraday-candle';

/** A request path that matched one of the candle endpoints, with its raw (still encoded) segments. */
export interface CandleRoute {
  readonly api: CandleApi;
  readonly key: string;
  readonly unit: string;
  readonly interval: string;
  readonly toDate?: string;
  readonly fromDate?: string;
}

/** Matches a raw request target against the candle endpoints; undefined means no route. */
export function matchCandleRoute(rawTarget: string): CandleRoute | undefined {
  const pathname = rawTarget.split('?', 1)[0] ?? '';
  const parts = pathname.split('/');
  if (parts[0] !== '' || parts[1] !== 'v3' || parts[2] !== 'historical-candle') return undefined;
  const [key = '', unit = '', interval = ''] = parts[3] === 'intraday' ? parts.slice(4) : parts.slice(3);
  if (parts[3] === 'intraday') return parts.length === 7 ? { api: 'intraday-candle', key, unit, interval } : undefined;
  if (parts.length !== 7 && parts.length !== 8) return undefined;
  return { api: 'historical-candle', key, unit, interval, toDate: parts[6], fromDate: parts[7] };
}

interface LoadedData {
  readonly source: CandleSource;
  readonly instruments: ReadonlyMap<string, InstrumentInfo>;
}

/** Serves matched candle routes; the data files load on the first request that needs them. */
export class CandleRoutes {
  private data: Promise<LoadedData> | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly now: () => number,
    private readonly sessions = new ExchangeSessions(),
  ) {}

  /** Validates the route's parameters and returns the candles or the Upstox error. */
  async handle(route: CandleRoute): Promise<SimulatorResponse> {
    // The key is decoded exactly once, so a double-encoded key (%257C) stays invalid.
    const key = decodeOnce(route.key);
    if (key === undefined || !isInstrumentKey(key)) return errorResponse('keyFormat', 'instrumentKey', key ?? route.key);
    const segment = key.slice(0, key.indexOf('|'));
    const { source, instruments } = await this.loadData();
    const info = instruments.get(key);
    if (!info && MASTER_SEGMENTS.has(segment)) return errorResponse('unknownKey');

    const allowedUnits: readonly string[] = route.api === 'intraday-candle' ? INTRADAY_UNITS : CANDLE_UNITS;
    const unit = decodeOnce(route.unit) ?? route.unit;
    if (!allowedUnits.includes(unit)) return errorResponse('invalidUnit', 'unit', unit);
    const intervalText = decodeOnce(route.interval) ?? route.interval;
    const interval = /^\d{1,4}$/.test(intervalText) ? Number(intervalText) : Number.NaN;
    if (!isValidInterval(unit as CandleUnit, interval)) return errorResponse('invalidInterval', 'interval', intervalText);

    const query: CandleQuery = { instrument: { key, segment, info }, unit: unit as CandleUnit, interval };
    if (route.api === 'intraday-candle') return candleResponse(intradayRows(source, query, this.now()));

    const toDate = decodeOnce(route.toDate ?? '') ?? '';
    if (!isIsoDate(toDate)) return errorResponse('invalidDates', 'to_date', toDate);
    let fromDate: IsoDate;
    if (route.fromDate === undefined) {
      fromDate = widestFromDate(query.unit, interval, toDate);
    } else {
      fromDate = decodeOnce(route.fromDate) ?? route.fromDate;
      if (!isIsoDate(fromDate)) return errorResponse('invalidDates', 'from_date', fromDate);
      if (toDate < fromDate) return errorResponse('invalidDates', 'to_date', toDate);
    }
    if (!spanFits(query.unit, interval, fromDate, toDate)) return errorResponse('invalidDateRange');
    return candleResponse(historicalRows(source, query, fromDate, toDate, this.now()));
  }

  private loadData(): Promise<LoadedData> {
    if (!this.data) {
      this.data = Promise.all([loadInstruments(this.dataDir), loadRecordedData(this.dataDir)]).then(([instruments, recorded]) => ({
        instruments,
        source: new CandleSource(this.sessions, recorded),
      }));
      // A failed load is retried by the next request instead of failing every later one.
      this.data.catch(() => {
        this.data = undefined;
      });
    }
    return this.data;
  }
}

/** Returns the two candle endpoints as simulator routes. */
export function candleRoutes(context: SimRouteContext, now: () => number): SimRoute[] {
  const routes = new CandleRoutes(context.dataDir, now);
  const route = (api: CandleApi): SimRoute => ({
    api,
    match: (segments) => {
      const matched = matchCandleRoute(`/${segments.join('/')}`);
      return matched?.api === api ? { ...matched } : undefined;
    },
    handle: (_request, params) => routes.handle(params as unknown as CandleRoute),
  });
  return [route('intraday-candle'), route('historical-candle')];
}

/**
 * Returns the earliest from_date that the unit's span limit allows for `toDate`, for requests
 * that omit from_date. Weeks and months have no limit, so they start at the availability floor.
 */
export function widestFromDate(unit: CandleUnit, interval: number, toDate: IsoDate): IsoDate {
  const months = maxSpanMonths(unit, interval);
  if (months === undefined) return earliestDate(unit);
  // Start a few days before the limit, where the span cannot fit, and step forward to the first date that fits.
  let fromDate = addDays(addMonths(toDate, -months), -5);
  while (!spanFits(unit, interval, fromDate, toDate)) fromDate = addDays(fromDate, 1);
  return fromDate;
}
