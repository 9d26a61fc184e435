import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { inspect } from 'node:util';
import { createUpstoxClient, type UpstoxApi } from '../../src/upstox/client.js';
import {
  UpstoxAuthError,
  UpstoxBlockedError,
  UpstoxError,
  UpstoxInvalidRequestError,
  UpstoxNetworkError,
  UpstoxRateLimitError,
  UpstoxSchemaError,
  UpstoxServerError,
  UpstoxTimeoutError,
  UpstoxUnexpectedBodyError,
} from '../../src/upstox/errors.js';
import { getOnlyInterceptor, UpstoxHttp } from '../../src/upstox/http.js';
import { CannedServer, candleBody } from '../support/canned-server.js';

const TOKEN = 'analytics-token-7f3a9c2e1b8d4a6f';
const request1 = { instrumentKey: 'NSE_EQ|INE000X01010', unit: 'days' as const, interval: 1, toDate: '2024-03-28', fromDate: '2024-03-27' };
const server = new CannedServer();
let api: UpstoxApi & { close(): Promise<void> };

async function failure(): Promise<unknown> {
  try {
    await api.historicalCandles(request1);
  } catch (error) {
    return error;
  }
  throw new Error('the request was expected to fail');
}

function everythingAbout(error: unknown): string {
  const e = error as UpstoxError;
  return [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(e), e.stack ?? '', String(e.cause ?? '')].join('\n');
}

beforeAll(async () => {
  await server.start();
  api = createUpstoxClient({ baseUrl: server.url, token: TOKEN, requestTimeoutMs: 500 });
});
afterAll(async () => {
  await api.close();
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
});

describe('Upstox client', () => {
  it('sends the bearer token and JSON accept header', async () => {
    server.enqueue({ status: 200, body: candleBody([]) });
    await api.historicalCandles(request1);
    expect([server.requests[0]?.headers.authorization, server.requests[0]?.headers.accept]).toEqual([`Bearer ${TOKEN}`, 'application/json']);
  });

  it('requests to_date before from_date', async () => {
    server.enqueue({ status: 200, body: candleBody([]) });
    await api.historicalCandles(request1);
    expect(server.requests[0]?.url).toBe('/v3/historical-candle/NSE_EQ%7CINE000X01010/days/1/2024-03-28/2024-03-27');
  });

  it('sends an index key with %7C and %20', async () => {
    server.enqueue({ status: 200, body: candleBody([]) });
    await api.intradayCandles({ instrumentKey: 'NSE_INDEX|Nifty 50', unit: 'minutes', interval: 1 });
    expect(server.requests[0]?.url).toBe('/v3/historical-candle/intraday/NSE_INDEX%7CNifty%2050/minutes/1');
  });

  it('rejects a bare symbol before any request', async () => {
    await expect(api.historicalCandles({ ...request1, instrumentKey: 'TECHM' })).rejects.toThrow(/invalid instrument key "TECHM"/);
    expect(server.requests).toHaveLength(0);
  });

  it('returns validated candles', async () => {
    server.enqueue({ status: 200, body: candleBody([['2024-03-28T00:00:00+05:30', 1003.5, 1010.0, 995.2, 1008.4, 1234567, 0]]) });
    expect((await api.historicalCandles(request1)).candles).toEqual([['2024-03-28T00:00:00+05:30', 1003.5, 1010.0, 995.2, 1008.4, 1234567, 0]]);
  });

  it('reads a missing open interest as 0', async () => {
    server.enqueue({ status: 200, body: candleBody([['2024-03-28T00:00:00+05:30', 1, 2, 0.5, 1.5, 10]]) });
    expect((await api.historicalCandles(request1)).candles[0]?.[6]).toBe(0);
  });

  it('maps 401 UDAPI100050 to an auth error', async () => {
    server.enqueue({ status: 401, body: '{"status":"error","errors":[{"errorCode":"UDAPI100050","message":"Invalid token used to access API"}]}' });
    const error = await failure();
    expect([error instanceof UpstoxAuthError, (error as UpstoxError).upstoxCode]).toEqual([true, 'UDAPI100050']);
  });

  it('maps 429 to a rate-limit error', async () => {
    server.enqueue({ status: 429, body: '{"status":"error","errors":[{"errorCode":"UDAPI10005","message":"Too Many Request Sent"}]}' });
    expect(await failure()).toBeInstanceOf(UpstoxRateLimitError);
  });

  it('recognises UDAPI10005 in the body whatever the status', async () => {
    server.enqueue({ status: 400, body: '{"status":"error","errors":[{"error_code":"UDAPI10005","message":"Too Many Request Sent"}]}' });
    expect(await failure()).toBeInstanceOf(UpstoxRateLimitError);
  });

  it('reads Retry-After when present', async () => {
    server.enqueue({ status: 429, body: '{"status":"error","errors":[]}', headers: { 'retry-after': '3' } });
    expect(((await failure()) as UpstoxRateLimitError).retryAfterMs).toBe(3000);
  });

  it('maps 503 to a server error', async () => {
    server.enqueue({ status: 503, body: '{"status":"error","errors":[{"errorCode":"UDAPI100500","message":"maintenance"}]}' });
    expect(await failure()).toBeInstanceOf(UpstoxServerError);
  });

  it('maps an HTML 504 page to a server error with a snippet', async () => {
    server.enqueue({ status: 504, contentType: 'text/html', body: '<html><body>504 Gateway Time-out</body></html>' });
    const error = (await failure()) as UpstoxServerError;
    expect([error instanceof UpstoxServerError, error.bodySnippet]).toEqual([true, '<html><body>504 Gateway Time-out</body></html>']);
  });

  it('maps an HTML 403 page to a blocked error', async () => {
    server.enqueue({ status: 403, contentType: 'text/html', body: '<html><body>Sorry, you have been blocked</body></html>' });
    expect(await failure()).toBeInstanceOf(UpstoxBlockedError);
  });

  it('maps truncated JSON on 200 to an unexpected-body error', async () => {
    server.enqueue({ status: 200, body: '{"status":"success","data":{"candles":[["2024-03-28T00:00:00+05:30",1003.5,' });
    expect(await failure()).toBeInstanceOf(UpstoxUnexpectedBodyError);
  });

  it('maps a body cut off mid-transfer to a network error', async () => {
    server.enqueue({ status: 200, body: '{"status":"success","data":{"candles":[', cutShort: true });
    expect(await failure()).toBeInstanceOf(UpstoxNetworkError);
  });

  it('maps a slow answer to a timeout', async () => {
    server.enqueue({ status: 200, body: candleBody([]), delayMs: 1_500 });
    expect(await failure()).toBeInstanceOf(UpstoxTimeoutError);
  });

  it('maps a refused connection to a network error', async () => {
    const closed = createUpstoxClient({ baseUrl: 'http://127.0.0.1:9', token: TOKEN, requestTimeoutMs: 500 });
    await expect(closed.historicalCandles(request1)).rejects.toBeInstanceOf(UpstoxNetworkError);
    await closed.close();
  });

  it('maps a wrong-shape body to a schema error', async () => {
    server.enqueue({ status: 200, body: '{"status":"success","data":{"candles":[["2024-03-28T00:00:00+05:30","high"]]}}' });
    const error = (await failure()) as UpstoxSchemaError;
    expect([error instanceof UpstoxSchemaError, error.rawBody]).toEqual([true, '{"status":"success","data":{"candles":[["2024-03-28T00:00:00+05:30","high"]]}}']);
  });

  for (const [name, entry] of [
    ['camelCase', { errorCode: 'UDAPI1011', message: 'instrument_key is of invalid format', propertyPath: 'instrument_key', invalidValue: 'TECHM' }],
    ['snake_case', { error_code: 'UDAPI1011', message: 'instrument_key is of invalid format', property_path: 'instrument_key', invalid_value: 'TECHM' }],
  ] as const) {
    it(`reads a ${name} error envelope`, async () => {
      server.enqueue({ status: 400, body: JSON.stringify({ status: 'error', errors: [entry] }) });
      const error = (await failure()) as UpstoxInvalidRequestError;
      expect([error instanceof UpstoxInvalidRequestError, error.upstoxCode, error.upstoxErrors[0]?.invalidValue]).toEqual([true, 'UDAPI1011', 'TECHM']);
    });
  }

  it('keeps the token out of every error kind', async () => {
    const answers = [
      { status: 401, body: '{"status":"error","errors":[{"errorCode":"UDAPI100050","message":"Invalid token used to access API"}]}' },
      { status: 429, body: '{"status":"error","errors":[{"errorCode":"UDAPI10005","message":"Too Many Request Sent"}]}' },
      { status: 503, body: `{"status":"error","errors":[{"errorCode":"UDAPI100500","message":"echo Bearer ${TOKEN}"}]}` },
      { status: 504, contentType: 'text/html', body: `<html>504 for ${TOKEN}</html>` },
      { status: 200, body: '{"status":"success","data":{"cand' },
      { status: 403, contentType: 'text/html', body: `<html>blocked ${TOKEN}</html>` },
    ];
    const texts: string[] = [];
    for (const answer of answers) {
      server.enqueue(answer);
      texts.push(everythingAbout(await failure()));
    }
    server.enqueue({ status: 200, body: candleBody([]), delayMs: 1_500 });
    texts.push(everythingAbout(await failure()));
    expect(texts.filter((t) => t.includes(TOKEN))).toEqual([]);
  });

  it('hides the token from inspection of the transport', () => {
    const http = new UpstoxHttp({ baseUrl: server.url, token: TOKEN, requestTimeoutMs: 500 });
    expect(inspect(http, { depth: 10, showHidden: true }).includes(TOKEN)).toBe(false);
  });

  it('sends GET from every API function', async () => {
    server.route(() => ({ status: 200, body: candleBody([]) }));
    await api.historicalCandles(request1);
    await api.intradayCandles({ instrumentKey: 'NSE_EQ|INE000X01010', unit: 'minutes', interval: 1 });
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('exposes only GET on the transport', () => {
    const publicMethods = Object.getOwnPropertyNames(UpstoxHttp.prototype).filter((name) => ['get', 'post', 'put', 'patch', 'delete', 'request'].includes(name));
    expect(publicMethods).toEqual(['get']);
  });

  it('refuses a POST through the client dispatcher before the network', async () => {
    const http = new UpstoxHttp({ baseUrl: server.url, token: TOKEN, requestTimeoutMs: 500 });
    const dispatcher = (http as unknown as { dispatcher: Parameters<typeof request>[1] extends infer O ? O extends { dispatcher?: infer D } ? D : never : never }).dispatcher;
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
      await expect(request(`${server.url}/v2/charges/margin`, { method, body: '{}', dispatcher })).rejects.toThrow(/sends only GET requests/);
    }
    expect(server.requests).toHaveLength(0);
    await http.close();
  });

  it('refuses non-GET methods in the interceptor itself', () => {
    const dispatch = getOnlyInterceptor(() => true);
    expect(() => dispatch({ method: 'POST', path: '/x', origin: 'http://127.0.0.1' }, {} as never)).toThrow(/POST \/x was rejected/);
  });

  it('classifies the timeout as retryable network trouble', async () => {
    expect(new UpstoxTimeoutError('t', { api: 'historical-candle', path: '/' })).toBeInstanceOf(UpstoxNetworkError);
  });
});
