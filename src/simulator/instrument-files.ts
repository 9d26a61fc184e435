import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createGzip, gunzip, gzip } from 'node:zlib';
import { istMidnight } from '../time/ist.js';
import { INSTRUMENTS_FILE } from './instruments.js';

// The files of Upstox's instruments master host, as the simulator serves them. NSE and
// complete are the real recorded NSE file, byte for byte. BSE and MCX are small synthetic
// files built from fixed templates in the real row shapes, the same in every process.
// Variants serve the faults a loader must survive: a cut gzip stream, valid gzip of cut
// JSON, an empty array, a republished file with a few changes, and a much larger file.

export const SIMULATED_MASTER_FILES = ['complete', 'NSE', 'BSE', 'MCX'] as const;
export type SimulatedMasterFile = (typeof SIMULATED_MASTER_FILES)[number];

/**
 * `normal`: the file itself. `republished`: the file with its first row's lot size changed,
 * its last row removed and one row added. `truncated`: the first half of the gzip bytes.
 * `invalid-json`: valid gzip of the first half of the JSON. `empty`: gzip of `[]`. `large`:
 * the real NSE rows repeated `copies` times, each copy under other keys.
 */
export type MasterFileVariant =
  | { readonly kind: 'normal' | 'republished' | 'truncated' | 'invalid-json' | 'empty' }
  | { readonly kind: 'large'; readonly copies: number };

export const DEFAULT_LARGE_COPIES = 5;

/** Parses a variant name as it appears in a path: `truncated`, `large` or `large-3`. */
export function parseVariant(name: string): MasterFileVariant | undefined {
  if (name === 'normal' || name === 'republished' || name === 'truncated' || name === 'invalid-json' || name === 'empty') return { kind: name };
  const large = /^large(?:-(\d{1,2}))?$/.exec(name);
  if (!large) return undefined;
  const copies = large[1] === undefined ? DEFAULT_LARGE_COPIES : Number(large[1]);
  return copies >= 1 ? { kind: 'large', copies } : undefined;
}

/** Returns the name of a variant, the inverse of {@link parseVariant}. */
export function variantName(variant: MasterFileVariant): string {
  return variant.kind === 'large' ? `large-${variant.copies}` : variant.kind;
}

type MasterRow = Record<string, unknown>;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Builds and caches the bytes of every file and variant served from one data folder. */
export class InstrumentFiles {
  private readonly bodies = new Map<string, Promise<Buffer>>();
  private nseRows: Promise<MasterRow[]> | undefined;

  constructor(readonly dataDir: string) {}

  /** Returns the gzipped body of `file` in `variant`; the same bytes on every call. */
  body(file: SimulatedMasterFile, variant: MasterFileVariant): Promise<Buffer> {
    const id = `${file}/${variantName(variant)}`;
    let body = this.bodies.get(id);
    if (!body) {
      body = this.build(file, variant);
      // A failed build (a missing data folder) is not cached, so a fixed folder works without a restart.
      body.catch(() => this.bodies.delete(id));
      this.bodies.set(id, body);
    }
    return body;
  }

  private async build(file: SimulatedMasterFile, variant: MasterFileVariant): Promise<Buffer> {
    switch (variant.kind) {
      case 'normal':
        return file === 'BSE' || file === 'MCX' ? gzipAsync(JSON.stringify(syntheticRows(file))) : readFile(join(this.dataDir, INSTRUMENTS_FILE));
      case 'republished':
        return gzipAsync(JSON.stringify(republish(await this.rows(file))));
      case 'truncated': {
        const whole = await this.body(file, { kind: 'normal' });
        return whole.subarray(0, Math.floor(whole.length / 2));
      }
      case 'invalid-json': {
        const json = JSON.stringify(await this.rows(file));
        return gzipAsync(json.slice(0, Math.floor(json.length / 2)));
      }
      case 'empty':
        return gzipAsync('[]');
      case 'large':
        return largeFile(await this.realRows(), variant.copies);
    }
  }

  private async rows(file: SimulatedMasterFile): Promise<MasterRow[]> {
    return file === 'BSE' || file === 'MCX' ? syntheticRows(file) : this.realRows();
  }

  private realRows(): Promise<MasterRow[]> {
    this.nseRows ??= readFile(join(this.dataDir, INSTRUMENTS_FILE))
      .then((bytes) => gunzipAsync(bytes))
      .then((json) => JSON.parse(json.toString('utf8')) as MasterRow[]);
    return this.nseRows;
  }
}

const filesByFolder = new Map<string, InstrumentFiles>();

/** Returns the shared file cache of a data folder, so routes and servers build each body once per process. */
export function instrumentFilesFor(dataDir: string): InstrumentFiles {
  const folder = resolve(dataDir);
  let files = filesByFolder.get(folder);
  if (!files) filesByFolder.set(folder, (files = new InstrumentFiles(folder)));
  return files;
}

// The first row's lot size changes, the last row is delisted, and a copy of the first row
// under a new key is listed: one new, one changed and one gone row.
function republish(rows: readonly MasterRow[]): MasterRow[] {
  const first = rows[0]!;
  const changed = { ...first, lot_size: Number(first.lot_size ?? 1) + 1 };
  const added = { ...first, instrument_key: `${String(first.instrument_key)}-R`, trading_symbol: `${String(first.trading_symbol)} R` };
  return [changed, ...rows.slice(1, -1), added];
}

// Streams the copies through gzip so the JSON text of a file of several hundred MB is never
// built whole. Copy 0 is the real file's rows; copy c appends `-X<c>` to each key and token.
async function largeFile(rows: readonly MasterRow[], copies: number): Promise<Buffer> {
  const zip = createGzip({ level: 6 });
  const chunks: Buffer[] = [];
  zip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolveFinish, rejectFinish) => {
    zip.once('end', resolveFinish);
    zip.once('error', rejectFinish);
  });
  const write = async (text: string): Promise<void> => {
    if (!zip.write(text)) await new Promise((resolveDrain) => zip.once('drain', resolveDrain));
  };
  await write('[');
  let first = true;
  for (let copy = 0; copy < copies; copy++) {
    const parts: string[] = [];
    for (const row of rows) {
      let varied = row;
      if (copy > 0) {
        varied = { ...row, instrument_key: `${String(row.instrument_key)}-X${copy}` };
        if (row.exchange_token !== undefined) varied.exchange_token = `${String(row.exchange_token)}-X${copy}`;
      }
      parts.push((first ? '' : ',') + JSON.stringify(varied));
      first = false;
      if (parts.length === 2000) await write(parts.splice(0).join(''));
    }
    await write(parts.join(''));
  }
  zip.end(']');
  await finished;
  return Buffer.concat(chunks);
}

/** 23:59:59 IST of `date`, in epoch ms: how the master states an expiry. */
function expiryMs(date: string): number {
  return istMidnight(date) + 86_399_000;
}

function syntheticRows(file: 'BSE' | 'MCX'): MasterRow[] {
  return file === 'BSE' ? bseRows() : mcxRows();
}

// About 1,850 rows: three indices, 1,200 equities and SENSEX weekly options and futures.
function bseRows(): MasterRow[] {
  const rows: MasterRow[] = [
    { segment: 'BSE_INDEX', name: 'SENSEX', exchange: 'BSE', instrument_type: 'INDEX', instrument_key: 'BSE_INDEX|SENSEX', exchange_token: '1', trading_symbol: 'SENSEX' },
    { segment: 'BSE_INDEX', name: 'BANKEX', exchange: 'BSE', instrument_type: 'INDEX', instrument_key: 'BSE_INDEX|BANKEX', exchange_token: '12', trading_symbol: 'BANKEX' },
    { segment: 'BSE_INDEX', name: 'SENSEX50', exchange: 'BSE', instrument_type: 'INDEX', instrument_key: 'BSE_INDEX|SENSEX50', exchange_token: '47', trading_symbol: 'SENSEX50' },
  ];
  const groups = ['A', 'B', 'T', 'X', 'Z'];
  for (let i = 0; i < 1200; i++) {
    const isin = `INE${String(500_000 + i)}0${i % 10}`;
    rows.push({
      segment: 'BSE_EQ', name: `SIMULATED BSE COMPANY ${i} LTD.`, exchange: 'BSE', isin, instrument_type: groups[i % groups.length],
      instrument_key: `BSE_EQ|${isin}`, lot_size: 1, freeze_quantity: 100000.0, exchange_token: String(590_000 + i),
      tick_size: i % 3 === 0 ? 1.0 : 5.0, trading_symbol: `SIMBSE${i}`, short_name: `Sim BSE ${i}`, qty_multiplier: 1.0, security_type: 'NORMAL',
    });
  }
  let token = 1_128_000;
  for (const date of ['2026-12-03', '2026-12-10', '2026-12-17', '2026-12-24']) {
    const label = dateLabel(date);
    for (let strike = 80_000; strike <= 88_000; strike += 100) {
      for (const side of ['CE', 'PE']) {
        token++;
        rows.push({
          weekly: date !== '2026-12-24', segment: 'BSE_FO', name: 'SENSEX', exchange: 'BSE', expiry: expiryMs(date), instrument_type: side,
          asset_symbol: 'SENSEX', underlying_symbol: 'SENSEX', instrument_key: `BSE_FO|${token}`, lot_size: 20, freeze_quantity: 1000.0,
          exchange_token: String(token), minimum_lot: 20, asset_key: 'BSE_INDEX|SENSEX', underlying_key: 'BSE_INDEX|SENSEX', tick_size: 5.0,
          asset_type: 'INDEX', underlying_type: 'INDEX', trading_symbol: `SENSEX ${strike} ${side} ${label}`, strike_price: strike, qty_multiplier: 1.0,
        });
      }
    }
    token++;
    rows.push({
      weekly: false, segment: 'BSE_FO', name: 'SENSEX', exchange: 'BSE', expiry: expiryMs(date), instrument_type: 'FUT', asset_symbol: 'SENSEX',
      underlying_symbol: 'SENSEX', instrument_key: `BSE_FO|${token}`, lot_size: 20, freeze_quantity: 1000.0, exchange_token: String(token),
      minimum_lot: 20, asset_key: 'BSE_INDEX|SENSEX', underlying_key: 'BSE_INDEX|SENSEX', tick_size: 5.0, asset_type: 'INDEX',
      underlying_type: 'INDEX', trading_symbol: `SENSEX FUT ${label}`, strike_price: 0.0, qty_multiplier: 1.0,
    });
  }
  return rows;
}

// About 620 rows: three indices, monthly futures of five commodities, and options on two.
function mcxRows(): MasterRow[] {
  const rows: MasterRow[] = [
    { segment: 'MCX_INDEX', name: 'MCX iCOMDEX Bullion', exchange: 'MCX', instrument_type: 'INDEX', instrument_key: 'MCX_INDEX|MCXBULLDEX', exchange_token: '1', trading_symbol: 'MCXBULLDEX' },
    { segment: 'MCX_INDEX', name: 'MCX iCOMDEX Base Metal', exchange: 'MCX', instrument_type: 'INDEX', instrument_key: 'MCX_INDEX|MCXMETLDEX', exchange_token: '2', trading_symbol: 'MCXMETLDEX' },
    { segment: 'MCX_INDEX', name: 'MCX iCOMDEX Composite', exchange: 'MCX', instrument_type: 'INDEX', instrument_key: 'MCX_INDEX|MCXCOMPDEX', exchange_token: '3', trading_symbol: 'MCXCOMPDEX' },
  ];
  const commodities = [
    { symbol: 'CRUDEOIL', name: 'CRUDE OIL', lot: 100, tick: 100.0, unit: '1 BBL', multiplier: 100.0, base: 6000, step: 50 },
    { symbol: 'GOLD', name: 'GOLD', lot: 1, tick: 100.0, unit: '10 GRMS', multiplier: 100.0, base: 76_000, step: 500 },
    { symbol: 'SILVER', name: 'SILVER', lot: 30, tick: 100.0, unit: '1 KGS', multiplier: 30.0, base: 90_000, step: 500 },
    { symbol: 'NATURALGAS', name: 'NATURAL GAS', lot: 1250, tick: 10.0, unit: '1 MMBTU', multiplier: 1250.0, base: 250, step: 5 },
    { symbol: 'COPPER', name: 'COPPER', lot: 2500, tick: 5.0, unit: '1 KGS', multiplier: 2500.0, base: 800, step: 5 },
  ];
  let token = 470_000;
  for (const c of commodities) {
    for (const date of ['2026-12-18', '2027-01-19', '2027-02-19']) {
      token++;
      const futureKey = `MCX_FO|${token}`;
      rows.push({
        weekly: false, segment: 'MCX_FO', name: c.name, exchange: 'MCX', expiry: expiryMs(date), instrument_type: 'FUT', asset_symbol: c.symbol,
        underlying_symbol: c.symbol, instrument_key: futureKey, lot_size: c.lot, freeze_quantity: c.lot * 100, exchange_token: String(token),
        minimum_lot: 1, asset_key: `MCX_INDEX|${c.symbol}`, underlying_key: `MCX_INDEX|${c.symbol}`, tick_size: c.tick, asset_type: 'COM',
        underlying_type: 'COM', trading_symbol: `${c.symbol} FUT ${dateLabel(date)}`, strike_price: 0.0, last_trading_date: expiryMs(date),
        price_quote_unit: c.unit, qty_multiplier: c.multiplier,
      });
      if (c.symbol !== 'CRUDEOIL' && c.symbol !== 'GOLD') continue;
      // Options expire a few days before their future and point at it as the underlying.
      const optionDate = date.slice(0, 8) + '14';
      for (let n = -25; n < 25; n++) {
        const strike = c.base + n * c.step;
        for (const side of ['CE', 'PE']) {
          token++;
          rows.push({
            weekly: false, segment: 'MCX_FO', name: c.name, exchange: 'MCX', expiry: expiryMs(optionDate), instrument_type: side,
            asset_symbol: c.symbol, underlying_symbol: c.symbol, instrument_key: `MCX_FO|${token}`, lot_size: c.lot, freeze_quantity: c.lot * 100,
            exchange_token: String(token), minimum_lot: 1, asset_key: futureKey, underlying_key: futureKey, tick_size: 5.0, asset_type: 'COM',
            underlying_type: 'COM', trading_symbol: `${c.symbol} ${strike} ${side} ${dateLabel(optionDate)}`, strike_price: strike,
            price_quote_unit: c.unit, qty_multiplier: c.multiplier,
          });
        }
      }
    }
  }
  return rows;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Formats `2026-12-03` as `03 DEC 26`, as derivative trading symbols show expiries. */
function dateLabel(date: string): string {
  return `${date.slice(8, 10)} ${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(2, 4)}`;
}
