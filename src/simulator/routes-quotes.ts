import { UPSTOX_APIS } from '../upstox/apis.js';
import { customErrorResponse, successResponse, type SimulatorResponse } from './envelopes.js';
import { fullQuoteEntry, ltpEntry, ohlcEntry } from './quote-entries.js';
import { isResponse, loadQuoteData, readKeyList, type QuoteData } from './quote-keys.js';
import { round } from './quote-market.js';
import { quoteSymbol, type MasterInstrument } from './quote-master.js';
import { matchPattern, type SimRequest, type SimRoute, type SimRouteContext } from './route.js';

// The quote endpoints:
//   GET /v2/market-quote/quotes?instrument_key=…           full market quote
//   GET /v3/market-quote/ohlc?instrument_key=…&interval=…  OHLC V3 (1d, I1, I30)
//   GET /v3/market-quote/ltp?instrument_key=…              LTP V3
// Each takes up to 500 comma-separated keys and returns a map keyed `SEGMENT:TRADING_SYMBOL`.
// Keys missing from the instruments master are left out of the map, as Upstox leaves out
// unknown and expired keys. The NIFTY 50 full quote recorded at 2026-08-04 11:36 IST is
// served when the clock is in that minute.

/** The maximum number of keys in one quote request. */
export const MAX_SIMULATED_QUOTE_KEYS = 500;
const OHLC_INTERVALS = new Set(['1d', 'I1', 'I30']);
const MINUTE_MS = 60_000;

/** Returns the simulated endpoints for quotes (full market quote, OHLC V3, LTP V3). */
export function quoteRoutes(context: SimRouteContext): SimRoute[] {
  const data = () => loadQuoteData(context.dataDir);
  return [
    { api: UPSTOX_APIS.fullMarketQuote, match: (s) => matchPattern('v2/market-quote/quotes', s), handle: async (request) => fullQuotes(request, await data()) },
    { api: UPSTOX_APIS.ohlcQuotes, match: (s) => matchPattern('v3/market-quote/ohlc', s), handle: async (request) => ohlcQuotes(request, await data()) },
    { api: UPSTOX_APIS.ltpQuotes, match: (s) => matchPattern('v3/market-quote/ltp', s), handle: async (request) => ltpQuotes(request, await data()) },
  ];
}

function fullQuotes(request: SimRequest, data: QuoteData): SimulatorResponse {
  return quoteMap(request, data, (instrument, symbol) => {
    const recorded = recordedQuote(instrument, request.now, data);
    if (recorded) return recorded;
    const state = data.market.quote(instrument, request.now);
    return state ? fullQuoteEntry(instrument, state, symbol, request.now) : undefined;
  });
}

function ltpQuotes(request: SimRequest, data: QuoteData): SimulatorResponse {
  return quoteMap(request, data, (instrument) => {
    const recorded = recordedQuote(instrument, request.now, data);
    if (recorded) {
      const lastPrice = recorded.last_price as number;
      const prevClose = round(lastPrice - (recorded.net_change as number), 2);
      return { last_price: lastPrice, instrument_token: instrument.key, ltq: 0, volume: 0, cp: prevClose };
    }
    const state = data.market.quote(instrument, request.now);
    return state ? ltpEntry(instrument, state) : undefined;
  });
}

function ohlcQuotes(request: SimRequest, data: QuoteData): SimulatorResponse {
  const interval = request.query.get('interval');
  if (interval === undefined || interval === '') return customErrorResponse(400, 'UDAPI1027', 'interval is required', 'interval', null);
  if (!OHLC_INTERVALS.has(interval)) return customErrorResponse(400, 'UDAPI1028', 'Invalid interval', 'interval', interval);
  return quoteMap(request, data, (instrument) => {
    const state = data.market.quote(instrument, request.now);
    if (!state) return undefined;
    const sessions = data.market.sessionsOf(instrument, state.moment.date);
    const previousDay = data.market.previousTradingDay(instrument, state.moment.date);
    return ohlcEntry(data.market, instrument, state, interval, sessions, previousDay);
  });
}

// Builds the `SEGMENT:SYMBOL` map for the requested keys, leaving out keys the master does not
// list and keys whose entry cannot be built.
function quoteMap(request: SimRequest, data: QuoteData, entry: (instrument: MasterInstrument, symbol: string) => Record<string, unknown> | undefined): SimulatorResponse {
  const keys = readKeyList(request.query, MAX_SIMULATED_QUOTE_KEYS);
  if (isResponse(keys)) return keys;
  const map: Record<string, unknown> = {};
  for (const key of keys) {
    const instrument = data.master.byKey.get(key);
    if (!instrument) continue;
    const symbol = quoteSymbol(instrument);
    const value = entry(instrument, symbol);
    if (value) map[`${instrument.segment}:${symbol}`] = value;
  }
  return successResponse(map);
}

function recordedQuote(instrument: MasterInstrument, nowMs: number, data: QuoteData): Record<string, unknown> | undefined {
  const { quote } = data.recorded;
  if (instrument.key !== quote.entry.instrument_token) return undefined;
  const sameMinute = Math.floor(nowMs / MINUTE_MS) === Math.floor(quote.lastTradeMs / MINUTE_MS);
  return sameMinute ? { ...quote.entry } : undefined;
}
