import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import type { Logger } from '../src/log/logger.js';
import {
  expiredCandleTable,
  normaliseExpiredCandles,
  normaliseExpiredContracts,
  normaliseExpiries,
  type ExpiredCandleRow,
  type ExpiredExpiryRow,
  type ExpiredInstrumentRow,
} from '../src/normalise/expired.js';
import { addDays, type IsoDate } from '../src/time/ist.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { addMonths } from '../src/upstox/candle-units.js';
import type { UpstoxApi } from '../src/upstox/client.js';
import { EXPIRED_CANDLE_INTERVALS, expiryOfExpiredKey, isExpiredInstrumentKey, type ExpiredCandleInterval } from '../src/upstox/market-info.js';
import type { JobSummary } from './job-summary.js';
import { isoDateListField, listPart, normaliseBody, splitList } from './market-info-common.js';
import { instrumentKeyField, isoDateField } from './payload-fields.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

// Expired derivatives (an Upstox Plus feature; MCX is not covered): expiry dates and contracts
// into Postgres, candles into the QuestDB candle tables with source = 'expired'. Without the
// plan Upstox returns UDAPI1149, which the client throws as UpstoxPlanRequiredError, and the
// worker fails the job at once, without retries.

/** The maximum number of expiry dates in one contracts job; each takes one request per contract kind. */
export const MAX_CONTRACT_EXPIRIES = 60;

const notMcx = (key: string) => !key.startsWith('MCX_');
const NOT_MCX_MESSAGE = 'the expired-instrument APIs do not cover MCX; use an NSE or BSE key';

const underlyingField = instrumentKeyField.refine(notMcx, NOT_MCX_MESSAGE);

const expiriesPayloadSchema = z.object({
  underlyings: z
    .preprocess(splitList, z.array(underlyingField).min(1))
    .transform((keys) => [...new Set(keys)]),
});
export type ExpiredExpiriesPayload = z.infer<typeof expiriesPayloadSchema>;

const CONTRACT_KINDS = ['options', 'futures'] as const;

const contractsPayloadSchema = z.object({
  underlying: underlyingField,
  expiryDates: isoDateListField(MAX_CONTRACT_EXPIRIES),
  kinds: z
    .preprocess(splitList, z.array(z.enum(CONTRACT_KINDS)).min(1))
    .transform((kinds) => CONTRACT_KINDS.filter((kind) => kinds.includes(kind)))
    .default([...CONTRACT_KINDS]),
});
export type ExpiredContractsPayload = z.infer<typeof contractsPayloadSchema>;

const candlesPayloadSchema = z
  .object({
    instrumentKey: z.string().refine(isExpiredInstrumentKey, 'expected an expired instrument key such as NSE_FO|47983|17-04-2025').refine(notMcx, NOT_MCX_MESSAGE),
    interval: z.enum(EXPIRED_CANDLE_INTERVALS),
    fromDate: isoDateField,
    toDate: isoDateField,
  })
  .refine((p) => p.fromDate <= p.toDate, { message: 'fromDate is after toDate', path: ['fromDate'] })
  .refine((p) => !isExpiredInstrumentKey(p.instrumentKey) || p.fromDate <= expiryOfExpiredKey(p.instrumentKey)!, {
    message: 'fromDate is after the contract expired, so there is nothing to fetch; end the range on or before the date in the key',
    path: ['fromDate'],
  });
export type ExpiredCandlesPayload = z.infer<typeof candlesPayloadSchema>;

/** The past expiry dates of each underlying. */
export const expiredExpiriesJob: SnapshotJobDefinition<ExpiredExpiriesPayload> = {
  name: 'expired-expiries',
  description: 'store the past expiry dates of underlyings (Upstox Plus) in expired_expiries',
  payloadSchema: expiriesPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('expired-expiries', account, listPart(payload.underlyings)),
  run: async (payload, deps) => {
    const rows: ExpiredExpiryRow[] = [];
    for (const underlying of payload.underlyings) {
      const response = await deps.api.expiredExpiries(underlying);
      rows.push(...normaliseBody(UPSTOX_APIS.expiredExpiries, response, () => normaliseExpiries(underlying, response.data)));
    }
    // Upstox lists about six months of expiries; older stored dates stay, so only add.
    const written = await deps.postgres.upsert('expired_expiries', ['underlying_key', 'expiry'], rows);
    return { requestsMade: payload.underlyings.length, rowsWritten: written, state: rows.length > 0 ? 'done' : 'empty', detail: `${rows.length} expiry date(s) listed` };
  },
};

/** The option and future contracts of one underlying on each of the given expiry dates. */
export const expiredContractsJob: SnapshotJobDefinition<ExpiredContractsPayload> = {
  name: 'expired-contracts',
  description: 'store the expired option and future contracts of an underlying on given expiry dates (Upstox Plus) in expired_instruments',
  payloadSchema: contractsPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('expired-contracts', account, payload.underlying, listPart(payload.expiryDates), payload.kinds.join('+')),
  run: async (payload, deps) => {
    const rows: ExpiredInstrumentRow[] = [];
    let requestsMade = 0;
    for (const expiry of payload.expiryDates) {
      for (const kind of payload.kinds) {
        const response =
          kind === 'options'
            ? await deps.api.expiredOptionContracts(payload.underlying, expiry)
            : await deps.api.expiredFutureContracts(payload.underlying, expiry);
        requestsMade++;
        const api = kind === 'options' ? UPSTOX_APIS.expiredOptionContracts : UPSTOX_APIS.expiredFutureContracts;
        rows.push(...normaliseBody(api, response, () => normaliseExpiredContracts(payload.underlying, expiry, response.data)));
      }
    }
    const written = await deps.postgres.upsert('expired_instruments', ['instrument_key'], rows);
    const futures = rows.filter((row) => row.instrument_type === 'FUT').length;
    return { requestsMade, rowsWritten: written, state: rows.length > 0 ? 'done' : 'empty', detail: `${rows.length - futures} option(s), ${futures} future(s)` };
  },
};

/** The destination of the expired-candles job: the two calls of `QuestDbCandleStore`, for rows with source `expired`. */
export interface ExpiredCandleSink {
  write(table: 'candles_intraday' | 'candles_daily', rows: readonly ExpiredCandleRow[]): Promise<void>;
  verify(table: 'candles_intraday' | 'candles_daily', rows: readonly ExpiredCandleRow[]): Promise<unknown>;
}

/** The candles of one expired contract over a date range, in as many requests as the range needs. */
export const expiredCandlesJob: SnapshotJobDefinition<ExpiredCandlesPayload> = {
  name: 'expired-candles',
  description: 'store the candles of an expired contract (Upstox Plus) in candles_intraday or candles_daily with source=expired',
  payloadSchema: candlesPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('expired-candles', account, payload.instrumentKey, payload.interval, payload.fromDate, payload.toDate),
  run: (payload, deps) => runExpiredCandles(payload, { api: deps.api, sink: deps.candles, log: deps.log }),
};

/**
 * Fetches, normalises and stores the candles of one expired contract. The range ends at the
 * expiry date in the key, and is cut into calendar months for minute intervals and into
 * years for days, the look-back that Upstox's specification states for each request.
 */
export async function runExpiredCandles(payload: ExpiredCandlesPayload, deps: { api: UpstoxApi; sink: ExpiredCandleSink; log: Logger }): Promise<JobSummary> {
  const expiry = expiryOfExpiredKey(payload.instrumentKey)!;
  const toDate = payload.toDate < expiry ? payload.toDate : expiry;
  const table = expiredCandleTable(payload.interval);
  const rows: ExpiredCandleRow[] = [];
  const windows = requestWindows(payload.interval, payload.fromDate, toDate);
  for (const window of windows) {
    const response = await deps.api.expiredHistoricalCandles({ expiredInstrumentKey: payload.instrumentKey, interval: payload.interval, ...window });
    const result = normaliseBody(UPSTOX_APIS.expiredHistoricalCandle, response, () =>
      normaliseExpiredCandles({ expiredInstrumentKey: payload.instrumentKey, interval: payload.interval, candles: response.candles, window }),
    );
    if (result.outsideWindow > 0) deps.log.warn({ window, outsideWindow: result.outsideWindow }, 'expired candles outside the requested dates were dropped');
    rows.push(...result.rows);
  }
  const clipped = toDate < payload.toDate ? `; the range ends at the expiry ${expiry}` : '';
  if (rows.length === 0) {
    return { requestsMade: windows.length, rowsWritten: 0, state: 'empty', detail: `no candles from ${payload.fromDate} to ${toDate}${clipped}` };
  }
  await deps.sink.write(table, rows);
  await deps.sink.verify(table, rows);
  return { requestsMade: windows.length, rowsWritten: rows.length, state: 'done', detail: `${rows.length} candle(s) in ${table}${clipped}` };
}

/** Cuts `fromDate`..`toDate` into request windows: calendar months for minute intervals, years (12 months) for days. */
export function requestWindows(interval: ExpiredCandleInterval, fromDate: IsoDate, toDate: IsoDate): { fromDate: IsoDate; toDate: IsoDate }[] {
  const windows: { fromDate: IsoDate; toDate: IsoDate }[] = [];
  for (let start = fromDate; start <= toDate; ) {
    const next = interval === 'day' ? addMonths(start, 12) : addMonths(`${start.slice(0, 8)}01`, 1);
    const end = addDays(next, -1) < toDate ? addDays(next, -1) : toDate;
    windows.push({ fromDate: start, toDate: end });
    start = addDays(end, 1);
  }
  return windows;
}

