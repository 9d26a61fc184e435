import { accountApi, type AccountApi } from './account.js';
import { analyticsApi, type AnalyticsApi } from './analytics.js';
import { candleApi, type CandleApi } from './candles.js';
import { feedApi, type FeedApi } from './feed.js';
import { UpstoxHttp, type RequestGate, type UpstoxHttpOptions } from './http.js';
import { instrumentMasterApi, type InstrumentMasterApi } from './instruments-master.js';
import { marketInfoApi, type MarketInfoApi } from './market-info.js';
import { optionApi, type OptionApi } from './options.js';
import { quoteApi, type QuoteApi } from './quotes.js';

/** The read-only Upstox API as the jobs use it. Every method sends exactly one GET. */
export type UpstoxApi = CandleApi & QuoteApi & OptionApi & MarketInfoApi & InstrumentMasterApi & AccountApi & AnalyticsApi & FeedApi;

/** One connection pool to the Upstox API, lent out as API views that share it. */
export class UpstoxClient {
  private readonly http: UpstoxHttp;

  constructor(options: UpstoxHttpOptions) {
    this.http = new UpstoxHttp(options);
  }

  /** Returns the API whose every request first passes `gate`, such as the rate budget of one priority class. */
  api(gate?: RequestGate): UpstoxApi {
    return {
      ...candleApi(this.http, gate),
      ...quoteApi(this.http, gate),
      ...optionApi(this.http, gate),
      ...marketInfoApi(this.http, gate),
      ...instrumentMasterApi(this.http, gate),
      ...accountApi(this.http, gate),
      ...analyticsApi(this.http, gate),
      ...feedApi(this.http, gate),
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
