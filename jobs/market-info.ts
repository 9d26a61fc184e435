import type { SnapshotJobDefinition } from './snapshot-job.js';

/** The jobs for market information (status, holidays, timings) and expired instruments. */
export const marketInfoJobs: readonly SnapshotJobDefinition<never>[] = [];
