import type { Sender } from '@questdb/nodejs-client';
import { QuestDbError, sqlString, type QuestDbHttp } from './questdb-http.js';
import type { SenderPool } from './sender-pool.js';
import { WalWatcher } from './wal.js';

/** How one column is sent over ILP. `int` must match a LONG column, `float` a DOUBLE. */
export type ColumnKind = 'symbol' | 'string' | 'float' | 'int' | 'bool' | 'timestamp';

export interface ColumnSpec<Row> {
  readonly name: string;
  readonly kind: ColumnKind;
  /** The value; null or undefined leaves the column out of the row, so QuestDB stores null. Timestamps are epoch ms. */
  readonly value: (row: Row) => string | number | boolean | null | undefined;
}

/** How rows of one kind map to one QuestDB table. */
export interface TableSpec<Row> {
  /** The table name without the deployment's prefix. */
  readonly table: string;
  /** The designated timestamp, in epoch milliseconds. */
  readonly timestampMs: (row: Row) => number;
  readonly columns: readonly ColumnSpec<Row>[];
  /** A SYMBOL column whose value identifies the row's series, used by the post-write count. */
  readonly seriesColumn: string;
}

/** Rows before this instant cannot be real market data; one means a timestamp unit mistake. */
const MIN_TS_MS = Date.UTC(2000, 0, 1);

/**
 * Writes rows of any table spec with ILP over HTTP, then checks that they arrived: the same
 * contract as the candle store, for quotes, option chains and the other QuestDB tables.
 */
export class QuestDbRowWriter {
  private readonly wal: WalWatcher;

  constructor(private readonly options: { http: QuestDbHttp; senders: SenderPool; tablePrefix: string; flushRows?: number }) {
    this.wal = new WalWatcher(options.http);
  }

  /** Returns the prefixed table name. */
  table(spec: TableSpec<unknown>): string {
    return `${this.options.tablePrefix}${spec.table}`;
  }

  /** Writes the rows and awaits every flush; a failed flush throws, and the job resends everything on its next attempt. */
  async write<Row>(spec: TableSpec<Row>, rows: readonly Row[]): Promise<void> {
    const table = this.table(spec as TableSpec<unknown>);
    const flushRows = this.options.flushRows ?? 50_000;
    for (const row of rows) {
      const ts = spec.timestampMs(row);
      if (!Number.isFinite(ts) || ts < MIN_TS_MS) throw new QuestDbError(`row for ${table} has timestamp ${ts} ms, before 2000-01-01; check the timestamp unit`, '');
    }
    await this.options.senders.use(async (sender) => {
      for (let start = 0; start < rows.length; start += flushRows) {
        const end = Math.min(start + flushRows, rows.length);
        for (let i = start; i < end; i++) await appendRow(sender, table, spec, rows[i]!);
        try {
          await sender.flush();
        } catch (error) {
          throw new QuestDbError(`QuestDB rejected rows for ${table} (rows ${start}..${end - 1}): ${(error as Error).message}`, '', { cause: error });
        }
      }
    });
  }

  /**
   * Waits until the table shows the written rows, then checks that every series has at least
   * as many rows between its first and last written timestamp as distinct timestamps were
   * written for it. Throws on a shortfall.
   */
  async verify<Row>(spec: TableSpec<Row>, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const table = this.table(spec as TableSpec<unknown>);
    await this.wal.waitForApplied(table);
    const series = spec.columns.find((c) => c.name === spec.seriesColumn);
    if (!series) throw new Error(`table spec ${spec.table} names series column ${spec.seriesColumn}, which it does not define`);
    const bySeries = new Map<string, Set<number>>();
    for (const row of rows) {
      const key = String(series.value(row));
      let stamps = bySeries.get(key);
      if (!stamps) bySeries.set(key, (stamps = new Set()));
      stamps.add(spec.timestampMs(row));
    }
    for (const [key, stamps] of bySeries) {
      const min = Math.min(...stamps);
      const max = Math.max(...stamps);
      const stored = await this.options.http.scalar(
        `SELECT count_distinct(ts) FROM ${table} WHERE ${spec.seriesColumn} = ${sqlString(key)} ` +
          `AND ts >= ${sqlString(new Date(min).toISOString())} AND ts <= ${sqlString(new Date(max).toISOString())}`,
      );
      if (stored < stamps.size) {
        throw new QuestDbError(`${table} holds ${stored} timestamps for ${key} but ${stamps.size} were written; the job fails so that it runs again`, '');
      }
    }
  }
}

async function appendRow<Row>(sender: Sender, table: string, spec: TableSpec<Row>, row: Row): Promise<void> {
  sender.table(table);
  // ILP requires every symbol before the other columns.
  for (const column of spec.columns) {
    if (column.kind !== 'symbol') continue;
    const value = column.value(row);
    if (value !== null && value !== undefined) sender.symbol(column.name, String(value));
  }
  for (const column of spec.columns) {
    const value = column.value(row);
    if (value === null || value === undefined) continue;
    switch (column.kind) {
      case 'symbol':
        break;
      case 'string':
        sender.stringColumn(column.name, String(value));
        break;
      case 'float':
        sender.floatColumn(column.name, Number(value));
        break;
      case 'int':
        if (!Number.isSafeInteger(value)) throw new QuestDbError(`column ${column.name} of ${table} needs an integer, got ${String(value)}`, '');
        sender.intColumn(column.name, value as number);
        break;
      case 'bool':
        sender.booleanColumn(column.name, Boolean(value));
        break;
      case 'timestamp':
        sender.timestampColumn(column.name, Number(value), 'ms');
        break;
    }
  }
  await sender.at(spec.timestampMs(row) * 1000, 'us');
}
