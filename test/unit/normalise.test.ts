import { describe, expect, it } from 'vitest';
import { CandleValidationError, normaliseCandles } from '../../src/candles/normalise.js';
import type { RawCandle } from '../../src/upstox/candles.js';

const KEY = 'NSE_EQ|INE000X01010';

function normalise(candles: RawCandle[], window?: { fromDate: string; toDate: string }) {
  return normaliseCandles({ instrumentKey: KEY, interval: '1minute', source: 'historical', candles, window });
}

describe('candle normalisation', () => {
  const daily: RawCandle[] = [
    ['2024-03-28T00:00:00+05:30', 1003.5, 1010.0, 995.2, 1008.4, 1234567, 0],
    ['2024-03-27T00:00:00+05:30', 990.0, 1004.0, 988.1, 1003.0, 1100000, 0],
  ];

  it('stores daily bars at their UTC instant', () => {
    const rows = normaliseCandles({ instrumentKey: KEY, interval: '1day', source: 'historical', candles: daily }).rows;
    expect(rows.map((r) => new Date(r.tsMs).toISOString())).toEqual(['2024-03-26T18:30:00.000Z', '2024-03-27T18:30:00.000Z']);
  });

  it('labels daily bars with their IST trading date', () => {
    const rows = normaliseCandles({ instrumentKey: KEY, interval: '1day', source: 'historical', candles: daily }).rows;
    expect(rows.map((r) => r.tradeDate)).toEqual(['2024-03-27', '2024-03-28']);
  });

  it('returns newest-first input in ascending order', () => {
    const rows = normalise([
      ['2024-03-28T09:17:00+05:30', 10, 11, 9, 10.5, 100, 0],
      ['2024-03-28T09:16:00+05:30', 10, 11, 9, 10.5, 100, 0],
      ['2024-03-28T09:15:00+05:30', 10, 11, 9, 10.5, 100, 0],
    ]).rows;
    expect(rows.map((r) => new Date(r.tsMs).toISOString())).toEqual(['2024-03-28T03:45:00.000Z', '2024-03-28T03:46:00.000Z', '2024-03-28T03:47:00.000Z']);
  });

  it('sorts input that arrives out of order', () => {
    const rows = normalise([
      ['2024-03-28T09:16:00+05:30', 10, 11, 9, 10.5, 100, 0],
      ['2024-03-28T09:17:00+05:30', 10, 11, 9, 10.5, 100, 0],
      ['2024-03-28T09:15:00+05:30', 10, 11, 9, 10.5, 100, 0],
    ]).rows;
    expect(rows.map((r) => new Date(r.tsMs).getUTCMinutes())).toEqual([45, 46, 47]);
  });

  it('keeps one row per bar start and counts repeats', () => {
    const result = normalise([
      ['2024-03-28T09:16:00+05:30', 10, 11, 9, 10.55, 100, 0],
      ['2024-03-28T09:16:00+05:30', 10, 11, 9, 10.5, 100, 0],
    ]);
    expect([result.rows.length, result.duplicates]).toEqual([1, 1]);
  });

  it('keeps the newest entry of a repeated bar', () => {
    const result = normalise([
      ['2024-03-28T09:16:00+05:30', 10, 11, 9, 10.55, 100, 0],
      ['2024-03-28T09:16:00+05:30', 10, 11, 9, 10.5, 100, 0],
    ]);
    expect(result.rows[0]?.close).toBe(10.55);
  });

  it('drops bars outside the window and counts them', () => {
    const result = normalise(
      [
        ['2026-08-07T09:15:00+05:30', 10, 11, 9, 10.5, 100, 0],
        ['2026-08-06T09:15:00+05:30', 10, 11, 9, 10.5, 100, 0],
      ],
      { fromDate: '2026-08-06', toDate: '2026-08-06' },
    );
    expect([result.rows.map((r) => r.tradeDate), result.outsideWindow]).toEqual([['2026-08-06'], 1]);
  });

  it('rejects a low above the high', () => {
    expect(() => normalise([['2024-03-28T09:15:00+05:30', 10, 9, 11, 10, 100, 0]])).toThrow(CandleValidationError);
  });

  it('rejects a fractional volume', () => {
    expect(() => normalise([['2024-03-28T09:15:00+05:30', 10, 11, 9, 10, 52310.5, 0]])).toThrow(/volume 52310.5/);
  });

  it('rejects a timestamp without an offset', () => {
    expect(() => normalise([['2024-03-28T09:15:00', 10, 11, 9, 10, 100, 0]])).toThrow(/with an offset/);
  });

  it('lists every impossible candle', () => {
    try {
      normalise([
        ['2024-03-28T09:15:00+05:30', 10, 9, 11, 10, 100, 0],
        ['bad', 10, 11, 9, 10, 100, 0],
      ]);
      expect.unreachable('normalisation should have thrown');
    } catch (error) {
      expect((error as CandleValidationError).issues).toHaveLength(2);
    }
  });
});
