import { accountJobs } from './account.js';
import { analyticsJobs } from './analytics.js';
import { candlesEodJob } from './candles-eod.js';
import { completenessReportJob } from './completeness-report.js';
import { instrumentJobs } from './instruments.js';
import { marketInfoJobs } from './market-info.js';
import { optionJobs } from './options.js';
import { quoteJobs } from './quotes.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

/** Every job besides the candle job, by family. */
export const SNAPSHOT_JOBS: readonly SnapshotJobDefinition<never>[] = [
  candlesEodJob,
  completenessReportJob,
  ...quoteJobs,
  ...optionJobs,
  ...marketInfoJobs,
  ...instrumentJobs,
  ...accountJobs,
  ...analyticsJobs,
] as SnapshotJobDefinition<never>[];
