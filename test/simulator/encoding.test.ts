import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstoxClient, type UpstoxApi } from '../../src/upstox/client.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { fetchPath, RELIANCE, startTestSimulator, TOKEN } from './helpers.js';

let sim: RunningSimulator;
let client: UpstoxApi & { close(): Promise<void> };

beforeAll(async () => {
  sim = await startTestSimulator();
  client = createUpstoxClient({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 5_000 });
});

afterAll(async () => {
  await client.close();
  await sim.close();
});

describe('instrument key encoding', () => {
  it('client request arrives encoded once', async () => {
    await client.historicalCandles({ instrumentKey: 'NSE_INDEX|Nifty 50', unit: 'days', interval: 1, toDate: '2024-01-31', fromDate: '2024-01-01' });
    const last = sim.requestLog().at(-1);
    expect(last?.rawPath).toBe('/v3/historical-candle/NSE_INDEX%7CNifty%2050/days/1/2024-01-31/2024-01-01');
    expect(last?.status).toBe(200);
  });

  it('intraday request arrives encoded once', async () => {
    await client.intradayCandles({ instrumentKey: 'NSE_INDEX|Nifty 50', unit: 'minutes', interval: 1 });
    expect(sim.requestLog().at(-1)?.rawPath).toBe('/v3/historical-candle/intraday/NSE_INDEX%7CNifty%2050/minutes/1');
  });

  it('double-encoded key is rejected with UDAPI1021', async () => {
    const response = await fetchPath(sim, '/v3/historical-candle/NSE_EQ%257CINE002A01018/days/1/2024-01-31/2024-01-01');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).errors[0].errorCode).toBe('UDAPI1021');
    expect(JSON.parse(response.text).errors[0].invalidValue).toBe('NSE_EQ%7CINE002A01018');
  });

  it('double-encoded key is logged as sent', async () => {
    await fetchPath(sim, '/v3/historical-candle/NSE_EQ%257CINE002A01018/days/1/2024-01-31/2024-01-01');
    expect(sim.requestLog().at(-1)?.rawPath).toBe('/v3/historical-candle/NSE_EQ%257CINE002A01018/days/1/2024-01-31/2024-01-01');
  });

  it('raw pipe is accepted like the encoded one', async () => {
    const raw = await fetchPath(sim, `/v3/historical-candle/${RELIANCE}/days/1/2024-01-31/2024-01-01`);
    const encoded = await fetchPath(sim, '/v3/historical-candle/NSE_EQ%7CINE002A01018/days/1/2024-01-31/2024-01-01');
    expect(sim.requestLog().at(-2)?.rawPath).toBe('/v3/historical-candle/NSE_EQ|INE002A01018/days/1/2024-01-31/2024-01-01');
    expect(raw.status).toBe(200);
    expect(raw.text).toBe(encoded.text);
  });

  it('encoded slash in a key is rejected', async () => {
    const response = await fetchPath(sim, '/v3/historical-candle/NSE_EQ%7CINE002A01018%2Fx/days/1/2024-01-31/2024-01-01');
    expect(JSON.parse(response.text).errors[0].errorCode).toBe('UDAPI1021');
  });

  it('malformed percent escape is rejected', async () => {
    const response = await fetchPath(sim, '/v3/historical-candle/NSE_EQ%7CINE002A01018%E0%A4/days/1/2024-01-31/2024-01-01');
    expect(JSON.parse(response.text).errors[0].errorCode).toBe('UDAPI1021');
  });

  it('plus sign is not read as a space', async () => {
    const response = await fetchPath(sim, '/v3/historical-candle/NSE_INDEX%7CNifty+50/days/1/2024-01-31/2024-01-01');
    expect(JSON.parse(response.text).errors[0].errorCode).toBe('UDAPI1021');
  });

  it('query string does not change the route', async () => {
    const response = await fetchPath(sim, '/v3/historical-candle/NSE_EQ%7CINE002A01018/days/1/2024-01-31/2024-01-01?x=1');
    expect(response.status).toBe(200);
    expect(sim.requestLog().at(-1)?.rawPath).toBe('/v3/historical-candle/NSE_EQ%7CINE002A01018/days/1/2024-01-31/2024-01-01?x=1');
  });
});
