import { createHash } from 'node:crypto';
import { z } from 'zod';
import { QuoteValueError, type QuoteBatch, type QuoteTimes } from '../src/normalise/quotes.js';
import { QuestDbError, sqlString } from '../src/stores/questdb/questdb-http.js';
import type { TableSpec } from '../src/stores/questdb/row-writer.js';
import { waitForWalApplied } from '../src/stores/questdb/wal.js';
import { parseInstant } from '../src/time/ist.js';
import type { EndpointResponse } from '../src/upstox/endpoint.js';
import { UpstoxSchemaError } from '../src/upstox/errors.js';
import type { JobSummary } from './job-summary.js';
import type { SnapshotDeps } from './snapshot-job.js';

// What the quote and option snapshot jobs share: splitting key lists into request batches,
// the snapshot slot that stamps rows without a market time, job ids for key lists, and the
// count of requested keys that a response left out.

/** An instant such as `2026-03-02T10:15:00+05:30`; rows without a market time are stamped with it. */
export const asOfField = z
  .string()
  .refine((value) => {
    try {
      parseInstant(value);
      return true;
    } catch {
      return false;
    }
  }, 'expected an ISO 8601 instant with an offset, such as 2026-03-02T10:15:00+05:30')
  .optional();

const MINUTE_MS = 60_000;
// One check query covers this many instrument keys, to keep its SQL text short.
const VERIFY_KEYS_PER_QUERY = 100;
// The log line about missing keys names at most this many of them; the count covers all.
const LOGGED_KEYS = 20;

/**
 * Returns when the response arrived and the slot that stamps rows without a market time: the
 * payload's `asOf`, or else the poll time cut to the whole minute. A rerun inside the same
 * minute (or with the same `asOf`) therefore rewrites the same rows instead of adding rows.
 */
export function snapshotTimes(asOf: string | undefined, nowMs: number): QuoteTimes {
  const slotMs = asOf === undefined ? Math.floor(nowMs / MINUTE_MS) * MINUTE_MS : parseInstant(asOf);
  return { polledAtMs: nowMs, slotMs };
}

/** Splits keys into batches of at most `size`, in order. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/**
 * Names a key list in a job id: its length and a hash of the sorted keys, because a list of
 * 500 keys does not fit in an id and the same keys in another order are the same work.
 */
export function keyListId(keys: readonly string[]): string {
  const digest = createHash('sha256').update([...keys].sort().join('\n')).digest('hex').slice(0, 16);
  return `${keys.length}keys-${digest}`;
}

/**
 * Rethrows a {@link QuoteValueError} from a normaliser as the {@link UpstoxSchemaError} of the
 * response, so the worker keeps the body in quarantine and does not retry; other errors pass.
 */
export function asSchemaError(error: unknown, api: string, response: EndpointResponse<unknown>): unknown {
  if (!(error instanceof QuoteValueError)) return error;
  return new UpstoxSchemaError(
    `GET ${response.path} returned a value that cannot be real: ${error.message}`,
    { api, path: response.path, status: response.status, bodySnippet: response.rawBody.slice(0, 200) },
    response.rawBody,
    [error.message],
  );
}

/** The columns every quote and option row has, which make up the tables' deduplication keys. */
export interface SnapshotRow {
  readonly tsMs: number;
  readonly instrumentKey: string;
  readonly source: string;
}

/** Writes rows and checks them with {@link checkSnapshotRows}. */
export async function writeSnapshotRows<Row extends SnapshotRow>(deps: Pick<SnapshotDeps, 'questdb' | 'questdbSql'>, spec: TableSpec<Row>, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  await deps.questdb.write(spec, rows);
  await checkSnapshotRows(deps, spec, rows);
}

/**
 * Waits until QuestDB has applied the table's writes, then checks that every row's
 * (ts, instrument_key, source) is stored. A shortfall throws, so the job runs again. The check
 * sends one query per 100 keys, where the row writer's own check sends one per instrument key.
 */
export async function checkSnapshotRows<Row extends SnapshotRow>(deps: Pick<SnapshotDeps, 'questdb' | 'questdbSql'>, spec: TableSpec<Row>, rows: readonly Row[]): Promise<void> {
  const table = deps.questdb.table(spec as TableSpec<unknown>);
  await waitForWalApplied(deps.questdbSql, table);

  const absent: Row[] = [];
  for (const keys of batchesOf([...new Set(rows.map((row) => row.instrumentKey))], VERIFY_KEYS_PER_QUERY)) {
    const inBatch = new Set(keys);
    const batchRows = rows.filter((row) => inBatch.has(row.instrumentKey));
    const stamps = [...new Set(batchRows.map((row) => new Date(row.tsMs).toISOString()))];
    const sources = [...new Set(batchRows.map((row) => row.source))];
    const result = await deps.questdbSql.exec(
      `SELECT source, instrument_key, ts FROM ${table} WHERE source IN (${sources.map(sqlString).join(', ')}) ` +
        `AND instrument_key IN (${keys.map(sqlString).join(', ')}) AND ts IN (${stamps.map(sqlString).join(', ')})`,
    );
    const stored = new Set(result.dataset.map(([source, key, ts]) => `${String(source)}|${String(key)}|${Date.parse(String(ts))}`));
    for (const row of batchRows) if (!stored.has(`${row.source}|${row.instrumentKey}|${row.tsMs}`)) absent.push(row);
  }
  if (absent.length > 0) {
    const first = absent[0]!;
    throw new QuestDbError(
      `${table} lacks ${absent.length} of the ${rows.length} rows just written, such as ${first.instrumentKey} (${first.source}) at ` +
        `${new Date(first.tsMs).toISOString()}; the job fails so that it runs again`,
      '',
    );
  }
}

/** One batched snapshot: fetch each batch, normalise it, write the rows. */
export interface BatchedSnapshot<Data, Row extends SnapshotRow> {
  /** The API's name, for errors. */
  readonly api: string;
  readonly keys: readonly string[];
  readonly batchSize: number;
  readonly spec: TableSpec<Row>;
  fetch(keys: readonly string[]): Promise<EndpointResponse<Data>>;
  normalise(keys: readonly string[], data: Data): QuoteBatch<Row> | Promise<QuoteBatch<Row>>;
}

/**
 * Runs one request per batch of keys, writes and verifies each batch's rows, and reports the
 * requested keys that no response contained. Those are logged once per run and counted in the
 * summary; they are not an error, so the job is not retried for them.
 */
export async function runBatchedSnapshot<Data, Row extends SnapshotRow>(snapshot: BatchedSnapshot<Data, Row>, deps: SnapshotDeps): Promise<JobSummary> {
  const missing: string[] = [];
  const unexpected: string[] = [];
  let requestsMade = 0;
  let rowsWritten = 0;
  for (const keys of batchesOf(snapshot.keys, snapshot.batchSize)) {
    requestsMade++;
    const response = await snapshot.fetch(keys);
    let batch: QuoteBatch<Row>;
    try {
      batch = await snapshot.normalise(keys, response.data);
    } catch (error) {
      throw asSchemaError(error, snapshot.api, response);
    }
    await writeSnapshotRows(deps, snapshot.spec, batch.rows);
    rowsWritten += batch.rows.length;
    missing.push(...batch.missing);
    unexpected.push(...batch.unexpected);
  }

  if (missing.length > 0) {
    deps.log.warn({ api: snapshot.api, missing: missing.length, keys: missing.slice(0, LOGGED_KEYS) }, 'requested instrument keys missing from the response');
  }
  if (unexpected.length > 0) {
    deps.log.warn({ api: snapshot.api, unexpected: unexpected.length, keys: unexpected.slice(0, LOGGED_KEYS) }, 'response entries match no requested key and were not stored');
  }
  const notes: string[] = [];
  if (missing.length > 0) notes.push(`${missing.length} of ${snapshot.keys.length} keys missing from response: ${listed(missing)}`);
  if (unexpected.length > 0) notes.push(`${unexpected.length} response entries match no requested key: ${listed(unexpected)}`);
  return { requestsMade, rowsWritten, state: missing.length > 0 ? 'incomplete' : 'done', detail: notes.length > 0 ? notes.join('; ') : undefined };
}

function listed(keys: readonly string[]): string {
  const shown = keys.slice(0, LOGGED_KEYS).join(', ');
  return keys.length > LOGGED_KEYS ? `${shown} and ${keys.length - LOGGED_KEYS} more` : shown;
}
