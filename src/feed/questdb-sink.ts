import type { FeedStatusRow, FeedTickRow } from '../normalise/feed.js';
import { FEED_MARKET_STATUS_TABLE, FEED_TICKS_TABLE } from '../stores/questdb/feed-table.js';
import { sqlString, type QuestDbHttp } from '../stores/questdb/questdb-http.js';
import type { QuestDbRowWriter } from '../stores/questdb/row-writer.js';

// Where the feed consumer writes its rows. The consumer takes this interface, so the QuestDB
// writer is wired in one place: the CLI command and the tests.

/** Writes the rows of the feed; a rejection makes the consumer retry the batch. */
export interface FeedSink {
  writeTicks(rows: readonly FeedTickRow[]): Promise<void>;
  writeStatuses(rows: readonly FeedStatusRow[]): Promise<void>;
}

/**
 * Writes feed rows with ILP over HTTP. Each write resolves once QuestDB has accepted the rows.
 * The post-write count of `verify` is skipped, because it would poll QuestDB after every batch
 * of a stream that writes every second.
 */
export function questDbFeedSink(writer: QuestDbRowWriter): FeedSink {
  return {
    writeTicks: (rows) => writer.write(FEED_TICKS_TABLE, rows),
    writeStatuses: (rows) => writer.write(FEED_MARKET_STATUS_TABLE, rows),
  };
}

/**
 * Throws unless both feed tables exist. Without them ILP would create the tables on the first
 * write, with guessed column types and no deduplication.
 */
export async function assertFeedTables(http: QuestDbHttp, tablePrefix: string): Promise<void> {
  const names = [FEED_TICKS_TABLE.table, FEED_MARKET_STATUS_TABLE.table].map((table) => `${tablePrefix}${table}`);
  const result = await http.exec(`SELECT table_name FROM tables() WHERE table_name IN (${names.map(sqlString).join(', ')})`);
  const found = new Set(result.dataset.map(([name]) => String(name)));
  const missing = names.filter((name) => !found.has(name));
  if (missing.length > 0) throw new Error(`QuestDB has no table ${missing.join(', ')}; run "upstox-ingest migrate" first`);
}
