import type { Command } from 'commander';
import { SNAPSHOT_JOBS } from '../../../jobs/index.js';
import { StaticNseCalendar } from '../../calendar/trading-calendar.js';
import { loadConfig } from '../../config/env.js';
import { completeness } from '../../schedule/completeness.js';
import { readScheduleConfig } from '../../schedule/schedule-config.js';
import { exchangeCalendarOf } from '../../schedule/session-gate.js';
import { storedExchangeCalendar } from '../../schedule/stored-calendar.js';
import { saveCompleteness, scheduledRunsOn } from '../../stores/postgres/completeness.js';
import { PostgresStore } from '../../stores/postgres/store.js';
import { isIsoDate, istDateOf } from '../../time/ist.js';
import { openContext } from '../context.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('print the completeness report of a date: per schedule, the runs expected, completed, failed and missing (and store it)')
    .option('--date <date>', 'the IST date, YYYY-MM-DD; default today')
    .action(async (options: { date?: string }) => {
      const date = options.date ?? istDateOf(Date.now());
      if (!isIsoDate(date)) throw new Error(`--date ${JSON.stringify(date)} is not a date; use YYYY-MM-DD, such as 2024-03-28`);
      const config = loadConfig();
      const schedule = readScheduleConfig(config.scheduleFile, SNAPSHOT_JOBS.map((j) => j.name));
      const context = openContext(config);
      try {
        const store = new PostgresStore(context.pool);
        const schedules = schedule.schedules
          .filter((s) => s.enabled && s.job !== 'completeness-report')
          .map((s) => ({ id: s.id, jobName: s.job, pattern: s.cron, stamp: { id: s.id, exchange: s.exchange, during: s.during } }));
        const calendar = storedExchangeCalendar(store, exchangeCalendarOf(new StaticNseCalendar()));
        const rows = await completeness(schedules, await scheduledRunsOn(store, date), date, calendar);
        await saveCompleteness(store, date, rows);
        console.log(`completeness on ${date}:`);
        console.log(`  ${'schedule'.padEnd(28)} ${'job'.padEnd(22)} ${'expected'.padStart(8)} ${'received'.padStart(8)} ${'failed'.padStart(6)} ${'missing'.padStart(7)}`);
        for (const r of rows) {
          console.log(`  ${r.scheduleId.padEnd(28)} ${r.jobName.padEnd(22)} ${String(r.expected).padStart(8)} ${String(r.received).padStart(8)} ${String(r.failed).padStart(6)} ${String(r.missing).padStart(7)}`);
        }
        const expected = rows.reduce((n, r) => n + r.expected, 0);
        const received = rows.reduce((n, r) => n + r.received, 0);
        console.log(`total: ${received} of ${expected} (${expected === 0 ? 100 : Math.floor((received / expected) * 1000) / 10}%)`);
      } finally {
        await context.close();
      }
    });
}
