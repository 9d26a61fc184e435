import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { INSTRUMENT_MASTER_FILES } from '../src/upstox/instruments-master.js';
import { loadInstrumentMaster, type InstrumentMasterPayload } from './instruments-load.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

export const INSTRUMENTS_MASTER_JOB_NAME = 'instruments-master';

/**
 * The priority class to schedule the load in. Upstox regenerates the files once a day
 * (around 06:00 IST, and now and then again later in the day), so it is nightly work.
 */
export const INSTRUMENTS_MASTER_PRIORITY = 'nightly';

export const instrumentsMasterPayloadSchema = z.object({
  file: z.enum(INSTRUMENT_MASTER_FILES),
  /** Overrides the file's minimum row count. */
  minRows: z.number().int().min(1).optional(),
});

/** Loads one Upstox instruments master file (complete, NSE, BSE or MCX) into Postgres and QuestDB. */
export const instrumentsMasterJob: SnapshotJobDefinition<InstrumentMasterPayload> = {
  name: INSTRUMENTS_MASTER_JOB_NAME,
  description: 'load an instruments master file (file=complete|NSE|BSE|MCX) into Postgres, with history, and its QuestDB copy',
  payloadSchema: instrumentsMasterPayloadSchema,
  accountData: false,
  // One id per account and file: the daily run replaces the finished run of the day before.
  jobId: (payload, account) => buildJobId(INSTRUMENTS_MASTER_JOB_NAME, account, payload.file),
  run: (payload, deps) => loadInstrumentMaster(payload, deps),
};

/** The jobs for the instruments master. */
export const instrumentJobs: readonly SnapshotJobDefinition<never>[] = [instrumentsMasterJob as SnapshotJobDefinition<never>];
