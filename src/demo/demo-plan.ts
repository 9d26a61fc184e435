import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { minutesInSessions, type TradingCalendar } from '../calendar/trading-calendar.js';
import { expectedBars } from '../candles/session-check.js';
import { datesBetween, isIsoDate } from '../time/ist.js';
import { CANDLE_UNITS, intervalLabel, isValidInterval } from '../upstox/candle-units.js';
import { isInstrumentKey, segmentOf } from '../upstox/instrument-key.js';

const isoDate = z.string().refine(isIsoDate, 'expected YYYY-MM-DD');

const demoPlanSchema = z.object({
  watchlist: z.array(z.string().refine(isInstrumentKey, 'expected an instrument key such as NSE_EQ|INE002A01018')).min(1),
  backfills: z
    .array(
      z
        .object({ unit: z.enum(CANDLE_UNITS), interval: z.number().int(), from: isoDate, to: isoDate })
        .refine((b) => isValidInterval(b.unit, b.interval), 'interval out of range for the unit'),
    )
    .min(1),
});

export type DemoPlan = z.infer<typeof demoPlanSchema>;

/** Reads and validates the demo's watchlist and backfills. */
export function readDemoPlan(path: string): DemoPlan {
  const result = demoPlanSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!result.success) {
    throw new Error(`${path} is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

/**
 * Returns the candle count the calendar implies for each interval label: per instrument, the
 * bars of every session in the range for minute and hour units, one bar per trading day for days.
 */
export function expectedCandleCounts(plan: DemoPlan, calendar: TradingCalendar): Map<string, number> {
  const counts = new Map<string, number>();
  for (const backfill of plan.backfills) {
    if (backfill.unit === 'weeks' || backfill.unit === 'months') continue;
    const label = intervalLabel(backfill.unit, backfill.interval);
    let total = 0;
    for (const key of plan.watchlist) {
      for (const date of datesBetween(backfill.from, backfill.to)) {
        const sessions = calendar.day(segmentOf(key), date)?.sessions ?? [];
        if (minutesInSessions(sessions) === 0) continue;
        total += backfill.unit === 'days' ? 1 : expectedBars(sessions, backfill.unit === 'hours' ? backfill.interval * 60 : backfill.interval);
      }
    }
    counts.set(label, (counts.get(label) ?? 0) + total);
  }
  return counts;
}
