import { watch, type FSWatcher } from 'node:fs';
import { SNAPSHOT_JOBS } from '../jobs/index.js';
import type { Config } from '../src/config/env.js';
import type { Logger } from '../src/log/logger.js';
import { JobProducer } from '../src/queue/producer.js';
import { createRedis } from '../src/queue/redis.js';
import { reconcileSchedulers, type DesiredScheduler, type ReconcileResult } from '../src/queue/schedulers.js';
import { desiredSchedulers, type WatchlistResolver } from '../src/schedule/desired-schedulers.js';
import { masterResolver } from '../src/schedule/master-resolver.js';
import { createPostgresPool } from '../src/stores/postgres/pool.js';
import { PostgresStore } from '../src/stores/postgres/store.js';
import { readScheduleConfig } from '../src/schedule/schedule-config.js';

export interface RunningScheduler {
  /** Reads the schedule file again and reconciles BullMQ's job schedulers with it. */
  reconcile(): Promise<ReconcileResult>;
  close(): Promise<void>;
}

/** The job names a schedule may run: every job but the ledger-driven candle chunks. */
export function schedulableJobNames(): string[] {
  return SNAPSHOT_JOBS.map((job) => job.name);
}

/**
 * Starts the scheduler for the configured account: reconciles the job schedulers with the
 * schedule file now, and again whenever the file changes. It is the only process that
 * creates, updates or removes job schedulers. An invalid file is reported and the schedulers
 * are left as they were.
 */
export async function startScheduler(config: Config, log: Logger, options: { file?: string; resolver?: WatchlistResolver; watchFile?: boolean } = {}): Promise<RunningScheduler> {
  const file = options.file ?? config.scheduleFile;
  const redis = createRedis(config.redis.url, `upstox-ingest scheduler ${config.upstox.account}`);
  const producer = new JobProducer(redis, config.redis.queuePrefix, config.upstox.account, config.worker.attempts);
  const pool = createPostgresPool(config.postgres.url, { max: 2, applicationName: 'upstox-ingest scheduler', onIdleError: (error) => log.warn({ err: error }, 'Postgres closed an idle connection') });
  const resolver = options.resolver ?? masterResolver(new PostgresStore(pool));
  let running: Promise<ReconcileResult> = Promise.resolve({ created: [], updated: [], removed: [], unchanged: [] });

  const reconcileNow = async (): Promise<ReconcileResult> => {
    const schedule = readScheduleConfig(file, schedulableJobNames());
    const desired = await desiredSchedulers(schedule, resolver);
    checkPayloads(desired);
    const result = await reconcileSchedulers(producer, desired, config.worker.attempts);
    log.info({ file, created: result.created, updated: result.updated, removed: result.removed, unchanged: result.unchanged.length }, 'job schedulers reconciled with the schedule file');
    return result;
  };
  // Reconciles run one at a time, so a burst of file events cannot interleave two of them.
  const reconcile = (): Promise<ReconcileResult> => {
    running = running.catch(() => undefined).then(reconcileNow);
    return running;
  };

  await reconcile();
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  if (options.watchFile ?? true) {
    watcher = watch(file, () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        reconcile().catch((error: unknown) => log.error({ err: error, file }, 'schedule file is invalid; job schedulers left unchanged'));
      }, 250);
    });
  }
  log.info({ file, account: config.upstox.account }, 'scheduler started');
  return {
    reconcile,
    async close() {
      clearTimeout(debounce);
      watcher?.close();
      await running.catch(() => undefined);
      await producer.close();
      await pool.end();
      redis.disconnect();
      log.info('scheduler stopped');
    },
  };
}

// A schedule whose parameters the job would reject fails the reconcile now, not at every run.
function checkPayloads(desired: readonly DesiredScheduler[]): void {
  const problems: string[] = [];
  for (const scheduler of desired) {
    const job = SNAPSHOT_JOBS.find((j) => j.name === scheduler.jobName);
    const result = job?.payloadSchema.safeParse(scheduler.data);
    if (result && !result.success) {
      problems.push(`schedule ${scheduler.id}: params for ${scheduler.jobName} are invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
