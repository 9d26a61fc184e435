import {
  getHistoricalCandles,
  getIntradayCandles,
  type CandleResponse,
  type HistoricalCandleRequest,
  type IntradayCandleRequest,
} from './candles.js';
import { UpstoxHttp, type RequestGate, type UpstoxHttpOptions } from './http.js';

/** The read-only Upstox API as the jobs use it. Every method sends exactly one GET. */
export interface UpstoxApi {
  historicalCandles(request: HistoricalCandleRequest): Promise<CandleResponse>;
  intradayCandles(request: IntradayCandleRequest): Promise<CandleResponse>;
}

/** One connection pool to the Upstox API, lent out as API views that share it. */
export class UpstoxClient {
  private readonly http: UpstoxHttp;

  constructor(options: UpstoxHttpOptions) {
    this.http = new UpstoxHttp(options);
  }

  /** Returns the API whose every request first passes `gate`, such as the rate budget of one priority class. */
  api(gate?: RequestGate): UpstoxApi {
    return {
      historicalCandles: (request) => getHistoricalCandles(this.http, request, gate),
      intradayCandles: (request) => getIntradayCandles(this.http, request, gate),
    };
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.http.close();
  }
}

/** Creates a client with no gate in front of it, for tools and tests. */
export function createUpstoxClient(options: UpstoxHttpOptions): UpstoxApi & { close(): Promise<void> } {
  const client = new UpstoxClient(options);
  return { ...client.api(), close: () => client.close() };
}
