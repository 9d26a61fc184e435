import { describe, expect, it } from 'vitest';
import { buildJobId, jobIdPart } from '../../src/ids/job-id.js';

describe('job ids', () => {
  it('replaces the pipe and the colon', () => {
    expect(buildJobId('ltp', 'NSE_EQ|INE000X01010', '2024-03-28')).toBe('ltp-NSE_EQ-INE000X01010-2024-03-28');
  });

  it('encodes a colon from a quote key', () => {
    expect(jobIdPart('NSE_EQ:ABCLTD')).toBe('NSE_EQ~3aABCLTD');
  });

  it('never yields an all-digit id', () => {
    expect(buildJobId('quote', '43885')).toBe('quote-43885');
  });

  it('removes every colon from a three-part id', () => {
    expect(buildJobId('x', 'a:b:c')).not.toContain(':');
  });

  it('maps spaces in index names', () => {
    expect(jobIdPart('NSE_INDEX|Nifty 50')).toBe('NSE_INDEX-Nifty_50');
  });

  it('is deterministic', () => {
    expect(buildJobId('candles', 'NSE_EQ|INE000X01010', 1)).toBe(buildJobId('candles', 'NSE_EQ|INE000X01010', 1));
  });

  it('rejects a kind that could start with a digit', () => {
    expect(() => buildJobId('1x', 'a')).toThrow(/must start with a lower-case letter/);
  });
});
