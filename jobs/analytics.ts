import type { SnapshotJobDefinition } from './snapshot-job.js';

/** The jobs for market analytics, fundamentals, corporate actions and news. */
export const analyticsJobs: readonly SnapshotJobDefinition<never>[] = [];
