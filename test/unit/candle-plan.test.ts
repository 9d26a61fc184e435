import { describe, expect, it } from 'vitest';
import { alignedWindows, planCandleBackfill } from '../../src/candles/plan.js';
import { historicalCandlePath } from '../../src/upstox/candles.js';
import { spanFits } from '../../src/upstox/candle-units.js';

const KEY = 'NSE_EQ|INE000X01010';
const base = { account: 'main', instrumentKeys: [KEY], today: '2026-12-04' };

describe('candle backfill plan', () => {
  it('splits a 1-minute quarter into three monthly requests', () => {
    const plan = planCandleBackfill({ ...base, unit: 'minutes', interval: 1, fromDate: '2024-01-01', toDate: '2024-03-31' });
    const windows = plan.chunks.filter((c) => c.state === 'pending').map((c) => [c.fromDate, c.toDate]);
    expect(windows).toEqual([
      ['2024-01-01', '2024-01-31'],
      ['2024-02-01', '2024-02-29'],
      ['2024-03-01', '2024-03-31'],
    ]);
  });

  it('puts to_date before from_date in every path', () => {
    const plan = planCandleBackfill({ ...base, unit: 'minutes', interval: 1, fromDate: '2024-01-01', toDate: '2024-03-31' });
    const paths = plan.chunks.map((c) => historicalCandlePath({ ...c }));
    expect(paths[0]).toBe('/v3/historical-candle/NSE_EQ%7CINE000X01010/minutes/1/2024-01-31/2024-01-01');
  });

  it('plans one request for 30-minute candles over a quarter', () => {
    const plan = planCandleBackfill({ ...base, unit: 'minutes', interval: 30, fromDate: '2024-01-01', toDate: '2024-03-31' });
    expect(plan.chunks.map((c) => [c.state, c.fromDate, c.toDate])).toEqual([['pending', '2024-01-01', '2024-03-31']]);
  });

  it('sends no request for minutes before 2022', () => {
    const plan = planCandleBackfill({ ...base, unit: 'minutes', interval: 1, fromDate: '2021-12-01', toDate: '2021-12-31' });
    expect(plan.chunks.filter((c) => c.state === 'pending')).toHaveLength(0);
  });

  it('says why a pre-2022 minute window is not requested', () => {
    const plan = planCandleBackfill({ ...base, unit: 'minutes', interval: 1, fromDate: '2021-12-01', toDate: '2021-12-31' });
    expect(plan.chunks[0]?.detail).toMatch(/not available before 2022-01/);
  });

  it('rejects an interval the unit does not allow', () => {
    expect(() => planCandleBackfill({ ...base, unit: 'hours', interval: 6, fromDate: '2024-01-01', toDate: '2024-03-31' })).toThrow(/use an integer from 1 to 5/);
  });

  it('rejects a fractional interval', () => {
    expect(() => planCandleBackfill({ ...base, unit: 'minutes', interval: 1.5, fromDate: '2024-01-01', toDate: '2024-03-31' })).toThrow(/invalid interval 1.5/);
  });

  it('never plans a window wider than the unit allows', () => {
    const cases = [
      { unit: 'minutes' as const, interval: 1 },
      { unit: 'minutes' as const, interval: 15 },
      { unit: 'minutes' as const, interval: 16 },
      { unit: 'hours' as const, interval: 2 },
      { unit: 'days' as const, interval: 1 },
    ];
    for (const c of cases) {
      const plan = planCandleBackfill({ ...base, ...c, fromDate: '2022-01-15', toDate: '2026-06-20' });
      const tooWide = plan.chunks.filter((chunk) => !spanFits(c.unit, c.interval, chunk.fromDate, chunk.toDate));
      expect(tooWide, `${c.interval} ${c.unit}`).toEqual([]);
    }
  });

  it('covers the range without gaps or overlaps', () => {
    const windows = alignedWindows('2022-01-15', '2026-06-20', 3);
    const gaps = windows.slice(1).filter((w, i) => Date.parse(w[0]) - Date.parse(windows[i]![1]) !== 86_400_000);
    expect([windows[0]![0], windows.at(-1)![1], gaps.length]).toEqual(['2022-01-15', '2026-06-20', 0]);
  });

  it('aligns daily requests to decades', () => {
    const plan = planCandleBackfill({ ...base, unit: 'days', interval: 1, fromDate: '2005-06-01', toDate: '2024-12-31' });
    expect(plan.chunks.map((c) => [c.fromDate, c.toDate])).toEqual([
      ['2005-06-01', '2009-12-31'],
      ['2010-01-01', '2019-12-31'],
      ['2020-01-01', '2024-12-31'],
    ]);
  });

  it('ends historical requests yesterday and adds an intraday chunk for today', () => {
    const plan = planCandleBackfill({ ...base, unit: 'minutes', interval: 1, fromDate: '2026-12-01', toDate: '2026-12-04' });
    expect(plan.chunks.map((c) => [c.source, c.fromDate, c.toDate])).toEqual([
      ['historical', '2026-12-01', '2026-12-03'],
      ['intraday', '2026-12-04', '2026-12-04'],
    ]);
  });

  it('notes every change to the requested range', () => {
    const plan = planCandleBackfill({ ...base, unit: 'minutes', interval: 1, fromDate: '2026-12-01', toDate: '2026-12-04' });
    expect(plan.notes).toEqual([`${KEY}: to_date moved from 2026-12-04 to 2026-12-03, the last completed session; today comes from the intraday endpoint`]);
  });

  it('gives the same chunk ids to overlapping backfills', () => {
    const a = planCandleBackfill({ ...base, unit: 'minutes', interval: 1, fromDate: '2024-01-01', toDate: '2024-02-29' });
    const b = planCandleBackfill({ ...base, unit: 'minutes', interval: 1, fromDate: '2024-02-01', toDate: '2024-03-31' });
    expect(a.chunks[1]?.chunkId).toBe(b.chunks[0]?.chunkId);
  });
});
