import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The worker's Prometheus metrics, on a registry of its own. */
export class IngestMetrics {
  readonly registry = new Registry();
  readonly jobs: Counter<'job' | 'priority' | 'outcome'>;
  readonly jobDuration: Histogram<'job' | 'outcome'>;
  readonly rowsWritten: Counter<'job'>;
  readonly apiRequests: Counter<'api' | 'status'>;
  readonly apiDuration: Histogram<'api'>;
  readonly lastSuccess: Gauge<'job'>;
  readonly budgetUsed: Gauge<'group' | 'window'>;
  readonly budgetLimit: Gauge<'group' | 'window'>;
  readonly rateLimited: Gauge<'group'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'upstox_ingest_' });
    const registers = [this.registry];
    this.jobs = new Counter({ name: 'upstox_ingest_jobs_total', help: 'Job runs by job name, priority class and outcome (completed, retrying, failed, deferred, skipped).', labelNames: ['job', 'priority', 'outcome'], registers });
    this.jobDuration = new Histogram({ name: 'upstox_ingest_job_duration_seconds', help: 'Job run time in seconds.', labelNames: ['job', 'outcome'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers });
    this.rowsWritten = new Counter({ name: 'upstox_ingest_rows_written_total', help: 'Rows written to QuestDB or Postgres by completed jobs.', labelNames: ['job'], registers });
    this.apiRequests = new Counter({ name: 'upstox_ingest_api_requests_total', help: 'Upstox API requests by API name and HTTP status (network and timeout for no answer).', labelNames: ['api', 'status'], registers });
    this.apiDuration = new Histogram({ name: 'upstox_ingest_api_request_duration_seconds', help: 'Upstox API response time in seconds.', labelNames: ['api'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers });
    this.lastSuccess = new Gauge({ name: 'upstox_ingest_last_success_timestamp_seconds', help: 'When each job name last completed, in Unix seconds; now minus this is the ingest lag.', labelNames: ['job'], registers });
    this.budgetUsed = new Gauge({ name: 'upstox_ingest_rate_budget_used', help: 'Requests inside each rate window per budget group, read from Redis at scrape time.', labelNames: ['group', 'window'], registers });
    this.budgetLimit = new Gauge({ name: 'upstox_ingest_rate_budget_limit', help: 'The limit of each rate window per budget group.', labelNames: ['group', 'window'], registers });
    this.rateLimited = new Gauge({ name: 'upstox_ingest_rate_limited_responses', help: 'Upstox 429 responses per budget group since the budget keys were created.', labelNames: ['group'], registers });
  }

  /** Records one finished job run. */
  recordJob(job: string, priority: string, outcome: string, durationMs: number, rowsWritten: number): void {
    this.jobs.inc({ job, priority, outcome });
    this.jobDuration.observe({ job, outcome }, durationMs / 1000);
    if (outcome === 'completed') {
      this.rowsWritten.inc({ job }, rowsWritten);
      this.lastSuccess.set({ job }, Date.now() / 1000);
    }
  }

  /** Records one Upstox API response, or a request that got none. */
  recordRequest(api: string, status: number | 'network' | 'timeout', durationMs: number): void {
    this.apiRequests.inc({ api, status: String(status) });
    this.apiDuration.observe({ api }, durationMs / 1000);
  }

  /** Returns the metrics in the Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
