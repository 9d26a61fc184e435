import type { InstrumentRow } from '../../normalise/instruments.js';
import { toSafeNumber } from './pool.js';
import type { PostgresStore } from './store.js';

// The instruments master in Postgres. A load stages every row of a file under a reserved
// version id, then `switchInstrumentVersion` compares the staging rows with the active master
// and applies the differences in one transaction, so a reader sees either the old master or
// the new one, and a load that fails before the switch changes nothing.

/** Columns that staging and the master share, in insert order. */
const ROW_COLUMNS = [
  'instrument_key', 'segment', 'exchange', 'instrument_type', 'trading_symbol', 'name', 'short_name', 'isin',
  'exchange_token', 'lot_size', 'minimum_lot', 'freeze_quantity', 'tick_size', 'qty_multiplier', 'strike_price',
  'expiry', 'expiry_at', 'last_trading_date', 'weekly', 'underlying_key', 'underlying_symbol', 'underlying_type',
  'asset_key', 'asset_symbol', 'asset_type', 'raw',
] as const;

// Serialises switches of every file, because a switch compares against keys of all files.
const SWITCH_LOCK = 0x1_6e57_0001;

/** The active version of one file. */
export interface ActiveInstrumentVersion {
  readonly id: number;
  readonly checksum: string;
  readonly rowCount: number;
  readonly loadedAtMs: number;
}

/** Returns the active version of `file`, or undefined before its first load. */
export async function activeInstrumentVersion(store: PostgresStore, file: string): Promise<ActiveInstrumentVersion | undefined> {
  const rows = await store.query<{ id: bigint; checksum: string; row_count: number; loaded_at: Date }>(
    'SELECT id, checksum, row_count, loaded_at FROM instrument_versions WHERE file = $1 AND active',
    [file],
  );
  const row = rows[0];
  return row && { id: toSafeNumber(row.id), checksum: row.checksum, rowCount: row.row_count, loadedAtMs: row.loaded_at.getTime() };
}

/** Reserves the id that a load stages its rows under and that its version gets if it switches. */
export async function reserveInstrumentLoad(store: PostgresStore): Promise<number> {
  const rows = await store.query<{ id: bigint }>("SELECT nextval('instrument_versions_id_seq') AS id");
  return toSafeNumber(rows[0]!.id);
}

/** Stages a batch of rows under the load's id. */
export async function stageInstruments(store: PostgresStore, loadId: number, rows: readonly InstrumentRow[]): Promise<void> {
  if (rows.length === 0) return;
  const list = ROW_COLUMNS.join(', ');
  await store.query(
    `INSERT INTO instrument_staging (load_id, ${list})
     SELECT $1, ${list} FROM jsonb_populate_recordset(NULL::instrument_staging, $2::jsonb)`,
    [loadId, `[${rows.map(stagingJson).join(',')}]`],
  );
}

/** Returns up to `limit` keys that the load staged more than once, with their rows as staged. */
export async function repeatedInstrumentKeys(store: PostgresStore, loadId: number, limit = 10): Promise<{ key: string; rows: unknown[] }[]> {
  // Keys first, rows second: aggregating the rows of every group would build a JSON array
  // per key of the whole file.
  const rows = await store.query<{ instrument_key: string; raws: unknown[] }>(
    `WITH repeated AS (
       SELECT instrument_key FROM instrument_staging WHERE load_id = $1
       GROUP BY instrument_key HAVING count(*) > 1 ORDER BY instrument_key LIMIT $2
     )
     SELECT s.instrument_key, jsonb_agg(s.raw) AS raws
     FROM instrument_staging s JOIN repeated r ON r.instrument_key = s.instrument_key
     WHERE s.load_id = $1 GROUP BY s.instrument_key ORDER BY s.instrument_key`,
    [loadId, limit],
  );
  return rows.map((row) => ({ key: row.instrument_key, rows: row.raws }));
}

function stagingJson(row: InstrumentRow): string {
  return JSON.stringify({
    instrument_key: row.instrumentKey,
    segment: row.segment,
    exchange: row.exchange,
    instrument_type: row.instrumentType,
    trading_symbol: row.tradingSymbol,
    name: row.name,
    short_name: row.shortName,
    isin: row.isin,
    exchange_token: row.exchangeToken,
    lot_size: row.lotSize,
    minimum_lot: row.minimumLot,
    freeze_quantity: row.freezeQuantity,
    tick_size: row.tickSize,
    qty_multiplier: row.qtyMultiplier,
    strike_price: row.strikePrice,
    expiry: row.expiry,
    expiry_at: row.expiryMs === null ? null : new Date(row.expiryMs).toISOString(),
    last_trading_date: row.lastTradingDate,
    weekly: row.weekly,
    underlying_key: row.underlyingKey,
    underlying_symbol: row.underlyingSymbol,
    underlying_type: row.underlyingType,
    asset_key: row.assetKey,
    asset_symbol: row.assetSymbol,
    asset_type: row.assetType,
    raw: row.raw,
  });
}

/** Deletes the staged rows of one load. */
export async function clearInstrumentLoad(store: PostgresStore, loadId: number): Promise<void> {
  await store.query('DELETE FROM instrument_staging WHERE load_id = $1', [loadId]);
}

/** Deletes staged rows of loads that died without cleaning up (a killed process), after `olderThanHours`. */
export async function clearAbandonedLoads(store: PostgresStore, olderThanHours = 6): Promise<number> {
  const rows = await store.query<{ n: bigint }>(
    "WITH gone AS (DELETE FROM instrument_staging WHERE staged_at < now() - make_interval(hours => $1) RETURNING 1) SELECT count(*) AS n FROM gone",
    [olderThanHours],
  );
  return toSafeNumber(rows[0]!.n);
}

export interface InstrumentSwitchInput {
  readonly loadId: number;
  readonly file: string;
  readonly url: string;
  readonly checksum: string;
  readonly bytes: number;
  readonly rowCount: number;
}

export type InstrumentSwitchResult =
  | { readonly state: 'switched'; readonly versionId: number; readonly loadedAtMs: number; readonly newCount: number; readonly changedCount: number; readonly goneCount: number }
  /** Another load of the same file content became active first. */
  | { readonly state: 'unchanged'; readonly versionId: number };

/**
 * Makes the staged load the active version of its file, in one transaction: records the new,
 * changed and gone keys, applies them to `instruments`, and moves the active flag. Switches
 * are serialised by an advisory lock, so `loaded_at` grows in commit order.
 */
export async function switchInstrumentVersion(store: PostgresStore, input: InstrumentSwitchInput): Promise<InstrumentSwitchResult> {
  return store.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SWITCH_LOCK]);
    const active = await activeInstrumentVersion(tx, input.file);
    if (active?.checksum === input.checksum) return { state: 'unchanged', versionId: active.id };

    const [version] = await tx.query<{ loaded_at: Date }>(
      `INSERT INTO instrument_versions (id, file, url, checksum, bytes, row_count, new_count, changed_count, gone_count, loaded_at)
       SELECT $1, $2, $3, $4, $5, $6, 0, 0, 0,
              GREATEST(date_trunc('milliseconds', clock_timestamp()), (SELECT max(loaded_at) + interval '1 millisecond' FROM instrument_versions))
       RETURNING loaded_at`,
      [input.loadId, input.file, input.url, input.checksum, input.bytes, input.rowCount],
    );
    const params = [input.loadId, input.file];
    const newCount = await count(tx, NEW_SQL, [input.loadId]);
    const changedCount = await count(tx, CHANGED_SQL, [input.loadId]);
    const goneCount = await count(tx, GONE_SQL, params);
    await tx.query(
      'DELETE FROM instruments i WHERE i.file = $2 AND NOT EXISTS (SELECT 1 FROM instrument_staging s WHERE s.load_id = $1 AND s.instrument_key = i.instrument_key)',
      params,
    );
    await tx.query(UPSERT_SQL, params);
    await tx.query('UPDATE instrument_versions SET active = false WHERE file = $1 AND active', [input.file]);
    await tx.query('UPDATE instrument_versions SET active = true, new_count = $2, changed_count = $3, gone_count = $4 WHERE id = $1', [
      input.loadId,
      newCount,
      changedCount,
      goneCount,
    ]);
    return { state: 'switched', versionId: input.loadId, loadedAtMs: version!.loaded_at.getTime(), newCount, changedCount, goneCount };
  });
}

async function count(tx: PostgresStore, sql: string, params: readonly unknown[]): Promise<number> {
  const rows = await tx.query<{ n: bigint }>(`WITH written AS (${sql} RETURNING 1) SELECT count(*) AS n FROM written`, params);
  return toSafeNumber(rows[0]!.n);
}

// $1 is the load (and version) id, $2 the file.
const NEW_SQL = `
  INSERT INTO instrument_changes (version_id, instrument_key, change)
  SELECT $1, s.instrument_key, 'new' FROM instrument_staging s
  WHERE s.load_id = $1
    AND NOT EXISTS (SELECT 1 FROM instruments i WHERE i.instrument_key = s.instrument_key)`;

// The fields that differ, over the union of both rows' fields; a field present in only one
// row differs too. jsonb equality ignores key order and compares numbers by value (1 = 1.0).
const CHANGED_SQL = `
  INSERT INTO instrument_changes (version_id, instrument_key, change, fields, before, after)
  SELECT $1, s.instrument_key, 'changed', d.fields, d.before, d.after
  FROM instrument_staging s
  JOIN instruments i ON i.instrument_key = s.instrument_key
  CROSS JOIN LATERAL (
    SELECT array_agg(k ORDER BY k) AS fields,
           jsonb_object_agg(k, i.raw -> k) FILTER (WHERE i.raw ? k) AS before,
           jsonb_object_agg(k, s.raw -> k) FILTER (WHERE s.raw ? k) AS after
    FROM (SELECT jsonb_object_keys(i.raw) UNION SELECT jsonb_object_keys(s.raw)) AS keys (k)
    WHERE (i.raw -> k) IS DISTINCT FROM (s.raw -> k)
  ) d
  WHERE s.load_id = $1 AND i.raw <> s.raw`;

const GONE_SQL = `
  INSERT INTO instrument_changes (version_id, instrument_key, change, before)
  SELECT $1, i.instrument_key, 'gone', i.raw FROM instruments i
  WHERE i.file = $2
    AND NOT EXISTS (SELECT 1 FROM instrument_staging s WHERE s.load_id = $1 AND s.instrument_key = i.instrument_key)`;

// New and changed rows, and rows whose values are the same but that another file loaded
// last (they change owner without a change record).
const UPSERT_SQL = `
  INSERT INTO instruments (file, version_id, ${ROW_COLUMNS.join(', ')})
  SELECT $2, $1, ${ROW_COLUMNS.map((c) => `s.${c}`).join(', ')}
  FROM instrument_staging s
  LEFT JOIN instruments i ON i.instrument_key = s.instrument_key
  WHERE s.load_id = $1 AND (i.instrument_key IS NULL OR i.raw <> s.raw OR i.file <> $2)
  ON CONFLICT (instrument_key) DO UPDATE SET
    file = EXCLUDED.file,
    version_id = CASE WHEN instruments.raw <> EXCLUDED.raw THEN EXCLUDED.version_id ELSE instruments.version_id END,
    ${ROW_COLUMNS.filter((c) => c !== 'instrument_key').map((c) => `${c} = EXCLUDED.${c}`).join(',\n    ')}`;

/** The state of the whole master that one QuestDB snapshot copies. */
export interface MasterSnapshot {
  /** The newest `loaded_at` among the active versions; it stamps the snapshot. */
  readonly loadedAtMs: number;
  readonly rowCount: number;
  /** Such as `MCX:9,NSE:12`. */
  readonly versions: string;
  /** Yields the master's rows for the compact copy, in key order. */
  rows(batchSize: number): AsyncGenerator<MasterCopyRow[]>;
  /** Returns false when a version switched since the snapshot was taken, so its rows may mix two states. */
  isCurrent(): Promise<boolean>;
}

/** The columns of the compact copy. */
export interface MasterCopyRow {
  readonly instrument_key: string;
  readonly segment: string;
  readonly trading_symbol: string | null;
  readonly name: string | null;
  readonly instrument_type: string | null;
  /** `YYYY-MM-DD`. */
  readonly expiry: string | null;
  readonly strike_price: number | null;
  readonly lot_size: number | null;
  /** Rupees. */
  readonly tick_size: number | null;
  readonly underlying_key: string | null;
}

/**
 * Describes the whole master as it is now, or returns undefined when no version is active.
 * The rows are read page by page outside a transaction (a long transaction on one pooled
 * connection raised the loading process's peak memory by about 40 MB here), so a caller
 * checks `isCurrent` after reading them.
 */
export async function masterSnapshot(store: PostgresStore): Promise<MasterSnapshot | undefined> {
  const versions = await activeVersionList(store);
  if (versions === '') return undefined;
  const [point] = await store.query<{ loaded_at: Date; n: bigint }>(
    'SELECT (SELECT max(loaded_at) FROM instrument_versions WHERE active) AS loaded_at, (SELECT count(*) FROM instruments) AS n',
  );
  return {
    loadedAtMs: point!.loaded_at.getTime(),
    rowCount: toSafeNumber(point!.n),
    versions,
    rows: (batchSize) => copyRows(store, batchSize),
    isCurrent: async () => (await activeVersionList(store)) === versions,
  };
}

async function activeVersionList(store: PostgresStore): Promise<string> {
  const rows = await store.query<{ file: string; id: bigint }>('SELECT file, id FROM instrument_versions WHERE active ORDER BY file');
  return rows.map((v) => `${v.file}:${v.id}`).join(',');
}

async function* copyRows(store: PostgresStore, batchSize: number): AsyncGenerator<MasterCopyRow[]> {
  let after = '';
  for (;;) {
    // Keyset pages on the primary key; numerics are read as float8 because the copy stores DOUBLE.
    const rows = await store.query<MasterCopyRow & Record<string, unknown>>(
      `SELECT instrument_key, segment, trading_symbol, name, instrument_type, expiry, strike_price::float8 AS strike_price,
              lot_size, tick_size::float8 AS tick_size, underlying_key
       FROM instruments WHERE instrument_key > $1 ORDER BY instrument_key LIMIT $2`,
      [after, batchSize],
    );
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.instrument_key;
  }
}
