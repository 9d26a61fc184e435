// Queue and job names, in one place. Each Upstox account has its own queue, so pausing an
// account (invalid token, blocked caller) stops only that account's work.

/** Returns the BullMQ queue name of an account. */
export function ingestQueueName(account: string): string {
  return `ingest-${account}`;
}

/** BullMQ priorities: lower runs first. Live polls come before nightly snapshots, which come before backfills. */
export const PRIORITY = { live: 1, nightly: 5, backfill: 10 } as const;
export type PriorityClass = keyof typeof PRIORITY;

/** How long finished jobs stay in Redis for inspection; the ledger in Postgres keeps the lasting record. */
export const KEEP_COMPLETED_SECONDS = 7 * 24 * 3600;
export const KEEP_FAILED_SECONDS = 30 * 24 * 3600;
