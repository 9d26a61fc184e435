import type { PostgresPool } from './pool.js';

export type RunOutcome = 'completed' | 'retrying' | 'failed' | 'deferred' | 'skipped';

export interface RunRecord {
  readonly jobId: string;
  readonly jobName: string;
  readonly queue: string;
  readonly account: string;
  readonly attempt: number;
  readonly inputs: unknown;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly requestsMade: number;
  readonly rowsWritten: number;
  readonly outcome: RunOutcome;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly error?: unknown;
}

/** Appends one job run to `ingest_runs`. */
export async function recordRun(pool: PostgresPool, run: RunRecord): Promise<void> {
  await pool.query(
    `INSERT INTO ingest_runs (job_id, job_name, queue, account, attempt, inputs, started_at, finished_at, duration_ms,
                              requests_made, rows_written, outcome, error_code, error_message, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      run.jobId, run.jobName, run.queue, run.account, run.attempt, JSON.stringify(run.inputs), run.startedAt, run.finishedAt,
      Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()), run.requestsMade, run.rowsWritten, run.outcome,
      run.errorCode ?? null, run.errorMessage ?? null, run.error === undefined ? null : JSON.stringify(run.error),
    ],
  );
}
