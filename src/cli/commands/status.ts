import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { openAlerts, resolveAlerts } from '../../stores/postgres/alerts.js';
import { backfillProgress } from '../../stores/postgres/chunk-ledger.js';
import { toSafeNumber } from '../../stores/postgres/pool.js';
import { AccountDataSwitch } from '../../queue/account-data-switch.js';
import { openContext } from '../context.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the queue, open alerts, recent backfills with progress, and the last failures')
    .action(async () => {
      const context = openContext(loadConfig());
      try {
        const account = context.config.upstox.account;
        const paused = await context.producer.isPaused();
        console.log(`account ${account}: queues ${paused ? 'PAUSED (run "upstox-ingest resume" once the cause is fixed)' : 'running'}`);
        for (const [priority, counts] of Object.entries(await context.producer.counts())) {
          console.log(`  ${priority.padEnd(9)} ${Object.entries(counts).map(([state, n]) => `${state} ${n}`).join(', ')}`);
        }

        const alerts = await openAlerts(context.pool);
        console.log(alerts.length === 0 ? 'open alerts: none' : 'open alerts:');
        for (const a of alerts) console.log(`  ${a.raisedAt.toISOString()} ${a.account} ${[a.kind, a.subject].filter(Boolean).join(' ')}: ${a.message}`);

        const backfills = await context.pool.query<{ id: bigint; created_at: Date; request: { unit: string; interval: number; fromDate: string; toDate: string; instrumentKeys: string[] } }>(
          'SELECT id, created_at, request FROM backfills WHERE account = $1 ORDER BY id DESC LIMIT 5',
          [account],
        );
        console.log('recent backfills:');
        for (const b of backfills.rows) {
          const p = await backfillProgress(context.pool, toSafeNumber(b.id));
          const r = b.request;
          const states = Object.entries(p.byState).filter(([, n]) => n > 0).map(([state, n]) => `${state} ${n}`).join(', ');
          console.log(`  #${b.id} ${b.created_at.toISOString()} ${r.instrumentKeys.length} instrument(s), ${r.interval}-${r.unit.slice(0, -1)} candles ${r.fromDate}..${r.toDate}: ${states || 'no chunks'}; ${p.rowsWritten} rows`);
        }

        const failures = await context.pool.query<{ finished_at: Date; job_id: string; outcome: string; error_code: string | null; error_message: string | null }>(
          `SELECT finished_at, job_id, outcome, error_code, error_message FROM ingest_runs
           WHERE account = $1 AND outcome IN ('failed', 'retrying') ORDER BY finished_at DESC LIMIT 10`,
          [account],
        );
        console.log(failures.rows.length === 0 ? 'recent failures: none' : 'recent failures:');
        for (const f of failures.rows) console.log(`  ${f.finished_at.toISOString()} ${f.outcome} ${f.job_id} ${f.error_code ?? ''}: ${(f.error_message ?? '').slice(0, 160)}`);
      } finally {
        await context.close();
      }
    });

  program
    .command('resume')
    .description("resume an account's queues after a pause (invalid token, blocked caller, unregistered static IP) and close those alerts")
    .action(async () => {
      const context = openContext(loadConfig());
      try {
        const account = context.config.upstox.account;
        let closed = 0;
        for (const kind of ['token_invalid', 'blocked', 'static_ip']) closed += await resolveAlerts(context.pool, account, kind);
        await context.producer.resume();
        const enabled = await new AccountDataSwitch(context.redis, context.config.redis.queuePrefix).enable(account);
        console.log(`account ${account}: queues resumed${enabled ? ', account-data jobs enabled again' : ''}; ${closed} alert(s) closed`);
      } finally {
        await context.close();
      }
    });
}
