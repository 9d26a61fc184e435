import type { PostgresPool } from './pool.js';

export interface QuarantineInput {
  readonly account: string;
  readonly jobId?: string;
  readonly requestPath: string;
  readonly httpStatus?: number;
  readonly reason: string;
  readonly issues?: readonly string[];
  readonly rawBody: string;
}

/** Keeps a response body that failed validation, with the reason, for later inspection. */
export async function quarantineBody(pool: PostgresPool, input: QuarantineInput): Promise<void> {
  await pool.query(
    `INSERT INTO quarantine (account, job_id, request_path, http_status, reason, issues, raw_body) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [input.account, input.jobId ?? null, input.requestPath, input.httpStatus ?? null, input.reason, JSON.stringify(input.issues ?? []), input.rawBody],
  );
}
