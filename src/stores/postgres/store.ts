import type { PostgresClient, PostgresPool } from './pool.js';
import { upsertRows } from './upsert.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * The Postgres operations jobs use, on a pool or inside one transaction. Jobs never import
 * the driver; family-specific SQL lives in modules beside this one that take a store.
 */
export class PostgresStore {
  constructor(private readonly db: PostgresPool | PostgresClient) {}

  /** Inserts rows or updates the rows with the same key; see `upsertRows`. */
  upsert(table: string, keyColumns: readonly string[], rows: readonly Record<string, unknown>[]): Promise<number> {
    return upsertRows(this.db, table, keyColumns, rows);
  }

  /**
   * Replaces every row matching `scope` (such as one account's snapshot of one day) with
   * `rows`, in one transaction, so a rerun leaves exactly the rows of the last run.
   */
  async replace(table: string, scope: Readonly<Record<string, unknown>>, keyColumns: readonly string[], rows: readonly Record<string, unknown>[]): Promise<number> {
    const names = Object.keys(scope);
    for (const name of [table, ...names]) {
      if (!IDENTIFIER.test(name)) throw new RangeError(`invalid SQL identifier ${JSON.stringify(name)}: use lower_snake_case`);
    }
    return this.transaction(async (tx) => {
      const where = names.map((name, i) => `${name} = $${i + 1}`).join(' AND ');
      await tx.query(`DELETE FROM ${table} WHERE ${where}`, names.map((n) => scope[n]));
      return tx.upsert(table, keyColumns, rows);
    });
  }

  /** Runs a query and returns its rows. */
  async query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.db.query<T>(sql, params as unknown[]);
    return result.rows;
  }

  /** Runs `work` in one transaction; inside a transaction already, runs it in that one. */
  async transaction<T>(work: (tx: PostgresStore) => Promise<T>): Promise<T> {
    if (!('totalCount' in this.db)) return work(this);
    const client = await (this.db as PostgresPool).connect();
    try {
      await client.query('BEGIN');
      const result = await work(new PostgresStore(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
