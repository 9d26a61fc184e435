import { z, ZodError } from 'zod';
import type { TradingCalendar } from '../src/calendar/trading-calendar.js';
import type { CandleRow } from '../src/candles/candle-row.js';
import { CandleValidationError, normaliseCandles, type NormaliseResult } from '../src/candles/normalise.js';
import { checkSessions } from '../src/candles/session-check.js';
import type { Logger } from '../src/log/logger.js';
import type { AlertInput } from '../src/stores/postgres/alerts.js';
import type { ChunkOutcome } from '../src/stores/postgres/chunk-ledger.js';
import type { QuarantineInput } from '../src/stores/postgres/quarantine.js';
import type { CandleTableKind } from '../src/stores/questdb/candle-tables.js';
import { addDays, isIsoDate, type IsoDate } from '../src/time/ist.js';
import { CANDLE_UNITS, intervalLabel, isIntradayUnit, isValidInterval, spanFits } from '../src/upstox/candle-units.js';
import type { CandleResponse } from '../src/upstox/candles.js';
import type { UpstoxApi } from '../src/upstox/client.js';
import { UpstoxError, UpstoxSchemaError } from '../src/upstox/errors.js';
import { isInstrumentKey, segmentOf } from '../src/upstox/instrument-key.js';
import type { JobSummary } from './job-summary.js';

export const CANDLE_JOB_NAME = 'candles';

const isoDate = z.string().refine(isIsoDate, 'expected a date as YYYY-MM-DD');

export const candlePayloadSchema = z
  .object({
    chunkId: z.string().min(1),
    account: z.string().min(1),
    instrumentKey: z.string().refine(isInstrumentKey, 'expected an instrument key such as NSE_EQ|INE002A01018'),
    unit: z.enum(CANDLE_UNITS),
    interval: z.number().int(),
    source: z.enum(['historical', 'intraday']),
    fromDate: isoDate,
    toDate: isoDate,
  })
  .refine((p) => isValidInterval(p.unit, p.interval), { message: 'interval out of range for the unit', path: ['interval'] })
  .refine((p) => p.fromDate <= p.toDate, { message: 'fromDate is after toDate', path: ['fromDate'] });

export type CandlePayload = z.infer<typeof candlePayloadSchema>;

export interface CandleJobDeps {
  readonly api: UpstoxApi;
  readonly store: {
    write(kind: CandleTableKind, rows: readonly CandleRow[]): Promise<void>;
    verify(kind: CandleTableKind, rows: readonly CandleRow[]): Promise<unknown>;
  };
  readonly ledger: {
    settleChunk(chunkId: string, outcome: ChunkOutcome): Promise<void>;
    extendCoverage(instrumentKey: string, interval: string, firstMs: number, lastMs: number): Promise<void>;
  };
  readonly alerts: { raise(alert: AlertInput): Promise<boolean> };
  readonly quarantine: { keep(input: QuarantineInput): Promise<void> };
  readonly calendar: TradingCalendar;
  readonly log: Logger;
}

/**
 * Fetches one planned candle request, normalises it, checks it against the exchange
 * calendar, writes it to QuestDB and records the outcome in the ledger. Running it twice
 * leaves the same rows, because the candle tables deduplicate on (ts, instrument_key, interval).
 */
export async function runCandleJob(payload: CandlePayload, deps: CandleJobDeps): Promise<JobSummary> {
  const label = intervalLabel(payload.unit, payload.interval);
  const table: CandleTableKind = isIntradayUnit(payload.unit) ? 'candles_intraday' : 'candles_daily';
  const window = { fromDate: payload.fromDate, toDate: payload.toDate };
  let requestsMade = 0;

  const fetchAndNormalise = async (from: IsoDate, to: IsoDate): Promise<NormaliseResult> => {
    requestsMade++;
    const response =
      payload.source === 'intraday'
        ? await deps.api.intradayCandles({ instrumentKey: payload.instrumentKey, unit: payload.unit, interval: payload.interval })
        : await deps.api.historicalCandles({ instrumentKey: payload.instrumentKey, unit: payload.unit, interval: payload.interval, fromDate: from, toDate: to });
    return normaliseResponse(payload, label, response, window);
  };

  let result = await fetchAndNormalise(payload.fromDate, payload.toDate);
  const segment = segmentOf(payload.instrumentKey);
  const tradingDays = checkSessions({ ...window, segment, unit: payload.unit, interval: payload.interval, rows: [], calendar: deps.calendar });

  if (result.rows.length === 0 && payload.source === 'intraday' && tradingDays.checked && tradingDays.tradingDays.length === 0) {
    return settle(deps, payload, { state: 'empty', rowsWritten: 0, requestsMade, detail: `no session on ${payload.fromDate} per the exchange calendar` });
  }
  if (result.rows.length === 0 && payload.source === 'historical') {
    if (!tradingDays.checked || tradingDays.tradingDays.length === 0) {
      const detail = tradingDays.checked ? 'no trading day in the window per the exchange calendar' : `no candles; the calendar does not cover ${segment}`;
      return settle(deps, payload, { state: 'empty', rowsWritten: 0, requestsMade, detail });
    }
    // An empty answer on a trading day is not proof of a holiday: ask once more with the
    // window widened by a day, keeping only the requested dates.
    const widened = widenByOneDay(payload);
    deps.log.warn({ chunkId: payload.chunkId, widened }, 'no candles on a trading day; requesting once more with a wider window');
    result = await fetchAndNormalise(widened.fromDate, widened.toDate);
    if (result.rows.length === 0) {
      const detail = `no candles although the exchange traded on ${tradingDays.tradingDays.length} day(s), first ${tradingDays.tradingDays[0]}; asked twice`;
      const raised = await deps.alerts.raise({ account: payload.account, kind: 'empty_trading_day', subject: payload.chunkId, message: `${payload.instrumentKey} ${label}: ${detail}` });
      if (raised) deps.log.error({ chunkId: payload.chunkId }, `alert raised: ${detail}`);
      return settle(deps, payload, { state: 'empty_trading_day', rowsWritten: 0, requestsMade, detail });
    }
  }

  const check = checkSessions({ ...window, segment, unit: payload.unit, interval: payload.interval, rows: result.rows, calendar: deps.calendar });
  const problems = [...check.problems];
  if (result.duplicates > 0) problems.unshift(`the response repeated ${result.duplicates} bar start(s)`);
  // Today's session is still running, so an intraday chunk is never judged complete.
  const rows = check.rows;
  if (rows.length > 0) {
    await deps.store.write(table, rows);
    await deps.store.verify(table, rows);
    await deps.ledger.extendCoverage(payload.instrumentKey, label, rows[0]!.tsMs, rows[rows.length - 1]!.tsMs);
  }
  const state = payload.source === 'intraday' ? 'partial' : problems.length > 0 ? 'suspect' : 'done';
  if (state === 'suspect') deps.log.warn({ chunkId: payload.chunkId, problems }, 'candles stored, but the session check failed');
  return settle(deps, payload, { state, rowsWritten: rows.length, requestsMade, detail: problems.length > 0 ? problems.join('; ') : undefined });
}

/**
 * Records a candle job that will not run again: the chunk is marked failed with the error
 * code, and a body that failed validation is kept in quarantine.
 */
export async function giveUpCandleJob(payload: CandlePayload, error: unknown, deps: CandleJobDeps): Promise<void> {
  if (error instanceof UpstoxSchemaError || (error instanceof CandleValidationError && error.body)) {
    const body = error instanceof UpstoxSchemaError ? { path: error.path, rawBody: error.rawBody, status: error.status } : error.body!;
    await deps.quarantine.keep({
      account: payload.account,
      jobId: payload.chunkId,
      requestPath: body.path,
      httpStatus: body.status,
      reason: error.message,
      issues: error.issues,
      rawBody: body.rawBody,
    });
  }
  const code = error instanceof UpstoxError ? (error.upstoxCode ?? error.code) : ((error as { code?: string }).code ?? 'UNKNOWN');
  const invalidValue = error instanceof UpstoxError ? error.upstoxErrors.find((e) => e.invalidValue != null)?.invalidValue : undefined;
  let detail = (error as Error).message ?? String(error);
  if (invalidValue !== undefined) detail += ` (invalid value ${JSON.stringify(invalidValue)})`;
  if (code === 'UDAPI1148') detail = `planner defect: Upstox rejected the window as too wide: ${detail}`;
  await deps.ledger.settleChunk(payload.chunkId, { state: 'failed', rowsWritten: 0, requestsMade: 0, detail, errorCode: code });
}

/** Marks the chunk of a job whose payload did not parse as failed, so that no backfill waits for it. */
export async function rejectInvalidCandleJob(data: unknown, error: unknown, deps: Pick<CandleJobDeps, 'ledger'>): Promise<void> {
  const chunkId = (data as { chunkId?: unknown } | null)?.chunkId;
  if (typeof chunkId !== 'string') return;
  const detail = `invalid job payload: ${error instanceof ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message}`;
  await deps.ledger.settleChunk(chunkId, { state: 'failed', rowsWritten: 0, requestsMade: 0, detail, errorCode: 'INVALID_PAYLOAD' });
}

function normaliseResponse(payload: CandlePayload, label: string, response: CandleResponse, window: { fromDate: IsoDate; toDate: IsoDate }): NormaliseResult {
  try {
    return normaliseCandles({ instrumentKey: payload.instrumentKey, interval: label, source: payload.source, candles: response.candles, window });
  } catch (error) {
    if (error instanceof CandleValidationError) error.body = { path: response.path, rawBody: response.rawBody, status: 200 };
    throw error;
  }
}

async function settle(deps: CandleJobDeps, payload: CandlePayload, outcome: ChunkOutcome): Promise<JobSummary> {
  await deps.ledger.settleChunk(payload.chunkId, outcome);
  return { requestsMade: outcome.requestsMade, rowsWritten: outcome.rowsWritten, state: outcome.state, detail: outcome.detail };
}

// Prefer one more day at the end, then at the start; a window already as wide as the unit
// allows is asked again unchanged, since a wider one would be rejected with UDAPI1148.
function widenByOneDay(payload: CandlePayload): { fromDate: IsoDate; toDate: IsoDate } {
  const candidates = [
    { fromDate: payload.fromDate, toDate: addDays(payload.toDate, 1) },
    { fromDate: addDays(payload.fromDate, -1), toDate: payload.toDate },
  ];
  const fitting = candidates.find((c) => spanFits(payload.unit, payload.interval, c.fromDate, c.toDate));
  return fitting ?? { fromDate: payload.fromDate, toDate: payload.toDate };
}
