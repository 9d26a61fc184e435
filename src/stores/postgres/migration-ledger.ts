import type { PostgresClient, PostgresPool } from './pool.js';

// Migrations of every target (Postgres itself, and QuestDB per table prefix) are recorded in
// one ledger and applied under one advisory lock, so two processes never migrate at once.
const MIGRATION_LOCK_KEY = 4_242_170_001;

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

/** The ledger and lock of applied migrations, held on one connection for the whole run. */
export class MigrationLedger {
  private constructor(private readonly client: PostgresClient) {}

  /** Takes the migration lock (waiting for another migrating process) and creates the ledger table. */
  static async open(pool: PostgresPool): Promise<MigrationLedger> {
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          target      text        NOT NULL,
          version     integer     NOT NULL,
          name        text        NOT NULL,
          checksum    text        NOT NULL,
          applied_at  timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (target, version)
        )`);
      return new MigrationLedger(client);
    } catch (error) {
      client.release();
      throw error;
    }
  }

  /** Returns the migrations already applied to `target`, by version. */
  async applied(target: string): Promise<Map<number, AppliedMigration>> {
    const result = await this.client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations WHERE target = $1',
      [target],
    );
    return new Map(result.rows.map((r) => [r.version, r]));
  }

  /** Runs a Postgres migration's SQL and records it, in one transaction. */
  async applyPostgres(target: string, migration: AppliedMigration, sql: string): Promise<void> {
    await this.client.query('BEGIN');
    try {
      await this.client.query(sql);
      await this.record(target, migration);
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK');
      throw error;
    }
  }

  /** Records a migration applied elsewhere (QuestDB). */
  async record(target: string, migration: AppliedMigration): Promise<void> {
    await this.client.query('INSERT INTO schema_migrations (target, version, name, checksum) VALUES ($1, $2, $3, $4)', [
      target,
      migration.version,
      migration.name,
      migration.checksum,
    ]);
  }

  /** Releases the lock and the connection. */
  async close(): Promise<void> {
    try {
      await this.client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    } finally {
      this.client.release();
    }
  }
}
