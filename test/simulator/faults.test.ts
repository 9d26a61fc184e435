import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { UpstoxServerError, UpstoxTimeoutError, UpstoxUnexpectedBodyError } from '../../src/upstox/errors.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { fetchPath, historicalPath, RELIANCE, startTestSimulator, TOKEN } from './helpers.js';

let sim: RunningSimulator;
const path = historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01');
const request = { instrumentKey: RELIANCE, unit: 'days', interval: 1, toDate: '2024-01-31', fromDate: '2024-01-01' } as const;
const gatewayPage = '<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>';

beforeAll(async () => {
  sim = await startTestSimulator();
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.clearFaults();
});

describe('status fault', () => {
  it('serves the HTML 504 page once', async () => {
    sim.injectFaults({ kind: 'status', status: 504, contentType: 'text/html', body: gatewayPage });
    const faulted = await fetchPath(sim, path);
    const normal = await fetchPath(sim, path);
    expect(faulted.status).toBe(504);
    expect(faulted.headers.get('content-type')).toBe('text/html');
    expect(faulted.text).toBe(gatewayPage);
    expect(normal.status).toBe(200);
  });

  it('is classified as UpstoxServerError by the client', async () => {
    sim.injectFaults({ kind: 'status', status: 504, contentType: 'text/html', body: gatewayPage });
    const client = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 5_000 });
    try {
      const error = await client.historicalCandles(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstoxServerError);
      expect((await client.historicalCandles(request)).candles).toHaveLength(22);
    } finally {
      await client.close();
    }
  });

  it('repeats for the given times', async () => {
    sim.injectFaults({ kind: 'status', status: 503, contentType: 'text/plain', body: 'maintenance', times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetchPath(sim, path)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('applies before the token check', async () => {
    sim.injectFaults({ kind: 'status', status: 502, contentType: 'text/html', body: '<html>bad gateway</html>' });
    expect((await fetchPath(sim, path, null)).status).toBe(502);
  });

  it('applies faults in order', async () => {
    sim.injectFaults(
      { kind: 'status', status: 500, contentType: 'text/plain', body: 'a' },
      { kind: 'status', status: 502, contentType: 'text/plain', body: 'b' },
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetchPath(sim, path)).status);
    expect(statuses).toEqual([500, 502, 200]);
  });

  it('stops when cleared', async () => {
    sim.injectFaults({ kind: 'status', status: 500, contentType: 'text/plain', body: 'x', times: Number.POSITIVE_INFINITY });
    expect((await fetchPath(sim, path)).status).toBe(500);
    sim.clearFaults();
    expect((await fetchPath(sim, path)).status).toBe(200);
  });

  it('rejects times of zero', () => {
    expect(() => sim.injectFaults({ kind: 'truncate', times: 0 })).toThrow(/invalid fault times 0/);
  });
});

describe('truncate fault', () => {
  it('serves half the JSON once', async () => {
    const full = await fetchPath(sim, path);
    sim.injectFaults({ kind: 'truncate' });
    const cut = await fetchPath(sim, path);
    const after = await fetchPath(sim, path);
    expect(cut.status).toBe(200);
    expect(cut.text).toBe(full.text.slice(0, Math.floor(full.text.length / 2)));
    expect(() => JSON.parse(cut.text) as unknown).toThrow(SyntaxError);
    expect(after.text).toBe(full.text);
  });

  it('sends a Content-Length that matches the cut body', async () => {
    sim.injectFaults({ kind: 'truncate' });
    const cut = await fetchPath(sim, path);
    expect(Number(cut.headers.get('content-length'))).toBe(Buffer.byteLength(cut.text));
  });

  it('is classified as UpstoxUnexpectedBodyError by the client', async () => {
    sim.injectFaults({ kind: 'truncate' });
    const client = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 5_000 });
    try {
      const error = await client.historicalCandles(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstoxUnexpectedBodyError);
    } finally {
      await client.close();
    }
  });
});

describe('delay fault', () => {
  it('makes the client time out once', async () => {
    sim.injectFaults({ kind: 'delay', ms: 1_000 });
    const client = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 200 });
    try {
      const error = await client.historicalCandles(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstoxTimeoutError);
      expect((await client.historicalCandles(request)).candles).toHaveLength(22);
    } finally {
      await client.close();
    }
  });

  it('responds normally after the wait', async () => {
    sim.injectFaults({ kind: 'delay', ms: 150 });
    const started = performance.now();
    const response = await fetchPath(sim, path);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(200);
  });
});

describe('faults and statistics', () => {
  it('faulted responses stay out of rate windows', async () => {
    const limited = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 2, perHalfHour: 1000 } });
    try {
      limited.injectFaults({ kind: 'status', status: 504, contentType: 'text/html', body: gatewayPage, times: 3 }, { kind: 'truncate' });
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await fetchPath(limited, path)).status);
      expect(statuses).toEqual([504, 504, 504, 200, 200, 200, 429]);
      expect(limited.stats()).toEqual({
        requests: 7,
        accepted: 2,
        rejected429: 1,
        byApi: { 'default:historical-candle': { accepted: 2, rejected429: 1, maxInWindow: { second: 2, minute: 2, halfHour: 2 } } },
      });
    } finally {
      await limited.close();
    }
  });

  it('logs faulted requests with their status', async () => {
    sim.injectFaults({ kind: 'status', status: 504, contentType: 'text/html', body: gatewayPage });
    await fetchPath(sim, path);
    expect(sim.requestLog().at(-1)).toMatchObject({ method: 'GET', rawPath: path, status: 504 });
  });
});
