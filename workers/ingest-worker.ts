import { SNAPSHOT_JOBS } from '../jobs/index.js';
import { quarantineOnSchemaError, type SnapshotDeps, type SnapshotJobDefinition } from '../jobs/snapshot-job.js';
import { AccountDataSwitch } from '../src/queue/account-data-switch.js';
import { IngestMetrics } from '../src/metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from '../src/metrics/server.js';
import { ALL_UPSTOX_APIS } from '../src/upstox/apis.js';
import { readScheduleConfig } from '../src/schedule/schedule-config.js';
import { exchangeCalendarOf, skipReason } from '../src/schedule/session-gate.js';
import { storedExchangeCalendar } from '../src/schedule/stored-calendar.js';
import type { ScheduleStamp } from '../src/schedule/desired-schedulers.js';
import { PostgresStore } from '../src/stores/postgres/store.js';
import { QuestDbRowWriter } from '../src/stores/questdb/row-writer.js';
import { candlePayloadSchema, CANDLE_JOB_NAME, giveUpCandleJob, rejectInvalidCandleJob, runCandleJob, type CandleJobDeps, type CandlePayload } from '../jobs/candles.js';
import { StaticNseCalendar } from '../src/calendar/trading-calendar.js';
import { tokenProvider, type Config } from '../src/config/env.js';
import type { Logger } from '../src/log/logger.js';
import { IngestWorker } from '../src/queue/ingest-worker.js';
import type { JobContext, JobHandler } from '../src/queue/job-handler.js';
import { PRIORITY_CLASSES } from '../src/queue/names.js';
import { JobProducer } from '../src/queue/producer.js';
import { createRedis } from '../src/queue/redis.js';
import { createRateBudget } from '../src/rate-budget/from-config.js';
import { raiseAlert } from '../src/stores/postgres/alerts.js';
import { extendCoverage } from '../src/stores/postgres/candle-coverage.js';
import { settleChunk } from '../src/stores/postgres/chunk-ledger.js';
import { createPostgresPool } from '../src/stores/postgres/pool.js';
import { quarantineBody } from '../src/stores/postgres/quarantine.js';
import { recordRun } from '../src/stores/postgres/run-history.js';
import { QuestDbCandleStore } from '../src/stores/questdb/candle-store.js';
import { QuestDbHttp } from '../src/stores/questdb/questdb-http.js';
import { SenderPool } from '../src/stores/questdb/sender-pool.js';
import { UpstoxClient } from '../src/upstox/client.js';

export interface RunningIngestWorker {
  readonly workers: readonly IngestWorker[];
  /** Where /metrics and /health are served; undefined when METRICS_PORT is 0 or the port was taken. */
  readonly metricsUrl: string | undefined;
  /** Finishes running jobs, then closes the queues, the QuestDB senders, the Postgres pool and the HTTP client. */
  close(): Promise<void>;
}

/**
 * Wires one ingest worker process for the configured account: the Upstox client behind the
 * shared rate budget, the stores and the job handlers, and one BullMQ worker per priority
 * class. Returns once every worker is taking jobs.
 */
export async function startIngestWorker(config: Config, log: Logger): Promise<RunningIngestWorker> {
  const token = tokenProvider(config);
  const account = config.upstox.account;
  const pool = createPostgresPool(config.postgres.url, {
    applicationName: 'upstox-ingest worker',
    onIdleError: (error) => log.warn({ err: error }, 'Postgres closed an idle connection; the next query opens a new one'),
  });
  const questdb = new QuestDbHttp(config.questdb);
  const senders = new SenderPool(config.questdb);
  const metrics = new IngestMetrics();
  const client = new UpstoxClient({
    baseUrl: config.upstox.baseUrl,
    token,
    requestTimeoutMs: config.upstox.requestTimeoutMs,
    observer: (api, status, durationMs) => metrics.recordRequest(api, status, durationMs),
  });
  const redis = createRedis(config.redis.url, `upstox-ingest worker ${account}`);
  const budget = createRateBudget(config, redis);
  const control = new JobProducer(redis, config.redis.queuePrefix, account, config.worker.attempts);
  const store = new QuestDbCandleStore({ http: questdb, senders, tablePrefix: config.questdb.tablePrefix });
  const rowWriter = new QuestDbRowWriter({ http: questdb, senders, tablePrefix: config.questdb.tablePrefix });
  const postgres = new PostgresStore(pool);
  const calendar = new StaticNseCalendar();
  const accountData = new AccountDataSwitch(redis, config.redis.queuePrefix);
  const exchangeCalendar = storedExchangeCalendar(postgres, exchangeCalendarOf(calendar));

  const candleDeps = (context: JobContext): CandleJobDeps => ({
    api: client.api({ acquire: (api) => budget.take(api, context.priority) }),
    store,
    ledger: {
      settleChunk: (chunkId, outcome) => settleChunk(pool, chunkId, outcome),
      extendCoverage: (key, interval, first, last) => extendCoverage(pool, key, interval, first, last),
    },
    alerts: { raise: (alert) => raiseAlert(pool, alert) },
    quarantine: { keep: (input) => quarantineBody(pool, input) },
    calendar,
    log: context.log,
  });

  const candleHandler: JobHandler<CandlePayload> = {
    parse: (data) => candlePayloadSchema.parse(data),
    run: (payload, context) => runCandleJob(payload, candleDeps(context)),
    giveUp: (payload, error, context) => giveUpCandleJob(payload, error, candleDeps(context)),
    rejectInvalid: (data, error, context) => rejectInvalidCandleJob(data, error, candleDeps(context)),
  };

  const snapshotDeps = (context: JobContext): SnapshotDeps => ({
    api: client.api({ acquire: (api) => budget.take(api, context.priority) }),
    questdb: rowWriter,
    candles: store,
    questdbSql: questdb,
    postgres,
    alerts: { raise: (alert) => raiseAlert(pool, alert) },
    quarantine: { keep: (input) => quarantineBody(pool, input) },
    calendar,
    exchangeCalendar,
    schedules: async () =>
      readScheduleConfig(config.scheduleFile, SNAPSHOT_JOBS.map((j) => j.name)).schedules.map((s) => ({
        id: s.id,
        jobName: s.job,
        pattern: s.cron,
        stamp: { id: s.id, exchange: s.exchange, during: s.during },
      })),
    log: context.log,
    account,
    now: Date.now,
    assetsBaseUrl: config.upstox.assetsBaseUrl,
  });
  const handlers: Record<string, JobHandler<never>> = { [CANDLE_JOB_NAME]: candleHandler as JobHandler<never> };
  for (const definition of SNAPSHOT_JOBS as readonly SnapshotJobDefinition<unknown>[]) {
    const handler: JobHandler<unknown> = {
      accountData: definition.accountData,
      parse: (data) => definition.payloadSchema.parse(data),
      run: (payload, context) => definition.run(payload, snapshotDeps(context)),
      giveUp: (payload, error, context) => quarantineOnSchemaError(error, definition.jobId(payload, account), snapshotDeps(context)),
    };
    handlers[definition.name] = handler as JobHandler<never>;
  }

  const workers = PRIORITY_CLASSES.map(
    (priority) =>
      new IngestWorker({
        connection: redis,
        prefix: config.redis.queuePrefix,
        account,
        priority,
        concurrency: config.worker.concurrency,
        handlers,
        budget,
        accountData,
        scheduleGate: (stamp, nowMs) => skipReason(stamp as ScheduleStamp | undefined, nowMs, exchangeCalendar),
        recordRun: async (run) => {
          metrics.recordJob(run.jobName, priority, run.outcome, run.finishedAt.getTime() - run.startedAt.getTime(), run.rowsWritten);
          await recordRun(pool, run);
        },
        raiseAlert: (alert) => raiseAlert(pool, alert),
        pauseAccount: () => control.pause(),
        log: log.child({ account }),
      }),
  );
  const running = workers.map((w) => w.run());
  const metricsServer = await serveMetrics(config, log, metrics, { redis, pool, questdb, budget });
  await Promise.all(workers.map((w) => w.worker.waitUntilReady()));
  log.info({ account, queues: workers.map((w) => w.queueName), concurrency: config.worker.concurrency, api: config.upstox.baseUrl }, 'ingest worker started');

  return {
    workers,
    metricsUrl: metricsServer?.url,
    async close() {
      await metricsServer?.close();
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(running.map((r) => r.catch(() => undefined)));
      await control.close();
      await senders.close();
      await client.close();
      await pool.end();
      redis.disconnect();
      log.info({ account }, 'ingest worker stopped');
    },
  };
}

// Serves /metrics and /health. A taken port (a second worker on the same machine) is logged
// and the worker runs on without them, rather than refusing to start.
async function serveMetrics(
  config: Config,
  log: Logger,
  metrics: IngestMetrics,
  deps: { redis: ReturnType<typeof createRedis>; pool: ReturnType<typeof createPostgresPool>; questdb: QuestDbHttp; budget: ReturnType<typeof createRateBudget> },
): Promise<MetricsServer | undefined> {
  if (config.metrics.port === 0) return undefined;
  try {
    const server = await startMetricsServer({
      host: config.metrics.host,
      port: config.metrics.port,
      metrics: async () => {
        for (const usage of await deps.budget.usage(ALL_UPSTOX_APIS)) {
          for (const window of usage.windows) {
            metrics.budgetUsed.set({ group: usage.group, window: window.name }, window.used);
            metrics.budgetLimit.set({ group: usage.group, window: window.name }, window.limit);
          }
          metrics.rateLimited.set({ group: usage.group }, usage.rateLimitedTotal);
        }
        return { contentType: metrics.contentType, text: await metrics.text() };
      },
      probes: [
        { name: 'redis', check: async () => void (await deps.redis.ping()) },
        { name: 'postgres', check: async () => void (await deps.pool.query('SELECT 1')) },
        { name: 'questdb', check: async () => void (await deps.questdb.exec('SELECT 1')) },
      ],
    });
    log.info({ url: server.url }, 'serving /metrics and /health');
    return server;
  } catch (error) {
    log.error({ err: error, port: config.metrics.port }, 'cannot serve /metrics and /health (port taken?); the worker runs without them');
    return undefined;
  }
}
