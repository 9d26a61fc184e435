import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestWindows } from '../../jobs/market-info-expired.js';
import { CandleValidationError } from '../../src/candles/normalise.js';
import { expiredCandleTable, expiredIntervalLabel, normaliseExpiredCandles, normaliseExpiredContracts, normaliseExpiries } from '../../src/normalise/expired.js';
import { MarketInfoValueError } from '../../src/normalise/market-info.js';
import type { RawCandle } from '../../src/upstox/candles.js';
import { expiryOfExpiredKey, isExpiredInstrumentKey, type ExpiredContractData } from '../../src/upstox/market-info.js';

const SAMPLES = resolve(import.meta.dirname, '..', '..', 'vendor', 'upstox', 'samples');
const NIFTY = 'NSE_INDEX|Nifty 50';

function sample<T>(name: string): T {
  return (JSON.parse(readFileSync(resolve(SAMPLES, name), 'utf8')) as { data: T }).data;
}

describe('expiries normaliser', () => {
  it('converts the sample', () => {
    const dates = [
      '2024-10-03', '2024-10-10', '2024-10-17', '2024-10-24', '2024-10-31', '2024-11-07', '2024-11-14', '2024-11-21',
      '2024-11-28', '2024-12-05', '2024-12-12', '2024-12-19', '2024-12-26', '2025-01-02', '2025-01-09', '2025-01-16',
      '2025-01-23', '2025-01-30', '2025-02-06', '2025-02-13', '2025-02-20', '2025-02-27', '2025-03-06', '2025-03-13',
      '2025-03-20', '2025-03-27', '2025-04-03', '2025-04-09', '2025-04-17',
    ];
    expect(normaliseExpiries(NIFTY, sample<string[]>('expired-expiries.json'))).toEqual(dates.map((expiry) => ({ underlying_key: NIFTY, expiry })));
  });

  it('sorts and removes repeats', () => {
    expect(normaliseExpiries(NIFTY, ['2025-04-17', '2025-04-09', '2025-04-17']).map((r) => r.expiry)).toEqual(['2025-04-09', '2025-04-17']);
  });

  it('rejects a value that is not a date', () => {
    expect(() => normaliseExpiries(NIFTY, ['2025-04-17', '17-04-2025'])).toThrow(/1 value\(s\) that are not dates as YYYY-MM-DD: "17-04-2025"/);
  });
});

describe('expired contracts normaliser', () => {
  it('converts the option sample', () => {
    const data = sample<ExpiredContractData[]>('expired-option-contracts.json');
    const row = (key: string, token: string, symbol: string, type: string, raw: ExpiredContractData) => ({
      instrument_key: key,
      underlying_key: NIFTY,
      expiry: '2025-04-17',
      instrument_type: type,
      name: 'NIFTY',
      segment: 'NSE_FO',
      exchange: 'NSE',
      exchange_token: token,
      trading_symbol: symbol,
      strike_price: 20400,
      tick_size_paise: 5,
      lot_size: 75,
      minimum_lot: 75,
      freeze_quantity: 1800,
      underlying_type: 'INDEX',
      underlying_symbol: 'NIFTY',
      weekly: true,
      raw,
    });
    expect(normaliseExpiredContracts(NIFTY, '2025-04-17', data)).toEqual([
      row('NSE_FO|47983|17-04-2025', '47983', 'NIFTY 20400 PE 17 APR 25', 'PE', data[0]!),
      row('NSE_FO|47982|17-04-2025', '47982', 'NIFTY 20400 CE 17 APR 25', 'CE', data[1]!),
    ]);
  });

  it('converts the future sample', () => {
    const data = sample<ExpiredContractData[]>('expired-future-contracts.json');
    expect(normaliseExpiredContracts(NIFTY, '2025-04-24', data)).toEqual([
      {
        instrument_key: 'NSE_FO|54452|24-04-2025',
        underlying_key: NIFTY,
        expiry: '2025-04-24',
        instrument_type: 'FUT',
        name: 'NIFTY',
        segment: 'NSE_FO',
        exchange: 'NSE',
        exchange_token: '54452',
        trading_symbol: 'NIFTY FUT 24 APR 25',
        strike_price: null,
        tick_size_paise: 10,
        lot_size: 75,
        minimum_lot: 75,
        freeze_quantity: 1800,
        underlying_type: 'INDEX',
        underlying_symbol: 'NIFTY',
        weekly: null,
        raw: data[0],
      },
    ]);
  });

  it('rejects a contract of another expiry', () => {
    const data = sample<ExpiredContractData[]>('expired-future-contracts.json');
    expect(() => normaliseExpiredContracts(NIFTY, '2025-04-17', data)).toThrow(/NSE_FO\|54452\|24-04-2025 has expiry "2025-04-24", but 2025-04-17 was requested/);
  });

  it('rejects a live key', () => {
    const [contract] = sample<ExpiredContractData[]>('expired-future-contracts.json');
    expect(() => normaliseExpiredContracts(NIFTY, '2025-04-24', [{ ...contract!, instrument_key: 'NSE_FO|54452' }])).toThrow(MarketInfoValueError);
  });

  it('rejects a fractional lot size', () => {
    const [contract] = sample<ExpiredContractData[]>('expired-future-contracts.json');
    expect(() => normaliseExpiredContracts(NIFTY, '2025-04-24', [{ ...contract!, lot_size: 7.5 }])).toThrow(/lot_size 7.5, which is not a positive whole quantity/);
  });
});

describe('expired candle normaliser', () => {
  const candles = sample<{ candles: RawCandle[] }>('expired-historical-candle.json').candles;
  const KEY = 'NSE_FO|47983|17-04-2025';

  it('converts the sample', () => {
    const row = (ts: string, open: number, high: number, low: number, close: number, volume: number, openInterest: number) => ({
      tsMs: Date.parse(ts),
      instrumentKey: KEY,
      interval: '1minute',
      tradeDate: '2025-04-17',
      open,
      high,
      low,
      close,
      volume,
      openInterest,
      source: 'expired',
    });
    expect(normaliseExpiredCandles({ expiredInstrumentKey: KEY, interval: '1minute', candles, window: { fromDate: '2025-04-17', toDate: '2025-04-17' } })).toEqual({
      rows: [
        row('2025-04-17T09:57:00Z', 0.45, 0.5, 0.4, 0.4, 6012375, 4501875),
        row('2025-04-17T09:58:00Z', 0.4, 0.45, 0.35, 0.35, 8551500, 4412100),
        row('2025-04-17T09:59:00Z', 0.35, 0.4, 0.05, 0.05, 20139000, 4156125),
      ],
      outsideWindow: 0,
      duplicates: 0,
    });
  });

  it('drops candles outside the window', () => {
    const result = normaliseExpiredCandles({ expiredInstrumentKey: KEY, interval: '1minute', candles, window: { fromDate: '2025-04-16', toDate: '2025-04-16' } });
    expect([result.rows.length, result.outsideWindow]).toEqual([0, 3]);
  });

  it('rejects an impossible candle', () => {
    const bad: RawCandle[] = [['2025-04-17T15:29:00+05:30', 0.35, 0.3, 0.4, 0.05, 100, 0]];
    expect(() => normaliseExpiredCandles({ expiredInstrumentKey: KEY, interval: '1minute', candles: bad, window: { fromDate: '2025-04-17', toDate: '2025-04-17' } })).toThrow(CandleValidationError);
  });

  it('labels day candles 1day for the daily table', () => {
    expect([expiredIntervalLabel('day'), expiredCandleTable('day'), expiredIntervalLabel('30minute'), expiredCandleTable('30minute')]).toEqual(['1day', 'candles_daily', '30minute', 'candles_intraday']);
  });
});

describe('expired instrument keys', () => {
  it('reads the expiry of a key', () => {
    expect(expiryOfExpiredKey('NSE_FO|47983|17-04-2025')).toBe('2025-04-17');
  });

  it('rejects keys without a real date', () => {
    expect([isExpiredInstrumentKey('NSE_FO|47983|17-04-2025'), isExpiredInstrumentKey('NSE_FO|47983'), isExpiredInstrumentKey('NSE_FO|47983|31-02-2025')]).toEqual([true, false, false]);
  });
});

describe('expired candle request windows', () => {
  it('cuts minute ranges at calendar months', () => {
    expect(requestWindows('1minute', '2025-02-10', '2025-04-17')).toEqual([
      { fromDate: '2025-02-10', toDate: '2025-02-28' },
      { fromDate: '2025-03-01', toDate: '2025-03-31' },
      { fromDate: '2025-04-01', toDate: '2025-04-17' },
    ]);
  });

  it('cuts day ranges at one year', () => {
    expect(requestWindows('day', '2023-06-15', '2025-04-17')).toEqual([
      { fromDate: '2023-06-15', toDate: '2024-06-14' },
      { fromDate: '2024-06-15', toDate: '2025-04-17' },
    ]);
  });
});
