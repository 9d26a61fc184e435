import type { Logger } from '../log/logger.js';
import type { PriorityClass } from '../rate-budget/rate-budget.js';
import type { JobSummary } from '../../jobs/job-summary.js';

/** The run's context that a handler receives besides its payload. */
export interface JobContext {
  readonly log: Logger;
  /** The priority class of the queue the job came from; requests draw on that class's budget. */
  readonly priority: PriorityClass;
}

/** The worker's hooks for one job name: payload validation, the run, and the record of a final failure. */
export interface JobHandler<Payload = unknown> {
  /** True for jobs that call account APIs, which answer only from the account's registered static IP. */
  readonly accountData?: boolean;
  /** Validates the job's data; a payload that does not parse fails the job without retries. */
  parse(data: unknown): Payload;
  run(payload: Payload, context: JobContext): Promise<JobSummary>;
  /** Called once when no attempt follows, with the error of the last one. */
  giveUp(payload: Payload, error: unknown, context: JobContext): Promise<void>;
  /** Called when the job's data does not parse, so the handler can close whatever the job stood for. */
  rejectInvalid?(data: unknown, error: unknown, context: JobContext): Promise<void>;
}
