import { z } from 'zod';
import { UPSTOX_APIS } from './apis.js';
import { encodeKeyList, getEndpoint, type EndpointResponse } from './endpoint.js';
import type { RequestGate, UpstoxHttp } from './http.js';
import { encodeInstrumentKey } from './instrument-key.js';

// The three quote endpoints: full market quote (V2), OHLC V3 and LTP V3. Each takes up to 500
// instrument keys joined with literal commas and returns a map keyed `SEGMENT:TRADING_SYMBOL`.
// The requested key comes back inside each entry as `instrument_token`. Keys that Upstox does
// not know are left out of the map without an error.

/** The maximum number of instrument keys in one quote request. */
export const MAX_QUOTE_KEYS = 500;

/** The candle interval of the OHLC V3 endpoint: one day, one minute or 30 minutes. */
export const OHLC_INTERVALS = ['1d', 'I1', 'I30'] as const;
export type OhlcInterval = (typeof OHLC_INTERVALS)[number];

// Index quotes carry null in place of volume, OI, circuit limits and average price, so every
// number except the last price may be null or missing.
const maybeNumber = z.number().nullish();
const maybeInteger = z.number().int().nullish();

const depthLevelSchema = z.looseObject({ quantity: maybeInteger, price: maybeNumber, orders: maybeInteger });

/** One entry of the full market quote map. */
export const fullQuoteEntrySchema = z.looseObject({
  instrument_token: z.string(),
  symbol: z.string().nullish(),
  last_price: z.number(),
  // An ISO instant with milliseconds and `+05:30`: when Upstox served the snapshot.
  timestamp: z.string().nullish(),
  // Epoch milliseconds as a decimal string: when the last trade happened.
  last_trade_time: z.string().regex(/^\d{1,15}$/, 'expected epoch milliseconds as a string of digits').nullish(),
  ohlc: z.looseObject({ open: maybeNumber, high: maybeNumber, low: maybeNumber, close: maybeNumber }).nullish(),
  depth: z.looseObject({ buy: z.array(depthLevelSchema).nullish(), sell: z.array(depthLevelSchema).nullish() }).nullish(),
  volume: maybeInteger,
  average_price: maybeNumber,
  oi: maybeNumber,
  net_change: maybeNumber,
  total_buy_quantity: maybeNumber,
  total_sell_quantity: maybeNumber,
  lower_circuit_limit: maybeNumber,
  upper_circuit_limit: maybeNumber,
  oi_day_high: maybeNumber,
  oi_day_low: maybeNumber,
});
export type FullQuoteEntry = z.infer<typeof fullQuoteEntrySchema>;

const ohlcBarSchema = z.looseObject({
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: maybeInteger,
  // Epoch milliseconds of the bar's start.
  ts: z.number().int(),
});
export type OhlcBar = z.infer<typeof ohlcBarSchema>;

/** One entry of the OHLC V3 map; either bar may be missing for an instrument that has not traded. */
export const ohlcQuoteEntrySchema = z.looseObject({
  instrument_token: z.string(),
  last_price: maybeNumber,
  live_ohlc: ohlcBarSchema.nullish(),
  prev_ohlc: ohlcBarSchema.nullish(),
});
export type OhlcQuoteEntry = z.infer<typeof ohlcQuoteEntrySchema>;

/** One entry of the LTP V3 map: `ltq` is the last traded quantity and `cp` the previous close. */
export const ltpQuoteEntrySchema = z.looseObject({
  instrument_token: z.string(),
  last_price: z.number(),
  ltq: maybeInteger,
  volume: maybeInteger,
  cp: maybeNumber,
});
export type LtpQuoteEntry = z.infer<typeof ltpQuoteEntrySchema>;

const fullQuoteMap = z.record(z.string(), fullQuoteEntrySchema);
const ohlcQuoteMap = z.record(z.string(), ohlcQuoteEntrySchema);
const ltpQuoteMap = z.record(z.string(), ltpQuoteEntrySchema);

/** The quote endpoints as the jobs call them. Every call sends one GET for at most {@link MAX_QUOTE_KEYS} keys. */
export interface QuoteApi {
  fullMarketQuotes(instrumentKeys: readonly string[]): Promise<EndpointResponse<Record<string, FullQuoteEntry>>>;
  ohlcQuotes(instrumentKeys: readonly string[], interval: OhlcInterval): Promise<EndpointResponse<Record<string, OhlcQuoteEntry>>>;
  ltpQuotes(instrumentKeys: readonly string[]): Promise<EndpointResponse<Record<string, LtpQuoteEntry>>>;
}

/** Binds the quote endpoints (full market quote, OHLC V3, LTP V3) to a transport and an optional gate. */
export function quoteApi(http: UpstoxHttp, gate?: RequestGate): QuoteApi {
  return {
    fullMarketQuotes: async (keys) =>
      getEndpoint(http, { api: UPSTOX_APIS.fullMarketQuote, path: '/v2/market-quote/quotes', query: { instrument_key: keyQuery(keys, MAX_QUOTE_KEYS) }, gate }, fullQuoteMap),
    ohlcQuotes: async (keys, interval) => {
      if (!OHLC_INTERVALS.includes(interval)) {
        throw new RangeError(`invalid OHLC interval ${JSON.stringify(interval)}: expected one of ${OHLC_INTERVALS.join(', ')}`);
      }
      const query = { instrument_key: keyQuery(keys, MAX_QUOTE_KEYS), interval };
      return getEndpoint(http, { api: UPSTOX_APIS.ohlcQuotes, path: '/v3/market-quote/ohlc', query, gate }, ohlcQuoteMap);
    },
    ltpQuotes: async (keys) =>
      getEndpoint(http, { api: UPSTOX_APIS.ltpQuotes, path: '/v3/market-quote/ltp', query: { instrument_key: keyQuery(keys, MAX_QUOTE_KEYS) }, gate }, ltpQuoteMap),
  };
}

/**
 * Builds the `instrument_key` query value: each key checked and encoded once, joined with
 * literal commas. Throws before any request when the list is empty or longer than `max`.
 */
export function keyQuery(keys: readonly string[], max: number): string {
  if (keys.length === 0) throw new RangeError('no instrument keys given: a quote request needs at least one');
  if (keys.length > max) {
    throw new RangeError(`${keys.length} instrument keys given but one request takes at most ${max}: split the keys into batches`);
  }
  return encodeKeyList(keys, encodeInstrumentKey);
}
