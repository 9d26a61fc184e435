import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { INSTRUMENTS_FILE } from './instruments.js';

// The whole rows of the real NSE instruments master, for instrument search and for the
// expired contracts derived from today's derivatives. The candle routes keep only three
// fields per key (see instruments.ts). These routes need every field, so they read the file
// once more, on their first request.

/** One row of the instruments master, with the fields the simulator reads typed. */
export interface MasterRow {
  readonly instrument_key: string;
  readonly segment: string;
  readonly exchange?: string;
  readonly name?: string;
  readonly trading_symbol?: string;
  readonly instrument_type?: string;
  readonly underlying_key?: string;
  readonly underlying_symbol?: string;
  readonly underlying_type?: string;
  /** Epoch milliseconds, 23:59:59 IST of the expiry day. */
  readonly expiry?: number;
  readonly strike_price?: number;
  /** Paise. */
  readonly tick_size?: number;
  readonly lot_size?: number;
  readonly minimum_lot?: number;
  readonly freeze_quantity?: number;
  readonly weekly?: boolean;
  readonly [field: string]: unknown;
}

/** The master's rows with the lookups the routes need. */
export interface MasterIndex {
  readonly rows: readonly MasterRow[];
  readonly byKey: ReadonlyMap<string, MasterRow>;
  /** NSE_FO rows per underlying key. */
  readonly derivatives: ReadonlyMap<string, readonly MasterRow[]>;
  /** Underlying keys of NSE_FO contracts, sorted; an underlying's position fixes its expired tokens. */
  readonly underlyings: readonly string[];
}

const gunzipAsync = promisify(gunzip);
const loads = new Map<string, Promise<MasterIndex>>();

/** Loads the full instruments master of `dataDir` once per process. */
export function loadMaster(dataDir: string): Promise<MasterIndex> {
  const folder = resolve(dataDir);
  let load = loads.get(folder);
  if (!load) {
    load = readMaster(join(folder, INSTRUMENTS_FILE));
    // A failed read is not cached, so a fixed data folder works without a restart.
    load.catch(() => loads.delete(folder));
    loads.set(folder, load);
  }
  return load;
}

async function readMaster(path: string): Promise<MasterIndex> {
  let parsed: unknown;
  try {
    parsed = JSON.parse((await gunzipAsync(await readFile(path))).toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`failed to read the instruments master ${path}: ${reason}; set SimulatorOptions.dataDir to a folder that contains ${INSTRUMENTS_FILE}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`invalid instruments master ${path}: expected a JSON array of instrument rows`);
  const rows = (parsed as MasterRow[]).filter((row) => typeof row.instrument_key === 'string' && typeof row.segment === 'string');
  const byKey = new Map(rows.map((row) => [row.instrument_key, row]));
  const derivatives = new Map<string, MasterRow[]>();
  for (const row of rows) {
    if (row.segment !== 'NSE_FO' || typeof row.underlying_key !== 'string') continue;
    let list = derivatives.get(row.underlying_key);
    if (!list) derivatives.set(row.underlying_key, (list = []));
    list.push(row);
  }
  return { rows, byKey, derivatives, underlyings: [...derivatives.keys()].sort() };
}
