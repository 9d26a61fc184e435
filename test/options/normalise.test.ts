import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normaliseOptionChain, normaliseOptionContracts, normaliseOptionGreeks, paiseToRupees, percentToFraction, type OptionRow } from '../../src/normalise/options.js';
import { QuoteValueError } from '../../src/normalise/quotes.js';
import { optionChainStrikeSchema, optionContractSchema, optionGreekEntrySchema } from '../../src/upstox/options.js';

const POLLED = Date.parse('2026-02-25T10:05:12.250Z');
const TIMES = { polledAtMs: POLLED, slotMs: Date.parse('2026-02-25T10:05:00Z') };
const NIFTY = 'NSE_INDEX|Nifty 50';

function body(path: string): unknown {
  return (JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as { data: unknown }).data;
}

const chain = z.array(optionChainStrikeSchema).parse(body('data/recorded/upstox-v2-option-chain-NIFTY-expiry-2026-03-02.json'));
const chainRows = normaliseOptionChain(chain, { underlyingKey: NIFTY, expiryDate: '2026-03-02' }, TIMES);
const greekMap = (data: unknown) => z.record(z.string(), optionGreekEntrySchema).parse(data);

const CHAIN_BASE = { tsMs: TIMES.slotMs, source: 'chain', underlyingKey: NIFTY, expiry: '2026-03-02', polledAtMs: POLLED, underlyingSpot: 25482.5, lastTradedQty: null } as const;

function chainRow(strike: number, side: 'CE' | 'PE'): OptionRow | undefined {
  return chainRows.find((r) => r.strike === strike && r.side === side);
}

describe('option chain normaliser', () => {
  it('makes 186 rows from 93 strikes', () => {
    expect(chain).toHaveLength(93);
    expect(chainRows).toHaveLength(186);
    expect(new Set(chainRows.map((r) => r.instrumentKey)).size).toBe(186);
    expect(chainRows.filter((r) => r.side === 'CE')).toHaveLength(93);
    expect(chainRows.filter((r) => r.side === 'PE')).toHaveLength(93);
  });

  it('stores all-zero greeks as null', () => {
    expect(chainRows.filter((r) => r.iv === null)).toHaveLength(37);
    expect(chainRows.filter((r) => r.iv === null && r.side === 'CE')).toHaveLength(19);
    expect(chainRows.filter((r) => r.iv === 0 || r.vega === 0 || r.theta === 0)).toHaveLength(0);
  });

  it('maps a deep in-the-money call', () => {
    expect(chainRow(23100, 'CE')).toEqual({
      ...CHAIN_BASE,
      instrumentKey: 'NSE_FO|54710',
      strike: 23100,
      side: 'CE',
      pcr: 46225,
      lastPrice: 2361.8,
      prevClose: 2361.8,
      volume: 0,
      oi: 130,
      prevOi: 195,
      bidPrice: 2357.1,
      bidQty: 780,
      askPrice: 2599.5,
      askQty: 65,
      iv: null,
      delta: null,
      gamma: null,
      theta: null,
      vega: null,
      pop: null,
    });
  });

  it('maps a far put with IV as a fraction', () => {
    expect(chainRow(23100, 'PE')).toEqual({
      ...CHAIN_BASE,
      instrumentKey: 'NSE_FO|54711',
      strike: 23100,
      side: 'PE',
      pcr: 46225,
      lastPrice: 2.3,
      prevClose: 2.9,
      volume: 16557385,
      oi: 6009250,
      prevOi: 3388840,
      bidPrice: 2.3,
      bidQty: 65,
      askPrice: 2.35,
      askQty: 2405,
      iv: 0.3442,
      delta: -0.0067,
      gamma: 0,
      theta: -1.9238,
      vega: 0.5588,
      pop: 0.0074,
    });
  });

  it('maps the at-the-money call', () => {
    expect(chainRow(25400, 'CE')).toEqual({
      ...CHAIN_BASE,
      instrumentKey: 'NSE_FO|54911',
      strike: 25400,
      side: 'CE',
      pcr: 2.5108,
      lastPrice: 209.7,
      prevClose: 218.4,
      volume: 57169645,
      oi: 2034045,
      prevOi: 2541890,
      bidPrice: 209.15,
      bidQty: 65,
      askPrice: 209.75,
      askQty: 455,
      iv: 0.1311,
      delta: 0.604,
      gamma: 0.001,
      theta: -15.0732,
      vega: 11.4999,
      pop: 0.3857,
    });
  });

  it('rejects a strike of another expiry', () => {
    expect(() => normaliseOptionChain(chain, { underlyingKey: NIFTY, expiryDate: '2026-03-10' }, TIMES)).toThrow(/expires on 2026-03-02, but expiry 2026-03-10/);
  });

  it('rejects a strike of another underlying', () => {
    expect(() => normaliseOptionChain(chain, { underlyingKey: 'NSE_INDEX|Nifty Bank', expiryDate: '2026-03-02' }, TIMES)).toThrow(QuoteValueError);
  });

  it('rejects a contract listed twice', () => {
    expect(() => normaliseOptionChain([chain[0]!, chain[0]!], { underlyingKey: NIFTY, expiryDate: '2026-03-02' }, TIMES)).toThrow(/NSE_FO\|54710 twice/);
  });

  it('reads a side without greeks or pop', () => {
    const strike = optionChainStrikeSchema.parse({
      expiry: '2026-03-02',
      strike_price: 25000,
      underlying_key: NIFTY,
      underlying_spot_price: 25482.5,
      pcr: 1.2,
      call_options: { instrument_key: 'NSE_FO|1', market_data: { ltp: 500, bid_price: 0, bid_qty: 0, ask_price: 0, ask_qty: 0 }, option_greeks: { vega: 10, theta: -5, gamma: 0.001, delta: 0.7, iv: 12.5 } },
    });
    const rows = normaliseOptionChain([strike], { underlyingKey: NIFTY, expiryDate: '2026-03-02' }, TIMES);
    expect(rows.map((r) => [r.side, r.iv, r.pop, r.bidPrice, r.bidQty, r.askPrice, r.askQty])).toEqual([['CE', 0.125, null, null, null, null, null]]);
  });
});

describe('option greeks normaliser', () => {
  const sample = greekMap(body('vendor/upstox/samples/option-greeks-v3.json'));
  const greekBase = {
    tsMs: TIMES.slotMs,
    instrumentKey: 'NSE_FO|43885',
    source: 'greeks',
    polledAtMs: POLLED,
    underlyingSpot: null,
    pcr: null,
    lastPrice: 412.2,
    prevClose: 831.2,
    volume: 3609600,
    lastTradedQty: 75,
    oi: 2476650,
    prevOi: null,
    bidPrice: null,
    bidQty: null,
    askPrice: null,
    askQty: null,
    iv: 0.33599853515625,
    delta: -0.8081,
    gamma: 0.0005,
    theta: -51.848,
    vega: 3.3899,
    pop: null,
  } as const;

  it('maps the docs sample with stored contract facts', () => {
    const facts = new Map([['NSE_FO|43885', { underlyingKey: NIFTY, expiry: '2025-04-09', strike: 23000, side: 'PE' as const }]]);
    expect(normaliseOptionGreeks(['NSE_FO|43885'], sample, facts, TIMES)).toEqual({
      missing: [],
      unexpected: [],
      rows: [{ ...greekBase, underlyingKey: NIFTY, expiry: '2025-04-09', strike: 23000, side: 'PE' }],
    });
  });

  it('reads the side from the symbol without facts', () => {
    expect(normaliseOptionGreeks(['NSE_FO|43885'], sample, new Map(), TIMES).rows).toEqual([{ ...greekBase, underlyingKey: null, expiry: null, strike: null, side: 'PE' }]);
  });

  it('counts a contract missing from the response', () => {
    const batch = normaliseOptionGreeks(['NSE_FO|43885', 'NSE_FO|99999'], sample, new Map(), TIMES);
    expect([batch.rows.length, batch.missing]).toEqual([1, ['NSE_FO|99999']]);
  });

  it('stores all-zero greeks as null', () => {
    const data = greekMap({ 'NSE_FO:NIFTY2630223100CE': { last_price: 2361.8, instrument_token: 'NSE_FO|54710', ltq: 65, volume: 0, cp: 2361.8, iv: 0, vega: 0, gamma: 0, theta: 0, delta: 1, oi: 130 } });
    const [row] = normaliseOptionGreeks(['NSE_FO|54710'], data, new Map(), TIMES).rows;
    expect([row!.iv, row!.delta, row!.gamma, row!.theta, row!.vega, row!.side, row!.volume]).toEqual([null, null, null, null, null, 'CE', 0]);
  });
});

describe('option contract normaliser', () => {
  it('maps the docs sample exactly', () => {
    const contracts = z.array(optionContractSchema).parse(body('vendor/upstox/samples/option-contracts.json'));
    const common = {
      underlying_key: NIFTY,
      underlying_symbol: 'NIFTY',
      underlying_type: 'INDEX',
      name: 'NIFTY',
      segment: 'NSE_FO',
      exchange: 'NSE',
      expiry: '2024-02-15',
      instrument_type: 'CE',
      tick_size: '0.05',
      lot_size: 50,
      minimum_lot: 50,
      freeze_quantity: 1800,
      weekly: true,
      raw: {},
      fetched_at: '2026-02-25T10:05:12.250Z',
    };
    expect(normaliseOptionContracts(contracts, POLLED)).toEqual([
      { ...common, instrument_key: 'NSE_FO|37590', strike_price: 19650, exchange_token: '37590', trading_symbol: 'NIFTY 19650 CE 15 FEB 24' },
      { ...common, instrument_key: 'NSE_FO|37668', strike_price: 19700, exchange_token: '37668', trading_symbol: 'NIFTY 19700 CE 15 FEB 24' },
    ]);
  });

  it('keeps fields without a column in raw', () => {
    const [contract] = z.array(optionContractSchema).parse([
      { instrument_key: 'NSE_FO|1', underlying_key: NIFTY, instrument_type: 'PE', expiry: '2026-03-02', strike_price: 25000, segment: 'NSE_FO', qty_multiplier: 1, isin: null },
    ]);
    expect(normaliseOptionContracts([contract!], POLLED)[0]!.raw).toEqual({ qty_multiplier: 1, isin: null });
  });

  it('rejects a zero strike', () => {
    const contracts = z.array(optionContractSchema).parse([{ instrument_key: 'NSE_FO|1', underlying_key: NIFTY, instrument_type: 'CE', expiry: '2026-03-02', strike_price: 0, segment: 'NSE_FO' }]);
    expect(() => normaliseOptionContracts(contracts, POLLED)).toThrow(/strike 0/);
  });

  it('converts paise to exact rupees', () => {
    expect([5, 10, 0.25, 1, 100, 1250, 0, 0.5].map(paiseToRupees)).toEqual(['0.05', '0.1', '0.0025', '0.01', '1', '12.5', '0', '0.005']);
  });

  it('converts percent without float noise', () => {
    expect([34.42, 262.31, 0.74, 99, 12.11].map(percentToFraction)).toEqual([0.3442, 2.6231, 0.0074, 0.99, 0.1211]);
  });
});
