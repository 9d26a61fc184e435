import { PRIORITY_CLASSES, type PriorityClass } from '../rate-budget/rate-budget.js';

// Queue and job names, in one place. Each account has one queue per priority class, so a
// backfill waiting for budget never holds up live work, and pausing an account (invalid
// token, blocked caller) pauses exactly its three queues.

export { PRIORITY_CLASSES, type PriorityClass };

/** Returns the BullMQ queue name of an account's priority class. */
export function ingestQueueName(account: string, priority: PriorityClass): string {
  return `ingest-${account}-${priority}`;
}

/** How long finished jobs stay in Redis for inspection; the ledger in Postgres keeps the lasting record. */
export const KEEP_COMPLETED_SECONDS = 7 * 24 * 3600;
export const KEEP_FAILED_SECONDS = 30 * 24 * 3600;

/** Upstox 429 responses one job may wait out before it fails as rate-limited. */
export const MAX_RATE_LIMIT_DEFERRALS = 20;
