import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterResolver } from '../../src/schedule/master-resolver.js';
import { PostgresStore } from '../../src/stores/postgres/store.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

let ctx: TestContext;
let resolver: ReturnType<typeof masterResolver>;
const watchlist = (over: Partial<{ instruments: string[]; symbols: string[]; query: 'fo-underlyings' }>) => ({ instruments: [], symbols: [], ...over });

beforeAll(async () => {
  ctx = await createTestContext();
  const store = new PostgresStore(ctx.pool);
  await store.query("INSERT INTO instrument_versions (id, file, url, checksum, bytes, row_count, new_count, changed_count, gone_count, loaded_at, active) VALUES (1, 'NSE', 'x', 'c', 1, 4, 4, 0, 0, now(), true)");
  const row = (key: string, segment: string, symbol: string, extra: Record<string, unknown> = {}) => ({ instrument_key: key, file: 'NSE', version_id: 1, segment, trading_symbol: symbol, raw: {}, ...extra });
  await store.upsert('instruments', ['instrument_key'], [
    row('NSE_EQ|INE002A01018', 'NSE_EQ', 'RELIANCE'),
    row('NSE_INDEX|Nifty 50', 'NSE_INDEX', 'NIFTY'),
    row('NSE_FO|51834', 'NSE_FO', 'NIFTY 24000 CE 30 DEC 26', { underlying_key: 'NSE_INDEX|Nifty 50', expiry: '2026-12-30' }),
    row('NSE_FO|40001', 'NSE_FO', 'RELIANCE FUT 24 DEC 26', { underlying_key: 'NSE_EQ|INE002A01018', expiry: '2026-12-24' }),
    row('NSE_FO|30001', 'NSE_FO', 'TCS FUT 28 NOV 24', { underlying_key: 'NSE_EQ|INE467B01029', expiry: '2024-11-28' }),
  ]);
  resolver = masterResolver(store, () => Date.parse('2026-12-04T06:00:00Z'));
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('watchlist resolution', () => {
  it('resolves NSE equity symbols and segment-qualified ones', async () => {
    expect(await resolver.resolve('core', watchlist({ symbols: ['RELIANCE', 'NSE_INDEX:NIFTY'] }))).toEqual(['NSE_EQ|INE002A01018', 'NSE_INDEX|Nifty 50']);
  });

  it('keeps explicit keys first and drops repeats', async () => {
    expect(await resolver.resolve('core', watchlist({ instruments: ['NSE_EQ|INE002A01018'], symbols: ['RELIANCE'] }))).toEqual(['NSE_EQ|INE002A01018']);
  });

  it('names a symbol the master does not list', async () => {
    await expect(resolver.resolve('core', watchlist({ symbols: ['RELIANCEX'] }))).rejects.toThrow('watchlist core: the instruments master lists no NSE_EQ RELIANCEX');
  });

  it('lists the underlyings with unexpired futures or options', async () => {
    expect(await resolver.resolve('fo', watchlist({ query: 'fo-underlyings' }))).toEqual(['NSE_EQ|INE002A01018', 'NSE_INDEX|Nifty 50']);
  });
});
