import { corporateActionsJob, fundamentalsJob } from './analytics-fundamentals.js';
import { marketAnalyticsJob } from './analytics-market.js';
import { newsJob } from './analytics-news.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

/** The jobs for market analytics, fundamentals, corporate actions and news. */
export const analyticsJobs = [marketAnalyticsJob, fundamentalsJob, corporateActionsJob, newsJob] as unknown as readonly SnapshotJobDefinition<never>[];
