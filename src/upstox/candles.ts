import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../time/ist.js';
import { CANDLE_UNITS, INTRADAY_UNITS, isValidInterval, type CandleUnit } from './candle-units.js';
import { UpstoxSchemaError } from './errors.js';
import { UPSTOX_APIS } from './apis.js';
import type { RequestGate, UpstoxHttp, UpstoxResponse } from './http.js';
import { encodeInstrumentKey } from './instrument-key.js';

/** One candle as Upstox sends it: `[timestamp, open, high, low, close, volume, open_interest]`. */
export type RawCandle = readonly [string, number, number, number, number, number, number];

// Open interest is missing from some older bodies, so the seventh element is optional and
// read as 0. Extra trailing elements are tolerated and ignored.
const candleSchema = z
  .tuple([z.string(), z.number(), z.number(), z.number(), z.number(), z.number()], z.number().nullable())
  .transform((row): RawCandle => [row[0], row[1], row[2], row[3], row[4], row[5], row[6] ?? 0]);

const candleResponseSchema = z.looseObject({
  status: z.literal('success'),
  data: z.looseObject({ candles: z.array(candleSchema) }),
});

export interface HistoricalCandleRequest {
  readonly instrumentKey: string;
  readonly unit: CandleUnit;
  readonly interval: number;
  /** Inclusive. The path carries it before `fromDate`. */
  readonly toDate: IsoDate;
  readonly fromDate: IsoDate;
}

export interface IntradayCandleRequest {
  readonly instrumentKey: string;
  readonly unit: CandleUnit;
  readonly interval: number;
}

export interface CandleResponse {
  /** Newest first, as Upstox sends them. */
  readonly candles: readonly RawCandle[];
  readonly path: string;
  /** The body as received, kept for the quarantine table when later checks reject it. */
  readonly rawBody: string;
}

/** Builds the V3 historical candle path; `to_date` comes before `from_date`. */
export function historicalCandlePath(request: HistoricalCandleRequest): string {
  checkUnitAndInterval(request.unit, request.interval, CANDLE_UNITS);
  for (const [name, value] of [['toDate', request.toDate], ['fromDate', request.fromDate]] as const) {
    if (!isIsoDate(value)) throw new RangeError(`invalid ${name} ${JSON.stringify(value)}: expected YYYY-MM-DD, such as 2024-03-28`);
  }
  if (request.toDate < request.fromDate) {
    throw new RangeError(`invalid date range: toDate ${request.toDate} is before fromDate ${request.fromDate}`);
  }
  const key = encodeInstrumentKey(request.instrumentKey);
  return `/v3/historical-candle/${key}/${request.unit}/${request.interval}/${request.toDate}/${request.fromDate}`;
}

/** Builds the V3 intraday candle path (the current session so far). */
export function intradayCandlePath(request: IntradayCandleRequest): string {
  checkUnitAndInterval(request.unit, request.interval, INTRADAY_UNITS);
  return `/v3/historical-candle/intraday/${encodeInstrumentKey(request.instrumentKey)}/${request.unit}/${request.interval}`;
}

/** The candle endpoints as the jobs call them. */
export interface CandleApi {
  historicalCandles(request: HistoricalCandleRequest): Promise<CandleResponse>;
  intradayCandles(request: IntradayCandleRequest): Promise<CandleResponse>;
}

/** Binds the candle endpoints to a transport and an optional gate. */
export function candleApi(http: UpstoxHttp, gate?: RequestGate): CandleApi {
  return {
    historicalCandles: (request) => getHistoricalCandles(http, request, gate),
    intradayCandles: (request) => getIntradayCandles(http, request, gate),
  };
}

/** Fetches historical candles with the V3 endpoint, validated. */
export async function getHistoricalCandles(http: UpstoxHttp, request: HistoricalCandleRequest, gate?: RequestGate): Promise<CandleResponse> {
  const response = await http.get({ api: UPSTOX_APIS.historicalCandle, path: historicalCandlePath(request), gate });
  return parseCandleResponse(response, UPSTOX_APIS.historicalCandle);
}

/** Fetches the current session's candles with the V3 intraday endpoint, validated. */
export async function getIntradayCandles(http: UpstoxHttp, request: IntradayCandleRequest, gate?: RequestGate): Promise<CandleResponse> {
  const response = await http.get({ api: UPSTOX_APIS.intradayCandle, path: intradayCandlePath(request), gate });
  return parseCandleResponse(response, UPSTOX_APIS.intradayCandle);
}

/** Validates a candle response body; a mismatch is an {@link UpstoxSchemaError} carrying the raw body. */
export function parseCandleResponse(response: UpstoxResponse, api: string): CandleResponse {
  const result = candleResponseSchema.safeParse(response.body);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new UpstoxSchemaError(
      `GET ${response.path} returned a candle body that does not match the schema: ${issues.join('; ')}`,
      { api, path: response.path, status: response.status, bodySnippet: response.rawBody.slice(0, 200) },
      response.rawBody,
      issues,
    );
  }
  return { candles: result.data.data.candles, path: response.path, rawBody: response.rawBody };
}

function checkUnitAndInterval(unit: CandleUnit, interval: number, allowed: readonly CandleUnit[]): void {
  if (!allowed.includes(unit)) {
    throw new RangeError(`invalid candle unit ${JSON.stringify(unit)}: expected one of ${allowed.join(', ')}`);
  }
  if (!isValidInterval(unit, interval)) {
    throw new RangeError(`invalid interval ${interval} for unit ${unit}: expected an integer from the allowed range (minutes 1-300, hours 1-5, otherwise 1)`);
  }
}
