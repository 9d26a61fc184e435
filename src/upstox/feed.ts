import { z } from 'zod';
import { getEndpoint, type EndpointResponse } from './endpoint.js';
import type { RequestGate, UpstoxHttp } from './http.js';
import { UPSTOX_APIS } from './apis.js';

// The authorize call of the Market Data Feed V3. It returns a single-use websocket URL: the
// `code` in its query admits one connection, so every reconnect needs a fresh call. The URL
// itself carries no token, and the websocket handshake sends none.

/**
 * The API name of the authorize call, for the rate budget and the simulator's counters.
 * NOTE: not yet in `UPSTOX_APIS` (src/upstox/apis.ts); move it there when that file is next edited.
 */
export const FEED_AUTHORIZE_API = UPSTOX_APIS.marketDataFeedAuthorize;

/** The path of the authorize call. */
export const FEED_AUTHORIZE_PATH = '/v3/feed/market-data-feed/authorize';

const websocketUrl = z.string().regex(/^wss?:\/\/[^\s/?#]+[^\s]*$/, 'expected a ws:// or wss:// URL');

// The V3 documentation shows only `authorized_redirect_uri`; the V2 page also sent a camelCase
// twin, so either spelling is read, snake_case first.
const authorizeSchema = z
  .looseObject({
    authorized_redirect_uri: websocketUrl.optional(),
    authorizedRedirectUri: websocketUrl.optional(),
  })
  .refine((data) => (data.authorized_redirect_uri ?? data.authorizedRedirectUri) !== undefined, {
    message: 'authorized_redirect_uri is missing',
    path: ['authorized_redirect_uri'],
  });

/** The `data` of the authorize response. */
export type FeedAuthorizeData = z.infer<typeof authorizeSchema>;

/** The authorize call as the feed consumer uses it. */
export interface FeedApi {
  /** Sends `GET /v3/feed/market-data-feed/authorize` once; each call yields a URL with a new single-use code. */
  marketDataFeedAuthorize(): Promise<EndpointResponse<FeedAuthorizeData>>;
}

/** Binds the feed authorize call to a transport and an optional gate. */
export function feedApi(http: UpstoxHttp, gate?: RequestGate): FeedApi {
  return {
    marketDataFeedAuthorize: async () => getEndpoint(http, { api: FEED_AUTHORIZE_API, path: FEED_AUTHORIZE_PATH, gate }, authorizeSchema),
  };
}

/** Returns the websocket URL of an authorize response, preferring the snake_case field. */
export function authorizedRedirectUri(data: FeedAuthorizeData): string {
  // The schema's refinement guarantees one of the two.
  return (data.authorized_redirect_uri ?? data.authorizedRedirectUri)!;
}

/**
 * Returns the URL without its query, for logs and errors. The query contains the single-use
 * `code`, which admits a connection until it is used.
 */
export function describeFeedUri(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unparsable feed URL)';
  }
}
