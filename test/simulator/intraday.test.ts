import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { fetchCandles, historicalPath, INFY, intradayPath, mergeRows, readInfyMinutes, startTestSimulator } from './helpers.js';

let sim: RunningSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function intradayAt(istTime: string, unit: string, interval: number, key = INFY): Promise<string[]> {
  sim = await startTestSimulator({ now: () => Date.parse(istTime) });
  return (await fetchCandles(sim, intradayPath(key, unit, interval))).map((r) => r[0]);
}

describe('intraday endpoint', () => {
  it('serves INFY minutes up to 10:15 at 10:16:30', async () => {
    sim = await startTestSimulator({ now: () => Date.parse('2025-02-07T10:16:30+05:30') });
    const rows = await fetchCandles(sim, intradayPath(INFY, 'minutes', 1));
    expect(rows).toHaveLength(61);
    expect(rows[0]?.[0]).toBe('2025-02-07T10:15:00+05:30');
    expect(rows[60]?.[0]).toBe('2025-02-07T09:15:00+05:30');
  });

  it('serves the recorded INFY bars', async () => {
    sim = await startTestSimulator({ now: () => Date.parse('2025-02-07T10:16:30+05:30') });
    const rows = await fetchCandles(sim, intradayPath(INFY, 'minutes', 1));
    expect(rows).toEqual(readInfyMinutes().slice(-61));
  });

  it('serves a minute bar only after it ends', async () => {
    const before = await intradayAt('2025-02-07T10:15:59+05:30', 'minutes', 1);
    await sim?.close();
    const after = await intradayAt('2025-02-07T10:16:00+05:30', 'minutes', 1);
    expect(before[0]).toBe('2025-02-07T10:14:00+05:30');
    expect(after[0]).toBe('2025-02-07T10:15:00+05:30');
  });

  it('serves completed 15-minute bars', async () => {
    const stamps = await intradayAt('2025-02-07T10:16:30+05:30', 'minutes', 15);
    expect(stamps).toEqual(['2025-02-07T10:00:00+05:30', '2025-02-07T09:45:00+05:30', '2025-02-07T09:30:00+05:30', '2025-02-07T09:15:00+05:30']);
  });

  it('15-minute bars aggregate the recorded minutes', async () => {
    sim = await startTestSimulator({ now: () => Date.parse('2025-02-07T10:16:30+05:30') });
    const rows = (await fetchCandles(sim, intradayPath(INFY, 'minutes', 15))).reverse();
    const minutes = readInfyMinutes().reverse();
    expect(rows[0]).toEqual(mergeRows(minutes.slice(0, 15), '2025-02-07T09:15:00+05:30'));
  });

  it('serves the last partial hour at the close', async () => {
    const stamps = await intradayAt('2025-02-07T15:30:00+05:30', 'hours', 1);
    expect(stamps[0]).toBe('2025-02-07T15:15:00+05:30');
    expect(stamps).toHaveLength(7);
  });

  it('serves no daily bar during the session', async () => {
    expect(await intradayAt('2025-02-07T15:29:59+05:30', 'days', 1)).toEqual([]);
  });

  it('serves the daily bar after the close', async () => {
    sim = await startTestSimulator({ now: () => Date.parse('2025-02-07T16:00:00+05:30') });
    const rows = await fetchCandles(sim, intradayPath(INFY, 'days', 1));
    expect(rows).toEqual([mergeRows(readInfyMinutes().reverse(), '2025-02-07T00:00:00+05:30')]);
  });

  it('is empty before the open', async () => {
    expect(await intradayAt('2025-02-07T09:15:59+05:30', 'minutes', 1)).toEqual([]);
  });

  it('is empty on a Saturday', async () => {
    expect(await intradayAt('2025-02-08T11:00:00+05:30', 'minutes', 1)).toEqual([]);
  });

  it('is empty on holiday 2024-03-29', async () => {
    expect(await intradayAt('2024-03-29T11:00:00+05:30', 'minutes', 1, 'NSE_EQ|INE040A01034')).toEqual([]);
  });

  it('uses the IST date, not the UTC date', async () => {
    // 2025-02-07 01:00 IST is still 2025-02-06 in UTC; the session of 2025-02-07 has not opened.
    expect(await intradayAt('2025-02-07T01:00:00+05:30', 'minutes', 1)).toEqual([]);
  });

  it('matches the historical bars once the day is over', async () => {
    sim = await startTestSimulator({ now: () => Date.parse('2024-06-05T18:00:00+05:30') });
    const intraday = await fetchCandles(sim, intradayPath('NSE_FO|51820', 'minutes', 5));
    const historical = await fetchCandles(sim, historicalPath('NSE_FO|51820', 'minutes', 5, '2024-06-05', '2024-06-05'));
    expect(intraday).toHaveLength(75);
    expect(intraday).toEqual(historical);
  });

  it('leaves today out of the historical endpoint during the session', async () => {
    sim = await startTestSimulator({ now: () => Date.parse('2025-02-07T10:16:30+05:30') });
    const rows = await fetchCandles(sim, historicalPath(INFY, 'minutes', 1, '2025-02-07', '2025-02-06'));
    expect(rows[0]?.[0]).toBe('2025-02-06T15:29:00+05:30');
  });
});
