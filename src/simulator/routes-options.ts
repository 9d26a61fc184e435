import { isIsoDate, istToday } from '../time/ist.js';
import { UPSTOX_APIS } from '../upstox/apis.js';
import { isInstrumentKey } from '../upstox/instrument-key.js';
import { customErrorResponse, errorResponse, successResponse, type SimulatorResponse } from './envelopes.js';
import { chainEntries, contractEntry, contractsOf, greekEntry } from './option-entries.js';
import { isResponse, loadQuoteData, readKeyList, type QuoteData } from './quote-keys.js';
import { quoteSymbol } from './quote-master.js';
import { RECORDED_CHAIN_EXPIRY, RECORDED_CHAIN_UNDERLYING } from './quote-recorded.js';
import { matchPattern, type SimRequest, type SimRoute, type SimRouteContext } from './route.js';

// The option endpoints:
//   GET /v3/market-quote/option-greek?instrument_key=…            greeks of up to 50 contracts
//   GET /v2/option/contract?instrument_key=…[&expiry_date=…]      contracts of an underlying
//   GET /v2/option/chain?instrument_key=…&expiry_date=…           put/call chain of one expiry
// Contracts come from the instruments master. The chain of NIFTY 50 for 2026-03-02 is the
// recorded real one; other chains are valued by the simulated market. Upstox documents no
// error codes for the contract and chain endpoints, so the simulator returns UDAPI1011 for a
// malformed key (the quote endpoints' code) and UDAPI100036 for a missing or invalid parameter.

/** The maximum number of contract keys in one option-greek request. */
export const MAX_SIMULATED_GREEK_KEYS = 50;

/** Returns the simulated endpoints for options (greeks V3, contracts, chain). */
export function optionRoutes(context: SimRouteContext): SimRoute[] {
  const data = () => loadQuoteData(context.dataDir);
  return [
    { api: UPSTOX_APIS.optionGreeks, match: (s) => matchPattern('v3/market-quote/option-greek', s), handle: async (request) => optionGreeks(request, await data()) },
    { api: UPSTOX_APIS.optionContracts, match: (s) => matchPattern('v2/option/contract', s), handle: async (request) => optionContracts(request, await data()) },
    { api: UPSTOX_APIS.optionChain, match: (s) => matchPattern('v2/option/chain', s), handle: async (request) => optionChain(request, await data()) },
  ];
}

function optionGreeks(request: SimRequest, data: QuoteData): SimulatorResponse {
  const keys = readKeyList(request.query, MAX_SIMULATED_GREEK_KEYS);
  if (isResponse(keys)) return keys;
  const map: Record<string, unknown> = {};
  for (const key of keys) {
    const contract = data.master.byKey.get(key);
    if (!contract) continue;
    const entry = greekEntry(data, contract, request.now);
    if (entry) map[`${contract.segment}:${quoteSymbol(contract)}`] = entry;
  }
  return successResponse(map);
}

function optionContracts(request: SimRequest, data: QuoteData): SimulatorResponse {
  const underlying = readUnderlying(request);
  if (typeof underlying !== 'string') return underlying;
  const expiry = request.query.get('expiry_date');
  if (expiry !== undefined && !isIsoDate(expiry)) return errorResponse('invalidInput', 'expiry_date', expiry);
  return successResponse(contractsOf(data, underlying, expiry, istToday(request.now)).map(contractEntry));
}

function optionChain(request: SimRequest, data: QuoteData): SimulatorResponse {
  const underlying = readUnderlying(request);
  if (typeof underlying !== 'string') return underlying;
  const expiry = request.query.get('expiry_date');
  if (expiry === undefined || !isIsoDate(expiry)) return errorResponse('invalidInput', 'expiry_date', expiry ?? null);
  if (underlying === RECORDED_CHAIN_UNDERLYING && expiry === RECORDED_CHAIN_EXPIRY) return successResponse(data.recorded.chain);
  return successResponse(chainEntries(data, underlying, expiry, request.now));
}

function readUnderlying(request: SimRequest): string | SimulatorResponse {
  const key = request.query.get('instrument_key');
  if (key === undefined || key === '') return errorResponse('invalidInput', 'instrument_key', null);
  if (!isInstrumentKey(key)) return customErrorResponse(400, 'UDAPI1011', 'symbol is of invalid format', 'instrument_key', key);
  return key;
}
