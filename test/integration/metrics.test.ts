import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketStatusJob } from '../../jobs/market-info-calendar.js';
import { withUpstoxSettings, type Config } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// The worker's /metrics and /health endpoints, scraped over HTTP after a real job has run
// through the simulator, Redis, Postgres and QuestDB.

const TOKEN = 'metrics-test-token-4f1c';
const SIM_NOW = Date.parse('2025-04-18T12:00:00+05:30');

let ctx: TestContext;
let sim: RunningSimulator;

/** A port nothing listens on: bound, read and released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function withMetrics(config: Config): Promise<Config> {
  return { ...withUpstoxSettings(config, { token: TOKEN, baseUrl: sim.url }), metrics: { host: '127.0.0.1', port: await freePort() } };
}

/** The value of one sample line of the Prometheus text, such as `name{label="x"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main', JOB_ATTEMPTS: '2' });
  sim = await startSimulator({ tokens: { [TOKEN]: 'main' }, now: () => SIM_NOW });
});
afterAll(async () => {
  await sim.close();
  await ctx.cleanup();
});

describe('worker metrics and health', () => {
  let worker: RunningIngestWorker;
  let producer: JobProducer;

  beforeAll(async () => {
    worker = await startIngestWorker(await withMetrics(ctx.config), ctx.log);
    producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 2);
  });
  afterAll(async () => {
    await producer.close();
    await worker.close();
  });

  it('counts a finished job, its requests and its rows', async () => {
    const payload = marketStatusJob.payloadSchema.parse({});
    const jobId = marketStatusJob.jobId(payload, 'main');
    await producer.enqueue([{ jobId, name: marketStatusJob.name, data: payload as Record<string, unknown> }], 'nightly');
    const deadline = Date.now() + 20_000;
    while ((await producer.queues.nightly.getJobState(jobId)) !== 'completed') {
      if (Date.now() > deadline) throw new Error('the market-status job did not complete within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The run is recorded just after the job settles; give the worker a moment.
    let text = '';
    for (let i = 0; i < 40; i += 1) {
      const response = await fetch(`${worker.metricsUrl}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      text = await response.text();
      if (sample(text, 'upstox_ingest_jobs_total{job="market-status",priority="nightly",outcome="completed"}') !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect({
      jobs: sample(text, 'upstox_ingest_jobs_total{job="market-status",priority="nightly",outcome="completed"}'),
      rows: sample(text, 'upstox_ingest_rows_written_total{job="market-status"}'),
      requests: sample(text, 'upstox_ingest_api_requests_total{api="market-status",status="200"}'),
      timed: sample(text, 'upstox_ingest_api_request_duration_seconds_count{api="market-status"}'),
      perSecondLimit: sample(text, 'upstox_ingest_rate_budget_limit{group="market-status",window="second"}'),
      used: sample(text, 'upstox_ingest_rate_budget_used{group="market-status",window="minute"}'),
    }).toEqual({ jobs: 1, rows: 8, requests: 8, timed: 8, perSecondLimit: 50, used: 8 });
    const lastSuccess = sample(text, 'upstox_ingest_last_success_timestamp_seconds{job="market-status"}');
    expect(Math.abs(Date.now() / 1000 - (lastSuccess ?? 0))).toBeLessThan(60);
    expect(text).not.toContain(TOKEN);
  });

  it('reports every store up', async () => {
    const response = await fetch(`${worker.metricsUrl}/health`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ok', checks: { redis: 'ok', postgres: 'ok', questdb: 'ok' } }]);
  });

  it('answers only GET on the two paths', async () => {
    const post = await fetch(`${worker.metricsUrl}/metrics`, { method: 'POST' });
    const other = await fetch(`${worker.metricsUrl}/jobs`);
    expect([post.status, other.status]).toEqual([405, 404]);
  });
});

describe('worker health with a store down', () => {
  it('answers 503 and names the store', async () => {
    // QuestDB at a loopback port with nothing behind it.
    const config = await withMetrics(ctx.config);
    const down = { ...config, questdb: { ...config.questdb, httpUrl: `http://127.0.0.1:${await freePort()}` } };
    const worker = await startIngestWorker(down, ctx.log);
    try {
      const response = await fetch(`${worker.metricsUrl}/health`);
      const body = (await response.json()) as { status: string; checks: Record<string, string> };
      expect([response.status, body.status, body.checks.redis, body.checks.postgres, body.checks.questdb?.startsWith('down:')]).toEqual([503, 'down', 'ok', 'ok', true]);
    } finally {
      await worker.close();
    }
  });

  it('starts without the endpoints when the port is taken', async () => {
    const first = await startIngestWorker(await withMetrics(ctx.config), ctx.log);
    const port = Number(new URL(first.metricsUrl!).port);
    const second = await startIngestWorker({ ...(await withMetrics(ctx.config)), metrics: { host: '127.0.0.1', port } }, ctx.log);
    try {
      expect([typeof first.metricsUrl, second.metricsUrl]).toEqual(['string', undefined]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
