import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

// Real Upstox bodies that the quote and option routes serve in place of synthetic data. They
// are the NIFTY 50 full market quote of 2026-08-04 11:36:14 IST and the NIFTY option chain for
// expiry 2026-03-02 (93 strikes, captured after the close of 2026-02-25). Their provenance is
// in data/recorded/SOURCES.md.

export const RECORDED_QUOTE_FILE = 'upstox-v2-full-market-quote-NIFTY50-index-2026-08-04.json';
export const RECORDED_CHAIN_FILE = 'upstox-v2-option-chain-NIFTY-expiry-2026-03-02.json';
export const RECORDED_CHAIN_UNDERLYING = 'NSE_INDEX|Nifty 50';
export const RECORDED_CHAIN_EXPIRY = '2026-03-02';

/** One side of a recorded chain strike, as Upstox sent it. */
export interface RecordedChainSide {
  readonly instrument_key: string;
  readonly market_data: Readonly<Record<string, number>>;
  readonly option_greeks: Readonly<Record<string, number>>;
}

/** The recorded bodies, parsed. */
export interface RecordedQuotes {
  /** The response key (`NSE_INDEX:Nifty 50`) and entry of the recorded full quote. */
  readonly quote: { readonly responseKey: string; readonly entry: Readonly<Record<string, unknown>>; readonly lastTradeMs: number };
  /** The `data` array of the recorded chain. */
  readonly chain: readonly Readonly<Record<string, unknown>>[];
  /** Each contract of the recorded chain by key, with its strike and side. */
  readonly chainContracts: ReadonlyMap<string, { readonly side: 'CE' | 'PE'; readonly strike: number; readonly data: RecordedChainSide }>;
}

const loads = new Map<string, Promise<RecordedQuotes>>();

/** Loads the recorded quote and chain of `dataDir` once per process. */
export function loadRecordedQuotes(dataDir: string): Promise<RecordedQuotes> {
  const folder = resolve(dataDir);
  let load = loads.get(folder);
  if (!load) {
    load = readRecorded(folder);
    load.catch(() => loads.delete(folder));
    loads.set(folder, load);
  }
  return load;
}

async function readRecorded(folder: string): Promise<RecordedQuotes> {
  const quoteBody = (await readJson(folder, RECORDED_QUOTE_FILE)) as { data?: Record<string, Record<string, unknown>> };
  const [responseKey, entry] = Object.entries(quoteBody.data ?? {})[0] ?? [];
  if (!responseKey || !entry || typeof entry.last_trade_time !== 'string') {
    throw new Error(`invalid recorded quote ${RECORDED_QUOTE_FILE}: expected data with one entry that has last_trade_time`);
  }
  const chainBody = (await readJson(folder, RECORDED_CHAIN_FILE)) as { data?: Record<string, unknown>[] };
  if (!Array.isArray(chainBody.data)) throw new Error(`invalid recorded option chain ${RECORDED_CHAIN_FILE}: expected data to be an array`);
  const chainContracts = new Map<string, { side: 'CE' | 'PE'; strike: number; data: RecordedChainSide }>();
  for (const strike of chainBody.data) {
    for (const [side, field] of [['CE', 'call_options'], ['PE', 'put_options']] as const) {
      const data = strike[field] as RecordedChainSide | undefined;
      if (data) chainContracts.set(data.instrument_key, { side, strike: strike.strike_price as number, data });
    }
  }
  return { quote: { responseKey, entry, lastTradeMs: Number(entry.last_trade_time) }, chain: chainBody.data, chainContracts };
}

async function readJson(folder: string, name: string): Promise<unknown> {
  const path = join(folder, name);
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`failed to read the recorded body ${path}: ${reason}; set SimulatorOptions.dataDir to the data/recorded folder`);
  }
}
