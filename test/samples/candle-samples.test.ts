import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseCandles } from '../../src/candles/normalise.js';
import { parseCandleResponse } from '../../src/upstox/candles.js';

const SAMPLES = new URL('../../vendor/upstox/samples/', import.meta.url);

/** Reads a sample body, validates it as the client does, and normalises its candles. */
function rowsOf(file: string, instrumentKey: string, interval: string) {
  const rawBody = readFileSync(new URL(file, SAMPLES), 'utf8');
  const { candles } = parseCandleResponse({ status: 200, path: `/sample/${file}`, body: JSON.parse(rawBody), rawBody }, 'historical-candle');
  return normaliseCandles({ instrumentKey, interval, source: 'historical', candles }).rows.map((r) => [
    new Date(r.tsMs).toISOString(), r.tradeDate, r.open, r.high, r.low, r.close, r.volume, r.openInterest,
  ]);
}

describe('candle samples', () => {
  it('normalises the V3 1-minute sample oldest first in UTC', () => {
    expect(rowsOf('historical-candle-v3.json', 'NSE_EQ|INE848E01016', '1minute')).toEqual([
      ['2025-01-01T03:45:00.000Z', '2025-01-01', 76.8, 77.0, 76.7, 76.95, 1123450, 0],
      ['2025-01-01T03:46:00.000Z', '2025-01-01', 76.95, 77.1, 76.9, 77.05, 402118, 0],
      ['2025-01-02T09:57:00.000Z', '2025-01-02', 78.1, 78.12, 78.01, 78.05, 155920, 0],
      ['2025-01-02T09:58:00.000Z', '2025-01-02', 78.05, 78.14, 78.0, 78.11, 180455, 0],
      ['2025-01-02T09:59:00.000Z', '2025-01-02', 78.11, 78.2, 78.02, 78.15, 243612, 0],
    ]);
  });

  it('keeps the open interest of the futures daily sample', () => {
    expect(rowsOf('historical-candle-v3-futures-day.json', 'NSE_FO|54452', '1day')).toEqual([
      ['2026-10-27T18:30:00.000Z', '2026-10-28', 25912.0, 25955.0, 25801.5, 25876.5, 4987650, 16102390],
      ['2026-10-28T18:30:00.000Z', '2026-10-29', 25890.0, 26010.5, 25840.0, 25980.0, 5541870, 16540210],
      ['2026-10-29T18:30:00.000Z', '2026-10-30', 25985.5, 26102.0, 25911.0, 26074.5, 6012345, 16874125],
    ]);
  });

  it('stamps the V2 monthly sample at the calendar month start', () => {
    expect(rowsOf('historical-candle-v2.json', 'NSE_EQ|INE848E01016', '1month')).toEqual([
      ['2023-08-31T18:30:00.000Z', '2023-09-01', 50.35, 56.85, 49.35, 52.8, 1004998611, 0],
      ['2023-09-30T18:30:00.000Z', '2023-10-01', 53.1, 53.95, 51.6, 52.05, 235519861, 0],
    ]);
  });

  it('returns no rows for the empty sample', () => {
    expect(rowsOf('historical-candle-empty.json', 'NSE_EQ|INE848E01016', '1day')).toEqual([]);
  });

  it('normalises the V3 intraday 15-minute sample', () => {
    expect(rowsOf('intraday-candle-v3.json', 'NSE_EQ|INE848E01016', '15minute').map((r) => [r[0], r[5]])).toEqual([
      ['2026-11-03T03:45:00.000Z', 1511.9],
      ['2026-11-03T04:00:00.000Z', 1507.0],
      ['2026-11-03T04:15:00.000Z', 1509.8],
      ['2026-11-03T04:30:00.000Z', 1512.4],
      ['2026-11-03T04:45:00.000Z', 1513.3],
    ]);
  });

  it('normalises the V2 intraday 30-minute sample', () => {
    expect(rowsOf('intraday-candle-v2.json', 'NSE_EQ|INE848E01016', '30minute')).toEqual([
      ['2023-10-19T09:15:00.000Z', '2023-10-19', 2309.1, 2310.75, 2305.25, 2305.3, 740124, 0],
      ['2023-10-19T09:45:00.000Z', '2023-10-19', 2305.3, 2307.05, 2301, 2304.65, 559982, 0],
    ]);
  });
});
