import type { SnapshotJobDefinition } from './snapshot-job.js';

/** The jobs for option snapshots (greeks V3, option contracts, option chain). */
export const optionJobs: readonly SnapshotJobDefinition<never>[] = [];
