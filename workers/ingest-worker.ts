import { candlePayloadSchema, CANDLE_JOB_NAME, giveUpCandleJob, runCandleJob, type CandleJobDeps, type CandlePayload } from '../jobs/candles.js';
import { StaticNseCalendar } from '../src/calendar/trading-calendar.js';
import { requireToken, type Config } from '../src/config/env.js';
import type { Logger } from '../src/log/logger.js';
import { IngestWorker } from '../src/queue/ingest-worker.js';
import type { JobHandler } from '../src/queue/job-handler.js';
import { ingestQueueName } from '../src/queue/names.js';
import { createRedis } from '../src/queue/redis.js';
import { raiseAlert } from '../src/stores/postgres/alerts.js';
import { extendCoverage } from '../src/stores/postgres/candle-coverage.js';
import { settleChunk } from '../src/stores/postgres/chunk-ledger.js';
import { createPostgresPool } from '../src/stores/postgres/pool.js';
import { quarantineBody } from '../src/stores/postgres/quarantine.js';
import { recordRun } from '../src/stores/postgres/run-history.js';
import { QuestDbCandleStore } from '../src/stores/questdb/candle-store.js';
import { QuestDbHttp } from '../src/stores/questdb/questdb-http.js';
import { SenderPool } from '../src/stores/questdb/sender-pool.js';
import { createUpstoxClient } from '../src/upstox/client.js';

export interface RunningIngestWorker {
  readonly worker: IngestWorker;
  /** Finishes running jobs, then closes the queue, the QuestDB senders, the Postgres pool and the HTTP client. */
  close(): Promise<void>;
}

/**
 * Wires one ingest worker process: the Upstox client, the stores and the job handlers, around
 * a BullMQ worker on the configured account's queue. Returns once the worker is taking jobs.
 */
export async function startIngestWorker(config: Config, log: Logger): Promise<RunningIngestWorker> {
  const token = requireToken(config);
  const account = config.upstox.account;
  const pool = createPostgresPool(config.postgres.url, { applicationName: 'upstox-ingest worker' });
  const questdb = new QuestDbHttp(config.questdb);
  const senders = new SenderPool(config.questdb);
  const api = createUpstoxClient({ baseUrl: config.upstox.baseUrl, token, requestTimeoutMs: config.upstox.requestTimeoutMs });
  const redis = createRedis(config.redis.url, `upstox-ingest worker ${account}`);

  const candleDeps = (jobLog: Logger): CandleJobDeps => ({
    api,
    store: new QuestDbCandleStore({ http: questdb, senders, tablePrefix: config.questdb.tablePrefix }),
    ledger: {
      settleChunk: (chunkId, outcome) => settleChunk(pool, chunkId, outcome),
      extendCoverage: (key, interval, first, last) => extendCoverage(pool, key, interval, first, last),
    },
    alerts: { raise: (alert) => raiseAlert(pool, alert) },
    quarantine: { keep: (input) => quarantineBody(pool, input) },
    calendar: new StaticNseCalendar(),
    log: jobLog,
  });

  const candleHandler: JobHandler<CandlePayload> = {
    parse: (data) => candlePayloadSchema.parse(data),
    run: (payload, jobLog) => runCandleJob(payload, candleDeps(jobLog)),
    giveUp: (payload, error, jobLog) => giveUpCandleJob(payload, error, candleDeps(jobLog)),
  };

  const worker = new IngestWorker({
    connection: redis,
    prefix: config.redis.queuePrefix,
    queueName: ingestQueueName(account),
    account,
    concurrency: config.worker.concurrency,
    handlers: { [CANDLE_JOB_NAME]: candleHandler as JobHandler<never> },
    recordRun: (run) => recordRun(pool, run),
    raiseAlert: (alert) => raiseAlert(pool, alert),
    log: log.child({ account }),
  });
  const running = worker.run();
  await worker.worker.waitUntilReady();
  log.info({ account, queue: ingestQueueName(account), concurrency: config.worker.concurrency, api: config.upstox.baseUrl }, 'ingest worker started');

  return {
    worker,
    async close() {
      await worker.close();
      await running.catch(() => undefined);
      await senders.close();
      await api.close();
      await pool.end();
      redis.disconnect();
      log.info({ account }, 'ingest worker stopped');
    },
  };
}
