import { isInstrumentKey } from '../upstox/instrument-key.js';
import { CandleSource } from './candle-source.js';
import { customErrorResponse, errorResponse, type SimulatorResponse } from './envelopes.js';
import { ExchangeSessions } from './exchange-sessions.js';
import { QuoteMarket } from './quote-market.js';
import { loadQuoteMaster, type QuoteMaster } from './quote-master.js';
import { loadRecordedQuotes, type RecordedQuotes } from './quote-recorded.js';
import { loadRecordedData } from './recorded-data.js';

// What the quote and option routes share: reading the `instrument_key` list of a request
// with Upstox's errors, and the data they serve, loaded on the first request that needs it.

/** The master, the simulated market and the recorded bodies. */
export interface QuoteData {
  readonly master: QuoteMaster;
  readonly market: QuoteMarket;
  readonly recorded: RecordedQuotes;
}

const loads = new Map<string, Promise<QuoteData>>();

/** Loads the quote data of a data folder once per process; a failed load is retried by the next request. */
export function loadQuoteData(dataDir: string): Promise<QuoteData> {
  let load = loads.get(dataDir);
  if (!load) {
    load = Promise.all([loadQuoteMaster(dataDir), loadRecordedData(dataDir), loadRecordedQuotes(dataDir)]).then(([master, candles, recorded]) => ({
      master,
      market: new QuoteMarket(master, new CandleSource(new ExchangeSessions(), candles)),
      recorded,
    }));
    load.catch(() => loads.delete(dataDir));
    loads.set(dataDir, load);
  }
  return load;
}

/**
 * Reads the comma-separated `instrument_key` parameter (already decoded once). Returns the
 * distinct keys in order, or Upstox's error: UDAPI1009 when it is missing, UDAPI100043 for
 * more than `max` keys, UDAPI1011 for a key that is not `SEGMENT|IDENTIFIER`.
 */
export function readKeyList(query: ReadonlyMap<string, string>, max: number): string[] | SimulatorResponse {
  const raw = query.get('instrument_key') ?? query.get('symbol');
  if (raw === undefined || raw.trim() === '') return customErrorResponse(400, 'UDAPI1009', 'symbol is required', 'instrument_key', null);
  const keys = [...new Set(raw.split(','))];
  if (keys.length > max) return errorResponse('tooManyKeys', 'instrument_key', String(keys.length));
  const bad = keys.find((key) => !isInstrumentKey(key));
  if (bad !== undefined) return customErrorResponse(400, 'UDAPI1011', 'symbol is of invalid format', 'instrument_key', bad);
  return keys;
}

/** Returns true when `value` is an error response rather than a key list. */
export function isResponse(value: string[] | SimulatorResponse): value is SimulatorResponse {
  return !Array.isArray(value);
}
