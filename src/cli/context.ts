import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/env.js';
import type { Logger } from '../log/logger.js';
import { migrate } from '../migrate/migrate.js';
import { JobProducer } from '../queue/producer.js';
import { createRedis, type Redis } from '../queue/redis.js';
import { createPostgresPool, ensureDatabase, type PostgresPool } from '../stores/postgres/pool.js';
import { QuestDbHttp } from '../stores/questdb/questdb-http.js';

/** The repository root: the nearest folder above this file with a package.json, whether run from src or dist. */
export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const MIGRATIONS_DIR = resolve(PROJECT_ROOT, 'migrations');

/** Connections a CLI command needs; `close` releases all of them. */
export interface CommandContext {
  readonly config: Config;
  readonly pool: PostgresPool;
  readonly questdb: QuestDbHttp;
  readonly redis: Redis;
  readonly producer: JobProducer;
  close(): Promise<void>;
}

/** Opens Postgres, QuestDB and the account's queue. */
export function openContext(config: Config): CommandContext {
  const pool = createPostgresPool(config.postgres.url, { max: 4, applicationName: 'upstox-ingest cli' });
  const questdb = new QuestDbHttp(config.questdb);
  const redis = createRedis(config.redis.url, 'upstox-ingest cli');
  const producer = new JobProducer(redis, config.redis.queuePrefix, config.upstox.account, config.worker.attempts);
  return {
    config,
    pool,
    questdb,
    redis,
    producer,
    async close() {
      await producer.close();
      redis.disconnect();
      await pool.end();
    },
  };
}

/** Creates the database when missing and applies pending migrations to Postgres and QuestDB. */
export async function migrateAll(config: Config, log: Logger): Promise<string[]> {
  if (await ensureDatabase(config.postgres.url)) log.info('created the Postgres database');
  const pool = createPostgresPool(config.postgres.url, { max: 2, applicationName: 'upstox-ingest migrate' });
  try {
    const { applied } = await migrate({ pool, questdb: new QuestDbHttp(config.questdb), tablePrefix: config.questdb.tablePrefix, migrationsDir: MIGRATIONS_DIR, log });
    return applied;
  } finally {
    await pool.end();
  }
}

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the project root (a folder with package.json and migrations/) above ${start}`);
  }
}
