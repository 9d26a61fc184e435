import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { UpstoxAuthError, UpstoxInvalidRequestError, UpstoxRateLimitError } from '../../src/upstox/errors.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { fetchPath, historicalPath, intradayPath, RELIANCE, startTestSimulator, TOKEN } from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});

afterAll(async () => {
  await sim.close();
});

interface ErrorEntry {
  errorCode: string;
  message: string;
  propertyPath: string | null;
  invalidValue: unknown;
  error_code: string;
  property_path: string | null;
  invalid_value: unknown;
}

async function errorOf(path: string, token: string | null = TOKEN, method = 'GET'): Promise<{ status: number; entry: ErrorEntry; body: Record<string, unknown> }> {
  const response = await fetchPath(sim, path, token, method);
  const body = JSON.parse(response.text) as { status: string; errors: ErrorEntry[] };
  const entry = body.errors[0];
  if (!entry) throw new Error(`no error entry in ${response.text}`);
  return { status: response.status, entry, body };
}

const cases: { name: string; path: string; token?: string | null; method?: string; status: number; code: string; message: string; property: string | null; value: unknown }[] = [
  { name: 'missing token', path: historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'), token: null, status: 401, code: 'UDAPI100050', message: 'Invalid token used to access API', property: null, value: null },
  { name: 'unknown token', path: historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'), token: 'not-a-token', status: 401, code: 'UDAPI100050', message: 'Invalid token used to access API', property: null, value: null },
  { name: 'key without pipe', path: '/v3/historical-candle/NSE_EQ-INE002A01018/days/1/2024-01-31/2024-01-01', status: 400, code: 'UDAPI1021', message: 'Instrument key is of invalid format', property: 'instrumentKey', value: 'NSE_EQ-INE002A01018' },
  { name: 'key of unknown segment', path: historicalPath('NSE_XX|INE002A01018', 'days', 1, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI1021', message: 'Instrument key is of invalid format', property: 'instrumentKey', value: 'NSE_XX|INE002A01018' },
  { name: 'unlisted NSE_EQ key', path: historicalPath('NSE_EQ|INE000X00000', 'days', 1, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI100011', message: 'Invalid Instrument key', property: null, value: null },
  { name: 'unlisted NSE_FO key', path: historicalPath('NSE_FO|1', 'days', 1, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI100011', message: 'Invalid Instrument key', property: null, value: null },
  { name: 'unlisted NSE_INDEX key', path: historicalPath('NSE_INDEX|Nifty 51', 'days', 1, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI100011', message: 'Invalid Instrument key', property: null, value: null },
  { name: 'unit seconds', path: historicalPath(RELIANCE, 'seconds', 1, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI1146', message: 'Invalid unit', property: 'unit', value: 'seconds' },
  { name: 'intraday unit weeks', path: intradayPath(RELIANCE, 'weeks', 1), status: 400, code: 'UDAPI1146', message: 'Invalid unit', property: 'unit', value: 'weeks' },
  { name: 'minutes interval 0', path: historicalPath(RELIANCE, 'minutes', 0, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI1147', message: 'Invalid interval', property: 'interval', value: '0' },
  { name: 'minutes interval 301', path: historicalPath(RELIANCE, 'minutes', 301, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI1147', message: 'Invalid interval', property: 'interval', value: '301' },
  { name: 'hours interval 6', path: historicalPath(RELIANCE, 'hours', 6, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI1147', message: 'Invalid interval', property: 'interval', value: '6' },
  { name: 'days interval 2', path: historicalPath(RELIANCE, 'days', 2, '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI1147', message: 'Invalid interval', property: 'interval', value: '2' },
  { name: 'interval not a number', path: historicalPath(RELIANCE, 'minutes', 'abc', '2024-01-31', '2024-01-01'), status: 400, code: 'UDAPI1147', message: 'Invalid interval', property: 'interval', value: 'abc' },
  { name: 'to_date month 13', path: historicalPath(RELIANCE, 'days', 1, '2024-13-01', '2024-01-01'), status: 400, code: 'UDAPI1015', message: 'to_date must be greater than or equal to from_date and Date should be in valid format: yyyy-mm-dd', property: 'to_date', value: '2024-13-01' },
  { name: 'from_date 30 February', path: historicalPath(RELIANCE, 'days', 1, '2024-03-31', '2024-02-30'), status: 400, code: 'UDAPI1015', message: 'to_date must be greater than or equal to from_date and Date should be in valid format: yyyy-mm-dd', property: 'from_date', value: '2024-02-30' },
  { name: 'to_date before from_date', path: historicalPath(RELIANCE, 'days', 1, '2024-01-01', '2024-01-31'), status: 400, code: 'UDAPI1015', message: 'to_date must be greater than or equal to from_date and Date should be in valid format: yyyy-mm-dd', property: 'to_date', value: '2024-01-01' },
  { name: 'minutes/1 over a month', path: historicalPath(RELIANCE, 'minutes', 1, '2024-04-01', '2024-03-01'), status: 400, code: 'UDAPI1148', message: 'Invalid date range', property: null, value: null },
  { name: 'minutes/30 over a quarter', path: historicalPath(RELIANCE, 'minutes', 30, '2024-04-01', '2024-01-01'), status: 400, code: 'UDAPI1148', message: 'Invalid date range', property: null, value: null },
  { name: 'days/1 over a decade', path: historicalPath(RELIANCE, 'days', 1, '2026-01-01', '2016-01-01'), status: 400, code: 'UDAPI1148', message: 'Invalid date range', property: null, value: null },
  { name: 'unknown path', path: '/v3/historical-candles/NSE_EQ%7CINE002A01018/days/1/2024-01-31', status: 404, code: 'UDAPI100060', message: 'Resource not Found', property: null, value: null },
  { name: 'extra path segment', path: `${historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01')}/extra`, status: 404, code: 'UDAPI100060', message: 'Resource not Found', property: null, value: null },
  { name: 'POST method', path: historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'), method: 'POST', status: 405, code: 'UDAPI10000', message: 'Request not supported', property: null, value: null },
];

describe('simulator validation errors', () => {
  for (const c of cases) {
    describe(c.name, () => {
      it(`returns HTTP ${c.status}`, async () => {
        const { status } = await errorOf(c.path, c.token === undefined ? TOKEN : c.token, c.method);
        expect(status).toBe(c.status);
      });

      it(`sends ${c.code} in both spellings`, async () => {
        const { entry } = await errorOf(c.path, c.token === undefined ? TOKEN : c.token, c.method);
        expect(entry.errorCode).toBe(c.code);
        expect(entry.error_code).toBe(c.code);
      });

      it('sends the message', async () => {
        const { entry } = await errorOf(c.path, c.token === undefined ? TOKEN : c.token, c.method);
        expect(entry.message).toBe(c.message);
      });

      it('sends the property path and value in both spellings', async () => {
        const { entry } = await errorOf(c.path, c.token === undefined ? TOKEN : c.token, c.method);
        expect(entry.propertyPath).toBe(c.property);
        expect(entry.property_path).toBe(c.property);
        expect(entry.invalidValue).toBe(c.value);
        expect(entry.invalid_value).toBe(c.value);
      });

      it('sends status error and no data', async () => {
        const { body } = await errorOf(c.path, c.token === undefined ? TOKEN : c.token, c.method);
        expect(Object.keys(body)).toEqual(['status', 'errors']);
        expect(body.status).toBe('error');
      });
    });
  }

  it('checks the token before the path', async () => {
    const { status } = await errorOf('/v3/unknown', null);
    expect(status).toBe(401);
  });

  it('checks the key before the unit', async () => {
    const { entry } = await errorOf('/v3/historical-candle/BAD/seconds/1/2024-13-01');
    expect(entry.errorCode).toBe('UDAPI1021');
  });

  it('checks the unit before the dates', async () => {
    const { entry } = await errorOf(historicalPath(RELIANCE, 'seconds', 1, '2024-13-01', '2024-01-01'));
    expect(entry.errorCode).toBe('UDAPI1146');
  });

  it('checks the dates before the span', async () => {
    const { entry } = await errorOf(historicalPath(RELIANCE, 'minutes', 1, '2024-13-01', '2020-01-01'));
    expect(entry.errorCode).toBe('UDAPI1015');
  });

  it('sends Allow GET with 405', async () => {
    const response = await fetchPath(sim, historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'), TOKEN, 'DELETE');
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('serves an unlisted BSE key synthetically', async () => {
    const response = await fetchPath(sim, historicalPath('BSE_EQ|INE000X00000', 'days', 1, '2024-01-31', '2024-01-01'));
    expect(response.status).toBe(200);
  });

  it('accepts a span of exactly one month', async () => {
    const response = await fetchPath(sim, historicalPath(RELIANCE, 'minutes', 15, '2024-03-31', '2024-03-01'));
    expect(response.status).toBe(200);
  });

  it('accepts dates before the availability floor', async () => {
    const response = await fetchPath(sim, historicalPath(RELIANCE, 'minutes', 1, '2020-01-31', '2020-01-01'));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ status: 'success', data: { candles: [] } });
  });
});

describe('project client on simulator errors', () => {
  it('maps 401 to UpstoxAuthError', async () => {
    const client = createUpstoxClient({ baseUrl: sim.url, token: 'revoked-token', requestTimeoutMs: 5_000 });
    try {
      const error = await client.historicalCandles({ instrumentKey: RELIANCE, unit: 'days', interval: 1, toDate: '2024-01-31', fromDate: '2024-01-01' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstoxAuthError);
      expect((error as UpstoxAuthError).upstoxCode).toBe('UDAPI100050');
    } finally {
      await client.close();
    }
  });

  it('maps 429 to UpstoxRateLimitError', async () => {
    const limited = await startTestSimulator({ rateLimits: { perSecond: 1, perMinute: 100, perHalfHour: 100 } });
    const client = createUpstoxClient({ baseUrl: limited.url, token: TOKEN, requestTimeoutMs: 5_000 });
    try {
      const request = { instrumentKey: RELIANCE, unit: 'days', interval: 1, toDate: '2024-01-31', fromDate: '2024-01-01' } as const;
      await client.historicalCandles(request);
      const error = await client.historicalCandles(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstoxRateLimitError);
      expect((error as UpstoxRateLimitError).upstoxCode).toBe('UDAPI10005');
      expect((error as UpstoxRateLimitError).retryAfterMs).toBeUndefined();
    } finally {
      await client.close();
      await limited.close();
    }
  });

  it('maps UDAPI1148 to UpstoxInvalidRequestError', async () => {
    const client = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 5_000 });
    try {
      const error = await client.historicalCandles({ instrumentKey: RELIANCE, unit: 'minutes', interval: 1, toDate: '2024-06-30', fromDate: '2024-01-01' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstoxInvalidRequestError);
      expect((error as UpstoxInvalidRequestError).upstoxCode).toBe('UDAPI1148');
      expect((error as UpstoxInvalidRequestError).status).toBe(400);
    } finally {
      await client.close();
    }
  });

  it('maps UDAPI100011 to UpstoxInvalidRequestError', async () => {
    const client = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 5_000 });
    try {
      const error = await client.intradayCandles({ instrumentKey: 'NSE_EQ|INE000X00000', unit: 'minutes', interval: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstoxInvalidRequestError);
      expect((error as UpstoxInvalidRequestError).upstoxCode).toBe('UDAPI100011');
    } finally {
      await client.close();
    }
  });
});
