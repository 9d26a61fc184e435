import pg from 'pg';

export type PostgresPool = pg.Pool;
export type PostgresClient = pg.PoolClient;

// pg's defaults lose information: int8 would be a string (fine, but easy to compare wrongly
// with a number), `date` becomes a JS Date at host-local midnight, and `timestamp without
// time zone` is read as host-local time. These parsers make every value exact and
// independent of the host time zone. They are set per pool, never globally.
const OID_INT8 = 20;
const OID_DATE = 1082;
const OID_TIMESTAMP = 1114;

const parsers: Record<number, (value: string) => unknown> = {
  // Exact 64-bit integers; callers narrow with toSafeNumber where a number is needed.
  [OID_INT8]: (value) => BigInt(value),
  // A calendar date stays `YYYY-MM-DD`.
  [OID_DATE]: (value) => value,
  // The schema uses timestamptz only; a bare timestamp is read as UTC rather than local time.
  [OID_TIMESTAMP]: (value) => new Date(`${value.replace(' ', 'T')}Z`),
};

const typeParsers = {
  getTypeParser: ((oid: number, format?: string) => parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * Creates a connection pool whose type parsers are exact and time-zone independent.
 * `onIdleError` hears about an idle connection that the server closed (a restart, an
 * administrator); the pool drops that connection and opens a new one for the next query.
 * Without a listener such an error would crash the process.
 */
export function createPostgresPool(
  connectionString: string,
  options: { max?: number; applicationName?: string; onIdleError?: (error: Error) => void } = {},
): PostgresPool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'upstox-ingest',
    types: typeParsers,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/** Converts an int8 value to a number, refusing values a double cannot hold exactly. */
export function toSafeNumber(value: bigint | number | string): number {
  const n = typeof value === 'bigint' ? Number(value) : Number(value);
  if (!Number.isSafeInteger(n) || BigInt(n) !== BigInt(value)) {
    throw new RangeError(`integer ${String(value)} does not fit a JavaScript number exactly; keep it as a bigint`);
  }
  return n;
}

/** Runs `work` inside a transaction on one client, rolling back on error. */
export async function withTransaction<T>(pool: PostgresPool, work: (client: PostgresClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Creates the database named in `connectionString` when it does not exist yet. */
export async function ensureDatabase(connectionString: string): Promise<boolean> {
  const url = new URL(connectionString);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(database)) {
    throw new RangeError(`database name ${JSON.stringify(database)} in DATABASE_URL must contain only letters, digits and underscores`);
  }
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE ${database}`).catch((error: { code?: string }) => {
      // Another process created it between the check and the create.
      if (error.code !== '42P04') throw error;
    });
    return true;
  } finally {
    await client.end();
  }
}
