import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { UpstoxAuthError, UpstoxInvalidRequestError, UpstoxStaticIpError } from '../../src/upstox/errors.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { CannedServer, type CannedResponse } from '../support/canned-server.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// Upstox does not confirm that the Analytics Token may read fundamentals, news and market
// analytics. A JSON rejection that is not a token or static-IP error must fail the job for good
// and leave the account running.

const TOKEN = 'not-allowed-token';
const server = new CannedServer();
let ctx: TestContext;
let worker: RunningIngestWorker;
let producer: JobProducer;
let client: ReturnType<typeof createUpstoxClient>;

const errorBody = (status: number, code: string, message: string): CannedResponse => ({
  status,
  body: JSON.stringify({ status: 'error', errors: [{ errorCode: code, message, propertyPath: null, invalidValue: null, error_code: code, property_path: null, invalid_value: null }] }),
});
const EXTENDED = errorBody(401, 'UDAPI100067', 'The API you are trying to access is not permitted with this token');
const FORBIDDEN = errorBody(403, 'UDAPI100072', 'Access to this API is forbidden');

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main', JOB_ATTEMPTS: '3' });
  await server.start();
  worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: server.url }), ctx.log);
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 3);
  client = createUpstoxClient({ baseUrl: server.url, token: TOKEN, requestTimeoutMs: 5_000 });
});
afterAll(async () => {
  await client.close();
  await worker.close();
  await producer.close();
  await server.stop();
  await ctx.cleanup();
});
beforeEach(() => {
  server.requests.length = 0;
});

describe('rejected analytics APIs in the client', () => {
  it('401 without a token code is permanent', async () => {
    server.route(() => EXTENDED);
    const error = await client.companyProfile('INE002A01018').catch((e: unknown) => e);
    expect([error instanceof UpstoxInvalidRequestError, (error as Error).message]).toEqual([true, expect.stringMatching(/may not read the fundamentals API/)]);
  });

  it('403 JSON is permanent', async () => {
    server.route(() => FORBIDDEN);
    const error = await client.news({ category: 'holdings', pageNumber: 1, pageSize: 10 }).catch((e: unknown) => e);
    expect([error instanceof UpstoxInvalidRequestError, (error as Error).message]).toEqual([true, expect.stringMatching(/HTTP 403 \(UDAPI100072 .*may not read the news API/)]);
  });

  it('invalid token stays an auth error', async () => {
    server.route(() => errorBody(401, 'UDAPI100050', 'Invalid token used to access API'));
    await expect(client.keyRatios('INE002A01018')).rejects.toBeInstanceOf(UpstoxAuthError);
  });

  it('static-IP rejection stays one', async () => {
    server.route(() => errorBody(403, 'UDAPI1154', 'Request is not from a whitelisted static IP'));
    await expect(client.corporateActions('INE002A01018')).rejects.toBeInstanceOf(UpstoxStaticIpError);
  });
});

describe('rejected analytics APIs in the worker', () => {
  it('fail the job once and keep the account running', async () => {
    server.route(() => EXTENDED);
    await producer.enqueue([{ jobId: 'corporate-actions-rejected', name: 'corporate-actions', data: { isins: 'INE002A01018' } }], 'nightly');
    const deadline = Date.now() + 15_000;
    while ((await producer.queues.nightly.getJobState('corporate-actions-rejected')) !== 'failed') {
      if (Date.now() > deadline) throw new Error('timed out after 15 s waiting for the rejected job to fail');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const runs = await ctx.pool.query<{ outcome: string; error_code: string }>("SELECT outcome, error_code FROM ingest_runs WHERE job_id = 'corporate-actions-rejected'");
    expect([runs.rows, server.requests.length, await producer.isPaused()]).toEqual([[{ outcome: 'failed', error_code: 'UDAPI100067' }], 1, false]);
  });

  it('quarantine a body with an unreadable ex-date', async () => {
    const body = JSON.stringify({ status: 'success', data: [{ name: 'Dividend', expiry_date: 14, amount: 5.5 }] });
    server.route(() => ({ status: 200, body }));
    await producer.enqueue([{ jobId: 'corporate-actions-bad-date', name: 'corporate-actions', data: { isins: 'INE002A01018' } }], 'nightly');
    const deadline = Date.now() + 15_000;
    while ((await producer.queues.nightly.getJobState('corporate-actions-bad-date')) !== 'failed') {
      if (Date.now() > deadline) throw new Error('timed out after 15 s waiting for the job to fail');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The quarantine row names the id the job definition derives, not the id it was queued under.
    const kept = await ctx.pool.query<{ job_id: string; request_path: string; raw_body: string }>('SELECT job_id, request_path, raw_body FROM quarantine');
    expect(kept.rows).toEqual([{ job_id: 'corporate-actions-main-INE002A01018', request_path: '/v2/fundamentals/INE002A01018/corporate-actions', raw_body: body }]);
  });
});
