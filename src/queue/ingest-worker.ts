import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobSummary } from '../../jobs/job-summary.js';
import type { Logger } from '../log/logger.js';
import type { PriorityClass, RateBudget } from '../rate-budget/rate-budget.js';
import type { AlertInput } from '../stores/postgres/alerts.js';
import type { RunRecord } from '../stores/postgres/run-history.js';
import { UpstoxError } from '../upstox/errors.js';
import { classifyFailure, retryDelayMs } from './failure-policy.js';
import type { AccountDataSwitch } from './account-data-switch.js';
import type { JobContext, JobHandler } from './job-handler.js';
import { ingestQueueName, MAX_RATE_LIMIT_DEFERRALS } from './names.js';

export interface IngestWorkerOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly account: string;
  readonly priority: PriorityClass;
  readonly concurrency: number;
  readonly handlers: Readonly<Record<string, JobHandler<never>>>;
  readonly budget: RateBudget;
  readonly accountData: AccountDataSwitch;
  readonly recordRun: (run: RunRecord) => Promise<void>;
  readonly raiseAlert: (alert: AlertInput) => Promise<boolean>;
  /** Pauses every queue of the account. */
  readonly pauseAccount: () => Promise<void>;
  readonly log: Logger;
  /** Lock time per job; the worker renews it while the job runs. */
  readonly lockDurationMs?: number;
  /** How often the worker looks for jobs whose lock expired (stalled jobs); BullMQ's default is 30 s. */
  readonly stalledIntervalMs?: number;
  /**
   * Returns why a scheduled job should not run now (its exchange is closed), or undefined. It
   * receives the `schedule` stamp of the job's data, which only scheduled jobs carry.
   */
  readonly scheduleGate?: (schedule: unknown, nowMs: number) => Promise<string | undefined>;
}

type RunBase = Omit<RunRecord, 'finishedAt' | 'requestsMade' | 'rowsWritten' | 'outcome'>;

/**
 * Runs the jobs of one account's queue for one priority class. It is the one adapter
 * between our errors and BullMQ. When the rate budget has no slot, or Upstox returns 429,
 * the job goes back to wait without using an attempt and the queue stops taking jobs until
 * the wait is over. An unusable token or a block pauses the account and raises one alert. A
 * permanent error fails the job at once, and anything else is retried with backoff until the
 * attempt limit.
 */
export class IngestWorker {
  readonly worker: Worker;
  readonly queueName: string;
  private readonly queue: Queue;
  // BullMQ does not close a connection it was given, so the worker's own copy is closed here.
  private readonly workerConnection: Redis;

  constructor(private readonly options: IngestWorkerOptions) {
    this.queueName = ingestQueueName(options.account, options.priority);
    this.queue = new Queue(this.queueName, { connection: options.connection, prefix: options.prefix });
    this.workerConnection = options.connection.duplicate();
    this.worker = new Worker(this.queueName, (job, token) => this.process(job, token), {
      connection: this.workerConnection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      autorun: false,
      settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(attemptsMade) },
    });
    this.worker.on('error', (error) => options.log.error({ err: error, queue: this.queueName }, 'worker connection error'));
    this.worker.on('stalled', (jobId) => options.log.warn({ jobId, queue: this.queueName }, 'job stalled; BullMQ hands it to another worker'));
  }

  /** Starts taking jobs; resolves when the worker stops. */
  run(): Promise<void> {
    return this.worker.run();
  }

  /** Stops taking jobs, waits for running ones to finish, and closes the connections. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    this.workerConnection.disconnect();
  }

  private async process(job: Job, _token: string | undefined): Promise<JobSummary> {
    const startedAt = new Date();
    const attempt = job.attemptsMade + 1;
    const log = this.options.log.child({ jobId: job.id, job: job.name, attempt, priority: this.options.priority });
    const context: JobContext = { log, priority: this.options.priority };
    const handler = this.options.handlers[job.name] as JobHandler<unknown> | undefined;
    const base: RunBase = { jobId: job.id ?? '', jobName: job.name, queue: this.queueName, account: this.options.account, attempt, inputs: job.data, startedAt };
    if (!handler) throw new UnrecoverableError(`no handler for job name ${JSON.stringify(job.name)}; is the worker older than the producer?`);

    let payload: unknown;
    try {
      payload = handler.parse(job.data);
    } catch (error) {
      await handler.rejectInvalid?.(job.data, error, context);
      await this.options.recordRun({ ...base, finishedAt: new Date(), requestsMade: 0, rowsWritten: 0, outcome: 'failed', ...errorFields(error) });
      log.error({ err: error }, 'job payload is invalid; failing without retries');
      throw new UnrecoverableError(`invalid payload: ${(error as Error).message}`);
    }

    const closed = await this.options.scheduleGate?.((job.data as { schedule?: unknown }).schedule, scheduledAt(job));
    if (closed !== undefined) {
      await this.options.recordRun({ ...base, finishedAt: new Date(), requestsMade: 0, rowsWritten: 0, outcome: 'skipped', errorCode: 'EXCHANGE_CLOSED', errorMessage: closed });
      log.info({ reason: closed }, 'scheduled job skipped: its exchange is closed');
      return { requestsMade: 0, rowsWritten: 0, state: 'skipped', detail: closed };
    }

    if (handler.accountData) {
      const reason = await this.options.accountData.disabledReason(this.options.account);
      if (reason !== undefined) {
        await this.options.recordRun({ ...base, finishedAt: new Date(), requestsMade: 0, rowsWritten: 0, outcome: 'skipped', errorCode: 'ACCOUNT_DATA_DISABLED', errorMessage: reason });
        log.info('account data is disabled for this account; job skipped');
        return { requestsMade: 0, rowsWritten: 0, state: 'skipped', detail: reason };
      }
    }

    try {
      const summary = await handler.run(payload, context);
      const finishedAt = new Date();
      await this.options.recordRun({ ...base, finishedAt, requestsMade: summary.requestsMade, rowsWritten: summary.rowsWritten, outcome: 'completed' });
      log.info({ durationMs: finishedAt.getTime() - startedAt.getTime(), requests: summary.requestsMade, rows: summary.rowsWritten, state: summary.state, detail: summary.detail }, 'job completed');
      return summary;
    } catch (error) {
      return this.handleFailure(job, handler, payload, error, base, context);
    }
  }

  private async handleFailure(job: Job, handler: JobHandler<unknown>, payload: unknown, error: unknown, base: RunBase, context: JobContext): Promise<never> {
    const { log } = context;
    const action = classifyFailure(error);
    const finished = { ...base, finishedAt: new Date(), requestsMade: error instanceof UpstoxError ? 1 : 0, rowsWritten: 0, ...errorFields(error) };
    switch (action.kind) {
      case 'wait-for-budget': {
        // Pacing, not a failure: no request was sent, so no run is recorded.
        log.debug({ waitMs: action.waitMs }, 'no rate budget yet; the job waits');
        await this.queue.rateLimit(action.waitMs);
        throw Worker.RateLimitError();
      }
      case 'rate-limited': {
        const deferrals = Number((job.data as { rateLimitDeferrals?: number }).rateLimitDeferrals ?? 0) + 1;
        if (deferrals > MAX_RATE_LIMIT_DEFERRALS) {
          await handler.giveUp(payload, error, context);
          await this.options.recordRun({ ...finished, outcome: 'failed' });
          log.error({ err: error, deferrals }, 'job failed: rate-limited by Upstox on every one of its deferrals');
          throw new UnrecoverableError(`rate-limited: Upstox returned 429 ${deferrals} times in a row for this job`);
        }
        await job.updateData({ ...(job.data as object), rateLimitDeferrals: deferrals });
        const { pauseMs, startedNow } = await this.options.budget.pauseAfterRateLimit(action.api, action.retryAfterMs);
        await this.options.recordRun({ ...finished, outcome: 'deferred' });
        if (startedNow) log.warn({ api: action.api, pauseMs }, 'Upstox returned 429; pausing this API for the account');
        await this.queue.rateLimit(pauseMs);
        throw Worker.RateLimitError();
      }
      case 'disable-account-data': {
        const message = (error as Error).message;
        const first = await this.options.accountData.disable(this.options.account, message);
        if (first) {
          await this.options.raiseAlert({ account: this.options.account, kind: 'static_ip', message, details: error instanceof UpstoxError ? error.toJSON() : {} });
          log.error({ err: error }, 'account APIs refused this IP: account-data jobs are skipped until "upstox-ingest resume"; market data goes on');
        }
        await handler.giveUp(payload, error, context);
        await this.options.recordRun({ ...finished, outcome: 'failed' });
        throw new UnrecoverableError(message);
      }
      case 'pause-account': {
        const raised = await this.options.raiseAlert({
          account: this.options.account,
          kind: action.alertKind,
          message: (error as Error).message,
          details: error instanceof UpstoxError ? error.toJSON() : {},
        });
        await this.options.pauseAccount();
        await this.options.recordRun({ ...finished, outcome: 'deferred' });
        if (raised) log.error({ err: error, alert: action.alertKind }, 'account paused: no Upstox request is sent until an operator runs "upstox-ingest resume"');
        throw Worker.RateLimitError();
      }
      case 'give-up': {
        await handler.giveUp(payload, error, context);
        await this.options.recordRun({ ...finished, outcome: 'failed' });
        log.error({ err: error }, 'job failed permanently; not retried');
        throw new UnrecoverableError((error as Error).message);
      }
      case 'retry': {
        const attempts = job.opts.attempts ?? 1;
        const last = job.attemptsMade + 1 >= attempts;
        if (last) await handler.giveUp(payload, error, context);
        await this.options.recordRun({ ...finished, outcome: last ? 'failed' : 'retrying' });
        if (last) log.error({ err: error }, `job failed after ${attempts} attempts`);
        else log.warn({ err: error }, 'job failed; retrying with backoff');
        throw error;
      }
    }
  }
}

/**
 * Returns when a job was due: BullMQ names a job scheduler's jobs `repeat:<scheduler>:<ms>`
 * after their scheduled time. A run is judged by that time, so a job that waited behind a
 * backlog still belongs to its slot. Other jobs are judged by the current time.
 */
export function scheduledAt(job: Pick<Job, 'id'>): number {
  const match = /^repeat:.+:(\d+)$/.exec(job.id ?? '');
  return match ? Number(match[1]) : Date.now();
}

function errorFields(error: unknown): Pick<RunRecord, 'errorCode' | 'errorMessage' | 'error'> {
  if (error instanceof UpstoxError) return { errorCode: error.upstoxCode ?? error.code, errorMessage: error.message, error: error.toJSON() };
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  return {
    errorCode: typeof e.code === 'string' ? e.code : undefined,
    errorMessage: typeof e.message === 'string' ? e.message : String(error),
    error: { name: e.name, message: e.message, code: e.code },
  };
}
