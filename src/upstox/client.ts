import {
  getHistoricalCandles,
  getIntradayCandles,
  type CandleResponse,
  type HistoricalCandleRequest,
  type IntradayCandleRequest,
} from './candles.js';
import { UpstoxHttp, type UpstoxHttpOptions } from './http.js';

/** The read-only Upstox API as the jobs use it. Every method sends exactly one GET. */
export interface UpstoxApi {
  historicalCandles(request: HistoricalCandleRequest): Promise<CandleResponse>;
  intradayCandles(request: IntradayCandleRequest): Promise<CandleResponse>;
  close(): Promise<void>;
}

/** Creates the Upstox API client over one connection pool. */
export function createUpstoxClient(options: UpstoxHttpOptions): UpstoxApi {
  const http = new UpstoxHttp(options);
  return {
    historicalCandles: (request) => getHistoricalCandles(http, request),
    intradayCandles: (request) => getIntradayCandles(http, request),
    close: () => http.close(),
  };
}
