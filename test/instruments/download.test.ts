import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/queue/failure-policy.js';
import { createUpstoxClient, type UpstoxApi } from '../../src/upstox/client.js';
import { UpstoxInvalidRequestError, UpstoxServerError } from '../../src/upstox/errors.js';
import { CannedServer } from '../support/canned-server.js';

// The instruments files come from a static host that takes no token. A 401 or 403 from it
// means UPSTOX_ASSETS_BASE_URL points at another server, such as the API host. That must
// fail this job alone, not pause every queue of the account as an invalid token does.

const server = new CannedServer();
let api: UpstoxApi & { close(): Promise<void> };
const folder = mkdtempSync(join(tmpdir(), 'instruments-download-'));

beforeAll(async () => {
  await server.start();
  api = createUpstoxClient({ baseUrl: 'http://127.0.0.1:9', token: 'download-test-token', requestTimeoutMs: 2_000 });
});
afterAll(async () => {
  await api.close();
  await server.stop();
});

async function download(): Promise<unknown> {
  return api.downloadInstrumentMaster({ file: 'NSE', assetsBaseUrl: server.url, destination: join(folder, 'NSE.json.gz') }).catch((error: unknown) => error);
}

describe('instruments master download', () => {
  it.each([
    ['a token error', 401, 'application/json', '{"status":"error","errors":[{"errorCode":"UDAPI100050","message":"Invalid token used to access API"}]}'],
    ['an HTML block page', 403, 'text/html', '<html><body>Access denied</body></html>'],
  ])('turns %s into a job failure', async (_case, status, contentType, body) => {
    server.enqueue({ status, contentType, body });
    const error = await download();
    expect(error).toBeInstanceOf(UpstoxInvalidRequestError);
    expect((error as Error).message).toContain(`was refused with HTTP ${status} by ${server.url}`);
    expect((error as Error).message).toContain('set it to https://assets.upstox.com, or to the assets URL that "upstox-ingest sim" prints');
    expect(classifyFailure(error).kind).toBe('give-up');
  });

  it('keeps a 503 retryable', async () => {
    server.enqueue({ status: 503, contentType: 'text/plain', body: 'unavailable' });
    expect(await download()).toBeInstanceOf(UpstoxServerError);
  });

  it('sends no token to the file host', async () => {
    server.enqueue({ status: 200, contentType: 'application/gzip', body: 'not gzip, but the headers are what matters here' });
    await download();
    const request = server.requests.at(-1);
    expect(request?.url).toBe('/market-quote/instruments/exchange/NSE.json.gz');
    expect(request?.headers.authorization).toBeUndefined();
  });
});
