import type { Logger } from '../log/logger.js';
import type { JobSummary } from '../../jobs/job-summary.js';

/** How the worker runs one job name: validate the payload, run it, and record a final failure. */
export interface JobHandler<Payload = unknown> {
  /** Validates the job's data; a payload that does not parse fails the job without retries. */
  parse(data: unknown): Payload;
  run(payload: Payload, log: Logger): Promise<JobSummary>;
  /** Called once when no attempt follows, with the error of the last one. */
  giveUp(payload: Payload, error: unknown, log: Logger): Promise<void>;
}
