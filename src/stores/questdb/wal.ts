import { QuestDbError, sqlString, type QuestDbHttp } from './questdb-http.js';

export interface WalWaitOptions {
  readonly timeoutMs?: number;
}

/**
 * Waits until QuestDB has applied every committed WAL transaction of `table`, so the rows of
 * a finished flush are visible to queries. Fails at once when the table is suspended, which
 * is how QuestDB reports a write it could not apply.
 */
export async function waitForWalApplied(http: QuestDbHttp, table: string, options: WalWaitOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const sql = `SELECT writerTxn, sequencerTxn, suspended, errorMessage FROM wal_tables() WHERE name = ${sqlString(table)}`;
  let target: number | undefined;
  let pauseMs = 10;
  for (;;) {
    const row = (await http.exec(sql)).dataset[0];
    if (!row) throw new QuestDbError(`QuestDB table ${table} does not exist or is not a WAL table; run "upstox-ingest migrate"`, sql);
    const [writerTxn, sequencerTxn, suspended, errorMessage] = row as [number, number, boolean, string];
    if (suspended) {
      throw new QuestDbError(
        `QuestDB suspended WAL table ${table}: ${errorMessage || 'no message'}; see the QuestDB log, then run ALTER TABLE ${table} RESUME WAL`,
        sql,
      );
    }
    target ??= sequencerTxn;
    if (writerTxn >= target) return;
    if (Date.now() > deadline) {
      throw new QuestDbError(`QuestDB did not apply WAL transaction ${target} of ${table} within ${timeoutMs} ms (applied: ${writerTxn})`, sql);
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    pauseMs = Math.min(pauseMs * 2, 200);
  }
}
