import type { RequestGate, UpstoxHttp } from './http.js';

/** The calls for market information (status, holidays, timings), instrument search, brokerage and expired instruments. */
export type MarketInfoApi = Record<never, never>;

/** Binds market information (status, holidays, timings), instrument search, brokerage and expired instruments to a transport and an optional gate. */
export function marketInfoApi(_http: UpstoxHttp, _gate?: RequestGate): MarketInfoApi {
  return {};
}
