import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/stores/postgres/store.js';
import { QuestDbRowWriter, type TableSpec } from '../../src/stores/questdb/row-writer.js';
import { SenderPool } from '../../src/stores/questdb/sender-pool.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

interface Tick {
  readonly tsMs: number;
  readonly key: string;
  readonly price: number | null;
  readonly size: number | null;
  readonly note?: string;
}

const tickSpec: TableSpec<Tick> = {
  table: 'framework_ticks',
  timestampMs: (row) => row.tsMs,
  seriesColumn: 'instrument_key',
  columns: [
    { name: 'instrument_key', kind: 'symbol', value: (row) => row.key },
    { name: 'price', kind: 'float', value: (row) => row.price },
    { name: 'size', kind: 'int', value: (row) => row.size },
    { name: 'note', kind: 'string', value: (row) => row.note },
  ],
};

let ctx: TestContext;
let senders: SenderPool;
let writer: QuestDbRowWriter;
let store: PostgresStore;

beforeAll(async () => {
  ctx = await createTestContext();
  senders = new SenderPool(ctx.config.questdb);
  writer = new QuestDbRowWriter({ http: ctx.questdb, senders, tablePrefix: ctx.config.questdb.tablePrefix });
  const table = writer.table(tickSpec as TableSpec<unknown>);
  await ctx.questdb.exec(`CREATE TABLE ${table} (ts TIMESTAMP, instrument_key SYMBOL, price DOUBLE, size LONG, note VARCHAR) TIMESTAMP(ts) PARTITION BY DAY WAL DEDUP UPSERT KEYS(ts, instrument_key)`);
  store = new PostgresStore(ctx.pool);
  await ctx.pool.query('CREATE TABLE framework_holdings (account text, snapshot_date date, instrument_key text, quantity integer, price numeric, raw jsonb, PRIMARY KEY (account, snapshot_date, instrument_key))');
});
afterAll(async () => {
  await senders.close();
  await ctx.cleanup();
});

describe('QuestDB row writer', () => {
  const t0 = Date.UTC(2024, 2, 28, 3, 45);

  it('stores a missing value as null, not zero', async () => {
    const rows: Tick[] = [
      { tsMs: t0, key: 'NSE_EQ|A', price: 10.5, size: 3, note: 'x' },
      { tsMs: t0 + 60_000, key: 'NSE_EQ|A', price: null, size: null },
    ];
    await writer.write(tickSpec, rows);
    await writer.verify(tickSpec, rows);
    const result = await ctx.questdb.exec(`SELECT price, size, note FROM ${writer.table(tickSpec as TableSpec<unknown>)} ORDER BY ts`);
    expect(result.dataset).toEqual([
      [10.5, 3, 'x'],
      [null, null, null],
    ]);
  });

  it('keeps one row per key when written twice', async () => {
    const rows: Tick[] = [{ tsMs: t0, key: 'NSE_EQ|B', price: 1, size: 1 }];
    await writer.write(tickSpec, rows);
    await writer.write(tickSpec, [{ ...rows[0]!, price: 2 }]);
    await writer.verify(tickSpec, rows);
    const result = await ctx.questdb.exec(`SELECT count(), max(price) FROM ${writer.table(tickSpec as TableSpec<unknown>)} WHERE instrument_key = 'NSE_EQ|B'`);
    expect(result.dataset[0]).toEqual([1, 2]);
  });

  it('fails verification for rows that never arrived', async () => {
    await expect(writer.verify(tickSpec, [{ tsMs: t0, key: 'NSE_EQ|GHOST', price: 1, size: 1 }])).rejects.toThrow(/holds 0 timestamps for NSE_EQ\|GHOST but 1 were written/);
  });

  it('refuses a fractional value for an integer column', async () => {
    await expect(writer.write(tickSpec, [{ tsMs: t0, key: 'NSE_EQ|C', price: 1, size: 2.5 }])).rejects.toThrow(/needs an integer, got 2.5/);
  });

  it('refuses a timestamp before 2000', async () => {
    await expect(writer.write(tickSpec, [{ tsMs: t0 / 1000, key: 'NSE_EQ|C', price: 1, size: 1 }])).rejects.toThrow(/before 2000-01-01/);
  });
});

describe('Postgres store', () => {
  const row = (key: string, quantity: number, price: string) => ({ account: 'main', snapshot_date: '2024-03-28', instrument_key: key, quantity, price, raw: { source: 'test' } });

  it('inserts, then updates the row with the same key', async () => {
    await store.upsert('framework_holdings', ['account', 'snapshot_date', 'instrument_key'], [row('NSE_EQ|A', 10, '100.10')]);
    await store.upsert('framework_holdings', ['account', 'snapshot_date', 'instrument_key'], [row('NSE_EQ|A', 12, '100.20')]);
    const rows = await store.query('SELECT quantity, price::text AS price, raw FROM framework_holdings WHERE instrument_key = $1', ['NSE_EQ|A']);
    expect(rows).toEqual([{ quantity: 12, price: '100.20', raw: { source: 'test' } }]);
  });

  it('keeps the last row of a batch that repeats a key', async () => {
    await store.upsert('framework_holdings', ['account', 'snapshot_date', 'instrument_key'], [row('NSE_EQ|B', 1, '1'), row('NSE_EQ|B', 2, '2')]);
    const rows = await store.query<{ quantity: number }>('SELECT quantity FROM framework_holdings WHERE instrument_key = $1', ['NSE_EQ|B']);
    expect(rows).toEqual([{ quantity: 2 }]);
  });

  it('replaces a whole snapshot so removed rows disappear', async () => {
    const scope = { account: 'main', snapshot_date: '2024-03-29' };
    const keys = ['account', 'snapshot_date', 'instrument_key'];
    await store.replace('framework_holdings', scope, keys, [{ ...row('NSE_EQ|X', 1, '1'), snapshot_date: '2024-03-29' }, { ...row('NSE_EQ|Y', 1, '1'), snapshot_date: '2024-03-29' }]);
    await store.replace('framework_holdings', scope, keys, [{ ...row('NSE_EQ|Y', 5, '1'), snapshot_date: '2024-03-29' }]);
    const rows = await store.query('SELECT instrument_key, quantity FROM framework_holdings WHERE snapshot_date = $1', ['2024-03-29']);
    expect(rows).toEqual([{ instrument_key: 'NSE_EQ|Y', quantity: 5 }]);
  });

  it('rolls back a replace that fails half way', async () => {
    const scope = { account: 'main', snapshot_date: '2024-03-29' };
    const broken = [{ ...row('NSE_EQ|Z', 1, 'not a number'), snapshot_date: '2024-03-29' }];
    await expect(store.replace('framework_holdings', scope, ['account', 'snapshot_date', 'instrument_key'], broken)).rejects.toThrow();
    const rows = await store.query('SELECT instrument_key FROM framework_holdings WHERE snapshot_date = $1', ['2024-03-29']);
    expect(rows).toEqual([{ instrument_key: 'NSE_EQ|Y' }]);
  });

  it('writes columns that only later rows of a batch carry', async () => {
    await store.upsert('framework_holdings', ['account', 'snapshot_date', 'instrument_key'], [
      { account: 'main', snapshot_date: '2024-04-01', instrument_key: 'NSE_EQ|P', quantity: 1 },
      { account: 'main', snapshot_date: '2024-04-01', instrument_key: 'NSE_EQ|Q', quantity: 2, price: '9.5' },
    ]);
    const rows = await store.query('SELECT instrument_key, price::text AS price FROM framework_holdings WHERE snapshot_date = $1 ORDER BY 1', ['2024-04-01']);
    expect(rows).toEqual([
      { instrument_key: 'NSE_EQ|P', price: null },
      { instrument_key: 'NSE_EQ|Q', price: '9.5' },
    ]);
  });

  it('rejects a table name that is not an identifier', async () => {
    await expect(store.upsert('holdings; DROP TABLE x', ['a'], [{ a: 1 }])).rejects.toThrow(/invalid SQL identifier/);
  });
});
