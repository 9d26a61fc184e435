import type { SnapshotJobDefinition } from './snapshot-job.js';

/** The jobs for the instruments master. */
export const instrumentJobs: readonly SnapshotJobDefinition<never>[] = [];
