import type { SnapshotJobDefinition } from './snapshot-job.js';

/** The jobs for account data (profile, funds, portfolio, orders, trades, P&L, mutual funds). */
export const accountJobs: readonly SnapshotJobDefinition<never>[] = [];
