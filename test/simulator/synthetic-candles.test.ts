import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDerivativeSegment } from '../../src/upstox/instrument-key.js';
import { loadInstruments } from '../../src/simulator/instruments.js';
import { isOnTick, priceGrid } from '../../src/simulator/price-grid.js';
import { widestFromDate } from '../../src/simulator/routes-candles.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  DATA_DIR,
  fetchCandles,
  fetchPath,
  FIXED_NOW,
  HDFCBANK,
  historicalPath,
  mergeRows,
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

const oldestFirst = async (path: string): Promise<Row[]> => (await fetchCandles(sim, path)).reverse();
const times = (rows: readonly Row[]): string[] => rows.map((r) => r[0].slice(11, 16));

describe('synthetic session shape', () => {
  it('regular day has 375 one-minute bars', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 1, '2024-06-05', '2024-06-05'));
    expect(rows).toHaveLength(375);
  });

  it('regular day runs 09:15 to 15:29', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 1, '2024-06-05', '2024-06-05'));
    expect(rows[0]?.[0]).toBe('2024-06-05T09:15:00+05:30');
    expect(rows[374]?.[0]).toBe('2024-06-05T15:29:00+05:30');
  });

  it('regular day has no missing minute', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 1, '2024-06-05', '2024-06-05'));
    const gaps = rows.slice(1).filter((r, i) => Date.parse(r[0]) - Date.parse(rows[i]?.[0] ?? '') !== 60_000);
    expect(gaps).toEqual([]);
  });

  it('weekend has no bars', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'minutes', 1, '2024-06-09', '2024-06-08'));
    expect(rows).toEqual([]);
  });

  it('holiday 2024-03-29 has no bars', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'minutes', 1, '2024-03-29', '2024-03-29'));
    expect(rows).toEqual([]);
  });

  it('holiday 2024-03-29 has no daily bar', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'days', 1, '2024-03-31', '2024-03-27'));
    expect(rows.map((r) => r[0])).toEqual(['2024-03-28T00:00:00+05:30', '2024-03-27T00:00:00+05:30']);
  });

  it('15-minute bars number 25 from 09:15', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 15, '2024-06-05', '2024-06-05'));
    expect(rows).toHaveLength(25);
    expect(rows[0]?.[0]).toBe('2024-06-05T09:15:00+05:30');
    expect(rows[24]?.[0]).toBe('2024-06-05T15:15:00+05:30');
  });

  it('1-hour bars start at 09:15 each hour', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'hours', 1, '2024-06-05', '2024-06-05'));
    expect(times(rows)).toEqual(['09:15', '10:15', '11:15', '12:15', '13:15', '14:15', '15:15']);
  });

  it('30-minute bars number 13', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 30, '2024-06-05', '2024-06-05'));
    expect(rows).toHaveLength(13);
  });

  it('split session 2024-03-02 has 105 minutes', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 1, '2024-03-02', '2024-03-02'));
    expect(rows).toHaveLength(105);
  });

  it('split session restarts 15-minute buckets', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 15, '2024-03-02', '2024-03-02'));
    expect(times(rows)).toEqual(['09:15', '09:30', '09:45', '11:30', '11:45', '12:00', '12:15']);
  });

  it('Muhurat session 2024-11-01 runs 18:00 to 18:59', async () => {
    const rows = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 1, '2024-11-01', '2024-11-01'));
    expect(rows).toHaveLength(60);
    expect(rows[0]?.[0]).toBe('2024-11-01T18:00:00+05:30');
    expect(rows[59]?.[0]).toBe('2024-11-01T18:59:00+05:30');
  });

  it('MCX key trades on weekdays with no holiday', async () => {
    const rows = await fetchCandles(sim, historicalPath('MCX_FO|472789', 'days', 1, '2024-03-31', '2024-03-25'));
    expect(rows.map((r) => r[0].slice(0, 10))).toEqual(['2024-03-29', '2024-03-28', '2024-03-27', '2024-03-26', '2024-03-25']);
  });
});

describe('synthetic determinism', () => {
  it('same day from two ranges is identical', async () => {
    const narrow = await fetchCandles(sim, historicalPath(HDFCBANK, 'minutes', 1, '2024-06-05', '2024-06-05'));
    const wide = await fetchCandles(sim, historicalPath(HDFCBANK, 'minutes', 1, '2024-06-20', '2024-06-01'));
    expect(wide.filter((r) => r[0].startsWith('2024-06-05'))).toEqual(narrow);
  });

  it('same request gives the same bytes in a new simulator', async () => {
    const path = historicalPath('NSE_FO|51820', 'minutes', 5, '2024-06-07', '2024-06-03');
    const other = await startTestSimulator();
    try {
      const first = await fetchPath(sim, path);
      const second = await fetchPath(other, path);
      expect(second.text).toBe(first.text);
    } finally {
      await other.close();
    }
  });

  it('daily bar is the same in any range', async () => {
    const single = await fetchCandles(sim, historicalPath(HDFCBANK, 'days', 1, '2024-06-05', '2024-06-05'));
    const decade = await fetchCandles(sim, historicalPath(HDFCBANK, 'days', 1, '2025-12-31', '2016-01-01'));
    expect(decade.filter((r) => r[0].startsWith('2024-06-05'))).toEqual(single);
  });

  for (const size of [5, 15, 75]) {
    it(`${size}-minute bars aggregate the 1-minute bars`, async () => {
      const minutes = await oldestFirst(historicalPath(HDFCBANK, 'minutes', 1, '2024-06-05', '2024-06-05'));
      const bars = await oldestFirst(historicalPath(HDFCBANK, 'minutes', size, '2024-06-05', '2024-06-05'));
      const expected: Row[] = [];
      for (let i = 0; i < minutes.length; i += size) expected.push(mergeRows(minutes.slice(i, i + size), minutes[i]?.[0] ?? ''));
      expect(bars).toEqual(expected);
    });
  }

  it('daily bar aggregates the 1-minute bars', async () => {
    const minutes = await oldestFirst(historicalPath('NSE_FO|51820', 'minutes', 1, '2024-06-05', '2024-06-05'));
    const daily = await fetchCandles(sim, historicalPath('NSE_FO|51820', 'days', 1, '2024-06-05', '2024-06-05'));
    expect(daily).toEqual([mergeRows(minutes, '2024-06-05T00:00:00+05:30')]);
  });

  it('weekly bar is stamped Monday and aggregates its days', async () => {
    const days = await oldestFirst(historicalPath(HDFCBANK, 'days', 1, '2024-06-09', '2024-06-03'));
    const weeks = await fetchCandles(sim, historicalPath(HDFCBANK, 'weeks', 1, '2024-06-07', '2024-06-05'));
    expect(weeks).toEqual([mergeRows(days, '2024-06-03T00:00:00+05:30')]);
  });

  it('monthly bar is stamped on the 1st and aggregates its days', async () => {
    const days = await oldestFirst(historicalPath(HDFCBANK, 'days', 1, '2024-09-30', '2024-09-01'));
    const months = await fetchCandles(sim, historicalPath(HDFCBANK, 'months', 1, '2024-09-30', '2024-09-10'));
    expect(months).toEqual([mergeRows(days, '2024-09-01T00:00:00+05:30')]);
  });

  it('monthly bars list every month that trades', async () => {
    const months = await fetchCandles(sim, historicalPath(HDFCBANK, 'months', 1, '2024-12-31', '2024-01-01'));
    expect(months.map((r) => r[0].slice(0, 10))).toEqual(
      ['12', '11', '10', '09', '08', '07', '06', '05', '04', '03', '02', '01'].map((m) => `2024-${m}-01`),
    );
  });
});

describe('synthetic availability', () => {
  it('minutes before 2022 are empty', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'minutes', 1, '2021-12-31', '2021-12-15'));
    expect(rows).toEqual([]);
  });

  it('minutes start on the first trading day of 2022', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'minutes', 30, '2022-01-04', '2021-12-20'));
    expect(rows.at(-1)?.[0]).toBe('2022-01-03T09:15:00+05:30');
  });

  it('days before 2000 are empty', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'days', 1, '1999-12-31', '1999-12-01'));
    expect(rows).toEqual([]);
  });

  it('today during the session is excluded', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'days', 1, '2026-03-02', '2026-02-26'));
    expect(rows.map((r) => r[0].slice(0, 10))).toEqual(['2026-02-27', '2026-02-26']);
  });

  it('today after the close is included', async () => {
    const late = await startTestSimulator({ now: () => Date.parse('2026-03-02T15:30:00+05:30') });
    try {
      const rows = await fetchCandles(late, historicalPath(HDFCBANK, 'days', 1, '2026-03-02', '2026-03-02'));
      expect(rows.map((r) => r[0])).toEqual(['2026-03-02T00:00:00+05:30']);
    } finally {
      await late.close();
    }
  });

  it('future dates are empty', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'days', 1, '2026-12-31', '2026-03-03'));
    expect(rows).toEqual([]);
  });

  it('omitted from_date covers one month for minutes/1', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'minutes', 1, '2024-07-31'));
    expect(rows.at(-1)?.[0]).toBe('2024-07-01T09:15:00+05:30');
    expect(rows[0]?.[0]).toBe('2024-07-31T15:29:00+05:30');
  });

  it('omitted from_date reaches 2000 for weeks', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'weeks', 1, '2000-01-31'));
    expect(rows.at(-1)?.[0]).toBe('2000-01-03T00:00:00+05:30');
  });

  it('widest from_date per unit', () => {
    expect(widestFromDate('minutes', 1, '2024-03-31')).toBe('2024-03-01');
    expect(widestFromDate('minutes', 30, '2024-03-31')).toBe('2024-01-01');
    expect(widestFromDate('hours', 2, '2024-05-15')).toBe('2024-02-16');
    expect(widestFromDate('days', 1, '2026-01-29')).toBe('2016-01-30');
    expect(widestFromDate('months', 1, '2026-01-29')).toBe('2000-01-01');
  });

  it('fixed clock is a Monday midday', () => {
    expect(new Date(FIXED_NOW).toISOString()).toBe('2026-03-02T06:30:00.000Z');
  });
});

describe('synthetic OHLC invariants over a month', () => {
  const keys = [
    HDFCBANK,
    'NSE_EQ|INE848E01016',
    'NSE_INDEX|Nifty Bank',
    'NSE_FO|51820',
    'NSE_COM|127536',
    'NCD_FO|14294',
    'MCX_FO|472789',
    'BSE_EQ|INE002A01018',
  ];

  for (const key of keys) {
    describe(key, () => {
      let rows: Row[] = [];
      let tickPaise: number | undefined;

      beforeAll(async () => {
        rows = await fetchCandles(sim, historicalPath(key, 'minutes', 1, '2024-07-31', '2024-07-01'));
        tickPaise = (await loadInstruments(DATA_DIR)).get(key)?.tickSizePaise;
      });

      it('has a month of bars', () => {
        expect(rows.length).toBeGreaterThanOrEqual(21 * 375);
      });

      it('keeps low at or below open and close', () => {
        expect(rows.filter((r) => r[3] > Math.min(r[1], r[4]))).toEqual([]);
      });

      it('keeps high at or above open and close', () => {
        expect(rows.filter((r) => r[2] < Math.max(r[1], r[4]))).toEqual([]);
      });

      it('keeps prices positive', () => {
        expect(rows.filter((r) => r[3] <= 0)).toEqual([]);
      });

      it('rounds prices to the tick', () => {
        const grid = priceGrid(tickPaise);
        expect(rows.filter((r) => r.slice(1, 5).some((p) => !isOnTick(p as number, grid)))).toEqual([]);
      });

      it('has integer volumes of 0 or more', () => {
        expect(rows.filter((r) => !Number.isInteger(r[5]) || r[5] < 0)).toEqual([]);
      });

      it('has open interest only for derivatives', () => {
        const derivative = isDerivativeSegment(key.split('|')[0] ?? '');
        const wrong = rows.filter((r) => (derivative ? !(Number.isInteger(r[6]) && r[6] > 0) : r[6] !== 0));
        expect(wrong).toEqual([]);
      });
    });
  }

  it('index bars have zero volume', async () => {
    const rows = await fetchCandles(sim, historicalPath('NSE_INDEX|Nifty 50', 'days', 1, '2024-07-31', '2024-07-01'));
    expect(rows.filter((r) => r[5] !== 0)).toEqual([]);
  });

  it('equity days have plausible volume', async () => {
    const rows = await fetchCandles(sim, historicalPath(HDFCBANK, 'days', 1, '2024-07-31', '2024-07-01'));
    expect(rows.every((r) => r[5] > 1000)).toBe(true);
  });
});
