import type { PostgresPool } from './pool.js';
import { toSafeNumber, withTransaction } from './pool.js';

export const CHUNK_STATES = ['pending', 'done', 'empty', 'unavailable', 'suspect', 'empty_trading_day', 'failed', 'partial'] as const;
export type ChunkState = (typeof CHUNK_STATES)[number];

/** States that need no more work: a rerun of the same backfill skips these chunks. */
export const SETTLED_STATES: readonly ChunkState[] = ['done', 'empty', 'unavailable'];

export interface ChunkRecord {
  readonly chunkId: string;
  readonly account: string;
  readonly instrumentKey: string;
  readonly unit: string;
  readonly interval: number;
  readonly source: 'historical' | 'intraday';
  readonly fromDate: string;
  readonly toDate: string;
  readonly state: ChunkState;
  readonly detail?: string;
}

export interface ChunkOutcome {
  readonly state: ChunkState;
  readonly rowsWritten: number;
  readonly requestsMade: number;
  readonly detail?: string;
  readonly errorCode?: string;
}

export interface BackfillProgress {
  readonly total: number;
  readonly byState: Readonly<Record<ChunkState, number>>;
  readonly rowsWritten: number;
  /** Chunks that are no longer pending. */
  readonly finished: number;
}

/**
 * Records a backfill and its chunks. A chunk already settled keeps its state unless
 * `refetch` is set; every other chunk takes the planned state. Returns the backfill id and
 * the chunks that now wait for a fetch.
 */
export async function recordBackfill(
  pool: PostgresPool,
  account: string,
  request: unknown,
  chunks: readonly ChunkRecord[],
  options: { refetch?: boolean } = {},
): Promise<{ backfillId: number; toFetch: string[] }> {
  // A batch must not hold one key twice, or the INSERT ... ON CONFLICT statement fails.
  const unique = [...new Map(chunks.map((c) => [c.chunkId, c])).values()];
  return withTransaction(pool, async (client) => {
    const backfill = await client.query<{ id: bigint }>('INSERT INTO backfills (account, request) VALUES ($1, $2) RETURNING id', [
      account,
      JSON.stringify(request),
    ]);
    const backfillId = toSafeNumber(backfill.rows[0]!.id);
    const column = <K extends keyof ChunkRecord>(key: K) => unique.map((c) => c[key] ?? null);
    const result = await client.query<{ chunk_id: string; state: ChunkState }>(
      `INSERT INTO candle_chunks (chunk_id, account, instrument_key, unit, interval, source, from_date, to_date, state, detail)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::date[], $8::date[], $9::text[], $10::text[])
       ON CONFLICT (chunk_id) DO UPDATE SET
         state = CASE WHEN candle_chunks.state = ANY($11::text[]) AND NOT $12::boolean THEN candle_chunks.state ELSE EXCLUDED.state END,
         detail = CASE WHEN candle_chunks.state = ANY($11::text[]) AND NOT $12::boolean THEN candle_chunks.detail ELSE EXCLUDED.detail END,
         updated_at = now()
       RETURNING chunk_id, state`,
      [
        column('chunkId'), column('account'), column('instrumentKey'), column('unit'), column('interval'), column('source'),
        column('fromDate'), column('toDate'), column('state'), column('detail'), SETTLED_STATES, options.refetch ?? false,
      ],
    );
    await client.query(
      'INSERT INTO backfill_chunks (backfill_id, chunk_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
      [backfillId, column('chunkId')],
    );
    const toFetch = result.rows.filter((r) => r.state === 'pending').map((r) => r.chunk_id);
    return { backfillId, toFetch };
  });
}

/** Stores the outcome of fetching one chunk. */
export async function settleChunk(pool: PostgresPool, chunkId: string, outcome: ChunkOutcome): Promise<void> {
  await pool.query(
    `UPDATE candle_chunks SET state = $2, rows_written = $3, requests_made = requests_made + $4, detail = $5, error_code = $6, updated_at = now()
     WHERE chunk_id = $1`,
    [chunkId, outcome.state, outcome.rowsWritten, outcome.requestsMade, outcome.detail ?? null, outcome.errorCode ?? null],
  );
}

/** Returns a chunk's ledger row, or undefined when it was never planned. */
export async function getChunk(pool: PostgresPool, chunkId: string): Promise<(ChunkRecord & { rowsWritten: number; requestsMade: number; errorCode: string | null }) | undefined> {
  const result = await pool.query(
    `SELECT chunk_id, account, instrument_key, unit, interval, source, from_date, to_date, state, detail, rows_written, requests_made, error_code
     FROM candle_chunks WHERE chunk_id = $1`,
    [chunkId],
  );
  const r = result.rows[0];
  if (!r) return undefined;
  return {
    chunkId: r.chunk_id, account: r.account, instrumentKey: r.instrument_key, unit: r.unit, interval: r.interval, source: r.source,
    fromDate: r.from_date, toDate: r.to_date, state: r.state, detail: r.detail ?? undefined, rowsWritten: r.rows_written,
    requestsMade: r.requests_made, errorCode: r.error_code,
  };
}

/** Counts a backfill's chunks by state. */
export async function backfillProgress(pool: PostgresPool, backfillId: number): Promise<BackfillProgress> {
  const result = await pool.query<{ state: ChunkState; chunks: bigint; rows: bigint }>(
    `SELECT c.state, count(*) AS chunks, coalesce(sum(c.rows_written), 0)::bigint AS rows
     FROM backfill_chunks b JOIN candle_chunks c USING (chunk_id) WHERE b.backfill_id = $1 GROUP BY c.state`,
    [backfillId],
  );
  const byState = Object.fromEntries(CHUNK_STATES.map((s) => [s, 0])) as Record<ChunkState, number>;
  let total = 0;
  let rowsWritten = 0;
  for (const row of result.rows) {
    byState[row.state] = toSafeNumber(row.chunks);
    total += byState[row.state];
    rowsWritten += toSafeNumber(row.rows);
  }
  return { total, byState, rowsWritten, finished: total - byState.pending };
}

/** Lists a backfill's chunks that ended in a state other than done, for the CLI's summary. */
export async function backfillProblems(pool: PostgresPool, backfillId: number): Promise<{ chunkId: string; state: ChunkState; detail: string | null }[]> {
  const result = await pool.query<{ chunk_id: string; state: ChunkState; detail: string | null }>(
    `SELECT c.chunk_id, c.state, c.detail FROM backfill_chunks b JOIN candle_chunks c USING (chunk_id)
     WHERE b.backfill_id = $1 AND c.state NOT IN ('done', 'empty', 'pending') ORDER BY c.chunk_id`,
    [backfillId],
  );
  return result.rows.map((r) => ({ chunkId: r.chunk_id, state: r.state, detail: r.detail }));
}
