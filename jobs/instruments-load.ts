import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInstrumentBatches } from '../src/instruments/master-reader.js';
import {
  activeInstrumentVersion,
  clearAbandonedLoads,
  clearInstrumentLoad,
  masterSnapshot,
  reserveInstrumentLoad,
  repeatedInstrumentKeys,
  stageInstruments,
  switchInstrumentVersion,
  type InstrumentSwitchResult,
} from '../src/stores/postgres/instruments.js';
import { publishedInstrumentSnapshot, writeInstrumentSnapshot } from '../src/stores/questdb/instrument-table.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { UpstoxSchemaError, UpstoxUnexpectedBodyError } from '../src/upstox/errors.js';
import type { InstrumentMasterDownload, InstrumentMasterFile } from '../src/upstox/instruments-master.js';
import type { InstrumentRow } from '../src/normalise/instruments.js';
import type { JobSummary } from './job-summary.js';
import type { SnapshotDeps } from './snapshot-job.js';

// Loads one instruments master file: download it to a temporary file while hashing it,
// stop if the file's active version has the same checksum, else stream its rows into the
// staging table, check the row count, switch versions in one transaction, and bring the
// QuestDB copy up to date. Anything that fails before the switch leaves the active master
// as it was, with nothing deleted.

/**
 * Fewest rows a file must have to replace the active master; fewer means a broken upload.
 * NOTE: only the NSE file (99,389 rows on 2026-02-27) has been measured; the BSE and MCX
 * floors are estimates kept well below what those exchanges list. The payload's `minRows`
 * overrides them.
 */
export const DEFAULT_MIN_ROWS: Readonly<Record<InstrumentMasterFile, number>> = { complete: 50_000, NSE: 50_000, BSE: 1_000, MCX: 500 };

/** Rows per staging insert. Small batches keep the loading process's peak memory low. */
const STAGE_BATCH_ROWS = 100;
/** Rows per QuestDB write and per Postgres page read for the copy. */
const COPY_BATCH_ROWS = 1_000;

export interface InstrumentMasterPayload {
  readonly file: InstrumentMasterFile;
  readonly minRows?: number | undefined;
}

/** What a load needs from the job's dependencies. */
export type InstrumentMasterDeps = Pick<SnapshotDeps, 'api' | 'postgres' | 'questdb' | 'questdbSql' | 'log' | 'assetsBaseUrl'>;

/** Loads one master file into Postgres and refreshes the QuestDB copy; see the module comment. */
export async function loadInstrumentMaster(payload: InstrumentMasterPayload, deps: InstrumentMasterDeps): Promise<JobSummary> {
  const folder = await mkdtemp(join(tmpdir(), 'upstox-instruments-'));
  try {
    const download = await deps.api.downloadInstrumentMaster({
      file: payload.file,
      assetsBaseUrl: deps.assetsBaseUrl,
      destination: join(folder, `${payload.file}.json.gz`),
    });
    const active = await activeInstrumentVersion(deps.postgres, payload.file);
    let switched: InstrumentSwitchResult | undefined;
    if (active?.checksum !== download.sha256) switched = await stageAndSwitch(payload, download, deps);

    const copied = await refreshQuestDbCopy(deps);
    const copyNote = copied > 0 ? `; QuestDB copy rewritten with ${copied} rows` : '';
    if (!switched || switched.state === 'unchanged') {
      const versionId = switched?.versionId ?? active!.id;
      return { requestsMade: 1, rowsWritten: copied, state: 'unchanged', detail: `${payload.file}: checksum ${download.sha256.slice(0, 12)} is active as version ${versionId}${copyNote}` };
    }
    const changes = switched.newCount + switched.changedCount + switched.goneCount;
    deps.log.info(
      { file: payload.file, versionId: switched.versionId, new: switched.newCount, changed: switched.changedCount, gone: switched.goneCount },
      'instruments master version switched',
    );
    return {
      requestsMade: 1,
      rowsWritten: changes + copied,
      state: 'loaded',
      detail: `${payload.file}: version ${switched.versionId}, ${switched.newCount} new, ${switched.changedCount} changed, ${switched.goneCount} gone${copyNote}`,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function stageAndSwitch(payload: InstrumentMasterPayload, download: InstrumentMasterDownload, deps: InstrumentMasterDeps): Promise<InstrumentSwitchResult> {
  const api = UPSTOX_APIS.instrumentsMaster;
  const minRows = payload.minRows ?? DEFAULT_MIN_ROWS[payload.file];
  await clearAbandonedLoads(deps.postgres);
  const loadId = await reserveInstrumentLoad(deps.postgres);
  try {
    const batches = readInstrumentBatches(createReadStream(download.destination), { batchSize: STAGE_BATCH_ROWS, api, path: download.path });
    const rowCount = await stageAll(deps, loadId, batches);
    if (rowCount < minRows) {
      throw new UpstoxUnexpectedBodyError(
        `GET ${download.path} returned an instruments master of ${rowCount} rows, below the minimum of ${minRows} for ${payload.file}; ` +
          'the previous master stays active and the job retries it (set the payload field minRows to accept smaller files)',
        { api, path: download.path, status: 200 },
      );
    }
    const repeated = await repeatedInstrumentKeys(deps.postgres, loadId);
    if (repeated.length > 0) {
      throw new UpstoxSchemaError(
        `GET ${download.path} returned an instruments master that lists ${repeated.map((r) => r.key).join(', ')} more than once; the previous master stays active`,
        { api, path: download.path, status: 200 },
        JSON.stringify(repeated.flatMap((r) => r.rows)),
        repeated.map((r) => `instrument_key ${r.key} appears ${r.rows.length} times`),
      );
    }
    return await switchInstrumentVersion(deps.postgres, {
      loadId,
      file: payload.file,
      url: download.url,
      checksum: download.sha256,
      bytes: download.bytes,
      rowCount,
    });
  } finally {
    await clearInstrumentLoad(deps.postgres, loadId);
  }
}

/**
 * Stages every batch and returns the row count. The next batch is parsed while the previous
 * one is being inserted, so parsing and Postgres work side by side; one insert at a time
 * keeps memory flat.
 */
async function stageAll(deps: InstrumentMasterDeps, loadId: number, batches: AsyncIterable<readonly InstrumentRow[]>): Promise<number> {
  let rowCount = 0;
  let inFlight: Promise<void> | undefined;
  try {
    for await (const batch of batches) {
      await inFlight;
      inFlight = stageInstruments(deps.postgres, loadId, batch);
      // Marks a failure as handled until the next await reads it, so a failed insert that
      // settles while the reader waits for input is not an unhandled rejection.
      inFlight.catch(() => undefined);
      rowCount += batch.length;
    }
    await inFlight;
  } catch (error) {
    // A parse error can arrive while an insert runs; wait for it, so the caller's cleanup
    // does not race it, and report the first error.
    await inFlight?.catch(() => undefined);
    throw error;
  }
  return rowCount;
}

/**
 * Writes a QuestDB snapshot of the whole master unless the newest published one already
 * matches Postgres, and returns the rows written. Checking on every run, not only after a
 * switch, repairs a copy whose write failed after the switch had committed.
 */
async function refreshQuestDbCopy(deps: InstrumentMasterDeps): Promise<number> {
  const snapshot = await masterSnapshot(deps.postgres);
  if (!snapshot) return 0;
  const published = await publishedInstrumentSnapshot(deps.questdb, deps.questdbSql);
  if (published?.loadedAtMs === snapshot.loadedAtMs && published.rowCount === snapshot.rowCount) return 0;
  const result = await writeInstrumentSnapshot(deps.questdb, deps.questdbSql, {
    loadedAtMs: snapshot.loadedAtMs,
    rowCount: snapshot.rowCount,
    versions: snapshot.versions,
    batches: snapshot.rows(COPY_BATCH_ROWS),
    isCurrent: snapshot.isCurrent,
  });
  if (!result.published) deps.log.info({ versions: snapshot.versions }, 'instruments master changed during the QuestDB copy; the load that changed it publishes a newer snapshot');
  return result.written;
}
