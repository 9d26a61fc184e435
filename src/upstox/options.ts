import type { RequestGate, UpstoxHttp } from './http.js';

/** The calls for the option endpoints (greeks V3, option contracts, option chain). */
export type OptionApi = Record<never, never>;

/** Binds the option endpoints (greeks V3, option contracts, option chain) to a transport and an optional gate. */
export function optionApi(_http: UpstoxHttp, _gate?: RequestGate): OptionApi {
  return {};
}
