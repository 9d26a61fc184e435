import { describe, expect, it } from 'vitest';
import { addDays, endOfMonth, formatIst, isIsoDate, istDateOf, istMinuteOfDay, parseInstant } from '../../src/time/ist.js';

describe('IST time', () => {
  it('parses a +05:30 daily stamp to the previous UTC evening', () => {
    expect(new Date(parseInstant('2024-03-28T00:00:00+05:30')).toISOString()).toBe('2024-03-27T18:30:00.000Z');
  });

  it('parses the daily stamp to epoch 1711564200 s', () => {
    expect(parseInstant('2024-03-28T00:00:00+05:30') / 1000).toBe(1711564200);
  });

  it('derives the IST trading date, not the UTC date', () => {
    expect(istDateOf(parseInstant('2024-03-28T00:00:00+05:30'))).toBe('2024-03-28');
  });

  it('keeps a late-evening IST bar on its IST date', () => {
    expect(istDateOf(Date.parse('2024-03-28T18:29:59Z'))).toBe('2024-03-28');
  });

  it('moves to the next IST date at 18:30 UTC', () => {
    expect(istDateOf(Date.parse('2024-03-28T18:30:00Z'))).toBe('2024-03-29');
  });

  it('rejects a timestamp without an offset', () => {
    expect(() => parseInstant('2024-03-28T09:15:00')).toThrow(/with an offset/);
  });

  it('rejects an impossible date', () => {
    expect(() => parseInstant('2024-02-30T09:15:00+05:30')).toThrow();
  });

  it('rejects hour 24', () => {
    expect(() => parseInstant('2024-03-28T24:00:00+05:30')).toThrow();
  });

  it('reads the Upstox layout exactly as Date.parse does', () => {
    const mismatches: string[] = [];
    for (let ms = Date.UTC(1999, 11, 31); ms < Date.UTC(2030, 0, 1); ms += 7_919_000_123) {
      const stamp = formatIst(ms - (ms % 1000));
      if (parseInstant(stamp) !== Date.parse(stamp)) mismatches.push(stamp);
    }
    expect(mismatches).toEqual([]);
  });

  it('accepts other offsets through the general path', () => {
    expect(parseInstant('2024-03-28T03:45:00.123Z')).toBe(Date.UTC(2024, 2, 28, 3, 45, 0, 123));
  });

  it('returns minutes after IST midnight', () => {
    expect(istMinuteOfDay(parseInstant('2024-03-28T09:15:00+05:30'))).toBe(555);
  });

  it('formats an instant in IST with the offset', () => {
    expect(formatIst(Date.parse('2024-03-28T03:45:00Z'))).toBe('2024-03-28T09:15:00+05:30');
  });

  it('validates calendar dates', () => {
    expect([isIsoDate('2024-02-29'), isIsoDate('2023-02-29'), isIsoDate('2024-3-1')]).toEqual([true, false, false]);
  });

  it('adds days across a month end', () => {
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
  });

  it('finds the end of a leap February', () => {
    expect(endOfMonth('2024-02-10')).toBe('2024-02-29');
  });
});
