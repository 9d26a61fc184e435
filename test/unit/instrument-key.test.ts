import { describe, expect, it } from 'vitest';
import { historicalCandlePath } from '../../src/upstox/candles.js';
import { encodeInstrumentKey, InvalidInstrumentKeyError, isInstrumentKey, segmentOf } from '../../src/upstox/instrument-key.js';

describe('instrument keys', () => {
  it('encodes the pipe and the space once', () => {
    expect(encodeInstrumentKey('NSE_INDEX|Nifty 50')).toBe('NSE_INDEX%7CNifty%2050');
  });

  it('puts the encoded key in the historical path', () => {
    const path = historicalCandlePath({ instrumentKey: 'NSE_INDEX|Nifty 50', unit: 'days', interval: 1, toDate: '2024-03-28', fromDate: '2024-03-01' });
    expect(path).toBe('/v3/historical-candle/NSE_INDEX%7CNifty%2050/days/1/2024-03-28/2024-03-01');
  });

  it('never double-encodes', () => {
    const encoded = ['NSE_INDEX|Nifty 50', 'NSE_EQ|INE000X01010', 'BSE_EQ|INE000Y01011'].map(encodeInstrumentKey).join(',');
    expect(encoded).toBe('NSE_INDEX%7CNifty%2050,NSE_EQ%7CINE000X01010,BSE_EQ%7CINE000Y01011');
  });

  it('decodes back to the original bytes', () => {
    expect(decodeURIComponent(encodeInstrumentKey('NSE_INDEX|Nifty 50'))).toBe('NSE_INDEX|Nifty 50');
  });

  it('rejects a bare trading symbol', () => {
    expect(() => encodeInstrumentKey('TECHM')).toThrow(InvalidInstrumentKeyError);
  });

  it('rejects an already encoded key', () => {
    expect(isInstrumentKey('NSE_EQ%7CINE000X01010')).toBe(false);
  });

  it('accepts real key shapes', () => {
    const keys = ['NSE_EQ|INE002A01018', 'NSE_FO|51834', 'NSE_INDEX|BHARATBOND-APR31', 'NSE_FO|47983|17-04-2025', 'BSE_INDEX|SENSEX'];
    expect(keys.filter(isInstrumentKey)).toEqual(keys);
  });

  it('explains a quote-response key', () => {
    expect(() => encodeInstrumentKey('NSE_EQ:INE002A01018')).toThrow(/requests need SEGMENT\|IDENTIFIER/);
  });

  it('explains a lower-case segment', () => {
    expect(() => encodeInstrumentKey('nse_eq|INE002A01018')).toThrow(/segment must be upper case/);
  });

  it('points a bare symbol to the instruments master', () => {
    expect(() => encodeInstrumentKey('TECHM')).toThrow(/instruments master/);
  });

  it('rejects an unknown segment', () => {
    expect(isInstrumentKey('NYSE|IBM')).toBe(false);
  });

  it('returns the segment', () => {
    expect(segmentOf('NSE_FO|51834')).toBe('NSE_FO');
  });
});
