import { CronExpressionParser } from 'cron-parser';
import { SCHEDULE_TZ } from './schedule-config.js';

/** Returns the next `count` run times of a cron pattern after `fromMs`, in epoch milliseconds, evaluated in IST. */
export function nextRuns(pattern: string, fromMs: number, count: number): number[] {
  const iterator = CronExpressionParser.parse(pattern, { tz: SCHEDULE_TZ, currentDate: new Date(fromMs) });
  return Array.from({ length: count }, () => iterator.next().getTime());
}
