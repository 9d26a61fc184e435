import { planCandleBackfill, type CandlePlan, type CandlePlanInput } from '../candles/plan.js';
import type { JobProducer } from '../queue/producer.js';
import { backfillProgress, recordBackfill, type BackfillProgress } from '../stores/postgres/chunk-ledger.js';
import type { PostgresPool } from '../stores/postgres/pool.js';
import { CANDLE_JOB_NAME } from '../../jobs/candles.js';

export interface StartedBackfill {
  readonly backfillId: number;
  readonly plan: CandlePlan;
  /** Chunks sent to the queue now. */
  readonly enqueued: number;
  /** Chunks already waiting or running from an earlier backfill. */
  readonly alreadyQueued: number;
  /** Chunks settled earlier and skipped (pass `refetch` to fetch them again). */
  readonly alreadySettled: number;
}

/**
 * Plans a candle backfill, records every chunk in the ledger, and queues the chunks that need
 * a request. Chunks stored by an earlier backfill are not fetched again unless `refetch` is set.
 */
export async function startCandleBackfill(
  pool: PostgresPool,
  producer: JobProducer,
  input: CandlePlanInput,
  options: { refetch?: boolean } = {},
): Promise<StartedBackfill> {
  const plan = planCandleBackfill(input);
  const { backfillId, toFetch } = await recordBackfill(pool, input.account, { ...input, refetch: options.refetch ?? false }, plan.chunks, options);
  const wanted = new Set(toFetch);
  const items = plan.chunks
    .filter((c) => wanted.has(c.chunkId))
    .map((c) => ({
      jobId: c.chunkId,
      name: CANDLE_JOB_NAME,
      data: {
        chunkId: c.chunkId, account: c.account, instrumentKey: c.instrumentKey, unit: c.unit, interval: c.interval,
        source: c.source, fromDate: c.fromDate, toDate: c.toDate,
      },
    }));
  const { added, alreadyQueued } = await producer.enqueue(items, 'backfill');
  const requested = plan.chunks.filter((c) => c.state === 'pending').length;
  return { backfillId, plan, enqueued: added, alreadyQueued, alreadySettled: requested - toFetch.length };
}

/**
 * Polls the ledger until every chunk of the backfill is settled, calling `onProgress` after
 * each poll. Rejects after `timeoutMs` when set.
 */
export async function waitForBackfill(
  pool: PostgresPool,
  backfillId: number,
  options: { pollMs?: number; timeoutMs?: number; onProgress?: (progress: BackfillProgress) => void } = {},
): Promise<BackfillProgress> {
  const started = Date.now();
  for (;;) {
    const progress = await backfillProgress(pool, backfillId);
    options.onProgress?.(progress);
    if (progress.finished >= progress.total) return progress;
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new Error(`backfill ${backfillId} did not finish within ${options.timeoutMs} ms: ${progress.finished} of ${progress.total} chunks settled`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
