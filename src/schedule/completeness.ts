import { CronExpressionParser } from 'cron-parser';
import { addDays, istMidnight, type IsoDate } from '../time/ist.js';
import type { ScheduleStamp } from './desired-schedulers.js';
import { SCHEDULE_TZ } from './schedule-config.js';
import { skipReason, type ExchangeCalendar } from './session-gate.js';

/** A schedule as the report needs it. */
export interface ReportedSchedule {
  readonly id: string;
  readonly jobName: string;
  readonly pattern: string;
  readonly stamp: ScheduleStamp;
}

/** One run of a scheduled job, as `ingest_runs` records it. */
export interface ScheduledRun {
  readonly scheduleId: string;
  /** The slot the run belongs to, from its job id `repeat:<schedule>:<ms>`. */
  readonly slotMs: number;
  readonly outcome: string;
}

export interface CompletenessRow {
  readonly reportDate: IsoDate;
  readonly scheduleId: string;
  readonly jobName: string;
  /** Slots on the date that the cron and the exchange calendar call for. */
  readonly expected: number;
  /** Expected slots with a completed run. */
  readonly received: number;
  /** Expected slots whose runs all failed. */
  readonly failed: number;
  readonly missing: number;
  readonly missingSlots: readonly string[];
}

/** Returns the cron's slots within the IST date, in epoch milliseconds. */
export function slotsOn(pattern: string, date: IsoDate): number[] {
  const start = istMidnight(date);
  const end = istMidnight(addDays(date, 1));
  const iterator = CronExpressionParser.parse(pattern, { tz: SCHEDULE_TZ, currentDate: new Date(start - 1), endDate: new Date(end - 1) });
  const slots: number[] = [];
  while (iterator.hasNext()) slots.push(iterator.next().getTime());
  return slots.filter((ms) => ms >= start && ms < end);
}

/**
 * Compares, per schedule, the slots of an IST date that should have run (the cron's slots the
 * calendar does not skip) with the runs that completed. A slot skipped because the exchange was
 * closed is not expected, so a holiday reports nothing missing.
 */
export async function completeness(schedules: readonly ReportedSchedule[], runs: readonly ScheduledRun[], date: IsoDate, calendar: ExchangeCalendar): Promise<CompletenessRow[]> {
  const rows: CompletenessRow[] = [];
  for (const schedule of schedules) {
    const expected: number[] = [];
    for (const slot of slotsOn(schedule.pattern, date)) {
      if ((await skipReason(schedule.stamp, slot, calendar)) === undefined) expected.push(slot);
    }
    const mine = runs.filter((r) => r.scheduleId === schedule.id);
    const completed = new Set(mine.filter((r) => r.outcome === 'completed').map((r) => r.slotMs));
    const failedSlots = new Set(mine.filter((r) => r.outcome === 'failed').map((r) => r.slotMs));
    const missing = expected.filter((slot) => !completed.has(slot));
    rows.push({
      reportDate: date,
      scheduleId: schedule.id,
      jobName: schedule.jobName,
      expected: expected.length,
      received: expected.length - missing.length,
      failed: missing.filter((slot) => failedSlots.has(slot)).length,
      missing: missing.length,
      missingSlots: missing.slice(0, 100).map((ms) => new Date(ms).toISOString()),
    });
  }
  return rows;
}
