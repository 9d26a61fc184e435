import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RateWindows } from '../../src/simulator/rate-windows.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { fetchPath, historicalPath, intradayPath, RELIANCE, startTestSimulator, TOKEN } from './helpers.js';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

function admitMany(windows: RateWindows, key: string, count: number): boolean[] {
  return Array.from({ length: count }, () => windows.tryAdmit(key));
}

describe('RateWindows', () => {
  it('admits up to the per-second limit', () => {
    const windows = new RateWindows({ perSecond: 3, perMinute: 100, perHalfHour: 1000 }, 1, fakeClock().now);
    expect(admitMany(windows, 'a', 4)).toEqual([true, true, true, false]);
  });

  it('frees the second window after 1000 ms', () => {
    const clock = fakeClock();
    const windows = new RateWindows({ perSecond: 2, perMinute: 100, perHalfHour: 1000 }, 1, clock.now);
    admitMany(windows, 'a', 2);
    clock.advance(999);
    expect(windows.tryAdmit('a')).toBe(false);
    clock.advance(1);
    expect(windows.tryAdmit('a')).toBe(true);
  });

  it('does not count rejected requests', () => {
    const clock = fakeClock();
    const windows = new RateWindows({ perSecond: 2, perMinute: 3, perHalfHour: 1000 }, 1, clock.now);
    admitMany(windows, 'a', 2);
    admitMany(windows, 'a', 50);
    clock.advance(1000);
    expect(windows.tryAdmit('a')).toBe(true);
    expect(windows.tryAdmit('a')).toBe(false);
  });

  it('applies the minute limit across seconds', () => {
    const clock = fakeClock();
    const windows = new RateWindows({ perSecond: 2, perMinute: 5, perHalfHour: 1000 }, 1, clock.now);
    const results: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      results.push(...admitMany(windows, 'a', 2));
      clock.advance(1000);
    }
    expect(results).toEqual([true, true, true, true, true, false, false, false]);
  });

  it('applies the half-hour limit across minutes', () => {
    const clock = fakeClock();
    const windows = new RateWindows({ perSecond: 10, perMinute: 10, perHalfHour: 15 }, 1, clock.now);
    const results = [admitMany(windows, 'a', 10), (clock.advance(60_000), admitMany(windows, 'a', 10))];
    expect(results[0]?.filter(Boolean)).toHaveLength(10);
    expect(results[1]?.filter(Boolean)).toHaveLength(5);
    clock.advance(1_800_000 - 60_000);
    expect(windows.tryAdmit('a')).toBe(true);
  });

  it('divides window lengths by the time scale', () => {
    const clock = fakeClock();
    const windows = new RateWindows({ perSecond: 1, perMinute: 100, perHalfHour: 1000 }, 20, clock.now);
    windows.tryAdmit('a');
    clock.advance(49);
    expect(windows.tryAdmit('a')).toBe(false);
    clock.advance(1);
    expect(windows.tryAdmit('a')).toBe(true);
  });

  it('keeps keys apart', () => {
    const windows = new RateWindows({ perSecond: 1, perMinute: 100, perHalfHour: 1000 }, 1, fakeClock().now);
    expect([windows.tryAdmit('a'), windows.tryAdmit('b'), windows.tryAdmit('a')]).toEqual([true, true, false]);
  });

  it('tracks the maximum per window', () => {
    const clock = fakeClock();
    const windows = new RateWindows({ perSecond: 3, perMinute: 100, perHalfHour: 1000 }, 1, clock.now);
    admitMany(windows, 'a', 5);
    clock.advance(1000);
    admitMany(windows, 'a', 2);
    const stats = windows.stats().get('a');
    expect(stats?.maxima).toEqual({ second: 3, minute: 5, halfHour: 5 });
    expect(stats?.admitted).toBe(5);
    expect(stats?.rejected).toBe(2);
  });

  it('rejects a limit of zero', () => {
    expect(() => new RateWindows({ perSecond: 0, perMinute: 1, perHalfHour: 1 }, 1, Date.now)).toThrow(/perSecond=0/);
  });
});

describe('simulator rate windows', () => {
  let sim: RunningSimulator | undefined;

  // The data files load once per process on the first candle request, which takes about half
  // a second. Loading them here keeps that delay out of the scaled windows below.
  beforeAll(async () => {
    const warm = await startTestSimulator();
    await fetchPath(warm, historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01'));
    await warm.close();
  });

  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  const path = historicalPath(RELIANCE, 'days', 1, '2024-01-31', '2024-01-01');

  async function statuses(server: RunningSimulator, count: number, target = path, token = TOKEN): Promise<number[]> {
    const result: number[] = [];
    for (let i = 0; i < count; i++) result.push((await fetchPath(server, target, token)).status);
    return result;
  }

  it('returns 429 once the minute window is full', async () => {
    // x10: the minute window lasts 6 s, far longer than seven local requests take.
    sim = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 5, perHalfHour: 1000 }, timeScale: 10 });
    expect(await statuses(sim, 7)).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it('sends the rate envelope without Retry-After', async () => {
    sim = await startTestSimulator({ rateLimits: { perSecond: 1, perMinute: 1000, perHalfHour: 1000 }, timeScale: 1 });
    await fetchPath(sim, path);
    const response = await fetchPath(sim, path);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(JSON.parse(response.text).errors[0]).toEqual({
      errorCode: 'UDAPI10005',
      message: 'Too Many Request Sent',
      propertyPath: null,
      invalidValue: null,
      error_code: 'UDAPI10005',
      property_path: null,
      invalid_value: null,
    });
  });

  it('frees the window after the scaled length', async () => {
    sim = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 3, perHalfHour: 1000 }, timeScale: 100 });
    const before = await statuses(sim, 4);
    await sleep(650);
    const after = await statuses(sim, 4);
    expect(before).toEqual([200, 200, 200, 429]);
    expect(after).toEqual([200, 200, 200, 429]);
  });

  it('counts only admitted requests in stats', async () => {
    sim = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 3, perHalfHour: 1000 } });
    await statuses(sim, 6);
    const stats = sim.stats();
    expect(stats.requests).toBe(6);
    expect(stats.accepted).toBe(3);
    expect(stats.rejected429).toBe(3);
    expect(stats.byApi['default:historical-candle']).toEqual({ accepted: 3, rejected429: 3, maxInWindow: { second: 3, minute: 3, halfHour: 3 } });
  });

  it('returns 429 once the half-hour window is full', async () => {
    // x1000: the half-hour window lasts 1.8 s and the minute window 60 ms.
    sim = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 1000, perHalfHour: 4 }, timeScale: 1000 });
    expect(await statuses(sim, 5)).toEqual([200, 200, 200, 200, 429]);
    await sleep(1900);
    expect(await statuses(sim, 1)).toEqual([200]);
  });

  it('keeps historical and intraday apart', async () => {
    sim = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 2, perHalfHour: 1000 }, timeScale: 1 });
    const historical = await statuses(sim, 3);
    const intraday = await statuses(sim, 3, intradayPath(RELIANCE, 'minutes', 1));
    expect(historical).toEqual([200, 200, 429]);
    expect(intraday).toEqual([200, 200, 429]);
  });

  it('keeps accounts apart', async () => {
    sim = await startTestSimulator({ tokens: { [TOKEN]: 'default', 'second-token': 'second' }, rateLimits: { perSecond: 1000, perMinute: 2, perHalfHour: 1000 } });
    const first = await statuses(sim, 3);
    const second = await statuses(sim, 3, path, 'second-token');
    expect(first).toEqual([200, 200, 429]);
    expect(second).toEqual([200, 200, 429]);
    expect(Object.keys(sim.stats().byApi).sort()).toEqual(['default:historical-candle', 'second:historical-candle']);
  });

  it('counts 400 responses against the limit', async () => {
    sim = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 2, perHalfHour: 1000 } });
    const bad = historicalPath(RELIANCE, 'seconds', 1, '2024-01-31', '2024-01-01');
    expect(await statuses(sim, 3, bad)).toEqual([400, 400, 429]);
  });

  it('does not count 401 responses', async () => {
    sim = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 2, perHalfHour: 1000 } });
    await statuses(sim, 3, path, 'wrong-token');
    expect(await statuses(sim, 2)).toEqual([200, 200]);
  });

  it('resets stats but keeps the windows', async () => {
    sim = await startTestSimulator({ rateLimits: { perSecond: 1000, perMinute: 2, perHalfHour: 1000 } });
    await statuses(sim, 2);
    sim.resetStats();
    expect(sim.stats()).toEqual({ requests: 0, accepted: 0, rejected429: 0, byApi: {} });
    expect(await statuses(sim, 1)).toEqual([429]);
  });
});
