import type { PostgresPool } from './pool.js';

export interface AlertInput {
  readonly account: string;
  readonly kind: string;
  readonly subject?: string;
  readonly message: string;
  readonly details?: unknown;
}

/** Opens an alert unless the same one is already open; returns true when this call opened it. */
export async function raiseAlert(pool: PostgresPool, alert: AlertInput): Promise<boolean> {
  const result = await pool.query(
    `INSERT INTO alerts (account, kind, subject, message, details) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (account, kind, subject) WHERE resolved_at IS NULL DO NOTHING`,
    [alert.account, alert.kind, alert.subject ?? '', alert.message, JSON.stringify(alert.details ?? {})],
  );
  return result.rowCount === 1;
}

/** Resolves the open alerts of an account, optionally of one kind; returns how many. */
export async function resolveAlerts(pool: PostgresPool, account: string, kind?: string): Promise<number> {
  const result = await pool.query(
    'UPDATE alerts SET resolved_at = now() WHERE account = $1 AND resolved_at IS NULL AND ($2::text IS NULL OR kind = $2)',
    [account, kind ?? null],
  );
  return result.rowCount ?? 0;
}

/** Lists open alerts, newest first. */
export async function openAlerts(pool: PostgresPool): Promise<{ account: string; kind: string; subject: string; message: string; raisedAt: Date }[]> {
  const result = await pool.query<{ account: string; kind: string; subject: string; message: string; raised_at: Date }>(
    'SELECT account, kind, subject, message, raised_at FROM alerts WHERE resolved_at IS NULL ORDER BY raised_at DESC',
  );
  return result.rows.map((r) => ({ account: r.account, kind: r.kind, subject: r.subject, message: r.message, raisedAt: r.raised_at }));
}
