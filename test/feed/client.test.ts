import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstoxAuthError, UpstoxSchemaError } from '../../src/upstox/errors.js';
import { authorizedRedirectUri, describeFeedUri, FEED_AUTHORIZE_API, feedApi, type FeedApi } from '../../src/upstox/feed.js';
import { UpstoxHttp } from '../../src/upstox/http.js';
import { CannedServer } from '../support/canned-server.js';
import { SAMPLES } from './samples.js';

// The authorize call against canned bodies: the sample body through the client schema, the
// camelCase twin, and bodies the schema must reject.

const TOKEN = 'feed-client-token';
const SAMPLE = readFileSync(resolve(SAMPLES, 'market-data-feed-authorize-v3.json'), 'utf8');
const SAMPLE_URI =
  'wss://xyz.upstox.com/market-data-feeder/v3/upstox-developer-api/feeds?requestId=2f646f57-a097-4402-bb36-c44085c5f8e7&code=9355b100-25cf-4fa7-b038-06d27ddb4823';

const server = new CannedServer();
let http: UpstoxHttp;
let api: FeedApi;

beforeAll(async () => {
  await server.start();
  http = new UpstoxHttp({ baseUrl: server.url, token: TOKEN, requestTimeoutMs: 5_000 });
  api = feedApi(http);
});
afterAll(async () => {
  await http.close();
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
});

describe('feed authorize client', () => {
  it('parses the sample', async () => {
    server.enqueue({ status: 200, body: SAMPLE });
    const response = await api.marketDataFeedAuthorize();
    expect(response.data).toEqual({ authorized_redirect_uri: SAMPLE_URI });
    expect(authorizedRedirectUri(response.data)).toBe(SAMPLE_URI);
    expect(response.path).toBe('/v3/feed/market-data-feed/authorize');
  });

  it('sends one GET with the token', async () => {
    server.enqueue({ status: 200, body: SAMPLE });
    await api.marketDataFeedAuthorize();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.url).toBe('/v3/feed/market-data-feed/authorize');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('names the rate budget', async () => {
    const apis: string[] = [];
    server.enqueue({ status: 200, body: SAMPLE });
    await feedApi(http, { acquire: async (name) => void apis.push(name) }).marketDataFeedAuthorize();
    expect(apis).toEqual([FEED_AUTHORIZE_API]);
    expect(FEED_AUTHORIZE_API).toBe('market-data-feed-authorize');
  });

  it('reads the camelCase twin', async () => {
    server.enqueue({ status: 200, body: JSON.stringify({ status: 'success', data: { authorizedRedirectUri: SAMPLE_URI } }) });
    const response = await api.marketDataFeedAuthorize();
    expect(authorizedRedirectUri(response.data)).toBe(SAMPLE_URI);
  });

  it('rejects a body without the URL', async () => {
    server.enqueue({ status: 200, body: JSON.stringify({ status: 'success', data: {} }) });
    await expect(api.marketDataFeedAuthorize()).rejects.toThrow(UpstoxSchemaError);
    server.enqueue({ status: 200, body: JSON.stringify({ status: 'success', data: {} }) });
    await expect(api.marketDataFeedAuthorize()).rejects.toThrow(/data\.authorized_redirect_uri: authorized_redirect_uri is missing/);
  });

  it('rejects an http URL', async () => {
    server.enqueue({ status: 200, body: JSON.stringify({ status: 'success', data: { authorized_redirect_uri: 'https://xyz.upstox.com/feeds?code=1' } }) });
    await expect(api.marketDataFeedAuthorize()).rejects.toThrow(/expected a ws:\/\/ or wss:\/\/ URL/);
  });

  it('raises an auth error on 401', async () => {
    const body = JSON.stringify({ status: 'error', errors: [{ errorCode: 'UDAPI100050', message: 'Invalid token used to access API', error_code: 'UDAPI100050' }] });
    server.enqueue({ status: 401, body });
    const error = await api.marketDataFeedAuthorize().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstoxAuthError);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});

describe('feed URL for logs', () => {
  it('drops the code', () => {
    expect(describeFeedUri(SAMPLE_URI)).toBe('wss://xyz.upstox.com/market-data-feeder/v3/upstox-developer-api/feeds');
  });

  it('survives a bad URL', () => {
    expect(describeFeedUri('not a url?code=secret')).toBe('(unparsable feed URL)');
  });
});
