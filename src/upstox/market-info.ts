import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../time/ist.js';
import { UPSTOX_APIS } from './apis.js';
import { parseCandleResponse, type CandleResponse } from './candles.js';
import { getEndpoint, type EndpointResponse } from './endpoint.js';
import { UpstoxSchemaError } from './errors.js';
import type { RequestGate, UpstoxHttp } from './http.js';
import { encodeInstrumentKey, isInstrumentKey } from './instrument-key.js';

// Market information (status, holidays, timings), instrument search, brokerage and the
// expired-instrument APIs. Margin details is a POST endpoint (`POST /v2/charges/margin`), so
// this GET-only client leaves it out.

/** Exchange codes that the market-status endpoint accepts; anything else is rejected with UDAPI1089. */
export const MARKET_EXCHANGES = ['NSE', 'NFO', 'CDS', 'BSE', 'BFO', 'BCD', 'MCX', 'NSCOM'] as const;
export type MarketExchange = (typeof MARKET_EXCHANGES)[number];

/** Intervals of the expired historical candle endpoint, as its path spells them. */
export const EXPIRED_CANDLE_INTERVALS = ['1minute', '3minute', '5minute', '15minute', '30minute', 'day'] as const;
export type ExpiredCandleInterval = (typeof EXPIRED_CANDLE_INTERVALS)[number];

// Epoch milliseconds arrive as JSON integers.
const epochMs = z.number().int();

const marketStatusSchema = z.looseObject({
  exchange: z.string().min(1),
  status: z.string().min(1),
  last_updated: epochMs,
  // Sent only for segments with a closing auction session.
  cas_eligible_status: z.looseObject({ status: z.string().nullish(), last_updated: epochMs.nullish() }).nullish(),
});
export type MarketStatusData = z.infer<typeof marketStatusSchema>;

const exchangeWindowSchema = z.looseObject({ exchange: z.string().min(1), start_time: epochMs, end_time: epochMs });
export type ExchangeWindowData = z.infer<typeof exchangeWindowSchema>;

const holidaySchema = z.looseObject({
  date: z.string(),
  description: z.string().nullish(),
  holiday_type: z.string().nullish(),
  closed_exchanges: z.array(z.string().min(1)).nullish(),
  open_exchanges: z.array(exchangeWindowSchema).nullish(),
});
export type HolidayData = z.infer<typeof holidaySchema>;

// The instrument rows of the search API use the instruments-file shape: `expiry` in epoch
// milliseconds and `tick_size` in paise. Only the key is required; the other fields depend on
// the instrument type.
const searchInstrumentSchema = z.looseObject({
  instrument_key: z.string().min(1),
  segment: z.string().nullish(),
  exchange: z.string().nullish(),
  name: z.string().nullish(),
  trading_symbol: z.string().nullish(),
  instrument_type: z.string().nullish(),
  exchange_token: z.string().nullish(),
  isin: z.string().nullish(),
  expiry: epochMs.nullish(),
  strike_price: z.number().nullish(),
  lot_size: z.number().nullish(),
  tick_size: z.number().nullish(),
  underlying_key: z.string().nullish(),
  weekly: z.boolean().nullish(),
});
export type SearchInstrument = z.infer<typeof searchInstrumentSchema>;

const pageSchema = z.looseObject({
  page: z.looseObject({
    page_number: z.number().int(),
    total_pages: z.number().int(),
    records: z.number().int(),
    total_records: z.number().int(),
  }),
});

const chargeGroupSchema = z.looseObject({
  transaction: z.number().nullish(),
  clearing: z.number().nullish(),
  ipft: z.number().nullish(),
  sebi_turnover: z.number().nullish(),
});
const dpPlanSchema = z.looseObject({ name: z.string().nullish(), min_expense: z.number().nullish() });

// Upstox still sends the deprecated camelCase twins `otherTaxes` and `dpPlan`. The snake_case
// block is read first and the twin only when it is missing, so either may disappear.
const brokerageSchema = z.looseObject({
  charges: z.looseObject({
    total: z.number(),
    brokerage: z.number(),
    taxes: z.looseObject({ gst: z.number().nullish(), stt: z.number().nullish(), stamp_duty: z.number().nullish() }),
    other_charges: chargeGroupSchema.nullish(),
    otherTaxes: chargeGroupSchema.nullish(),
    dp_plan: dpPlanSchema.nullish(),
    dpPlan: dpPlanSchema.nullish(),
  }),
});

/** One contract of the expired option or future contract APIs; `instrument_key` is the expired key. */
const expiredContractSchema = z.looseObject({
  instrument_key: z.string().min(1),
  expiry: z.string(),
  instrument_type: z.string().min(1),
  name: z.string().nullish(),
  segment: z.string().nullish(),
  exchange: z.string().nullish(),
  exchange_token: z.string().nullish(),
  trading_symbol: z.string().nullish(),
  tick_size: z.number().nullish(),
  lot_size: z.number().nullish(),
  minimum_lot: z.number().nullish(),
  freeze_quantity: z.number().nullish(),
  underlying_key: z.string().nullish(),
  underlying_type: z.string().nullish(),
  underlying_symbol: z.string().nullish(),
  strike_price: z.number().nullish(),
  weekly: z.boolean().nullish(),
});
export type ExpiredContractData = z.infer<typeof expiredContractSchema>;

export interface InstrumentSearchRequest {
  /** Free text, such as `nifty 25800 ce`. */
  readonly query: string;
  /** `NSE`, `BSE`, `MCX` or `ALL`. */
  readonly exchanges?: readonly string[];
  /** `EQ`, `FO`, `CURR`, `COMM`, `INDEX`, `OPT`, `FUT`, `OPTION_CHAIN` or `ALL`. */
  readonly segments?: readonly string[];
  /** Such as `CE`, `PE`, `FUT`, `EQ`. */
  readonly instrumentTypes?: readonly string[];
  /** `YYYY-MM-DD`, or a relative name such as `current_week` or `next_month`. */
  readonly expiry?: string;
  /** Strikes away from the money: 0 is the ATM strike, +1 the next one up. */
  readonly atmOffset?: number;
  /** From 1. */
  readonly pageNumber?: number;
  /** Rows per page, 1 to 30. */
  readonly records?: number;
}

export interface InstrumentSearchPage {
  readonly instruments: readonly SearchInstrument[];
  readonly page: { readonly pageNumber: number; readonly totalPages: number; readonly records: number; readonly totalRecords: number };
  readonly path: string;
}

export interface BrokerageRequest {
  readonly instrumentKey: string;
  /** Shares or contracts, a positive integer. */
  readonly quantity: number;
  /** `I` (intraday), `D` (delivery), `MTF` and the other Upstox product codes. */
  readonly product: string;
  readonly transactionType: 'BUY' | 'SELL';
  /** Rupees, above 0. */
  readonly price: number;
}

/** The charges of one order in rupees, with the camelCase twins folded into the snake_case fields. */
export interface BrokerageCharges {
  readonly total: number;
  readonly brokerage: number;
  readonly taxes: { readonly gst: number | null; readonly stt: number | null; readonly stampDuty: number | null };
  readonly otherCharges: { readonly transaction: number | null; readonly clearing: number | null; readonly ipft: number | null; readonly sebiTurnover: number | null } | null;
  readonly dpPlan: { readonly name: string | null; readonly minExpense: number | null } | null;
}

export interface ExpiredCandleRequest {
  /** Such as `NSE_FO|47983|17-04-2025`. */
  readonly expiredInstrumentKey: string;
  readonly interval: ExpiredCandleInterval;
  /** Inclusive; the path carries it before `fromDate`. */
  readonly toDate: IsoDate;
  readonly fromDate: IsoDate;
}

/** The calls for market information (status, holidays, timings), instrument search, brokerage and expired instruments. */
export interface MarketInfoApi {
  marketStatus(exchange: MarketExchange): Promise<EndpointResponse<MarketStatusData>>;
  /** The holidays of the current calendar year, as Upstox counts it. */
  marketHolidays(): Promise<EndpointResponse<HolidayData[]>>;
  /** The holiday entries of one date; empty on an ordinary day. */
  marketHolidaysOn(date: IsoDate): Promise<EndpointResponse<HolidayData[]>>;
  marketTimings(date: IsoDate): Promise<EndpointResponse<ExchangeWindowData[]>>;
  /** One page of search results; see {@link searchAllInstruments} for every page. */
  searchInstruments(request: InstrumentSearchRequest): Promise<InstrumentSearchPage>;
  brokerageDetails(request: BrokerageRequest): Promise<{ charges: BrokerageCharges; path: string }>;
  /** Past expiry dates of an underlying, oldest first. Needs Upstox Plus. */
  expiredExpiries(underlyingKey: string): Promise<EndpointResponse<string[]>>;
  expiredOptionContracts(underlyingKey: string, expiryDate: IsoDate): Promise<EndpointResponse<ExpiredContractData[]>>;
  expiredFutureContracts(underlyingKey: string, expiryDate: IsoDate): Promise<EndpointResponse<ExpiredContractData[]>>;
  expiredHistoricalCandles(request: ExpiredCandleRequest): Promise<CandleResponse>;
}

/** Binds market information (status, holidays, timings), instrument search, brokerage and expired instruments to a transport and an optional gate. */
export function marketInfoApi(http: UpstoxHttp, gate?: RequestGate): MarketInfoApi {
  // Every method is async, so a bad argument rejects the promise like a failed request does.
  return {
    marketStatus: async (exchange) => {
      checkExchange(exchange);
      return getEndpoint(http, { api: UPSTOX_APIS.marketStatus, path: `/v2/market/status/${exchange}`, gate }, marketStatusSchema);
    },
    marketHolidays: async () => getEndpoint(http, { api: UPSTOX_APIS.marketHolidays, path: '/v2/market/holidays', gate }, z.array(holidaySchema)),
    marketHolidaysOn: async (date) =>
      getEndpoint(http, { api: UPSTOX_APIS.marketHolidays, path: `/v2/market/holidays/${checkDate('date', date)}`, gate }, z.array(holidaySchema)),
    marketTimings: async (date) =>
      getEndpoint(http, { api: UPSTOX_APIS.marketTimings, path: `/v2/market/timings/${checkDate('date', date)}`, gate }, z.array(exchangeWindowSchema)),
    searchInstruments: (request) => searchInstruments(http, request, gate),
    brokerageDetails: (request) => brokerageDetails(http, request, gate),
    expiredExpiries: async (underlyingKey) =>
      getEndpoint(
        http,
        { api: UPSTOX_APIS.expiredExpiries, path: '/v2/expired-instruments/expiries', query: { instrument_key: encodeUnderlying(underlyingKey) }, gate },
        z.array(z.string()),
      ),
    expiredOptionContracts: async (underlyingKey, expiryDate) =>
      getEndpoint(
        http,
        { api: UPSTOX_APIS.expiredOptionContracts, path: '/v2/expired-instruments/option/contract', query: contractQuery(underlyingKey, expiryDate), gate },
        z.array(expiredContractSchema),
      ),
    expiredFutureContracts: async (underlyingKey, expiryDate) =>
      getEndpoint(
        http,
        { api: UPSTOX_APIS.expiredFutureContracts, path: '/v2/expired-instruments/future/contract', query: contractQuery(underlyingKey, expiryDate), gate },
        z.array(expiredContractSchema),
      ),
    expiredHistoricalCandles: async (request) => {
      const response = await http.get({ api: UPSTOX_APIS.expiredHistoricalCandle, path: expiredCandlePath(request), gate });
      return parseCandleResponse(response, UPSTOX_APIS.expiredHistoricalCandle);
    },
  };
}

/**
 * Fetches every page of a search, one request per page, up to `maxPages`. Upstox caps a page
 * at 30 rows, so a broad query can take many requests from the instrument-search budget.
 */
export async function searchAllInstruments(api: Pick<MarketInfoApi, 'searchInstruments'>, request: InstrumentSearchRequest, maxPages = 10): Promise<SearchInstrument[]> {
  const instruments: SearchInstrument[] = [];
  for (let pageNumber = request.pageNumber ?? 1, fetched = 0; fetched < maxPages; pageNumber++, fetched++) {
    const page = await api.searchInstruments({ ...request, pageNumber });
    instruments.push(...page.instruments);
    if (pageNumber >= page.page.totalPages || page.instruments.length === 0) break;
  }
  return instruments;
}

/** Checks the form `SEGMENT|TOKEN|DD-MM-YYYY` of an expired derivative's key, such as `NSE_FO|47983|17-04-2025`. */
export function isExpiredInstrumentKey(value: string): boolean {
  const parts = value.split('|');
  return parts.length === 3 && isInstrumentKey(value) && expiryOfExpiredKey(value) !== undefined;
}

/** Returns the expiry date (`YYYY-MM-DD`) written in an expired instrument key, or undefined when it has none or it is not a date. */
export function expiryOfExpiredKey(key: string): IsoDate | undefined {
  const match = /\|(\d{2})-(\d{2})-(\d{4})$/.exec(key);
  if (!match) return undefined;
  const date = `${match[3]}-${match[2]}-${match[1]}`;
  return isIsoDate(date) ? date : undefined;
}

/** Builds the expired historical candle path; `to_date` comes before `from_date`, as in the V3 candle paths. */
export function expiredCandlePath(request: ExpiredCandleRequest): string {
  if (!isExpiredInstrumentKey(request.expiredInstrumentKey)) {
    throw new RangeError(
      `invalid expired instrument key ${JSON.stringify(request.expiredInstrumentKey)}: expected SEGMENT|TOKEN|DD-MM-YYYY, such as NSE_FO|47983|17-04-2025; ` +
        'the expired contract APIs list these keys',
    );
  }
  checkNotMcx(request.expiredInstrumentKey);
  if (!(EXPIRED_CANDLE_INTERVALS as readonly string[]).includes(request.interval)) {
    throw new RangeError(`invalid expired candle interval ${JSON.stringify(request.interval)}: expected one of ${EXPIRED_CANDLE_INTERVALS.join(', ')}`);
  }
  checkDate('toDate', request.toDate);
  checkDate('fromDate', request.fromDate);
  if (request.toDate < request.fromDate) {
    throw new RangeError(`invalid date range: toDate ${request.toDate} is before fromDate ${request.fromDate}`);
  }
  const key = encodeInstrumentKey(request.expiredInstrumentKey);
  return `/v2/expired-instruments/historical-candle/${key}/${request.interval}/${request.toDate}/${request.fromDate}`;
}

async function searchInstruments(http: UpstoxHttp, request: InstrumentSearchRequest, gate?: RequestGate): Promise<InstrumentSearchPage> {
  const response = await getEndpoint(http, { api: UPSTOX_APIS.instrumentSearch, path: '/v2/instruments/search', query: searchQuery(request), gate }, z.array(searchInstrumentSchema));
  // The page block is a sibling of `data`, so getEndpoint does not check it.
  const meta = pageSchema.safeParse(response.body.meta_data);
  if (!meta.success) {
    const issues = meta.error.issues.slice(0, 10).map((i) => `meta_data.${i.path.join('.')}: ${i.message}`);
    throw new UpstoxSchemaError(
      `GET ${response.path} returned a body whose meta_data.page does not match the instrument-search schema: ${issues.join('; ')}`,
      { api: UPSTOX_APIS.instrumentSearch, path: response.path, status: response.status, bodySnippet: response.rawBody.slice(0, 200) },
      response.rawBody,
      issues,
    );
  }
  const page = meta.data.page;
  return {
    instruments: response.data,
    page: { pageNumber: page.page_number, totalPages: page.total_pages, records: page.records, totalRecords: page.total_records },
    path: response.path,
  };
}

function searchQuery(request: InstrumentSearchRequest): Record<string, string> {
  if (request.query.trim() === '') throw new RangeError('invalid search query "": expected free text such as "nifty 25800 ce"');
  const query: Record<string, string> = { query: encodeURIComponent(request.query) };
  // Lists are joined with literal commas and no spaces, as the search API requires.
  const list = (values: readonly string[]) => values.map((v) => encodeURIComponent(v.trim())).join(',');
  if (request.exchanges?.length) query.exchanges = list(request.exchanges);
  if (request.segments?.length) query.segments = list(request.segments);
  if (request.instrumentTypes?.length) query.instrument_types = list(request.instrumentTypes);
  if (request.expiry !== undefined) query.expiry = encodeURIComponent(request.expiry);
  if (request.atmOffset !== undefined) {
    if (!Number.isInteger(request.atmOffset)) throw new RangeError(`invalid atmOffset ${request.atmOffset}: expected an integer such as 0, 2 or -1`);
    query.atm_offset = String(request.atmOffset);
  }
  if (request.pageNumber !== undefined) {
    if (!Number.isInteger(request.pageNumber) || request.pageNumber < 1) throw new RangeError(`invalid pageNumber ${request.pageNumber}: expected an integer from 1`);
    query.page_number = String(request.pageNumber);
  }
  if (request.records !== undefined) {
    if (!Number.isInteger(request.records) || request.records < 1 || request.records > 30) {
      throw new RangeError(`invalid records ${request.records}: Upstox returns 1 to 30 rows per page`);
    }
    query.records = String(request.records);
  }
  return query;
}

async function brokerageDetails(http: UpstoxHttp, request: BrokerageRequest, gate?: RequestGate): Promise<{ charges: BrokerageCharges; path: string }> {
  if (!Number.isSafeInteger(request.quantity) || request.quantity <= 0) {
    throw new RangeError(`invalid quantity ${request.quantity}: expected a positive integer number of shares or contracts`);
  }
  if (!Number.isFinite(request.price) || request.price <= 0) throw new RangeError(`invalid price ${request.price}: expected rupees above 0`);
  if (request.transactionType !== 'BUY' && request.transactionType !== 'SELL') {
    throw new RangeError(`invalid transactionType ${JSON.stringify(request.transactionType)}: expected BUY or SELL`);
  }
  if (request.product.trim() === '') throw new RangeError('invalid product "": expected a product code such as I, D or MTF');
  // The brokerage API names its key parameter instrument_token, although it takes an instrument key.
  const query = {
    instrument_token: encodeInstrumentKey(request.instrumentKey),
    quantity: String(request.quantity),
    product: encodeURIComponent(request.product),
    transaction_type: request.transactionType,
    price: String(request.price),
  };
  const response = await getEndpoint(http, { api: UPSTOX_APIS.brokerage, path: '/v2/charges/brokerage', query, gate }, brokerageSchema);
  const c = response.data.charges;
  const other = c.other_charges ?? c.otherTaxes;
  const plan = c.dp_plan ?? c.dpPlan;
  return {
    charges: {
      total: c.total,
      brokerage: c.brokerage,
      taxes: { gst: c.taxes.gst ?? null, stt: c.taxes.stt ?? null, stampDuty: c.taxes.stamp_duty ?? null },
      otherCharges: other
        ? { transaction: other.transaction ?? null, clearing: other.clearing ?? null, ipft: other.ipft ?? null, sebiTurnover: other.sebi_turnover ?? null }
        : null,
      dpPlan: plan ? { name: plan.name ?? null, minExpense: plan.min_expense ?? null } : null,
    },
    path: response.path,
  };
}

function contractQuery(underlyingKey: string, expiryDate: IsoDate): Record<string, string> {
  return { instrument_key: encodeUnderlying(underlyingKey), expiry_date: checkDate('expiryDate', expiryDate) };
}

function encodeUnderlying(underlyingKey: string): string {
  const encoded = encodeInstrumentKey(underlyingKey);
  checkNotMcx(underlyingKey);
  return encoded;
}

// Upstox serves no expired-instrument data for MCX, so such a request would only use budget.
function checkNotMcx(key: string): void {
  if (key.startsWith('MCX_')) {
    throw new RangeError(`instrument key ${JSON.stringify(key)} is an MCX key: the expired-instrument APIs do not cover MCX; use an NSE or BSE key`);
  }
}

function checkExchange(exchange: string): void {
  if (!(MARKET_EXCHANGES as readonly string[]).includes(exchange)) {
    throw new RangeError(`invalid exchange ${JSON.stringify(exchange)}: expected one of ${MARKET_EXCHANGES.join(', ')}`);
  }
}

function checkDate(name: string, value: string): IsoDate {
  if (!isIsoDate(value)) throw new RangeError(`invalid ${name} ${JSON.stringify(value)}: expected YYYY-MM-DD, such as 2024-03-28`);
  return value;
}
