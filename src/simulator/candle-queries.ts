import { addDays, formatIst, istInstant, istMidnight, istToday, type IsoDate } from '../time/ist.js';
import { earliestDate, type CandleUnit } from '../upstox/candle-units.js';
import { mergeBars, periodStart, type Bar } from './aggregation.js';
import type { CandleSource, Instrument } from './candle-source.js';
import type { CandleRow } from './envelopes.js';

// The candle rows of the two V3 endpoints, computed from a CandleSource. Rows come out newest
// first, as Upstox sends them. A day counts only once its last session has ended by `nowMs`,
// so the historical endpoint stops at the last completed session and the intraday endpoint
// shows only bars whose period is over.

/** A validated candle request. */
export interface CandleQuery {
  readonly instrument: Instrument;
  readonly unit: CandleUnit;
  readonly interval: number;
}

/** Returns the rows of the historical endpoint for `fromDate`..`toDate`, both included. */
export function historicalRows(source: CandleSource, query: CandleQuery, fromDate: IsoDate, toDate: IsoDate, nowMs: number): CandleRow[] {
  const { unit } = query;
  const earliest = earliestDate(unit);
  // Dates before the unit's availability floor and after today have no candles.
  const first = fromDate > earliest ? fromDate : earliest;
  const today = istToday(nowMs);
  const last = toDate < today ? toDate : today;
  if (first > last) return [];
  if (unit === 'weeks' || unit === 'months') return periodRows(source, query, first, last, nowMs);

  const rows: CandleRow[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) {
    if (!isComplete(source, query.instrument, date, nowMs)) continue;
    appendDayRows(rows, source, query, date, Number.POSITIVE_INFINITY);
  }
  return rows.reverse();
}

/** Returns the rows of the intraday endpoint: today's bars whose period has ended by `nowMs`. */
export function intradayRows(source: CandleSource, query: CandleQuery, nowMs: number): CandleRow[] {
  const today = istToday(nowMs);
  if (today < earliestDate(query.unit)) return [];
  const rows: CandleRow[] = [];
  if (query.unit === 'days') {
    if (isComplete(source, query.instrument, today, nowMs)) appendDayRows(rows, source, query, today, nowMs);
    return rows;
  }
  appendDayRows(rows, source, query, today, nowMs);
  return rows.reverse();
}

function isComplete(source: CandleSource, instrument: Instrument, date: IsoDate, nowMs: number): boolean {
  const closesAt = source.sessions.closeInstant(instrument.segment, date);
  return closesAt !== undefined && closesAt <= nowMs;
}

// Appends one day's rows in time order, keeping only bars whose period ends by `endLimitMs`.
function appendDayRows(rows: CandleRow[], source: CandleSource, query: CandleQuery, date: IsoDate, endLimitMs: number): void {
  const { instrument, unit, interval } = query;
  if (unit === 'days') {
    const bar = source.dayBar(instrument, date);
    if (bar) rows.push(toRow(istMidnight(date), bar));
    return;
  }
  const size = unit === 'hours' ? interval * 60 : interval;
  if (size === 1) {
    for (const bar of source.minuteBars(instrument, date)) {
      if (istInstant(date, bar.minute + 1) <= endLimitMs) rows.push(toRow(istInstant(date, bar.minute), bar));
    }
    return;
  }
  for (const bar of source.intradayBars(instrument, date, size)) {
    if (istInstant(date, bar.endMinute) <= endLimitMs) rows.push(toRow(istInstant(date, bar.minute), bar));
  }
}

/**
 * Weekly and monthly rows. A period is listed when one of its completed trading days lies in
 * `first`..`last`. Its bar covers all of the period's completed trading days on or after the
 * availability floor, so a bar does not change with the requested range.
 * NOTE: Upstox does not document how it treats a period cut by the range; whole periods are
 * an assumption.
 */
function periodRows(source: CandleSource, query: CandleQuery, first: IsoDate, last: IsoDate, nowMs: number): CandleRow[] {
  const unit = query.unit as 'weeks' | 'months';
  const earliest = earliestDate(unit);
  const rows: CandleRow[] = [];
  let start = periodStart(first, unit);
  while (start <= last) {
    const next = unit === 'weeks' ? addDays(start, 7) : nextMonthStart(start);
    const bars: Bar[] = [];
    let touchesRange = false;
    for (let date = start < earliest ? earliest : start; date < next; date = addDays(date, 1)) {
      if (!isComplete(source, query.instrument, date, nowMs)) continue;
      const bar = source.dayBar(query.instrument, date);
      if (!bar) continue;
      bars.push(bar);
      if (date >= first && date <= last) touchesRange = true;
    }
    if (touchesRange) rows.push(toRow(istMidnight(start), mergeBars(bars)));
    start = next;
  }
  return rows.reverse();
}

function nextMonthStart(monthStart: IsoDate): IsoDate {
  const year = Number(monthStart.slice(0, 4));
  const month = Number(monthStart.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

function toRow(startMs: number, bar: Bar): CandleRow {
  return [formatIst(startMs), bar.open, bar.high, bar.low, bar.close, bar.volume, bar.oi];
}
