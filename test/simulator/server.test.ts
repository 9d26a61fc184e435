import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { RequestLog } from '../../src/simulator/request-log.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { fetchPath, HDFCBANK, historicalPath, RELIANCE, startTestSimulator, TOKEN } from './helpers.js';

describe('simulator startup', () => {
  it('rejects a non-loopback host', async () => {
    await expect(startSimulator({ host: '0.0.0.0', tokens: { [TOKEN]: 'default' } })).rejects.toThrow(/invalid simulator host "0.0.0.0"/);
  });

  it('rejects a private address', async () => {
    await expect(startSimulator({ host: '192.168.1.10', tokens: { [TOKEN]: 'default' } })).rejects.toThrow(/allowRemote/);
  });

  it('rejects an empty token map', async () => {
    await expect(startSimulator({ tokens: {} })).rejects.toThrow(/at least one token/);
  });

  it('listens on an ephemeral loopback port', async () => {
    const sim = await startTestSimulator();
    try {
      expect(sim.port).toBeGreaterThan(0);
      expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    } finally {
      await sim.close();
    }
  });

  it('listens on IPv6 loopback', async () => {
    const sim = await startTestSimulator({ host: '::1' });
    try {
      expect(sim.url).toBe(`http://[::1]:${sim.port}`);
      expect((await fetchPath(sim, historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'))).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('closes with a client connection still open', async () => {
    const sim = await startTestSimulator();
    const client = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 5_000 });
    await client.historicalCandles({ instrumentKey: RELIANCE, unit: 'days', interval: 1, toDate: '2024-01-31', fromDate: '2024-01-01' });
    await expect(sim.close()).resolves.toBeUndefined();
    await client.close();
  });

  it('logs start and stop', async () => {
    const messages: string[] = [];
    const logger = { info: (_: object, msg?: string) => messages.push(msg ?? ''), warn: (_: object, msg?: string) => messages.push(msg ?? '') };
    const sim = await startTestSimulator({ logger });
    await sim.close();
    expect(messages).toEqual(['Upstox simulator started', 'Upstox simulator stopped']);
  });

  it('returns 500 without the data folder', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'simulator-'));
    const warnings: object[] = [];
    const sim = await startTestSimulator({ dataDir: empty, logger: { info: () => undefined, warn: (obj) => warnings.push(obj) } });
    try {
      const response = await fetchPath(sim, historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'));
      expect(response.status).toBe(500);
      expect(JSON.parse(response.text).errors[0].errorCode).toBe('UDAPI100500');
      expect(JSON.stringify(warnings)).toContain('set SimulatorOptions.dataDir');
    } finally {
      await sim.close();
      await rm(empty, { recursive: true });
    }
  });
});

describe('simulator statistics and log', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startTestSimulator();
  });

  afterAll(async () => {
    await sim.close();
  });

  it('counts requests by outcome', async () => {
    sim.resetStats();
    await fetchPath(sim, historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'));
    await fetchPath(sim, historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'), null);
    await fetchPath(sim, historicalPath(RELIANCE, 'days', 9, '2024-01-31', '2024-01-01'));
    const stats = sim.stats();
    expect(stats.requests).toBe(3);
    expect(stats.accepted).toBe(1);
    expect(stats.byApi['default:historical-candle']?.accepted).toBe(2);
  });

  it('logs method, raw path and status', async () => {
    const path = historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01');
    const before = Date.now();
    await fetchPath(sim, path, TOKEN, 'PUT');
    const entry = sim.requestLog().at(-1);
    expect(entry?.method).toBe('PUT');
    expect(entry?.rawPath).toBe(path);
    expect(entry?.status).toBe(405);
    expect(entry?.at).toBeGreaterThanOrEqual(before);
  });
});

describe('RequestLog', () => {
  it('keeps the newest entries up to its capacity', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 5; i++) log.push({ method: 'GET', rawPath: `/${i}`, status: 200, at: i });
    expect(log.list().map((e) => e.rawPath)).toEqual(['/2', '/3', '/4']);
  });
});

describe('simulator response times', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startTestSimulator();
    // Loads the data files, which every later request in this process reuses.
    await fetchPath(sim, historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'));
  });

  afterAll(async () => {
    await sim.close();
  });

  async function timed(path: string): Promise<{ ms: number; rows: number }> {
    const started = performance.now();
    const response = await fetchPath(sim, path);
    const ms = performance.now() - started;
    return { ms, rows: (JSON.parse(response.text) as { data: { candles: unknown[] } }).data.candles.length };
  }

  it('serves a decade of daily candles within a second', async () => {
    const cold = await timed(historicalPath('NSE_EQ|INE467B01029', 'days', 1, '2025-12-31', '2016-01-01'));
    const warm = await timed(historicalPath('NSE_EQ|INE467B01029', 'days', 1, '2025-12-31', '2016-01-01'));
    console.info(`decade of daily candles: ${cold.rows} rows, ${cold.ms.toFixed(0)} ms cold, ${warm.ms.toFixed(0)} ms warm`);
    expect(cold.rows).toBeGreaterThan(2400);
    expect(cold.ms).toBeLessThan(1000);
  });

  it('serves a month of 1-minute candles within a second', async () => {
    const cold = await timed(historicalPath(HDFCBANK, 'minutes', 1, '2024-08-31', '2024-08-01'));
    const warm = await timed(historicalPath(HDFCBANK, 'minutes', 1, '2024-08-31', '2024-08-01'));
    console.info(`month of 1-minute candles: ${cold.rows} rows, ${cold.ms.toFixed(0)} ms cold, ${warm.ms.toFixed(0)} ms warm`);
    expect(cold.rows).toBe(21 * 375);
    expect(cold.ms).toBeLessThan(1000);
  });
});
