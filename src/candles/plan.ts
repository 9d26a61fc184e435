import { buildJobId } from '../ids/job-id.js';
import { addDays, utcMidnight, type IsoDate } from '../time/ist.js';
import { earliestDate, INTERVAL_RANGE, INTRADAY_UNITS, isValidInterval, maxSpanMonths, type CandleUnit } from '../upstox/candle-units.js';
import { assertInstrumentKey } from '../upstox/instrument-key.js';

export interface CandleChunk {
  readonly chunkId: string;
  readonly account: string;
  readonly instrumentKey: string;
  readonly unit: CandleUnit;
  readonly interval: number;
  /** `historical` chunks cover completed sessions; an `intraday` chunk is today's session so far. */
  readonly source: 'historical' | 'intraday';
  readonly fromDate: IsoDate;
  readonly toDate: IsoDate;
}

export interface PlannedChunk extends CandleChunk {
  /** `pending` chunks need a request; `unavailable` ones are recorded with the reason and never sent. */
  readonly state: 'pending' | 'unavailable';
  readonly detail?: string;
}

export interface CandlePlanInput {
  readonly account: string;
  readonly instrumentKeys: readonly string[];
  readonly unit: CandleUnit;
  readonly interval: number;
  readonly fromDate: IsoDate;
  readonly toDate: IsoDate;
  /** Today's IST date: the historical endpoint covers sessions up to yesterday. */
  readonly today: IsoDate;
}

export interface CandlePlan {
  readonly chunks: readonly PlannedChunk[];
  /** Every change the planner made to the requested range, in words. */
  readonly notes: readonly string[];
}

/** Returns the chunk id (and job id) of one candle request. */
export function candleChunkId(chunk: Omit<CandleChunk, 'chunkId'>): string {
  if (chunk.source === 'intraday') {
    return buildJobId('candles-intraday', chunk.account, chunk.instrumentKey, chunk.unit, chunk.interval, chunk.fromDate);
  }
  return buildJobId('candles', chunk.account, chunk.instrumentKey, chunk.unit, chunk.interval, chunk.fromDate, chunk.toDate);
}

/**
 * Splits a candle backfill into requests no wider than Upstox allows for the unit. Windows
 * are aligned to calendar months, quarters or decades, so overlapping backfills produce the
 * same chunks and the ledger can tell which are already stored.
 */
export function planCandleBackfill(input: CandlePlanInput): CandlePlan {
  if (input.toDate < input.fromDate) {
    throw new RangeError(`invalid range: to ${input.toDate} is before from ${input.fromDate}`);
  }
  if (!isValidInterval(input.unit, input.interval)) {
    const [min, max] = INTERVAL_RANGE[input.unit];
    throw new RangeError(`invalid interval ${input.interval} for unit ${input.unit}: use an integer from ${min} to ${max}`);
  }
  const keys = input.instrumentKeys.map(assertInstrumentKey);
  const notes: string[] = [];
  const floor = earliestDate(input.unit);
  const lastCompleted = addDays(input.today, -1);
  const windows = alignedWindows(input.fromDate, input.toDate, maxSpanMonths(input.unit, input.interval));

  const chunks: PlannedChunk[] = [];
  for (const instrumentKey of keys) {
    const base = { account: input.account, instrumentKey, unit: input.unit, interval: input.interval };
    for (const [from, to] of windows) {
      if (to < floor) {
        chunks.push(unavailable(base, from, to, `not available before ${floor.slice(0, 7)}: Upstox keeps ${input.unit} candles from ${floor}`));
        continue;
      }
      if (from > lastCompleted) {
        chunks.push(unavailable(base, from, to, `after the last completed session (${lastCompleted}); the historical endpoint has no candles for it yet`));
        continue;
      }
      const start = from < floor ? floor : from;
      const end = to > lastCompleted ? lastCompleted : to;
      if (start !== from) {
        chunks.push(unavailable(base, from, addDays(floor, -1), `not available before ${floor.slice(0, 7)}`));
        notes.push(`${instrumentKey}: from_date moved from ${from} to ${floor} because ${input.unit} history starts there`);
      }
      if (end !== to) {
        notes.push(`${instrumentKey}: to_date moved from ${to} to ${end}, the last completed session; today comes from the intraday endpoint`);
      }
      chunks.push(pending({ ...base, source: 'historical', fromDate: start, toDate: end }));
    }
    if (input.fromDate <= input.today && input.today <= input.toDate && INTRADAY_UNITS.includes(input.unit)) {
      chunks.push(pending({ ...base, source: 'intraday', fromDate: input.today, toDate: input.today }));
    }
  }
  return { chunks, notes: [...new Set(notes)] };
}

function pending(chunk: Omit<CandleChunk, 'chunkId'>): PlannedChunk {
  return { ...chunk, chunkId: candleChunkId(chunk), state: 'pending' };
}

function unavailable(base: Omit<CandleChunk, 'chunkId' | 'source' | 'fromDate' | 'toDate'>, fromDate: IsoDate, toDate: IsoDate, detail: string): PlannedChunk {
  const chunk = { ...base, source: 'historical' as const, fromDate, toDate };
  return { ...chunk, chunkId: candleChunkId(chunk), state: 'unavailable', detail };
}

/** Cuts `from`..`to` at calendar periods of `months` months (aligned to year 0); one window when unlimited. */
export function alignedWindows(from: IsoDate, to: IsoDate, months: number | undefined): [IsoDate, IsoDate][] {
  if (months === undefined) return [[from, to]];
  const windows: [IsoDate, IsoDate][] = [];
  let cursor = from;
  while (cursor <= to) {
    const start = new Date(utcMidnight(cursor));
    const monthIndex = start.getUTCFullYear() * 12 + start.getUTCMonth();
    const periodEndIndex = monthIndex - (monthIndex % months) + months;
    const periodEnd = new Date(Date.UTC(Math.floor(periodEndIndex / 12), periodEndIndex % 12, 1) - 86_400_000).toISOString().slice(0, 10);
    const end = periodEnd < to ? periodEnd : to;
    windows.push([cursor, end]);
    cursor = addDays(end, 1);
  }
  return windows;
}
