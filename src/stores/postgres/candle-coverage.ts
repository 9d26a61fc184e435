import type { PostgresPool } from './pool.js';

/** Widens the stored extent of an instrument and interval to include `firstMs`..`lastMs`. */
export async function extendCoverage(pool: PostgresPool, instrumentKey: string, interval: string, firstMs: number, lastMs: number): Promise<void> {
  await pool.query(
    `INSERT INTO candle_coverage (instrument_key, interval, first_ts, last_ts) VALUES ($1, $2, $3, $4)
     ON CONFLICT (instrument_key, interval) DO UPDATE SET
       first_ts = LEAST(candle_coverage.first_ts, EXCLUDED.first_ts),
       last_ts = GREATEST(candle_coverage.last_ts, EXCLUDED.last_ts),
       updated_at = now()`,
    [instrumentKey, interval, new Date(firstMs), new Date(lastMs)],
  );
}

/** Returns the newest stored bar of an instrument and interval: where an incremental fetch resumes. */
export async function resumeCursor(pool: PostgresPool, instrumentKey: string, interval: string): Promise<Date | undefined> {
  const result = await pool.query<{ last_ts: Date }>('SELECT last_ts FROM candle_coverage WHERE instrument_key = $1 AND interval = $2', [
    instrumentKey,
    interval,
  ]);
  return result.rows[0]?.last_ts;
}
