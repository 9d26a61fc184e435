import type { PostgresClient, PostgresPool } from './pool.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Inserts rows, or updates the row with the same key, in one statement. Rows are sent as one
 * JSON array and typed by the table's own columns (`jsonb_populate_recordset`), so dates,
 * numerics and jsonb need no per-column casts. The columns written are those present in any
 * row (a row without one gets null there); the table's other columns keep their defaults. A
 * batch that holds one key twice keeps the last
 * row, because Postgres refuses to update the same row twice in one statement.
 */
export async function upsertRows(
  db: PostgresPool | PostgresClient,
  table: string,
  keyColumns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  for (const name of [table, ...columns, ...keyColumns]) {
    if (!IDENTIFIER.test(name)) throw new RangeError(`invalid SQL identifier ${JSON.stringify(name)}: use lower_snake_case`);
  }
  for (const key of keyColumns) {
    if (!columns.includes(key)) throw new RangeError(`rows for ${table} lack key column ${key}`);
  }
  const byKey = new Map<string, Record<string, unknown>>();
  for (const row of rows) byKey.set(JSON.stringify(keyColumns.map((k) => row[k])), row);
  const updates = columns.filter((c) => !keyColumns.includes(c));
  const onConflict =
    updates.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${updates.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  const list = columns.join(', ');
  const result = await db.query(
    `INSERT INTO ${table} (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)
     ON CONFLICT (${keyColumns.join(', ')}) ${onConflict}`,
    [JSON.stringify([...byKey.values()])],
  );
  return result.rowCount ?? 0;
}
