import { QuestDbError, sqlString, type QuestDbHttp } from './questdb-http.js';
import { waitForWalApplied } from './wal.js';

/** Returns whether `table` exists, and whether deduplication is enabled on it. */
export async function dedupState(http: QuestDbHttp, table: string): Promise<{ exists: boolean; dedup: boolean }> {
  const result = await http.exec(`SELECT dedup FROM tables() WHERE table_name = ${sqlString(table)}`);
  const row = result.dataset[0];
  return row ? { exists: true, dedup: row[0] === true } : { exists: false, dedup: false };
}

/**
 * Turns on deduplication for a table that was created without it. Enabling DEDUP in place
 * would keep the duplicates already stored, so the table is copied into a new table with the
 * keys enabled (the copy goes through deduplication), the copy's row count is checked against
 * the number of distinct keys, and the copy replaces the original.
 * NOTE: QuestDB 9.3.4 acknowledges and then drops the first ILP writes to a table name
 * that was dropped and re-created, which the rename here amounts to
 * (github.com/questdb/questdb/issues/5803).
 * The candle store's post-write count check catches that loss, and the job's retry resends.
 */
export async function rewriteWithDedup(http: QuestDbHttp, table: string, keys: readonly string[]): Promise<{ before: number; after: number }> {
  const copy = `${table}__dedup_rewrite`;
  const keyList = keys.join(', ');
  await http.exec(`DROP TABLE IF EXISTS ${copy}`);
  await waitForWalApplied(http, table);
  const before = await http.scalar(`SELECT count() FROM ${table}`);
  const distinct = await http.scalar(`SELECT count() FROM (SELECT DISTINCT ${keyList} FROM ${table})`);
  await http.exec(`CREATE TABLE ${copy} (LIKE ${table})`);
  await http.exec(`ALTER TABLE ${copy} DEDUP ENABLE UPSERT KEYS(${keyList})`);
  await http.exec(`INSERT INTO ${copy} SELECT * FROM ${table}`);
  await waitForWalApplied(http, copy);
  const after = await http.scalar(`SELECT count() FROM ${copy}`);
  if (after !== distinct) {
    throw new QuestDbError(`rewriting ${table} with deduplication kept ${after} rows but it has ${distinct} distinct keys; ${table} is left unchanged`, copy);
  }
  await http.exec(`DROP TABLE ${table}`);
  await http.exec(`RENAME TABLE ${copy} TO ${table}`);
  return { before, after };
}
