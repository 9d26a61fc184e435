import { accountJobs } from '../../jobs/account.js';
import type { SnapshotJobDefinition } from '../../jobs/snapshot-job.js';
import type { JobProducer } from '../../src/queue/producer.js';
import type { PostgresPool } from '../../src/stores/postgres/pool.js';

/** What one queued job ended as. */
export interface JobResult {
  readonly jobId: string;
  readonly state: 'completed' | 'failed';
  readonly returnvalue: { requestsMade: number; rowsWritten: number; state: string; detail?: string } | undefined;
  readonly failedReason: string | undefined;
}

/** Polls `probe` every 50 ms until it returns a value; fails after `timeoutMs`, naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Validates `data` with the job's payload schema (as `upstox-ingest snapshot` does), queues
 * the job in the nightly class under its derived id, and waits until it completes or fails.
 */
export async function runAccountJob(producer: JobProducer, name: string, data: Record<string, unknown> = {}): Promise<JobResult> {
  const definition = (accountJobs as readonly SnapshotJobDefinition<unknown>[]).find((j) => j.name === name);
  if (!definition) throw new Error(`no account job named ${name}`);
  const payload = definition.payloadSchema.parse(data) as Record<string, unknown>;
  const jobId = definition.jobId(payload, 'main');
  await producer.enqueue([{ jobId, name, data: payload }], 'nightly');
  const queue = producer.queues.nightly;
  const state = await waitFor(`job ${jobId} to finish`, async () => {
    const s = await queue.getJobState(jobId);
    return s === 'completed' || s === 'failed' ? s : undefined;
  });
  const job = await queue.getJob(jobId);
  return { jobId, state, returnvalue: job?.returnvalue as JobResult['returnvalue'], failedReason: job?.failedReason };
}

/** Counts the rows of a table. */
export async function countRows(pool: PostgresPool, table: string): Promise<number> {
  const result = await pool.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(result.rows[0]!.n);
}

/** Returns the outcomes of a job's runs in `ingest_runs`, oldest first. */
export async function runOutcomes(pool: PostgresPool, jobId: string): Promise<string[]> {
  const result = await pool.query<{ outcome: string }>('SELECT outcome FROM ingest_runs WHERE job_id = $1 ORDER BY id', [jobId]);
  return result.rows.map((r) => r.outcome);
}
