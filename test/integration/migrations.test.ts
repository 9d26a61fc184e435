import { cp, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, splitStatements } from '../../src/migrate/migrate.js';
import { createTestContext, MIGRATIONS_DIR, type TestContext } from '../support/test-context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('migrations', () => {
  it('applies nothing the second time', async () => {
    const result = await migrate({ pool: ctx.pool, questdb: ctx.questdb, tablePrefix: ctx.config.questdb.tablePrefix, migrationsDir: MIGRATIONS_DIR, log: ctx.log });
    expect(result.applied).toEqual([]);
  });

  it('records every file in the ledger', async () => {
    const onDisk = [
      ...(await readdir(join(MIGRATIONS_DIR, 'postgres'))).filter((n) => n.endsWith('.sql')).sort().map((n) => `postgres/${n}`),
      ...(await readdir(join(MIGRATIONS_DIR, 'questdb'))).filter((n) => n.endsWith('.sql')).sort().map((n) => `questdb:${ctx.config.questdb.tablePrefix}/${n}`),
    ];
    const result = await ctx.pool.query<{ target: string; name: string }>('SELECT target, name FROM schema_migrations ORDER BY target, version');
    expect(result.rows.map((r) => `${r.target}/${r.name}`)).toEqual(onDisk);
  });

  it('creates candle tables with deduplication', async () => {
    const prefix = ctx.config.questdb.tablePrefix;
    const result = await ctx.questdb.exec(`SELECT table_name, dedup, walEnabled FROM tables() WHERE table_name IN ('${prefix}candles_daily', '${prefix}candles_intraday') ORDER BY table_name`);
    expect(result.dataset).toEqual([
      [`${ctx.config.questdb.tablePrefix}candles_daily`, true, true],
      [`${ctx.config.questdb.tablePrefix}candles_intraday`, true, true],
    ]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await writeFile(join(dir, 'postgres', '0001_pipeline.sql'), '-- edited\nSELECT 1;\n');
    await expect(migrate({ pool: ctx.pool, questdb: ctx.questdb, tablePrefix: ctx.config.questdb.tablePrefix, migrationsDir: dir, log: ctx.log })).rejects.toThrow(/changed after it was applied/);
  });

  it('refuses a badly named file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await mkdir(join(dir, 'postgres'));
    await mkdir(join(dir, 'questdb'));
    await writeFile(join(dir, 'postgres', 'add-table.sql'), 'SELECT 1;');
    await expect(migrate({ pool: ctx.pool, questdb: ctx.questdb, tablePrefix: ctx.config.questdb.tablePrefix, migrationsDir: dir, log: ctx.log })).rejects.toThrow(/must be named NNNN_lower_snake_case.sql/);
  });

  it('runs two migrators at once without applying twice', async () => {
    const other = await createTestContext();
    try {
      const options = { pool: other.pool, questdb: other.questdb, tablePrefix: `${other.config.questdb.tablePrefix}x_`, migrationsDir: MIGRATIONS_DIR, log: other.log };
      const results = await Promise.all([migrate(options), migrate(options)]);
      const questFiles = (await readdir(join(MIGRATIONS_DIR, 'questdb'))).filter((n) => n.endsWith('.sql')).length;
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, questFiles]);
    } finally {
      await other.cleanup();
    }
  });

  it('splits SQL at line-ending semicolons and drops comments', () => {
    expect(splitStatements('-- note; not a statement\nCREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n')).toEqual(['CREATE TABLE a (x INT)', 'CREATE TABLE b (y INT)']);
  });
});

describe('migrations after QuestDB lost its data', () => {
  it('creates the candle tables again', async () => {
    const ctx2 = await createTestContext();
    try {
      const prefix = ctx2.config.questdb.tablePrefix;
      await ctx2.questdb.exec(`DROP TABLE ${prefix}candles_intraday`);
      await migrate({ pool: ctx2.pool, questdb: ctx2.questdb, tablePrefix: prefix, migrationsDir: MIGRATIONS_DIR, log: ctx2.log });
      const result = await ctx2.questdb.exec(`SELECT dedup FROM tables() WHERE table_name = '${prefix}candles_intraday'`);
      expect(result.dataset).toEqual([[true]]);
    } finally {
      await ctx2.cleanup();
    }
  });
});
