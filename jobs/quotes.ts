import type { SnapshotJobDefinition } from './snapshot-job.js';

/** The jobs for quote snapshots (full market quote, OHLC V3, LTP V3). */
export const quoteJobs: readonly SnapshotJobDefinition<never>[] = [];
