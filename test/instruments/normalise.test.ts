import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstrumentRowError, normaliseInstrument, paiseToRupees, type InstrumentRow } from '../../src/normalise/instruments.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'vendor', 'upstox', 'samples', 'instruments-master-sample.json');
const sampleRows = JSON.parse(readFileSync(SAMPLE, 'utf8')) as Record<string, unknown>[];

// key, segment, type, tick size (rupees), expiry (IST date), strike, lot size, underlying key
type Projection = [string, string, string | null, string | null, string | null, number | null, number | null, string | null];
const project = (row: InstrumentRow): Projection => [
  row.instrumentKey, row.segment, row.instrumentType, row.tickSize, row.expiry, row.strikePrice, row.lotSize, row.underlyingKey,
];

describe('instruments normaliser', () => {
  it('maps the sample file to exact rows', () => {
    const expected: Projection[] = [
      ['NSE_EQ|INE002A01018', 'NSE_EQ', 'EQ', '0.1', null, null, 1, null],
      ['NSE_EQ|INE040A01034', 'NSE_EQ', 'EQ', '0.1', null, null, 1, null],
      ['NSE_EQ|INE009A01021', 'NSE_EQ', 'EQ', '0.1', null, null, 1, null],
      ['NSE_EQ|INE467B01029', 'NSE_EQ', 'EQ', '0.1', null, null, 1, null],
      ['NSE_EQ|INE062A01020', 'NSE_EQ', 'EQ', '0.05', null, null, 1, null],
      ['NSE_EQ|INE848E01016', 'NSE_EQ', 'EQ', '0.01', null, null, 1, null],
      ['NSE_EQ|IN2920250163', 'NSE_EQ', 'SG', '0.01', null, null, 100, null],
      ['NSE_INDEX|Nifty 50', 'NSE_INDEX', 'INDEX', null, null, null, null, null],
      ['NSE_INDEX|Nifty Bank', 'NSE_INDEX', 'INDEX', null, null, null, null, null],
      ['NSE_INDEX|India VIX', 'NSE_INDEX', 'INDEX', null, null, null, null, null],
      ['NSE_FO|51233', 'NSE_FO', 'FUT', '0.1', '2026-11-24', null, 65, 'NSE_INDEX|Nifty 50'],
      ['NSE_FO|51301', 'NSE_FO', 'CE', '0.05', '2026-11-24', 26000, 65, 'NSE_INDEX|Nifty 50'],
      ['NSE_FO|51302', 'NSE_FO', 'PE', '0.05', '2026-11-24', 26000, 65, 'NSE_INDEX|Nifty 50'],
      ['NSE_FO|49875', 'NSE_FO', 'CE', '0.05', '2026-11-10', 25800, 65, 'NSE_INDEX|Nifty 50'],
      ['NSE_FO|49876', 'NSE_FO', 'PE', '0.05', '2026-11-10', 25800, 65, 'NSE_INDEX|Nifty 50'],
      ['NSE_FO|51240', 'NSE_FO', 'FUT', '0.2', '2026-11-24', null, 30, 'NSE_INDEX|Nifty Bank'],
      ['NSE_FO|51655', 'NSE_FO', 'CE', '0.05', '2026-11-24', 58000, 30, 'NSE_INDEX|Nifty Bank'],
      ['NSE_FO|51290', 'NSE_FO', 'FUT', '0.1', '2026-11-24', null, 500, 'NSE_EQ|INE002A01018'],
      ['NSE_FO|51910', 'NSE_FO', 'CE', '0.05', '2026-11-24', 1500, 500, 'NSE_EQ|INE002A01018'],
      ['BSE_EQ|INE002A01018', 'BSE_EQ', 'A', '0.05', null, null, 1, null],
      ['BSE_EQ|INE009A01021', 'BSE_EQ', 'A', '0.05', null, null, 1, null],
      ['BSE_EQ|INE220J01025', 'BSE_EQ', 'Z', '0.01', null, null, 1, null],
      ['BSE_INDEX|SENSEX', 'BSE_INDEX', 'INDEX', null, null, null, null, null],
      ['BSE_FO|1128456', 'BSE_FO', 'CE', '0.05', '2026-11-12', 84000, 20, 'BSE_INDEX|SENSEX'],
      ['NCD_FO|12345', 'NCD_FO', 'FUT', '0.0025', '2026-11-26', null, 1, 'NSE_INDEX|USDINR'],
      ['MCX_FO|472789', 'MCX_FO', 'FUT', '1', '2026-11-19', null, 100, 'MCX_INDEX|CRUDEOIL'],
      ['MCX_FO|584990', 'MCX_FO', 'CE', '0.05', '2026-11-17', 6500, 10, 'MCX_FO|569901'],
      ['MCX_FO|454818', 'MCX_FO', 'FUT', '1', '2026-12-04', null, 1, 'MCX_INDEX|GOLD'],
      ['MCX_INDEX|MCXBULLDEX', 'MCX_INDEX', 'INDEX', null, null, null, null, null],
      ['GLOBAL_INDEX|SGX NIFTY', 'GLOBAL_INDEX', null, null, null, null, null, null],
    ];
    expect(sampleRows.map((row, i) => project(normaliseInstrument(row, i)))).toEqual(expected);
  });

  it('keeps every field of an equity row', () => {
    expect(normaliseInstrument(sampleRows[0], 0)).toEqual({
      instrumentKey: 'NSE_EQ|INE002A01018',
      segment: 'NSE_EQ',
      exchange: 'NSE',
      instrumentType: 'EQ',
      tradingSymbol: 'RELIANCE',
      name: 'RELIANCE INDUSTRIES LTD',
      shortName: 'Reliance',
      isin: 'INE002A01018',
      exchangeToken: '2885',
      lotSize: 1,
      minimumLot: null,
      freezeQuantity: 100000,
      tickSize: '0.1',
      qtyMultiplier: 1,
      strikePrice: null,
      expiry: null,
      expiryMs: null,
      lastTradingDate: null,
      weekly: null,
      underlyingKey: null,
      underlyingSymbol: null,
      underlyingType: null,
      assetKey: null,
      assetSymbol: null,
      assetType: null,
      raw: sampleRows[0],
    });
  });

  it('keeps the MCX last trading date', () => {
    const crude = normaliseInstrument(sampleRows[25], 25);
    expect([crude.lastTradingDate, crude.expiryMs, crude.weekly, crude.assetSymbol]).toEqual(['2026-11-19', 1795112999000, false, 'CRUDEOIL']);
  });

  it('stores an unknown segment as given', () => {
    const row = normaliseInstrument({ segment: 'GLOBAL_INDEX', instrument_key: 'GLOBAL_INDEX|GIFT NIFTY', name: 'GIFT NIFTY', exchange: 'GLOBAL', latency: '120 Seconds' }, 0);
    expect([row.segment, row.instrumentKey, row.exchange, row.raw.latency]).toEqual(['GLOBAL_INDEX', 'GLOBAL_INDEX|GIFT NIFTY', 'GLOBAL', '120 Seconds']);
  });

  it('maps both expiry stamps to the IST date', () => {
    // 23:59:59 IST and 00:00:00 IST of 2025-04-17; a UTC conversion puts the second on the 16th.
    const late = normaliseInstrument({ segment: 'NSE_FO', instrument_key: 'NSE_FO|1', expiry: 1744914599000 }, 0);
    const early = normaliseInstrument({ segment: 'NSE_FO', instrument_key: 'NSE_FO|2', expiry: 1744828200000 }, 1);
    expect([late.expiry, early.expiry]).toEqual(['2025-04-17', '2025-04-17']);
  });

  it('rejects a row without a key', () => {
    expect(() => normaliseInstrument({ segment: 'NSE_EQ', trading_symbol: 'X' }, 7)).toThrow(InstrumentRowError);
    expect(() => normaliseInstrument({ segment: 'NSE_EQ', trading_symbol: 'X' }, 7)).toThrow(/row 7 .*instrument_key/);
  });

  it('rejects impossible values', () => {
    const row = { segment: 'NSE_FO', instrument_key: 'NSE_FO|3' };
    expect(() => normaliseInstrument({ ...row, lot_size: '75' }, 0)).toThrow(/lot_size/);
    expect(() => normaliseInstrument({ ...row, lot_size: -1 }, 0)).toThrow(/lot_size/);
    // An expiry in seconds instead of milliseconds.
    expect(() => normaliseInstrument({ ...row, expiry: 1744914599 }, 0)).toThrow(/expiry/);
  });
});

describe('paise to rupees', () => {
  it('moves the decimal point exactly', () => {
    expect([5, 10, 1, 0.25, 100, 500, 1500.5, 0].map(paiseToRupees)).toEqual(['0.05', '0.1', '0.01', '0.0025', '1', '5', '15.005', '0']);
  });

  it('rejects negative and exponent forms', () => {
    expect(() => paiseToRupees(-5)).toThrow(/invalid tick size -5/);
    expect(() => paiseToRupees(1e-7)).toThrow(/invalid tick size/);
  });
});
