import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import {
  holidayDateOf,
  MarketInfoValueError,
  normaliseHolidays,
  normaliseMarketStatus,
  normaliseTimings,
  type HolidayRow,
  type MarketStatusRow,
} from '../src/normalise/market-info.js';
import { replaceHolidayDate, replaceHolidayYear, replaceTimings, upsertMarketStatus } from '../src/stores/postgres/market-calendar.js';
import { addDays, daysBetweenInclusive, istDateOf, type IsoDate } from '../src/time/ist.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { MARKET_EXCHANGES } from '../src/upstox/market-info.js';
import type { JobSummary } from './job-summary.js';
import { listPart, normaliseBody, splitList } from './market-info-common.js';
import { isoDateField } from './payload-fields.js';
import type { SnapshotDeps, SnapshotJobDefinition } from './snapshot-job.js';

// Market status, holidays and timings into Postgres. The holiday and timing tables are the
// trading calendar that `PostgresTradingCalendar` and the scheduler read.

/** The maximum number of dates in one timings job, which sends one request per date. */
export const MAX_TIMING_DAYS = 31;

const statusPayloadSchema = z.object({
  exchanges: z
    .preprocess(splitList, z.array(z.enum(MARKET_EXCHANGES)).min(1))
    .transform((items) => [...new Set(items)])
    .default([...MARKET_EXCHANGES]),
});
export type MarketStatusPayload = z.infer<typeof statusPayloadSchema>;

const holidaysPayloadSchema = z.object({
  /** One date's entries; without it, the whole list of the current year. */
  date: isoDateField.optional(),
});
export type MarketHolidaysPayload = z.infer<typeof holidaysPayloadSchema>;

const timingsPayloadSchema = z
  // Without fromDate (a scheduled run) the job fetches today and the six days after it.
  .object({ fromDate: isoDateField.optional(), toDate: isoDateField.optional() })
  .refine((p) => p.toDate === undefined || p.fromDate !== undefined, { message: 'toDate needs fromDate', path: ['toDate'] })
  .refine((p) => p.toDate === undefined || p.fromDate === undefined || p.toDate >= p.fromDate, { message: 'toDate is before fromDate', path: ['toDate'] })
  .refine((p) => p.toDate === undefined || p.fromDate === undefined || daysBetweenInclusive(p.fromDate, p.toDate) <= MAX_TIMING_DAYS, {
    message: `the range covers more than ${MAX_TIMING_DAYS} days; split it into several jobs`,
    path: ['toDate'],
  });
export type MarketTimingsPayload = z.infer<typeof timingsPayloadSchema>;

/** The status of each exchange, one request per exchange; each status change is kept as a row. */
export const marketStatusJob: SnapshotJobDefinition<MarketStatusPayload> = {
  name: 'market-status',
  description: 'store the market status of exchanges (default all eight) in market_status, one row per status change',
  payloadSchema: statusPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('market-status', account, listPart(payload.exchanges)),
  run: async (payload, deps) => {
    const rows: MarketStatusRow[] = [];
    for (const exchange of payload.exchanges) {
      const response = await deps.api.marketStatus(exchange);
      rows.push(normaliseBody(UPSTOX_APIS.marketStatus, response, () => normaliseMarketStatus(response.data)));
    }
    const written = await upsertMarketStatus(deps.postgres, rows, new Date(deps.now()));
    return {
      requestsMade: payload.exchanges.length,
      rowsWritten: written,
      state: 'done',
      detail: rows.map((row) => `${row.exchange} ${row.status} since ${row.last_updated}`).join('; '),
    };
  },
};

/** The holiday list of the current year, or the entries of one date. */
export const marketHolidaysJob: SnapshotJobDefinition<MarketHolidaysPayload> = {
  name: 'market-holidays',
  description: "store the current year's market holidays (or one date's, with date=YYYY-MM-DD) in market_holidays",
  payloadSchema: holidaysPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('market-holidays', account, payload.date ?? 'current-year'),
  run: (payload, deps) => (payload.date === undefined ? storeHolidayList(deps) : storeHolidayDate(payload.date, deps)),
};

/** The session of every trading exchange on each date of a range, one request per date. */
export const marketTimingsJob: SnapshotJobDefinition<MarketTimingsPayload> = {
  name: 'market-timings',
  description: `store exchange session timings for fromDate..toDate (at most ${MAX_TIMING_DAYS} days; default the next seven days) in market_timings`,
  payloadSchema: timingsPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('market-timings', account, payload.fromDate ?? 'next-week', payload.toDate ?? payload.fromDate ?? 'next-week'),
  run: async (payload, deps) => {
    const fromDate = payload.fromDate ?? istDateOf(deps.now());
    const toDate = payload.toDate ?? (payload.fromDate === undefined ? addDays(fromDate, 6) : fromDate);
    let rowsWritten = 0;
    let requestsMade = 0;
    const closedDates: IsoDate[] = [];
    for (let date = fromDate; date <= toDate; date = addDays(date, 1)) {
      const response = await deps.api.marketTimings(date);
      requestsMade++;
      const rows = normaliseBody(UPSTOX_APIS.marketTimings, response, () => normaliseTimings(date, response.data));
      if (rows.length === 0) closedDates.push(date);
      rowsWritten += await replaceTimings(deps.postgres, date, rows);
    }
    const detail = closedDates.length > 0 ? `no exchange trades on ${closedDates.join(', ')}` : undefined;
    return { requestsMade, rowsWritten, state: 'done', detail };
  },
};

// The list endpoint covers "the current year" by Upstox's clock. The year with most of the
// entries is stored as a whole year: rows of that year missing from the list are removed, and
// the year counts as covered. Entries of any other year are only added, because the list may
// not contain all of that year.
async function storeHolidayList(deps: SnapshotDeps): Promise<JobSummary> {
  const response = await deps.api.marketHolidays();
  const { rows, withoutExchanges } = normaliseBody(UPSTOX_APIS.marketHolidays, response, () => normaliseHolidays(response.data));
  if (response.data.length === 0) {
    deps.log.warn('Upstox returned an empty holiday list; the stored holidays are kept');
    return { requestsMade: 1, rowsWritten: 0, state: 'empty', detail: 'Upstox returned no holidays; the stored ones are kept' };
  }
  const counts = new Map<number, number>();
  for (const entry of response.data) {
    // The normaliser has checked every date, so none is undefined here.
    const year = Number(holidayDateOf(entry.date)!.slice(0, 4));
    counts.set(year, (counts.get(year) ?? 0) + 1);
  }
  const year = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];

  const ofYear = rows.filter((row) => Number(row.date.slice(0, 4)) === year);
  const others = rows.filter((row) => Number(row.date.slice(0, 4)) !== year);
  let written = await replaceHolidayYear(deps.postgres, year, ofYear, counts.get(year)!);
  if (others.length > 0) written += await deps.postgres.upsert('market_holidays', ['date', 'exchange'], others);
  if (withoutExchanges.length > 0) deps.log.warn({ dates: withoutExchanges }, 'holiday entries that name no exchange were not stored');
  return { requestsMade: 1, rowsWritten: written, state: 'done', detail: holidayDetail(year, rows, withoutExchanges) };
}

async function storeHolidayDate(date: IsoDate, deps: SnapshotDeps): Promise<JobSummary> {
  const response = await deps.api.marketHolidaysOn(date);
  const { rows, withoutExchanges } = normaliseBody(UPSTOX_APIS.marketHolidays, response, () => {
    const result = normaliseHolidays(response.data);
    const other = result.rows.find((row) => row.date !== date);
    if (other) throw new MarketHolidayDateError(date, other.date);
    return result;
  });
  const written = await replaceHolidayDate(deps.postgres, date, rows);
  return { requestsMade: 1, rowsWritten: written, state: 'done', detail: rows.length === 0 ? `no holiday on ${date}` : holidayDetail(undefined, rows, withoutExchanges) };
}

function holidayDetail(year: number | undefined, rows: readonly HolidayRow[], withoutExchanges: readonly IsoDate[]): string {
  const dates = new Set(rows.map((row) => row.date)).size;
  const closed = rows.filter((row) => row.closed_all_day).length;
  let detail = `${year === undefined ? '' : `${year}: `}${dates} date(s), ${closed} exchange closure(s), ${rows.length - closed} open window(s)`;
  if (withoutExchanges.length > 0) detail += `; not stored, naming no exchange: ${withoutExchanges.join(', ')}`;
  return detail;
}

/** The holiday endpoint of one date returned an entry of another date. */
class MarketHolidayDateError extends MarketInfoValueError {
  constructor(requested: IsoDate, returned: IsoDate) {
    super(`the holidays of ${requested} include an entry of ${returned}`, [`entry of ${returned} in the answer for ${requested}`]);
  }
}
