import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { UpstoxAuthError, UpstoxError, UpstoxInvalidRequestError, UpstoxRateLimitError } from '../../src/upstox/errors.js';
import { CannedServer } from '../support/canned-server.js';

const sample = (file: string) => readFileSync(new URL(`../../vendor/upstox/samples/${file}`, import.meta.url), 'utf8');
const server = new CannedServer();
let api: ReturnType<typeof createUpstoxClient>;

async function errorFor(status: number, file: string): Promise<UpstoxError> {
  server.enqueue({ status, body: sample(file) });
  try {
    await api.historicalCandles({ instrumentKey: 'NSE_EQ|INE848E01016', unit: 'days', interval: 1, toDate: '2024-03-28', fromDate: '2024-03-01' });
  } catch (error) {
    return error as UpstoxError;
  }
  throw new Error(`the ${file} body did not fail the request`);
}

beforeAll(async () => {
  await server.start();
  api = createUpstoxClient({ baseUrl: server.url, token: 'sample-token', requestTimeoutMs: 2_000 });
});
afterAll(async () => {
  await api.close();
  await server.stop();
});

describe('error samples', () => {
  it('reads the invalid date range sample as an invalid request', async () => {
    const error = await errorFor(400, 'error-invalid-date-range.json');
    expect([error instanceof UpstoxInvalidRequestError, error.upstoxCode, error.upstoxErrors[0]?.message]).toEqual([true, 'UDAPI1148', 'Invalid date range']);
  });

  it('reads the invalid instrument key sample as an invalid request', async () => {
    const error = await errorFor(400, 'error-invalid-instrument-key.json');
    expect([error instanceof UpstoxInvalidRequestError, error.upstoxCode]).toEqual([true, 'UDAPI100011']);
  });

  it('reads the invalid token sample as an auth error', async () => {
    const error = await errorFor(401, 'error-invalid-token.json');
    expect([error instanceof UpstoxAuthError, error.upstoxCode]).toEqual([true, 'UDAPI100050']);
  });

  it('reads the rate limit sample as a rate-limit error', async () => {
    const error = await errorFor(429, 'error-rate-limit.json');
    expect([error instanceof UpstoxRateLimitError, error.upstoxCode, (error as UpstoxRateLimitError).retryAfterMs]).toEqual([true, 'UDAPI10005', undefined]);
  });
});
