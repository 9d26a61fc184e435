import { fileURLToPath } from 'node:url';
import type { SnapshotJobDefinition } from '../../jobs/snapshot-job.js';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { waitForWalApplied } from '../../src/stores/questdb/wal.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// The simulator → worker → store setup that the quote and option job tests share: real
// Redis, Postgres and QuestDB under the test's own prefixes, the simulator on loopback with a
// frozen clock, and one ingest worker pointed at it.

export const TOKEN = 'quotes-test-token';
export const ACCOUNT = 'main';
export const DATA_DIR = fileURLToPath(new URL('../../data/recorded/', import.meta.url));

// Tests send many requests at once, so the simulator's windows are set far above Upstox's.
const UNLIMITED = { perSecond: 100_000, perMinute: 100_000, perHalfHour: 100_000 };

/** What a job run returned, from BullMQ's record of the completed job. */
export interface JobResult {
  readonly requestsMade: number;
  readonly rowsWritten: number;
  readonly state: string;
  readonly detail?: string;
}

/** A running simulator, worker and producer on an isolated test context. */
export class JobHarness {
  private constructor(
    readonly ctx: TestContext,
    readonly sim: RunningSimulator,
    private readonly worker: RunningIngestWorker,
    private readonly producer: JobProducer,
  ) {}

  /**
   * Starts everything with the simulator's clock frozen at `nowMs`. With `upstoxUrl` the worker
   * talks to that server (such as a canned one) instead of the simulator.
   */
  static async start(nowMs: number, options: { upstoxUrl?: string } = {}): Promise<JobHarness> {
    const ctx = await createTestContext({ UPSTOX_ACCOUNT: ACCOUNT, JOB_ATTEMPTS: '2', WORKER_CONCURRENCY: '2' });
    const sim = await startSimulator({ tokens: { [TOKEN]: ACCOUNT }, now: () => nowMs, rateLimits: UNLIMITED, dataDir: DATA_DIR });
    const worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: options.upstoxUrl ?? sim.url }), ctx.log);
    const producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, ACCOUNT, 2);
    return new JobHarness(ctx, sim, worker, producer);
  }

  /** Returns the prefixed name of a QuestDB table. */
  table(name: string): string {
    return `${this.ctx.config.questdb.tablePrefix}${name}`;
  }

  /** Queues one job on the live queue under its derived id, waits until it completes, and returns its summary. */
  async run<Payload>(definition: SnapshotJobDefinition<Payload>, data: Record<string, unknown>, timeoutMs = 20_000): Promise<JobResult> {
    const outcome = await this.settle(definition, data, timeoutMs);
    if (outcome.state === 'failed') throw new Error(`job ${outcome.jobId} failed: ${outcome.failedReason}`);
    return outcome.result!;
  }

  /** Queues one job and waits until it completes or fails for good; returns the outcome either way. */
  async settle<Payload>(
    definition: SnapshotJobDefinition<Payload>,
    data: Record<string, unknown>,
    timeoutMs = 20_000,
  ): Promise<{ jobId: string; state: 'completed' | 'failed'; result?: JobResult; failedReason?: string }> {
    const payload = definition.payloadSchema.parse(data);
    const jobId = definition.jobId(payload, ACCOUNT);
    await this.producer.enqueue([{ jobId, name: definition.name, data }], 'live');
    const queue = this.producer.queues.live;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed') return { jobId, state, result: (await queue.getJob(jobId))?.returnvalue as JobResult };
      if (state === 'failed') return { jobId, state, failedReason: (await queue.getJob(jobId))?.failedReason ?? 'no reason recorded' };
      if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms; last state ${state}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Runs one SQL query on QuestDB after its WAL is applied and returns the rows as objects. */
  async rows(table: string, sql: string): Promise<Record<string, unknown>[]> {
    await waitForWalApplied(this.ctx.questdb, this.table(table));
    const result = await this.ctx.questdb.exec(sql.replaceAll('{table}', this.table(table)));
    return result.dataset.map((values) => Object.fromEntries(result.columns.map((column, i) => [column.name, values[i]])));
  }

  /** Counts the rows of a QuestDB table, with an optional WHERE clause. */
  async count(table: string, where = 'true'): Promise<number> {
    await waitForWalApplied(this.ctx.questdb, this.table(table));
    return this.ctx.questdb.scalar(`SELECT count() FROM ${this.table(table)} WHERE ${where}`);
  }

  /** Stops the worker and the simulator and drops the test's databases, tables and keys. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.producer.close();
    await this.sim.close();
    await this.ctx.cleanup();
  }
}
