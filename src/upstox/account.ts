import type { RequestGate, UpstoxHttp } from './http.js';

/** The calls for the account endpoints (profile, funds, portfolio, orders, trades, P&L, mutual funds). */
export type AccountApi = Record<never, never>;

/** Binds the account endpoints (profile, funds, portfolio, orders, trades, P&L, mutual funds) to a transport and an optional gate. */
export function accountApi(_http: UpstoxHttp, _gate?: RequestGate): AccountApi {
  return {};
}
