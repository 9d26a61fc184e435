import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

// The real Upstox NSE instruments master, read once per process and data folder. The
// simulator uses it to reject well-formed keys that Upstox does not list and to round
// synthetic prices to each instrument's tick.

export const INSTRUMENTS_FILE = 'upstox-instruments-NSE-2026-02-27.json.gz';

/** The fields of one instruments-master row that the simulator keeps. */
export interface InstrumentInfo {
  readonly segment: string;
  /** Tick size in paise, as the master states it (5 = ₹0.05); undefined for indices. */
  readonly tickSizePaise: number | undefined;
  /** `EQ`, `INDEX`, `FUT`, `CE`, `PE` and other series codes. */
  readonly instrumentType: string;
}

/** Segments that the NSE master covers completely, so a key missing from it is unknown to Upstox. */
export const MASTER_SEGMENTS: ReadonlySet<string> = new Set(['NSE_EQ', 'NSE_FO', 'NSE_INDEX', 'NSE_COM', 'NCD_FO']);

const gunzipAsync = promisify(gunzip);
const loads = new Map<string, Promise<ReadonlyMap<string, InstrumentInfo>>>();

/** Loads the instruments master of `dataDir` once per process and returns key → info. */
export function loadInstruments(dataDir: string): Promise<ReadonlyMap<string, InstrumentInfo>> {
  const folder = resolve(dataDir);
  let load = loads.get(folder);
  if (!load) {
    load = readInstruments(join(folder, INSTRUMENTS_FILE));
    // A failed read is not cached, so a fixed data folder works without a restart.
    load.catch(() => loads.delete(folder));
    loads.set(folder, load);
  }
  return load;
}

interface MasterRow {
  instrument_key?: unknown;
  segment?: unknown;
  tick_size?: unknown;
  instrument_type?: unknown;
}

async function readInstruments(path: string): Promise<ReadonlyMap<string, InstrumentInfo>> {
  let rows: unknown;
  try {
    rows = JSON.parse((await gunzipAsync(await readFile(path))).toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`failed to read the instruments master ${path}: ${reason}; set SimulatorOptions.dataDir to a folder that contains ${INSTRUMENTS_FILE}`);
  }
  if (!Array.isArray(rows)) throw new Error(`invalid instruments master ${path}: expected a JSON array of instrument rows`);

  // About 99,000 rows share a few hundred distinct (segment, tick, type) triples, so each
  // triple is stored once and the map holds references to it.
  const shared = new Map<string, InstrumentInfo>();
  const byKey = new Map<string, InstrumentInfo>();
  for (const row of rows as MasterRow[]) {
    if (typeof row.instrument_key !== 'string' || typeof row.segment !== 'string') continue;
    const tick = typeof row.tick_size === 'number' ? row.tick_size : undefined;
    const type = typeof row.instrument_type === 'string' ? row.instrument_type : '';
    const id = `${row.segment}|${String(tick)}|${type}`;
    let info = shared.get(id);
    if (!info) {
      info = { segment: row.segment, tickSizePaise: tick, instrumentType: type };
      shared.set(id, info);
    }
    byKey.set(row.instrument_key, info);
  }
  return byKey;
}
