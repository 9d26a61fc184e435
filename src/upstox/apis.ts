/** Names of the Upstox APIs the client calls. Rate budgets are kept per API (or per configured group). */
export const UPSTOX_APIS = {
  historicalCandle: 'historical-candle',
  intradayCandle: 'intraday-candle',
} as const;

export type UpstoxApiName = (typeof UPSTOX_APIS)[keyof typeof UPSTOX_APIS];

export const ALL_UPSTOX_APIS: readonly UpstoxApiName[] = Object.values(UPSTOX_APIS);
