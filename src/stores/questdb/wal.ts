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

interface Waiter {
  readonly table: string;
  /** Set from the first poll that started after the waiter registered. */
  target: number | undefined;
  readonly registeredAt: number;
  readonly deadline: number;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Waits for WAL transactions on behalf of many concurrent jobs with one shared poll of
 * `wal_tables()`, instead of one poll loop per job. A waiter's target is the sequencer
 * transaction seen by the first poll that started after it registered, so it covers the
 * waiter's own commit; the waiter resolves when the table's writer reaches that target.
 */
export class WalWatcher {
  private readonly waiters = new Set<Waiter>();
  private polling = false;

  constructor(
    private readonly http: QuestDbHttp,
    private readonly options: { pollMs?: number; timeoutMs?: number } = {},
  ) {}

  /** Resolves when every transaction committed to `table` before this call is applied. */
  waitForApplied(table: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const now = Date.now();
      this.waiters.add({ table, target: undefined, registeredAt: now, deadline: now + (this.options.timeoutMs ?? 60_000), resolve, reject });
      if (!this.polling) void this.pollLoop();
    });
  }

  private async pollLoop(): Promise<void> {
    this.polling = true;
    try {
      while (this.waiters.size > 0) {
        const startedAt = Date.now();
        const tables = [...new Set([...this.waiters].map((w) => w.table))];
        const sql = `SELECT name, writerTxn, sequencerTxn, suspended, errorMessage FROM wal_tables() WHERE name IN (${tables.map(sqlString).join(', ')})`;
        let rows: Map<string, readonly unknown[]>;
        try {
          rows = new Map((await this.http.exec(sql)).dataset.map((row) => [String(row[0]), row]));
        } catch (error) {
          this.rejectAll(error as Error);
          return;
        }
        for (const waiter of this.waiters) this.settle(waiter, rows.get(waiter.table), startedAt, sql);
        if (this.waiters.size > 0) await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 20));
      }
    } finally {
      this.polling = false;
    }
  }

  private settle(waiter: Waiter, row: readonly unknown[] | undefined, pollStartedAt: number, sql: string): void {
    const fail = (message: string) => {
      this.waiters.delete(waiter);
      waiter.reject(new QuestDbError(message, sql));
    };
    if (!row) return fail(`QuestDB table ${waiter.table} does not exist or is not a WAL table; run "upstox-ingest migrate"`);
    const [, writerTxn, sequencerTxn, suspended, errorMessage] = row as [string, number, number, boolean, string];
    if (suspended) {
      return fail(`QuestDB suspended WAL table ${waiter.table}: ${errorMessage || 'no message'}; see the QuestDB log, then run ALTER TABLE ${waiter.table} RESUME WAL`);
    }
    if (waiter.target === undefined && pollStartedAt >= waiter.registeredAt) waiter.target = sequencerTxn;
    if (waiter.target !== undefined && writerTxn >= waiter.target) {
      this.waiters.delete(waiter);
      waiter.resolve();
      return;
    }
    if (Date.now() > waiter.deadline) fail(`QuestDB did not apply WAL transaction ${waiter.target ?? '?'} of ${waiter.table} in time (applied: ${writerTxn})`);
  }

  private rejectAll(error: Error): void {
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
  }
}
