import type { RequestGate, UpstoxHttp } from './http.js';

/** The calls for the quote endpoints (full market quote, OHLC V3, LTP V3). */
export type QuoteApi = Record<never, never>;

/** Binds the quote endpoints (full market quote, OHLC V3, LTP V3) to a transport and an optional gate. */
export function quoteApi(_http: UpstoxHttp, _gate?: RequestGate): QuoteApi {
  return {};
}
