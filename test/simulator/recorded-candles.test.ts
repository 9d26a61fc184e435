import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  fetchCandles,
  historicalPath,
  INFY,
  mergeRows,
  readInfyMinutes,
  readRecordedCsv,
  RELIANCE,
  startTestSimulator,
  type Row,
} from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});

afterAll(async () => {
  await sim.close();
});

describe('recorded INFY 1-minute day', () => {
  it('serves 375 rows', async () => {
    const rows = await fetchCandles(sim, historicalPath(INFY, 'minutes', 1, '2025-02-07', '2025-02-07'));
    expect(rows).toHaveLength(375);
  });

  it('serves newest first', async () => {
    const rows = await fetchCandles(sim, historicalPath(INFY, 'minutes', 1, '2025-02-07', '2025-02-07'));
    expect(rows[0]?.[0]).toBe('2025-02-07T15:29:00+05:30');
    expect(rows[374]?.[0]).toBe('2025-02-07T09:15:00+05:30');
  });

  it('equals the recorded candles exactly', async () => {
    const rows = await fetchCandles(sim, historicalPath(INFY, 'minutes', 1, '2025-02-07', '2025-02-07'));
    expect(rows).toEqual(readInfyMinutes());
  });

  it('aggregates into 15-minute bars', async () => {
    const recorded = readInfyMinutes().reverse();
    const rows = (await fetchCandles(sim, historicalPath(INFY, 'minutes', 15, '2025-02-07', '2025-02-07'))).reverse();
    const expected = Array.from({ length: 25 }, (_, i) => mergeRows(recorded.slice(i * 15, i * 15 + 15), recorded[i * 15]?.[0] ?? ''));
    expect(rows).toEqual(expected);
  });

  it('aggregates into the daily bar', async () => {
    const recorded = readInfyMinutes().reverse();
    const rows = await fetchCandles(sim, historicalPath(INFY, 'days', 1, '2025-02-07', '2025-02-07'));
    expect(rows).toEqual([mergeRows(recorded, '2025-02-07T00:00:00+05:30')]);
  });
});

describe('recorded RELIANCE daily series', () => {
  const csv = readRecordedCsv('upstox-derived-daily-RELIANCE-2022-01-03_2026-01-29.csv').get(RELIANCE) ?? [];

  it('serves 2024 as the CSV rows', async () => {
    const rows = await fetchCandles(sim, historicalPath(RELIANCE, 'days', 1, '2024-12-31', '2024-01-01'));
    const expected = csv.filter((r) => r[0].startsWith('2024-')).reverse();
    expect(expected).toHaveLength(249);
    expect(rows).toEqual(expected);
  });

  it('serves the whole recorded span', async () => {
    const rows = await fetchCandles(sim, historicalPath(RELIANCE, 'days', 1, '2026-01-29', '2022-01-03'));
    expect(rows).toEqual([...csv].reverse());
  });

  it('minutes aggregate to a recorded daily row', async () => {
    const minutes = (await fetchCandles(sim, historicalPath(RELIANCE, 'minutes', 1, '2024-06-05', '2024-06-05'))).reverse();
    const daily = csv.find((r) => r[0].startsWith('2024-06-05'));
    expect(mergeRows(minutes, '2024-06-05T00:00:00+05:30')).toEqual(daily);
  });
});

describe('recorded 15-minute day 2026-01-29', () => {
  const csv = readRecordedCsv('upstox-derived-15minute-RELIANCE-INFY-HDFCBANK-TCS-SBIN-2026-01-29.csv');

  it('covers five keys with 25 rows each', () => {
    expect([...csv.values()].map((rows) => rows.length)).toEqual([25, 25, 25, 25, 25]);
  });

  for (const [key, recorded] of csv) {
    it(`serves ${key} as the CSV rows`, async () => {
      const rows = await fetchCandles(sim, historicalPath(key, 'minutes', 15, '2026-01-29', '2026-01-29'));
      expect(rows).toEqual([...recorded].reverse());
    });

    it(`builds ${key} minutes that aggregate to the CSV rows`, async () => {
      const minutes = (await fetchCandles(sim, historicalPath(key, 'minutes', 1, '2026-01-29', '2026-01-29'))).reverse();
      const rebuilt: Row[] = [];
      for (let i = 0; i < minutes.length; i += 15) rebuilt.push(mergeRows(minutes.slice(i, i + 15), minutes[i]?.[0] ?? ''));
      expect(rebuilt).toEqual(recorded);
    });
  }

  it('serves the RELIANCE daily row over the 15-minute aggregate', async () => {
    const rows = await fetchCandles(sim, historicalPath(RELIANCE, 'days', 1, '2026-01-29', '2026-01-29'));
    expect(rows).toEqual([['2026-01-29T00:00:00+05:30', 1402.9, 1402.9, 1384, 1391, 20846683, 0]]);
  });

  it('serves TCS daily as the 15-minute aggregate', async () => {
    const recorded = csv.get('NSE_EQ|INE467B01029') ?? [];
    const rows = await fetchCandles(sim, historicalPath('NSE_EQ|INE467B01029', 'days', 1, '2026-01-29', '2026-01-29'));
    expect(rows).toEqual([mergeRows(recorded, '2026-01-29T00:00:00+05:30')]);
  });
});
