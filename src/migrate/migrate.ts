import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { MigrationLedger, type AppliedMigration } from '../stores/postgres/migration-ledger.js';
import type { PostgresPool } from '../stores/postgres/pool.js';
import { dedupState, rewriteWithDedup } from '../stores/questdb/dedup.js';
import type { QuestDbHttp } from '../stores/questdb/questdb-http.js';

/** Tables whose rows must be deduplicated, with their keys; a table found without DEDUP is rewritten. */
const DEDUP_TABLES: Readonly<Record<string, readonly string[]>> = {
  candles_intraday: ['ts', 'instrument_key', 'interval'],
  candles_daily: ['ts', 'instrument_key', 'interval'],
  quotes: ['ts', 'instrument_key', 'source'],
  option_chain: ['ts', 'instrument_key', 'source'],
  feed_ticks: ['ts', 'instrument_key', 'received_ts'],
  feed_market_status: ['ts', 'segment'],
};

export interface MigrateOptions {
  readonly pool: PostgresPool;
  readonly questdb: QuestDbHttp;
  readonly tablePrefix: string;
  readonly migrationsDir: string;
  readonly log: Logger;
}

interface MigrationFile extends AppliedMigration {
  readonly sql: string;
}

/** Applies every pending Postgres and QuestDB migration, in version order, under the migration lock. */
export async function migrate(options: MigrateOptions): Promise<{ applied: string[] }> {
  const applied: string[] = [];
  const ledger = await MigrationLedger.open(options.pool);
  try {
    for (const file of await pending(ledger, 'postgres', join(options.migrationsDir, 'postgres'))) {
      await ledger.applyPostgres('postgres', file, file.sql);
      applied.push(`postgres/${file.name}`);
      options.log.info({ migration: file.name }, 'applied Postgres migration');
    }
    // QuestDB DDL is idempotent and runs in full every time: the ledger lives in Postgres,
    // so a QuestDB whose data was lost (a new container, a wiped volume) gets its tables back.
    const questTarget = `questdb:${options.tablePrefix}`;
    const newQuestFiles = new Set((await pending(ledger, questTarget, join(options.migrationsDir, 'questdb'))).map((f) => f.version));
    for (const file of await readMigrations(join(options.migrationsDir, 'questdb'))) {
      for (const statement of splitStatements(file.sql.replaceAll('${prefix}', options.tablePrefix))) {
        await options.questdb.exec(statement);
      }
      if (!newQuestFiles.has(file.version)) continue;
      await ledger.record(questTarget, file);
      applied.push(`questdb/${file.name}`);
      options.log.info({ migration: file.name, tablePrefix: options.tablePrefix }, 'applied QuestDB migration');
    }
    await ensureDedup(options);
  } finally {
    await ledger.close();
  }
  return { applied };
}

async function pending(ledger: MigrationLedger, target: string, dir: string): Promise<MigrationFile[]> {
  const files = await readMigrations(dir);
  const done = await ledger.applied(target);
  const result: MigrationFile[] = [];
  for (const file of files) {
    const previous = done.get(file.version);
    if (!previous) {
      result.push(file);
    } else if (previous.checksum !== file.checksum) {
      throw new Error(
        `migration ${target}/${file.name} changed after it was applied (checksum ${previous.checksum.slice(0, 12)} → ` +
          `${file.checksum.slice(0, 12)}); migrations are append-only, so restore it and add a new numbered file instead`,
      );
    }
  }
  return result;
}

/** Reads `NNNN_name.sql` files in version order. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = /^(\d{4})_[a-z0-9_]+\.sql$/.exec(name);
    if (!match) throw new Error(`migration file ${join(dir, name)} must be named NNNN_lower_snake_case.sql`);
    const sql = await readFile(join(dir, name), 'utf8');
    files.push({ version: Number(match[1]), name, checksum: createHash('sha256').update(sql).digest('hex'), sql });
  }
  const versions = files.map((f) => f.version);
  if (new Set(versions).size !== versions.length) throw new Error(`two migration files in ${dir} share a version number`);
  return files;
}

/** Splits a SQL file into statements at semicolons that end a line, dropping `--` comments. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

async function ensureDedup(options: MigrateOptions): Promise<void> {
  for (const [name, keys] of Object.entries(DEDUP_TABLES)) {
    const table = `${options.tablePrefix}${name}`;
    const state = await dedupState(options.questdb, table);
    if (state.exists && !state.dedup) {
      const { before, after } = await rewriteWithDedup(options.questdb, table, keys);
      options.log.warn({ table, before, after }, 'QuestDB table had no deduplication; rewrote it with DEDUP UPSERT KEYS');
    }
  }
}
