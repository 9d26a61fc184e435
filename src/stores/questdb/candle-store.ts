import type { Sender } from '@questdb/nodejs-client';
import type { CandleRow } from '../../candles/candle-row.js';
import { utcMidnight } from '../../time/ist.js';
import { candleTableName, type CandleTableKind } from './candle-tables.js';
import { QuestDbError, sqlString, type QuestDbHttp } from './questdb-http.js';
import type { SenderPool } from './sender-pool.js';
import { WalWatcher } from './wal.js';

/** Candles before this instant cannot be real Upstox data; one means a unit mistake (seconds or nanoseconds). */
export const MIN_CANDLE_TS_MS = Date.UTC(2000, 0, 1);

export class CandleWriteError extends Error {
  readonly code = 'CANDLE_WRITE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CandleWriteError';
  }
}

export interface CandleStoreOptions {
  readonly http: QuestDbHttp;
  readonly senders: SenderPool;
  readonly tablePrefix: string;
  /** Rows per ILP request; bounds the sender's buffer. */
  readonly flushRows?: number;
  readonly walTimeoutMs?: number;
}

/** Writes candles to QuestDB with ILP over HTTP and checks that they arrived. */
export class QuestDbCandleStore {
  private readonly flushRows: number;
  private readonly wal: WalWatcher;

  constructor(private readonly options: CandleStoreOptions) {
    this.flushRows = options.flushRows ?? 50_000;
    this.wal = new WalWatcher(options.http, { timeoutMs: options.walTimeoutMs });
  }

  /** Returns the prefixed table name of a candle table. */
  table(kind: CandleTableKind): string {
    return candleTableName(this.options.tablePrefix, kind);
  }

  /**
   * Writes rows and awaits every flush. A failed flush throws, and the client has already
   * taken those rows out of its buffer. The caller rebuilds and resends them by running the
   * job again, which the deduplication keys make harmless.
   */
  async write(kind: CandleTableKind, rows: readonly CandleRow[]): Promise<void> {
    for (const row of rows) checkRow(row);
    const table = this.table(kind);
    await this.options.senders.use(async (sender) => {
      for (let start = 0; start < rows.length; start += this.flushRows) {
        const end = Math.min(start + this.flushRows, rows.length);
        for (let i = start; i < end; i++) await appendCandle(sender, table, rows[i]!);
        try {
          await sender.flush();
        } catch (error) {
          throw new CandleWriteError(`QuestDB rejected candles for ${table} (rows ${start}..${end - 1}): ${(error as Error).message}`, { cause: error });
        }
      }
    });
  }

  /**
   * Waits until the table shows the written rows, then counts the stored candles of this
   * instrument and interval between the first and last written bar. Throws on a shortfall,
   * which means QuestDB dropped rows that it had acknowledged.
   */
  async verify(kind: CandleTableKind, rows: readonly CandleRow[]): Promise<{ expected: number; stored: number }> {
    if (rows.length === 0) return { expected: 0, stored: 0 };
    const table = this.table(kind);
    await this.wal.waitForApplied(table);
    const first = rows[0]!;
    let minTs = first.tsMs;
    let maxTs = first.tsMs;
    const distinct = new Set<number>();
    for (const row of rows) {
      distinct.add(row.tsMs);
      if (row.tsMs < minTs) minTs = row.tsMs;
      if (row.tsMs > maxTs) maxTs = row.tsMs;
    }
    const stored = await this.options.http.scalar(
      `SELECT count() FROM ${table} WHERE instrument_key = ${sqlString(first.instrumentKey)} ` +
        `AND interval = ${sqlString(first.interval)} ` +
        `AND ts >= ${sqlString(new Date(minTs).toISOString())} AND ts <= ${sqlString(new Date(maxTs).toISOString())}`,
    );
    if (stored < distinct.size) {
      throw new CandleWriteError(
        `${table} holds ${stored} candles for ${first.instrumentKey} ${first.interval} between ${new Date(minTs).toISOString()} ` +
          `and ${new Date(maxTs).toISOString()}, but ${distinct.size} were written; the job fails so that it runs again`,
      );
    }
    return { expected: distinct.size, stored };
  }

  /** Counts the rows of a candle table, optionally for one instrument and interval. */
  async count(kind: CandleTableKind, filter: { instrumentKey?: string; interval?: string } = {}): Promise<number> {
    const conditions: string[] = [];
    if (filter.instrumentKey) conditions.push(`instrument_key = ${sqlString(filter.instrumentKey)}`);
    if (filter.interval) conditions.push(`interval = ${sqlString(filter.interval)}`);
    const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
    try {
      return await this.options.http.scalar(`SELECT count() FROM ${this.table(kind)}${where}`);
    } catch (error) {
      if (error instanceof QuestDbError && /does not exist/.test(error.message)) return 0;
      throw error;
    }
  }
}

async function appendCandle(sender: Sender, table: string, row: CandleRow): Promise<void> {
  sender
    .table(table)
    .symbol('instrument_key', row.instrumentKey)
    .symbol('interval', row.interval)
    .symbol('source', row.source)
    .timestampColumn('trade_date', tradeDateMs(row.tradeDate), 'ms')
    .floatColumn('open', row.open)
    .floatColumn('high', row.high)
    .floatColumn('low', row.low)
    .floatColumn('close', row.close)
    // An integer field: a float sent to the LONG column would be rejected by QuestDB.
    .intColumn('volume', row.volume)
    .floatColumn('open_interest', row.openInterest);
  // With auto-flush off, `at` only appends to the buffer; it is awaited so that a rejected
  // row surfaces here instead of as an unhandled rejection.
  await sender.at(row.tsMs * 1000, 'us');
}

// Parsing the same few trading dates for every row is measurable in bulk loads, so each
// date is parsed once. The cache is cleared when it grows past a few years of dates.
const tradeDateCache = new Map<string, number>();

function tradeDateMs(date: string): number {
  let ms = tradeDateCache.get(date);
  if (ms === undefined) {
    if (tradeDateCache.size > 10_000) tradeDateCache.clear();
    ms = utcMidnight(date);
    tradeDateCache.set(date, ms);
  }
  return ms;
}

function checkRow(row: CandleRow): void {
  if (!Number.isFinite(row.tsMs) || row.tsMs < MIN_CANDLE_TS_MS) {
    throw new CandleWriteError(`candle timestamp ${row.tsMs} ms for ${row.instrumentKey} is before 2000-01-01; check the timestamp unit`);
  }
  if (!Number.isSafeInteger(row.volume) || row.volume < 0) {
    throw new CandleWriteError(`candle volume ${row.volume} for ${row.instrumentKey} at ${new Date(row.tsMs).toISOString()} is not a non-negative integer`);
  }
}
