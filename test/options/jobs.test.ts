import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionChainJob, optionContractJob, optionGreekJob } from '../../jobs/options.js';
import { JobHarness } from '../quotes/harness.js';

// Simulator → worker → stores for the three option jobs, each run twice. The option chain of
// NIFTY 50 for 2026-03-02 is the recorded real one (93 strikes, 186 contracts).

const NOW = Date.parse('2026-02-26T11:20:30+05:30');
const NIFTY = 'NSE_INDEX|Nifty 50';
const EXPIRY = '2026-03-02';
const AS_OF = '2026-02-25T15:35:00+05:30';
const AS_OF_UTC = '2026-02-25T10:05:00.000000Z';

let harness: JobHarness;

beforeAll(async () => {
  harness = await JobHarness.start(NOW);
});
afterAll(async () => {
  await harness?.close();
});

async function contractCount(): Promise<number> {
  const result = await harness.ctx.pool.query<{ n: bigint }>('SELECT count(*) AS n FROM option_contracts');
  return Number(result.rows[0]!.n);
}

describe('option-contracts job', () => {
  it('stores the 186 contracts of one expiry', async () => {
    const result = await harness.run(optionContractJob, { instrumentKey: NIFTY, expiryDate: EXPIRY });
    expect([result.requestsMade, result.rowsWritten, result.state]).toEqual([1, 186, 'done']);
    expect(await contractCount()).toBe(186);
  });

  it('stores the contract fields', async () => {
    const { rows } = await harness.ctx.pool.query(
      `SELECT instrument_key, underlying_key, underlying_symbol, underlying_type, name, segment, exchange, expiry, instrument_type,
              strike_price::text AS strike_price, exchange_token, trading_symbol, tick_size::text AS tick_size, lot_size, minimum_lot,
              freeze_quantity::text AS freeze_quantity, weekly, raw
         FROM option_contracts WHERE instrument_key = 'NSE_FO|54911'`,
    );
    expect(rows).toEqual([
      {
        instrument_key: 'NSE_FO|54911',
        underlying_key: NIFTY,
        underlying_symbol: 'NIFTY',
        underlying_type: 'INDEX',
        name: 'NIFTY',
        segment: 'NSE_FO',
        exchange: 'NSE',
        expiry: EXPIRY,
        instrument_type: 'CE',
        strike_price: '25400',
        exchange_token: '54911',
        trading_symbol: 'NIFTY 25400 CE 02 MAR 26',
        tick_size: '0.05',
        lot_size: 65,
        minimum_lot: 65,
        freeze_quantity: '1755',
        weekly: true,
        raw: {},
      },
    ]);
  });

  it('changes nothing on a second run', async () => {
    const result = await harness.run(optionContractJob, { instrumentKey: NIFTY, expiryDate: EXPIRY });
    expect(result.rowsWritten).toBe(186);
    expect(await contractCount()).toBe(186);
  });

  it('reports an underlying without options', async () => {
    const result = await harness.run(optionContractJob, { instrumentKey: 'NSE_EQ|INE000X01010' });
    expect([result.rowsWritten, result.state, result.detail]).toEqual([0, 'empty', 'no option contracts listed for NSE_EQ|INE000X01010']);
  });
});

describe('option-chain job', () => {
  it('stores 186 rows from the recorded chain', async () => {
    const result = await harness.run(optionChainJob, { instrumentKey: NIFTY, expiryDate: EXPIRY, asOf: AS_OF });
    expect([result.requestsMade, result.rowsWritten, result.state]).toEqual([1, 186, 'done']);
    expect(await harness.count('option_chain', `source = 'chain' AND ts = '${AS_OF_UTC}'`)).toBe(186);
    expect(await harness.count('option_chain', "source = 'chain' AND side = 'CE'")).toBe(93);
    expect(await harness.count('option_chain', "source = 'chain' AND iv = null")).toBe(37);
  });

  it('stores a put with fractional IV', async () => {
    const [row] = await harness.rows('option_chain', "SELECT * FROM {table} WHERE source = 'chain' AND instrument_key = 'NSE_FO|54711'");
    expect(row).toMatchObject({
      ts: AS_OF_UTC,
      underlying_key: NIFTY,
      side: 'PE',
      strike: 23100,
      underlying_spot: 25482.5,
      pcr: 46225,
      last_price: 2.3,
      prev_close: 2.9,
      volume: 16557385,
      oi: 6009250,
      prev_oi: 3388840,
      bid_price: 2.3,
      bid_qty: 65,
      ask_price: 2.35,
      ask_qty: 2405,
      iv: 0.3442,
      delta: -0.0067,
      gamma: 0,
      theta: -1.9238,
      vega: 0.5588,
      pop: 0.0074,
    });
    expect(String(row!.expiry)).toMatch(/^2026-03-02T00:00:00/);
  });

  it('stores null for all-zero greeks', async () => {
    const [row] = await harness.rows('option_chain', "SELECT iv, delta, gamma, theta, vega, pop, last_price FROM {table} WHERE source = 'chain' AND instrument_key = 'NSE_FO|54710'");
    expect(row).toEqual({ iv: null, delta: null, gamma: null, theta: null, vega: null, pop: null, last_price: 2361.8 });
  });

  it('changes nothing on a second run', async () => {
    const result = await harness.run(optionChainJob, { instrumentKey: NIFTY, expiryDate: EXPIRY, asOf: AS_OF });
    expect(result.rowsWritten).toBe(186);
    expect(await harness.count('option_chain', "source = 'chain'")).toBe(186);
  });

  it('stamps a chain without asOf at the minute', async () => {
    const before = Date.now();
    const result = await harness.run(optionChainJob, { instrumentKey: NIFTY, expiryDate: '2026-03-10' });
    expect(result.state).toBe('done');
    const stamps = await harness.rows('option_chain', "SELECT DISTINCT ts FROM {table} WHERE source = 'chain' AND expiry = '2026-03-10'");
    expect(stamps).toHaveLength(1);
    const ts = Date.parse(String(stamps[0]!.ts));
    expect(ts % 60_000).toBe(0);
    expect(ts).toBeGreaterThanOrEqual(Math.floor(before / 60_000) * 60_000);
    expect(await harness.count('option_chain', "source = 'chain' AND expiry = '2026-03-10'")).toBe(result.rowsWritten);
  });

  it('reports an expiry without contracts', async () => {
    const result = await harness.run(optionChainJob, { instrumentKey: NIFTY, expiryDate: '2026-03-03', asOf: AS_OF });
    expect([result.rowsWritten, result.state]).toEqual([0, 'empty']);
  });
});

describe('option-greeks job', () => {
  it('batches 61 keys into two requests', async () => {
    const { rows } = await harness.ctx.pool.query<{ instrument_key: string }>(
      'SELECT instrument_key FROM option_contracts WHERE expiry = $1 ORDER BY strike_price, instrument_type LIMIT 60',
      [EXPIRY],
    );
    const keys = [...rows.map((r) => r.instrument_key), 'NSE_FO|99999999'];
    const logBefore = harness.sim.requestLog().length;
    const result = await harness.run(optionGreekJob, { instrumentKeys: keys, asOf: AS_OF });
    const sent = harness.sim.requestLog().slice(logBefore).filter((r) => r.rawPath.startsWith('/v3/market-quote/option-greek'));
    expect(sent).toHaveLength(2);
    expect([result.requestsMade, result.rowsWritten, result.state, result.detail]).toEqual([2, 60, 'incomplete', '1 of 61 keys missing from response: NSE_FO|99999999']);
    expect(await harness.count('option_chain', "source = 'greeks'")).toBe(60);

    const again = await harness.run(optionGreekJob, { instrumentKeys: keys, asOf: AS_OF });
    expect(again.rowsWritten).toBe(60);
    expect(await harness.count('option_chain', "source = 'greeks'")).toBe(60);
  });

  it('fills contract facts from Postgres', async () => {
    const [row] = await harness.rows('option_chain', "SELECT underlying_key, side, strike, expiry, iv, delta, pop FROM {table} WHERE source = 'greeks' AND instrument_key = 'NSE_FO|54711'");
    expect(row).toMatchObject({ underlying_key: NIFTY, side: 'PE', strike: 23100, iv: 0.3442, delta: -0.0067, pop: null });
    expect(String(row!.expiry)).toMatch(/^2026-03-02T00:00:00/);
  });

  it('agrees with the chain on IV', async () => {
    const rows = await harness.rows('option_chain', "SELECT instrument_key, source, iv FROM {table} WHERE instrument_key IN ('NSE_FO|54711', 'NSE_FO|54710') ORDER BY instrument_key, source");
    expect(rows.map((r) => [r.instrument_key, r.source, r.iv])).toEqual([
      ['NSE_FO|54710', 'chain', null],
      ['NSE_FO|54710', 'greeks', null],
      ['NSE_FO|54711', 'chain', 0.3442],
      ['NSE_FO|54711', 'greeks', 0.3442],
    ]);
  });
});

describe('option_chain table schema', () => {
  it('sizes SYMBOL columns for every contract', async () => {
    const columns = await harness.rows('option_chain', "SELECT \"column\", type, symbolCapacity, upsertKey FROM table_columns('{table}')");
    const byName = new Map(columns.map((c) => [c.column, c]));
    expect(byName.get('instrument_key')).toEqual({ column: 'instrument_key', type: 'SYMBOL', symbolCapacity: 131072, upsertKey: true });
    expect(byName.get('expiry')?.type).toBe('DATE');
    expect(columns.filter((c) => c.upsertKey === true).map((c) => c.column).sort()).toEqual(['instrument_key', 'source', 'ts']);
  });
});
