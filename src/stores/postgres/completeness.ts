import type { CompletenessRow, ScheduledRun } from '../../schedule/completeness.js';
import { istMidnight, addDays, type IsoDate } from '../../time/ist.js';
import { toSafeNumber } from './pool.js';
import type { PostgresStore } from './store.js';

/** Reads the runs of scheduled jobs whose slots fall on the IST date. */
export async function scheduledRunsOn(store: PostgresStore, date: IsoDate): Promise<ScheduledRun[]> {
  // Slots on a date can run until well after it ends (a backlog), so runs are selected by
  // the slot in their job id, not by when they ran.
  const rows = await store.query<{ job_id: string; outcome: string }>(
    `SELECT job_id, outcome FROM ingest_runs WHERE job_id LIKE 'repeat:%' AND started_at >= $1`,
    [new Date(istMidnight(date))],
  );
  const start = istMidnight(date);
  const end = istMidnight(addDays(date, 1));
  const runs: ScheduledRun[] = [];
  for (const row of rows) {
    const match = /^repeat:(.+):(\d+)$/.exec(row.job_id);
    if (!match) continue;
    const slotMs = Number(match[2]);
    if (slotMs >= start && slotMs < end) runs.push({ scheduleId: match[1]!, slotMs, outcome: row.outcome });
  }
  return runs;
}

/** Stores a report, replacing an earlier one for the same date. */
export async function saveCompleteness(store: PostgresStore, date: IsoDate, rows: readonly CompletenessRow[]): Promise<void> {
  await store.replace(
    'completeness_reports',
    { report_date: date },
    ['report_date', 'schedule_id'],
    rows.map((r) => ({
      report_date: r.reportDate,
      schedule_id: r.scheduleId,
      job_name: r.jobName,
      expected: r.expected,
      received: r.received,
      failed: r.failed,
      missing: r.missing,
      missing_slots: r.missingSlots,
    })),
  );
}

/** Reads a stored report. */
export async function readCompleteness(store: PostgresStore, date: IsoDate): Promise<CompletenessRow[]> {
  const rows = await store.query<{ schedule_id: string; job_name: string; expected: number; received: number; failed: number; missing: number; missing_slots: string[]; report_date: string }>(
    'SELECT * FROM completeness_reports WHERE report_date = $1 ORDER BY schedule_id',
    [date],
  );
  return rows.map((r) => ({
    reportDate: r.report_date,
    scheduleId: r.schedule_id,
    jobName: r.job_name,
    expected: toSafeNumber(r.expected),
    received: toSafeNumber(r.received),
    failed: toSafeNumber(r.failed),
    missing: toSafeNumber(r.missing),
    missingSlots: r.missing_slots,
  }));
}
