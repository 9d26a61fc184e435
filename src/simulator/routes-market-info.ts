import { istDateOf, isIsoDate } from '../time/ist.js';
import { isInstrumentKey } from '../upstox/instrument-key.js';
import { EXPIRED_CANDLE_INTERVALS, isExpiredInstrumentKey, MARKET_EXCHANGES, type ExpiredCandleInterval } from '../upstox/market-info.js';
import { CandleSource } from './candle-source.js';
import { candleResponse, customErrorResponse, errorResponse, successResponse, type SimulatorResponse } from './envelopes.js';
import { ExchangeSessions } from './exchange-sessions.js';
import { MASTER_SEGMENTS } from './instruments.js';
import { brokerageData } from './market-info-brokerage.js';
import { holidayOn, holidaysOfYear, statusAt, timingsOn } from './market-info-calendar.js';
import { ExpiredInstruments } from './market-info-expired.js';
import { loadMaster, type MasterIndex } from './market-info-master.js';
import { RELATIVE_EXPIRIES, SEARCH_EXCHANGES, SEARCH_SEGMENTS, searchMaster } from './market-info-search.js';
import { loadRecordedData } from './recorded-data.js';
import { decodeOnce, matchPattern, type SimRequest, type SimRoute, type SimRouteContext } from './route.js';

// Market information (status, holidays, timings), instrument search, brokerage and the
// expired-instrument endpoints. Error codes follow the API reference where it gives one.
// UDAPI1089 rejects an exchange and UDAPI1088 a date. UDAPI1059-1065 reject brokerage inputs,
// UDAPI1009, UDAPI1011 and UDAPI100011 an underlying key, and UDAPI1021, UDAPI1020 and
// UDAPI1015 the parts of an expired candle request. UDAPI1149 means the account has no
// Upstox Plus plan. Inputs without a documented code get UDAPI100036 "Invalid input".

interface LoadedData {
  readonly master: MasterIndex;
  readonly expired: ExpiredInstruments;
}

/** Returns the simulated endpoints for market information (status, holidays, timings), instrument search, brokerage and expired instruments. */
export function marketInfoRoutes(context: SimRouteContext): SimRoute[] {
  let data: Promise<LoadedData> | undefined;
  const load = (): Promise<LoadedData> => {
    if (!data) {
      data = Promise.all([loadMaster(context.dataDir), loadRecordedData(context.dataDir)]).then(([master, recorded]) => {
        const sessions = new ExchangeSessions();
        return { master, expired: new ExpiredInstruments(master, sessions, new CandleSource(sessions, recorded)) };
      });
      // A failed load is retried by the next request instead of failing every later one.
      data.catch(() => {
        data = undefined;
      });
    }
    return data;
  };
  // Expired-instrument APIs respond only to accounts with Upstox Plus.
  const plusOnly =
    (handle: (request: SimRequest, params: Readonly<Record<string, string>>) => SimulatorResponse | Promise<SimulatorResponse>) =>
    (request: SimRequest, params: Readonly<Record<string, string>>) =>
      context.account(request.account).plus ? handle(request, params) : errorResponse('planRequired');

  return [
    { api: 'market-status', match: (s) => matchPattern('v2/market/status/:exchange', s), handle: (request, params) => marketStatus(request, params) },
    { api: 'market-holidays', match: (s) => matchPattern('v2/market/holidays', s), handle: (request) => successResponse(holidaysOfYear(Number(istDateOf(request.now).slice(0, 4)))) },
    { api: 'market-holidays', match: (s) => matchPattern('v2/market/holidays/:date', s), handle: (_request, params) => holidaysOn(params) },
    { api: 'market-timings', match: (s) => matchPattern('v2/market/timings/:date', s), handle: (_request, params) => timings(params) },
    { api: 'instrument-search', match: (s) => matchPattern('v2/instruments/search', s), handle: async (request) => search(request, (await load()).master) },
    { api: 'brokerage', match: (s) => matchPattern('v2/charges/brokerage', s), handle: async (request) => brokerage(request, (await load()).master) },
    {
      api: 'expired-expiries',
      match: (s) => matchPattern('v2/expired-instruments/expiries', s),
      handle: plusOnly(async (request) => expiries(request, (await load()).expired)),
    },
    {
      api: 'expired-option-contracts',
      match: (s) => matchPattern('v2/expired-instruments/option/contract', s),
      handle: plusOnly(async (request) => contracts(request, (await load()).expired, 'options')),
    },
    {
      api: 'expired-future-contracts',
      match: (s) => matchPattern('v2/expired-instruments/future/contract', s),
      handle: plusOnly(async (request) => contracts(request, (await load()).expired, 'futures')),
    },
    {
      api: 'expired-historical-candle',
      match: (s) => matchPattern('v2/expired-instruments/historical-candle/:key/:interval/:toDate/:fromDate', s),
      handle: plusOnly(async (request, params) => expiredCandles(request, params, (await load()).expired)),
    },
  ];
}

function marketStatus(request: SimRequest, params: Readonly<Record<string, string>>): SimulatorResponse {
  const exchange = decodeOnce(params.exchange ?? '') ?? '';
  if (!(MARKET_EXCHANGES as readonly string[]).includes(exchange)) return invalidExchange(exchange);
  const { status, lastUpdatedMs } = statusAt(exchange, request.now);
  return successResponse({ exchange, status, last_updated: lastUpdatedMs });
}

function holidaysOn(params: Readonly<Record<string, string>>): SimulatorResponse {
  const date = decodeOnce(params.date ?? '') ?? '';
  if (!isIsoDate(date)) return invalidDate(date);
  const entry = holidayOn(date);
  return successResponse(entry ? [entry] : []);
}

function timings(params: Readonly<Record<string, string>>): SimulatorResponse {
  const date = decodeOnce(params.date ?? '') ?? '';
  if (!isIsoDate(date)) return invalidDate(date);
  return successResponse(timingsOn(date));
}

function search(request: SimRequest, master: MasterIndex): SimulatorResponse {
  const query = request.query.get('query')?.trim() ?? '';
  if (query === '') return errorResponse('invalidInput', 'query', request.query.get('query') ?? null);
  const lists: Record<string, string[]> = {};
  for (const [name, allowed] of [['exchanges', SEARCH_EXCHANGES], ['segments', SEARCH_SEGMENTS], ['instrument_types', undefined]] as const) {
    const raw = request.query.get(name);
    const values = raw === undefined || raw === '' ? [] : raw.split(',');
    const bad = values.find((v) => (allowed ? !allowed.includes(v) : !/^[A-Z0-9]+$/.test(v)));
    if (bad !== undefined) return errorResponse('invalidInput', name, raw ?? null);
    lists[name] = values;
  }
  const expiry = request.query.get('expiry');
  if (expiry !== undefined && !isIsoDate(expiry) && !(expiry in RELATIVE_EXPIRIES)) return errorResponse('invalidInput', 'expiry', expiry);
  const atmText = request.query.get('atm_offset');
  if (atmText !== undefined && !/^-?\d{1,3}$/.test(atmText)) return errorResponse('invalidInput', 'atm_offset', atmText);
  const pageText = request.query.get('page_number') ?? '1';
  if (!/^\d{1,5}$/.test(pageText) || Number(pageText) < 1) return errorResponse('invalidInput', 'page_number', pageText);
  const recordsText = request.query.get('records') ?? '10';
  if (!/^\d{1,2}$/.test(recordsText) || Number(recordsText) < 1 || Number(recordsText) > 30) return errorResponse('invalidInput', 'records', recordsText);

  const params = {
    query,
    exchanges: lists.exchanges!,
    segments: lists.segments!,
    instrumentTypes: lists.instrument_types!,
    expiry,
    atmOffset: atmText === undefined ? undefined : Number(atmText),
    pageNumber: Number(pageText),
    records: Number(recordsText),
  };
  const { rows, total } = searchMaster(master, params, istDateOf(request.now));
  const page = { page_number: params.pageNumber, total_pages: Math.ceil(total / params.records), records: rows.length, total_records: total };
  return successResponse(rows, { meta_data: { page } });
}

function brokerage(request: SimRequest, master: MasterIndex): SimulatorResponse {
  const key = request.query.get('instrument_token') ?? '';
  if (!isInstrumentKey(key)) return customErrorResponse(400, 'UDAPI1059', 'The instrument_token is of invalid format', 'instrument_token', key);
  const segment = key.slice(0, key.indexOf('|'));
  const row = master.byKey.get(key);
  if (!row && MASTER_SEGMENTS.has(segment)) return errorResponse('unknownKey', 'instrument_token', key);

  const quantityText = request.query.get('quantity');
  if (quantityText === undefined || quantityText === '') return customErrorResponse(400, 'UDAPI1060', 'The quantity is required', 'quantity');
  if (!/^\d{1,9}$/.test(quantityText)) return errorResponse('invalidInput', 'quantity', quantityText);
  if (Number(quantityText) === 0) return customErrorResponse(400, 'UDAPI1064', 'The quantity cannot be zero', 'quantity', quantityText);

  const priceText = request.query.get('price');
  if (priceText === undefined || priceText === '') return customErrorResponse(400, 'UDAPI1061', 'The price is required', 'price');
  if (!/^\d{1,9}(\.\d{1,4})?$/.test(priceText)) return errorResponse('invalidInput', 'price', priceText);
  if (Number(priceText) === 0) return customErrorResponse(400, 'UDAPI1065', 'The price cannot be zero', 'price', priceText);

  const transactionType = request.query.get('transaction_type');
  if (transactionType === undefined || transactionType === '') return customErrorResponse(400, 'UDAPI1062', 'The transaction_type is required', 'transaction_type');
  if (transactionType !== 'BUY' && transactionType !== 'SELL') return errorResponse('invalidInput', 'transaction_type', transactionType);

  const product = request.query.get('product');
  if (product === undefined || product === '') return customErrorResponse(400, 'UDAPI1063', 'The product is required', 'product');
  if (!['I', 'D', 'MTF', 'CO'].includes(product)) return errorResponse('invalidInput', 'product', product);

  return successResponse(
    brokerageData({ segment, instrumentType: row?.instrument_type, quantity: Number(quantityText), price: Number(priceText), product, transactionType }),
  );
}

function expiries(request: SimRequest, expired: ExpiredInstruments): SimulatorResponse {
  const key = underlyingKeyOf(request, expired);
  if (typeof key !== 'string') return key;
  return successResponse(expired.expiries(key, istDateOf(request.now)));
}

function contracts(request: SimRequest, expired: ExpiredInstruments, kind: 'options' | 'futures'): SimulatorResponse {
  const key = underlyingKeyOf(request, expired);
  if (typeof key !== 'string') return key;
  const expiryDate = request.query.get('expiry_date');
  if (expiryDate === undefined || !isIsoDate(expiryDate)) return errorResponse('invalidInput', 'expiry_date', expiryDate ?? null);
  return successResponse(expired.contracts(key, expiryDate, istDateOf(request.now), kind));
}

function expiredCandles(request: SimRequest, params: Readonly<Record<string, string>>, expired: ExpiredInstruments): SimulatorResponse {
  // The key is decoded exactly once, so a double-encoded key (%257C) stays invalid.
  const key = decodeOnce(params.key ?? '') ?? params.key ?? '';
  if (!isExpiredInstrumentKey(key)) return errorResponse('keyFormat', 'expired_instrument_key', key);
  const interval = decodeOnce(params.interval ?? '') ?? '';
  if (!(EXPIRED_CANDLE_INTERVALS as readonly string[]).includes(interval)) {
    return customErrorResponse(400, 'UDAPI1020', `Interval accepts one of (${EXPIRED_CANDLE_INTERVALS.join(',')})`, 'interval', interval);
  }
  const toDate = decodeOnce(params.toDate ?? '') ?? '';
  const fromDate = decodeOnce(params.fromDate ?? '') ?? '';
  if (!isIsoDate(toDate)) return errorResponse('invalidDates', 'to_date', toDate);
  if (!isIsoDate(fromDate)) return errorResponse('invalidDates', 'from_date', fromDate);
  if (toDate < fromDate) return errorResponse('invalidDates', 'to_date', toDate);
  const contract = expired.find(key, istDateOf(request.now));
  if (!contract) return errorResponse('unknownKey', 'expired_instrument_key', key);
  return candleResponse(expired.candleRows(contract, interval as ExpiredCandleInterval, fromDate, toDate, request.now));
}

// Checks the `instrument_key` query parameter of the expired APIs; returns the key, or the error response.
function underlyingKeyOf(request: SimRequest, expired: ExpiredInstruments): string | SimulatorResponse {
  const key = request.query.get('instrument_key');
  if (key === undefined || key === '') return customErrorResponse(400, 'UDAPI1009', 'instrument_key is required', 'instrument_key');
  if (!isInstrumentKey(key)) return customErrorResponse(400, 'UDAPI1011', 'instrument_key is of invalid format', 'instrument_key', key);
  // Upstox serves no expired data for MCX.
  if (key.startsWith('MCX_') || !expired.knows(key)) return errorResponse('unknownKey', 'instrument_key', key);
  return key;
}

function invalidExchange(exchange: string): SimulatorResponse {
  return customErrorResponse(400, 'UDAPI1089', 'Invalid exchange', 'exchange', exchange);
}

function invalidDate(date: string): SimulatorResponse {
  // NOTE: the API reference gives UDAPI1088 for the timings endpoint only. The holiday date
  // endpoint is assumed to reject a bad date the same way.
  return customErrorResponse(400, 'UDAPI1088', 'Invalid date', 'date', date);
}
