import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { completeness } from '../src/schedule/completeness.js';
import { saveCompleteness, scheduledRunsOn } from '../src/stores/postgres/completeness.js';
import { istDateOf } from '../src/time/ist.js';
import { isoDateField } from './payload-fields.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

const payloadSchema = z.object({
  /** The IST date to report on; default today. */
  date: isoDateField.optional(),
});

type Payload = z.infer<typeof payloadSchema>;

/**
 * Compares each schedule's runs of one IST date with what its cron and the exchange calendar
 * called for, and stores the result in `completeness_reports`. A missing slot raises one alert
 * per schedule and date.
 */
export const completenessReportJob: SnapshotJobDefinition<Payload> = {
  name: 'completeness-report',
  description: 'report, per schedule, the runs expected on a date, those completed and those missing',
  payloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('completeness-report', account, payload.date ?? 'today'),
  async run(payload, deps) {
    const date = payload.date ?? istDateOf(deps.now());
    const schedules = (await deps.schedules()).filter((s) => s.jobName !== 'completeness-report');
    const rows = await completeness(schedules, await scheduledRunsOn(deps.postgres, date), date, deps.exchangeCalendar);
    await saveCompleteness(deps.postgres, date, rows);
    for (const row of rows.filter((r) => r.missing > 0)) {
      await deps.alerts.raise({
        account: deps.account,
        kind: 'incomplete_schedule',
        subject: `${row.scheduleId}:${date}`,
        message: `${row.scheduleId} (${row.jobName}) completed ${row.received} of ${row.expected} runs on ${date}; ${row.failed} failed`,
        details: { missingSlots: row.missingSlots },
      });
    }
    const expected = rows.reduce((n, r) => n + r.expected, 0);
    const received = rows.reduce((n, r) => n + r.received, 0);
    return { requestsMade: 0, rowsWritten: rows.length, state: 'done', detail: `${date}: ${received} of ${expected} scheduled runs completed` };
  },
};
