import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../../src/config/env.js';

// Checks that the three real services answer before any test runs, and fails at once with
// the host, the port and the command that starts them.
export default async function checkServices(): Promise<void> {
  const config = loadConfig({ ...process.env, UPSTOX_ACCESS_TOKEN: undefined, UPSTOX_ACCESS_TOKEN_FILE: undefined });
  const problems: string[] = [];
  const hint = 'start it with: bash scripts/services.sh up';

  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push(`Redis is not answering at ${config.redis.url} (${(error as Error).message}); ${hint}`);
  } finally {
    redis.disconnect();
  }

  const adminUrl = new URL(config.postgres.url);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    problems.push(`Postgres is not answering at ${adminUrl.host} (${(error as Error).message}); ${hint}`);
  } finally {
    await client.end().catch(() => undefined);
  }

  try {
    const response = await fetch(`${config.questdb.httpUrl}/exec?query=SELECT%201`, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    problems.push(`QuestDB is not answering at ${config.questdb.httpUrl} (${(error as Error).message}); ${hint}`);
  }

  if (problems.length > 0) throw new Error(`the tests need real services:\n  - ${problems.join('\n  - ')}`);
}
