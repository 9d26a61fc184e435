import type { z } from 'zod';
import type { TradingCalendar } from '../src/calendar/trading-calendar.js';
import type { Logger } from '../src/log/logger.js';
import type { ReportedSchedule } from '../src/schedule/completeness.js';
import type { ExchangeCalendar } from '../src/schedule/session-gate.js';
import type { AlertInput } from '../src/stores/postgres/alerts.js';
import type { QuarantineInput } from '../src/stores/postgres/quarantine.js';
import type { PostgresStore } from '../src/stores/postgres/store.js';
import type { QuestDbCandleStore } from '../src/stores/questdb/candle-store.js';
import type { QuestDbHttp } from '../src/stores/questdb/questdb-http.js';
import type { QuestDbRowWriter } from '../src/stores/questdb/row-writer.js';
import type { UpstoxApi } from '../src/upstox/client.js';
import { UpstoxSchemaError } from '../src/upstox/errors.js';
import type { JobSummary } from './job-summary.js';

/** What every job except the candle job receives. */
export interface SnapshotDeps {
  /** The Upstox API behind the rate budget of the job's priority class. */
  readonly api: UpstoxApi;
  readonly questdb: QuestDbRowWriter;
  /** The candle tables, for jobs that store candles outside the backfill ledger. */
  readonly candles: QuestDbCandleStore;
  /** SQL on QuestDB, for checks and the few tables not written with ILP. */
  readonly questdbSql: QuestDbHttp;
  readonly postgres: PostgresStore;
  readonly alerts: { raise(alert: AlertInput): Promise<boolean> };
  readonly quarantine: { keep(input: QuarantineInput): Promise<void> };
  readonly calendar: TradingCalendar;
  /** Sessions per exchange code (NSE, NFO, MCX, …), as the scheduler's gate uses them. */
  readonly exchangeCalendar: ExchangeCalendar;
  /** The schedules of the schedule file, for the completeness report. */
  readonly schedules: () => Promise<ReportedSchedule[]>;
  readonly log: Logger;
  /** The account the worker serves. */
  readonly account: string;
  /** The clock, in epoch milliseconds; tests replace it. */
  readonly now: () => number;
  /** The host of the instruments master files, such as https://assets.upstox.com. */
  readonly assetsBaseUrl: string;
}

/** One kind of job: its name, payload, id and handler. */
export interface SnapshotJobDefinition<Payload = unknown> {
  /** The BullMQ job name, and the argument of `upstox-ingest snapshot`. */
  readonly name: string;
  /** One line for the CLI's help. */
  readonly description: string;
  readonly payloadSchema: z.ZodType<Payload>;
  /** True for account APIs, which answer only from the account's registered static IP. */
  readonly accountData: boolean;
  /** Derives the job id from the work, so the same work cannot be queued twice; see `buildJobId`. */
  jobId(payload: Payload, account: string): string;
  run(payload: Payload, deps: SnapshotDeps): Promise<JobSummary>;
}

/** Keeps a response body that failed validation in the quarantine table; other errors need nothing. */
export async function quarantineOnSchemaError(error: unknown, jobId: string, deps: Pick<SnapshotDeps, 'quarantine' | 'account'>): Promise<void> {
  if (!(error instanceof UpstoxSchemaError)) return;
  await deps.quarantine.keep({
    account: deps.account,
    jobId,
    requestPath: error.path,
    httpStatus: error.status,
    reason: error.message,
    issues: error.issues,
    rawBody: error.rawBody,
  });
}
