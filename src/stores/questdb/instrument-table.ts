import type { MasterCopyRow } from '../postgres/instruments.js';
import { utcMidnight } from '../../time/ist.js';
import { QuestDbError, sqlString, type QuestDbHttp } from './questdb-http.js';
import type { QuestDbRowWriter, TableSpec } from './row-writer.js';
import { waitForWalApplied } from './wal.js';

// The compact copy of the instruments master in QuestDB. Each copy is a whole snapshot
// stamped with one `loaded_at`; it is published by a row in `instrument_snapshots` only after
// all its rows are counted in `instruments`, and readers take the newest published snapshot.
// So a reader never sees half a master, and the tables are never dropped: QuestDB 9.3.4
// drops the first ILP writes to a table that was dropped and created again under its name.

const ROWS_TABLE = 'instruments';
const SNAPSHOTS_TABLE = 'instrument_snapshots';
/** Older snapshots are dropped, a day partition at a time, once a newer one is published. */
const KEEP_DAYS = 2;
const DAY_MS = 86_400_000;

/** Builds the table spec of one snapshot: every row carries the snapshot's `loaded_at`. */
export function instrumentCopySpec(loadedAtMs: number): TableSpec<MasterCopyRow> {
  return {
    table: ROWS_TABLE,
    timestampMs: () => loadedAtMs,
    seriesColumn: 'instrument_key',
    columns: [
      { name: 'instrument_key', kind: 'symbol', value: (r) => r.instrument_key },
      { name: 'segment', kind: 'symbol', value: (r) => r.segment },
      { name: 'instrument_type', kind: 'symbol', value: (r) => r.instrument_type },
      { name: 'underlying_key', kind: 'symbol', value: (r) => r.underlying_key },
      { name: 'trading_symbol', kind: 'string', value: (r) => r.trading_symbol },
      { name: 'name', kind: 'string', value: (r) => r.name },
      // A DATE column at 00:00 UTC of the IST expiry date, as candle tables store trade_date.
      { name: 'expiry', kind: 'timestamp', value: (r) => (r.expiry === null ? null : utcMidnight(r.expiry)) },
      { name: 'strike_price', kind: 'float', value: (r) => r.strike_price },
      { name: 'lot_size', kind: 'int', value: (r) => r.lot_size },
      { name: 'tick_size', kind: 'float', value: (r) => r.tick_size },
    ],
  };
}

/** The snapshot readers see now. */
export interface PublishedInstrumentSnapshot {
  readonly loadedAtMs: number;
  readonly rowCount: number;
}

/** Returns the newest published snapshot, or undefined when none is. */
export async function publishedInstrumentSnapshot(writer: QuestDbRowWriter, http: QuestDbHttp): Promise<PublishedInstrumentSnapshot | undefined> {
  const table = tableName(writer, SNAPSHOTS_TABLE);
  // Microseconds as a number, so the instant is read without parsing a date string.
  const result = await http.exec(`SELECT cast(loaded_at AS LONG), row_count FROM ${table} ORDER BY loaded_at DESC LIMIT 1`);
  const row = result.dataset[0];
  return row && { loadedAtMs: Math.floor(Number(row[0]) / 1000), rowCount: Number(row[1]) };
}

export interface InstrumentSnapshotInput {
  readonly loadedAtMs: number;
  readonly rowCount: number;
  readonly versions: string;
  readonly batches: AsyncIterable<readonly MasterCopyRow[]>;
  /** Returns false when the master changed while the rows were read; the snapshot then stays unpublished. */
  readonly isCurrent: () => Promise<boolean>;
}

/**
 * Writes one snapshot, counts its rows once QuestDB has applied them, then publishes it and
 * drops snapshots older than two days. A shortfall throws before publishing, so readers keep
 * the previous snapshot and the job's retry writes the same rows again. Returns the rows
 * written and whether the snapshot was published: it is not when the master changed
 * meanwhile, because the load that changed it writes a newer one.
 */
export async function writeInstrumentSnapshot(writer: QuestDbRowWriter, http: QuestDbHttp, input: InstrumentSnapshotInput): Promise<{ written: number; published: boolean }> {
  const spec = instrumentCopySpec(input.loadedAtMs);
  const rowsTable = tableName(writer, ROWS_TABLE);
  const snapshotsTable = tableName(writer, SNAPSHOTS_TABLE);
  const stamp = sqlString(new Date(input.loadedAtMs).toISOString());
  let written = 0;
  for await (const batch of input.batches) {
    await writer.write(spec, batch);
    written += batch.length;
  }
  if (!(await input.isCurrent())) return { written, published: false };
  if (written !== input.rowCount) {
    throw new QuestDbError(`the instruments snapshot of ${stamp} read ${written} rows from Postgres but expected ${input.rowCount}; the job runs again`, '');
  }

  await waitForWalApplied(http, rowsTable);
  const stored = await http.scalar(`SELECT count() FROM ${rowsTable} WHERE loaded_at = ${stamp}`);
  if (stored !== input.rowCount) {
    throw new QuestDbError(
      `${rowsTable} holds ${stored} rows of the snapshot of ${stamp} but ${input.rowCount} were written; it stays unpublished and the job runs again`,
      '',
    );
  }
  await http.exec(`INSERT INTO ${snapshotsTable} (loaded_at, row_count, versions) VALUES (${stamp}, ${input.rowCount}, ${sqlString(input.versions)})`);
  await waitForWalApplied(http, snapshotsTable);

  // Partitions are whole UTC days, and QuestDB drops every partition whose start matches the
  // condition, so the bound is a midnight: the published snapshot's day is never touched.
  const keepFrom = new Date(Math.floor(input.loadedAtMs / DAY_MS) * DAY_MS - KEEP_DAYS * DAY_MS).toISOString();
  await http.exec(`ALTER TABLE ${rowsTable} DROP PARTITION WHERE loaded_at < ${sqlString(keepFrom)}`);
  return { written, published: true };
}

function tableName(writer: QuestDbRowWriter, table: string): string {
  return writer.table({ table } as TableSpec<unknown>);
}
