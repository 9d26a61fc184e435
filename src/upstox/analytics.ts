import type { RequestGate, UpstoxHttp } from './http.js';

/** The calls for market analytics, fundamentals, corporate actions and news. */
export type AnalyticsApi = Record<never, never>;

/** Binds market analytics, fundamentals, corporate actions and news to a transport and an optional gate. */
export function analyticsApi(_http: UpstoxHttp, _gate?: RequestGate): AnalyticsApi {
  return {};
}
