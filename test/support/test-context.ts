import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config/env.js';
import { silentLogger, type Logger } from '../../src/log/logger.js';
import { migrate } from '../../src/migrate/migrate.js';
import { createPostgresPool, ensureDatabase, type PostgresPool } from '../../src/stores/postgres/pool.js';
import { QuestDbHttp, sqlString } from '../../src/stores/questdb/questdb-http.js';

export const MIGRATIONS_DIR = resolve(import.meta.dirname, '..', '..', 'migrations');

/** Everything one test file owns: its database, queue prefix and QuestDB table prefix. */
export interface TestContext {
  readonly id: string;
  readonly config: Config;
  readonly pool: PostgresPool;
  readonly questdb: QuestDbHttp;
  readonly redis: Redis;
  readonly log: Logger;
  /** Environment variables that point a child process at this context. */
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * Creates an isolated context: a fresh Postgres database, a Redis queue prefix and QuestDB
 * tables under a unique prefix, all migrated. `cleanup` drops all three.
 */
export async function createTestContext(env: Record<string, string | undefined> = {}): Promise<TestContext> {
  const id = randomBytes(4).toString('hex');
  const base = loadConfig({ ...process.env, UPSTOX_ACCESS_TOKEN: undefined, UPSTOX_ACCESS_TOKEN_FILE: undefined });
  const dbUrl = new URL(base.postgres.url);
  dbUrl.pathname = `/upstox_test_${id}`;
  const testEnv: Record<string, string> = {
    DATABASE_URL: dbUrl.toString(),
    QUEUE_PREFIX: `{test-${id}}`,
    QUESTDB_TABLE_PREFIX: `t${id}_`,
    REDIS_URL: base.redis.url,
    QUESTDB_HTTP_URL: base.questdb.httpUrl,
    LOG_LEVEL: 'silent',
    // Test workers run many at once; none serves metrics unless a test asks for a port.
    METRICS_PORT: '0',
  };
  const config = loadConfig({ ...process.env, UPSTOX_ACCESS_TOKEN: undefined, UPSTOX_ACCESS_TOKEN_FILE: undefined, ...testEnv, ...env });
  await ensureDatabase(config.postgres.url);
  const pool = createPostgresPool(config.postgres.url, { max: 5 });
  const questdb = new QuestDbHttp(config.questdb);
  const log = silentLogger();
  await migrate({ pool, questdb, tablePrefix: config.questdb.tablePrefix, migrationsDir: MIGRATIONS_DIR, log });
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null });

  return {
    id,
    config,
    pool,
    questdb,
    redis,
    log,
    env: testEnv,
    async cleanup() {
      await pool.end();
      await dropDatabase(config.postgres.url);
      await dropQuestDbTables(questdb, config.questdb.tablePrefix);
      await deleteKeys(redis, config.redis.queuePrefix);
      redis.disconnect();
    },
  };
}

async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function dropQuestDbTables(questdb: QuestDbHttp, prefix: string): Promise<void> {
  const result = await questdb.exec(`SELECT table_name FROM tables() WHERE table_name LIKE ${sqlString(`${prefix}%`)}`);
  for (const [name] of result.dataset) await questdb.exec(`DROP TABLE IF EXISTS ${String(name)}`);
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
