import type { Logger } from '../log/logger.js';

// Collects rows from the feed and writes them in small batches: when `maxRows` rows wait, or
// `maxDelayMs` after the first waiting row arrived, whichever comes first. One write runs at a
// time, with at most ten batches' worth of rows. A failed write is retried with growing pauses. When every attempt fails, the batch is
// dropped, counted and logged, because holding it would only delay every later batch while
// the store is down. Rows that arrive meanwhile wait, up to `maxBufferedRows`; beyond that the
// oldest waiting rows are dropped and counted.

export interface BatcherOptions<Row> {
  /** Writes one batch; a rejection counts as a failed attempt. */
  readonly write: (rows: readonly Row[]) => Promise<void>;
  /** The table name for logs, such as `feed_ticks`. */
  readonly label: string;
  readonly log: Logger;
  /** Rows that trigger a write at once. Default 500. */
  readonly maxRows?: number;
  /** Maximum wait of a row before its write starts, in ms. Default 1000. */
  readonly maxDelayMs?: number;
  /** Pauses before the second, third, … attempt of a batch, in ms. Default 500, 1000, 2000, 4000, 8000. */
  readonly retryDelaysMs?: readonly number[];
  /** Rows allowed to wait while a write is failing. Default 200,000. */
  readonly maxBufferedRows?: number;
}

/** Counts of a batcher since it started. */
export interface BatcherStats {
  /** Rows in batches that a write accepted. */
  readonly written: number;
  /** Rows given up: in batches whose every attempt failed, or pushed out of a full buffer. */
  readonly dropped: number;
  /** Write attempts that failed, retried ones included. */
  readonly failedAttempts: number;
  /** Rows waiting now. */
  readonly waiting: number;
}

const DEFAULT_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];
const BACKLOG_SLICE_BATCHES = 10;

/** Batches rows for a store; see the file comment for when rows are written and dropped. */
export class RowBatcher<Row> {
  private readonly maxRows: number;
  private readonly maxDelayMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly maxBufferedRows: number;
  private buffer: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pause: { resolve: () => void } | undefined;
  private closing = false;
  private counts = { written: 0, dropped: 0, failedAttempts: 0 };

  constructor(private readonly options: BatcherOptions<Row>) {
    this.maxRows = options.maxRows ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 1_000;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.maxBufferedRows = options.maxBufferedRows ?? 200_000;
    if (!(this.maxRows >= 1 && this.maxDelayMs >= 0 && this.maxBufferedRows >= this.maxRows)) {
      throw new RangeError(
        `invalid batcher settings for ${options.label}: maxRows ${this.maxRows} must be 1 or more, maxDelayMs ${this.maxDelayMs} 0 or more, ` +
          `and maxBufferedRows ${this.maxBufferedRows} at least maxRows`,
      );
    }
  }

  /** Adds rows; starts a write when enough are waiting, or arms the delay timer. */
  add(rows: readonly Row[]): void {
    if (rows.length === 0) return;
    this.buffer.push(...rows);
    const excess = this.buffer.length - this.maxBufferedRows;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.counts.dropped += excess;
      this.options.log.error(
        { table: this.options.label, dropped: excess, droppedTotal: this.counts.dropped },
        `dropped the oldest ${excess} waiting rows for ${this.options.label}: more than ${this.maxBufferedRows} rows waited while writes failed`,
      );
    }
    if (this.buffer.length >= this.maxRows) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.maxDelayMs);
  }

  /** Writes every waiting row now and resolves once no write is running. */
  async flush(): Promise<void> {
    for (;;) {
      this.kick();
      if (!this.running) return;
      await this.running;
    }
  }

  /**
   * Writes every waiting row, then stops the timer. A failing batch gets at most one more
   * attempt, without a pause, before it is dropped and counted.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.pause?.resolve();
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Returns the counts so far. */
  stats(): BatcherStats {
    return { ...this.counts, waiting: this.buffer.length };
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.buffer.length === 0) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      // Rows that arrived during the write wait for their own trigger, unless they already fill a batch.
      if (this.buffer.length >= this.maxRows) this.kick();
      else if (this.buffer.length > 0) this.timer ??= setTimeout(() => this.kick(), this.maxDelayMs);
    });
  }

  private async drain(): Promise<void> {
    // A backlog left by an outage goes out in slices, so no single request grows too large
    // to finish within the ILP client's timeout.
    const batch = this.buffer.splice(0, this.maxRows * BACKLOG_SLICE_BATCHES);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.write(batch);
        this.counts.written += batch.length;
        if (attempt > 1) this.options.log.info({ table: this.options.label, rows: batch.length, attempt }, `wrote ${batch.length} rows to ${this.options.label} after a retry`);
        return;
      } catch (error) {
        this.counts.failedAttempts += 1;
        // While closing, a batch gets one more attempt without a pause, so a stop does not wait through the retry schedule.
        const delayMs = this.closing && attempt >= 2 ? undefined : this.retryDelaysMs[attempt - 1];
        if (delayMs === undefined) {
          this.counts.dropped += batch.length;
          this.options.log.error(
            { table: this.options.label, rows: batch.length, attempts: attempt, droppedTotal: this.counts.dropped, err: messageOf(error) },
            `dropped ${batch.length} rows for ${this.options.label} after ${attempt} failed writes; check that QuestDB is running`,
          );
          return;
        }
        this.options.log.warn(
          { table: this.options.label, rows: batch.length, attempt, retryInMs: this.closing ? 0 : delayMs, err: messageOf(error) },
          `writing ${batch.length} rows to ${this.options.label} failed; retrying`,
        );
        if (!this.closing) await this.sleep(delayMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pause = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pause = { resolve: done };
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
