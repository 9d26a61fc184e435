import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { istDateOf, type IsoDate } from '../time/ist.js';
import { INSTRUMENTS_FILE, type InstrumentInfo } from './instruments.js';

// The instruments master as the quote and option routes need it: trading symbols for the
// `SEGMENT:SYMBOL` keys of quote responses, and the option contracts of each underlying with
// strikes and expiries. Read once per process and data folder. The candle routes keep their
// own smaller view of the same file (instruments.ts).

/** One row of the master, with the fields the quote and option routes use. */
export interface MasterInstrument {
  readonly key: string;
  readonly segment: string;
  readonly name: string;
  readonly exchange: string;
  readonly tradingSymbol: string;
  /** `EQ`, `INDEX`, `FUT`, `CE`, `PE` and other series codes. */
  readonly instrumentType: string;
  /** In paise, as the master states it; undefined for indices. */
  readonly tickSizePaise: number | undefined;
  readonly exchangeToken: string | undefined;
  readonly lotSize: number | undefined;
  readonly minimumLot: number | undefined;
  readonly freezeQuantity: number | undefined;
  /** The IST date of expiry, for derivatives. */
  readonly expiry: IsoDate | undefined;
  readonly strike: number | undefined;
  readonly weekly: boolean | undefined;
  readonly underlyingKey: string | undefined;
  readonly underlyingSymbol: string | undefined;
  readonly underlyingType: string | undefined;
}

/** The master by key, and the option contracts (CE and PE) by underlying key. */
export interface QuoteMaster {
  readonly byKey: ReadonlyMap<string, MasterInstrument>;
  /** Sorted by expiry, strike, then CE before PE. */
  readonly optionsByUnderlying: ReadonlyMap<string, readonly MasterInstrument[]>;
}

const gunzipAsync = promisify(gunzip);
const loads = new Map<string, Promise<QuoteMaster>>();

/** Loads the instruments master of `dataDir` once per process. */
export function loadQuoteMaster(dataDir: string): Promise<QuoteMaster> {
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

/** Returns the view of an instrument that the candle source takes. */
export function instrumentInfoOf(instrument: MasterInstrument): InstrumentInfo {
  return { segment: instrument.segment, tickSizePaise: instrument.tickSizePaise, instrumentType: instrument.instrumentType };
}

type Row = Record<string, unknown>;

async function readMaster(path: string): Promise<QuoteMaster> {
  let rows: unknown;
  try {
    rows = JSON.parse((await gunzipAsync(await readFile(path))).toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`failed to read the instruments master ${path}: ${reason}; set SimulatorOptions.dataDir to a folder that contains ${INSTRUMENTS_FILE}`);
  }
  if (!Array.isArray(rows)) throw new Error(`invalid instruments master ${path}: expected a JSON array of instrument rows`);

  const byKey = new Map<string, MasterInstrument>();
  const optionsByUnderlying = new Map<string, MasterInstrument[]>();
  for (const row of rows as Row[]) {
    const instrument = toInstrument(row);
    if (!instrument) continue;
    byKey.set(instrument.key, instrument);
    const isOption = instrument.instrumentType === 'CE' || instrument.instrumentType === 'PE';
    if (isOption && instrument.underlyingKey && instrument.expiry && instrument.strike !== undefined) {
      let list = optionsByUnderlying.get(instrument.underlyingKey);
      if (!list) optionsByUnderlying.set(instrument.underlyingKey, (list = []));
      list.push(instrument);
    }
  }
  for (const list of optionsByUnderlying.values()) list.sort(compareContracts);
  return { byKey, optionsByUnderlying };
}

function toInstrument(row: Row): MasterInstrument | undefined {
  const key = text(row.instrument_key);
  const segment = text(row.segment);
  if (!key || !segment) return undefined;
  const expiryMs = number(row.expiry);
  return {
    key,
    segment,
    name: text(row.name) ?? '',
    exchange: text(row.exchange) ?? '',
    tradingSymbol: text(row.trading_symbol) ?? '',
    instrumentType: text(row.instrument_type) ?? '',
    tickSizePaise: number(row.tick_size),
    exchangeToken: text(row.exchange_token),
    lotSize: number(row.lot_size),
    minimumLot: number(row.minimum_lot),
    freezeQuantity: number(row.freeze_quantity),
    // The master stamps expiry at 23:59:59 IST of the expiry day, in epoch milliseconds.
    expiry: expiryMs === undefined ? undefined : istDateOf(expiryMs),
    strike: number(row.strike_price),
    weekly: typeof row.weekly === 'boolean' ? row.weekly : undefined,
    underlyingKey: text(row.underlying_key),
    underlyingSymbol: text(row.underlying_symbol),
    underlyingType: text(row.underlying_type),
  };
}

function compareContracts(a: MasterInstrument, b: MasterInstrument): number {
  if (a.expiry !== b.expiry) return a.expiry! < b.expiry! ? -1 : 1;
  if (a.strike !== b.strike) return a.strike! - b.strike!;
  return a.instrumentType.localeCompare(b.instrumentType);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const WEEKLY_MONTH_CODES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'O', 'N', 'D'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * Returns the symbol that names an instrument in the keys of quote responses. Upstox uses the
 * exchange's symbols there, which differ from the master's `trading_symbol` for derivatives:
 * - an index by its name (`Nifty 50`) and an equity by its symbol (`NHPC`);
 * - a weekly option as underlying, YY, a one-character month (1-9, O, N, D), DD, strike and
 *   side (`NIFTY2540923000PE`);
 * - a monthly option or a future with a three-letter month (`NIFTY26MAR25400CE`, `NIFTY26MARFUT`).
 */
export function quoteSymbol(instrument: MasterInstrument): string {
  if (instrument.segment.endsWith('_INDEX')) return instrument.name || instrument.tradingSymbol;
  const { expiry, underlyingSymbol } = instrument;
  if (!expiry || !underlyingSymbol) return instrument.tradingSymbol;
  const yy = expiry.slice(2, 4);
  const month = Number(expiry.slice(5, 7)) - 1;
  if (instrument.instrumentType === 'FUT') return `${underlyingSymbol}${yy}${MONTHS[month]}FUT`;
  const strike = String(instrument.strike ?? '');
  if (instrument.weekly) return `${underlyingSymbol}${yy}${WEEKLY_MONTH_CODES[month]}${expiry.slice(8, 10)}${strike}${instrument.instrumentType}`;
  return `${underlyingSymbol}${yy}${MONTHS[month]}${strike}${instrument.instrumentType}`;
}
