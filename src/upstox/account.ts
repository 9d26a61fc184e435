import { z } from 'zod';
import { UPSTOX_APIS } from './apis.js';
import { getEndpoint, type EndpointResponse } from './endpoint.js';
import { UpstoxSchemaError } from './errors.js';
import type { RequestGate, UpstoxHttp } from './http.js';

// The account endpoints: profile, funds, portfolio, orders, trades, trade P&L and mutual
// funds. With the Analytics Token they respond only to requests from the account's
// registered static IP, and the transport turns a rejection into UpstoxStaticIpError. Schemas type the fields the
// product stores and mark nullable or optional what the API reference says may be null or
// missing. Ids are strings: a number where an id belongs fails validation, because a JSON
// number above 2^53 would already have lost digits.

const text = z.string().nullish();
const money = z.number().nullish();
const count = z.number().int().nullish();
const flag = z.boolean().nullish();
const textList = z.array(z.string()).nullish();

export const profileSchema = z.looseObject({
  user_id: z.string(),
  user_name: text,
  email: text,
  user_type: text,
  broker: text,
  exchanges: textList,
  products: textList,
  order_types: textList,
  poa: flag,
  ddpi: flag,
  is_active: flag,
});

export const fundsSegmentSchema = z.looseObject({
  used_margin: money,
  payin_amount: money,
  span_margin: money,
  adhoc_margin: money,
  notional_cash: money,
  available_margin: money,
  exposure_margin: money,
});

/** V2 funds: a map keyed `equity` and `commodity`. */
export const fundsSchema = z.record(z.string(), fundsSegmentSchema);

const deliveryMargin = z.looseObject({ total: money, equity: money, fo_settlement: money }).nullish();

export const fundsV3Schema = z.looseObject({
  available_to_trade: z
    .looseObject({
      total: money,
      cash_available_to_trade: z
        .looseObject({
          total: money,
          cash: z
            .looseObject({ opening_balance: money, added_today: money, withdrawn_today: money, amount_from_stock_sale: money, unpaid_charges: money })
            .nullish(),
          margin_used: z
            .looseObject({
              total: money,
              mtf: money,
              loss: z.looseObject({ total: money, realised: money, unrealised: money }).nullish(),
              span_exposure: money,
              cash_margin_var_elm: money,
              premium_present: money,
              delivery_margin: deliveryMargin,
            })
            .nullish(),
        })
        .nullish(),
      pledge_available_to_trade: z
        .looseObject({
          total: money,
          margin_from_pledge: z.looseObject({ total: money, equity: money, mutual_funds: money }).nullish(),
          margin_used: z.looseObject({ total: money }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
  unavailable_to_trade: z
    .looseObject({
      cash_unavailable_to_trade: z.looseObject({ unsettled_profit: z.looseObject({ todays_profit: money, previous_days: money }).nullish() }).nullish(),
      pledge_unavailable_to_trade: z.looseObject({ equity: money, mutual_funds: money }).nullish(),
    })
    .nullish(),
});

export const holdingSchema = z.looseObject({
  instrument_token: z.string(),
  isin: text,
  company_name: text,
  trading_symbol: text,
  tradingsymbol: text,
  exchange: text,
  product: text,
  quantity: z.number().int(),
  t1_quantity: count,
  cnc_used_quantity: count,
  collateral_quantity: count,
  collateral_update_quantity: count,
  collateral_type: text,
  haircut: money,
  average_price: money,
  last_price: money,
  close_price: money,
  pnl: money,
  day_change: money,
  day_change_percentage: money,
});

/** One row of short-term or MTF positions (the spec's `PositionData`). */
export const positionSchema = z.looseObject({
  instrument_token: z.string(),
  product: z.string(),
  exchange: text,
  trading_symbol: text,
  tradingsymbol: text,
  multiplier: money,
  quantity: count,
  overnight_quantity: count,
  average_price: money,
  value: money,
  pnl: money,
  unrealised: money,
  realised: money,
  buy_value: money,
  sell_value: money,
  buy_price: money,
  sell_price: money,
  day_buy_quantity: count,
  day_buy_value: money,
  day_buy_price: money,
  day_sell_quantity: count,
  day_sell_value: money,
  day_sell_price: money,
  overnight_buy_quantity: count,
  overnight_buy_amount: money,
  overnight_sell_quantity: count,
  overnight_sell_amount: money,
  last_price: money,
  close_price: money,
});

/** One order, as the order book, the order details and each order history row carry it. */
export const orderSchema = z.looseObject({
  order_id: z.string(),
  exchange_order_id: text,
  parent_order_id: text,
  instrument_token: text,
  trading_symbol: text,
  tradingsymbol: text,
  exchange: text,
  product: text,
  order_type: text,
  transaction_type: text,
  validity: text,
  variety: text,
  status: z.string(),
  status_message: text,
  status_message_raw: text,
  price: money,
  trigger_price: money,
  average_price: money,
  quantity: count,
  filled_quantity: count,
  pending_quantity: count,
  disclosed_quantity: count,
  tag: text,
  guid: text,
  placed_by: text,
  is_amo: flag,
  order_request_id: text,
  order_ref_id: text,
  order_timestamp: text,
  exchange_timestamp: text,
});

export const tradeSchema = z.looseObject({
  trade_id: z.string(),
  order_id: z.string(),
  exchange_order_id: text,
  instrument_token: text,
  trading_symbol: text,
  tradingsymbol: text,
  exchange: text,
  product: text,
  order_type: text,
  transaction_type: text,
  quantity: count,
  average_price: money,
  order_ref_id: text,
  order_timestamp: text,
  exchange_timestamp: text,
});

export const historicalTradeSchema = z.looseObject({
  trade_id: z.string(),
  trade_date: z.string(),
  exchange: z.string(),
  segment: z.string(),
  transaction_type: z.string(),
  instrument_token: text,
  isin: text,
  symbol: text,
  scrip_name: text,
  option_type: text,
  // A string such as "0.0", unlike every other number of the body.
  strike_price: text,
  expiry: text,
  quantity: count,
  price: money,
  amount: money,
});

export const pnlMetadataSchema = z.looseObject({ trades_count: z.number().int().nonnegative(), page_size_limit: z.number().int().positive() });

export const pnlTradeSchema = z.looseObject({
  isin: text,
  scrip_name: text,
  trade_type: text,
  quantity: money,
  buy_date: text,
  buy_average: money,
  buy_amount: money,
  sell_date: text,
  sell_average: money,
  sell_amount: money,
});

export const pnlChargesSchema = z.looseObject({
  charges_breakdown: z.looseObject({
    total: money,
    brokerage: money,
    taxes: z.looseObject({ gst: money, stt: money, stamp_duty: money }).nullish(),
    charges: z.looseObject({ transaction: money, clearing: money, ipft: money, others: money, sebi_turnover: money, demat_transaction: money }).nullish(),
  }),
});

export const mfHoldingSchema = z.looseObject({
  instrument_key: z.string(),
  folio: z.string(),
  fund: text,
  quantity: money,
  average_price: money,
  last_price: money,
  last_price_date: text,
  pnl: money,
  pledged_quantity: money,
});

export const mfOrderSchema = z.looseObject({
  order_id: z.string(),
  instrument_key: text,
  fund: text,
  folio: text,
  status: z.string(),
  status_message: text,
  transaction_type: text,
  variety: text,
  purchase_type: text,
  amount: money,
  quantity: money,
  price: money,
  last_price: money,
  average_price: money,
  last_price_date: text,
  exchange_order_id: text,
  settlement_id: text,
  order_timestamp: text,
  exchange_timestamp: text,
});

export const mfSipSchema = z.looseObject({
  sip_id: z.string(),
  sip_reg_number: text,
  instrument_key: text,
  fund: text,
  dividend_type: text,
  status: text,
  frequency: text,
  transaction_type: text,
  sip_type: text,
  instalments: count,
  instalment_amount: money,
  instalment_day: count,
  pending_instalments: count,
  completed_instalments: count,
  trigger_price: money,
  created: text,
  next_instalment: text,
  last_instalment: text,
});

export type Profile = z.infer<typeof profileSchema>;
export type FundsSegment = z.infer<typeof fundsSegmentSchema>;
export type FundsV3 = z.infer<typeof fundsV3Schema>;
export type Holding = z.infer<typeof holdingSchema>;
export type Position = z.infer<typeof positionSchema>;
export type Order = z.infer<typeof orderSchema>;
export type Trade = z.infer<typeof tradeSchema>;
export type HistoricalTrade = z.infer<typeof historicalTradeSchema>;
export type PnlMetadata = z.infer<typeof pnlMetadataSchema>;
export type PnlTrade = z.infer<typeof pnlTradeSchema>;
export type PnlCharges = z.infer<typeof pnlChargesSchema>;
export type MfHolding = z.infer<typeof mfHoldingSchema>;
export type MfOrder = z.infer<typeof mfOrderSchema>;
export type MfSip = z.infer<typeof mfSipSchema>;

/** The pagination block of a list response; each endpoint fills a different subset. */
export interface PageInfo {
  readonly pageNumber?: number;
  readonly pageSize?: number;
  /** MF lists call the page size `records`. */
  readonly records?: number;
  readonly totalRecords?: number;
  readonly totalPages?: number;
}

/** A list response with its pagination block, when the body has one. */
export type PagedResponse<T> = EndpointResponse<T[]> & { readonly page: PageInfo | undefined };

const pageSchema = z.looseObject({
  page_number: z.number().int().nullish(),
  page_size: z.number().int().nullish(),
  records: z.number().int().nullish(),
  total_records: z.number().int().nullish(),
  total_pages: z.number().int().nullish(),
});

/** The P&L report's segments: equity, futures and options, commodity, currency. */
export const PNL_SEGMENTS = ['EQ', 'FO', 'COM', 'CD'] as const;
export type PnlSegment = (typeof PNL_SEGMENTS)[number];

/** The segments the historical-trades filter accepts; omitting it returns all. */
export const TRADE_SEGMENTS = ['EQ', 'FO', 'COM', 'CD', 'MF'] as const;
export type TradeSegment = (typeof TRADE_SEGMENTS)[number];

export const MAX_TRADE_PAGE_SIZE = 5000;
export const MAX_MF_PAGE_RECORDS = 30;

export interface HistoricalTradesRequest {
  /** `YYYY-MM-DD`, inclusive. */
  readonly startDate: string;
  /** `YYYY-MM-DD`, inclusive. */
  readonly endDate: string;
  readonly segment?: TradeSegment;
  readonly pageNumber: number;
  /** 1..5000. */
  readonly pageSize: number;
}

export interface PnlRequest {
  readonly segment: PnlSegment;
  /** Two digits of each calendar year: FY 2023-24 is `2324`. */
  readonly financialYear: string;
  /** `dd-mm-yyyy`, inside the financial year. */
  readonly fromDate?: string;
  readonly toDate?: string;
}

export interface MfListRequest {
  readonly pageNumber: number;
  /** 1..30. */
  readonly records: number;
}

/** The account endpoints as the jobs call them. Every method sends one GET; an invalid argument rejects before anything is sent. */
export interface AccountApi {
  profile(): Promise<EndpointResponse<Profile>>;
  /** V2 funds; `segment` SEC or COM narrows the map to one entry. */
  fundsAndMargin(segment?: 'SEC' | 'COM'): Promise<EndpointResponse<Record<string, FundsSegment>>>;
  fundsAndMarginV3(): Promise<EndpointResponse<FundsV3>>;
  holdings(): Promise<EndpointResponse<Holding[]>>;
  positions(): Promise<EndpointResponse<Position[]>>;
  mtfPositions(): Promise<EndpointResponse<Position[]>>;
  orderBook(): Promise<EndpointResponse<Order[]>>;
  orderDetails(orderId: string): Promise<EndpointResponse<Order>>;
  orderHistory(orderId: string): Promise<EndpointResponse<Order[]>>;
  tradesForDay(): Promise<EndpointResponse<Trade[]>>;
  orderTrades(orderId: string): Promise<EndpointResponse<Trade[]>>;
  historicalTrades(request: HistoricalTradesRequest): Promise<PagedResponse<HistoricalTrade>>;
  pnlMetadata(request: PnlRequest): Promise<EndpointResponse<PnlMetadata>>;
  pnlReport(request: PnlRequest & { readonly pageNumber: number; readonly pageSize: number }): Promise<PagedResponse<PnlTrade>>;
  pnlCharges(request: PnlRequest): Promise<EndpointResponse<PnlCharges>>;
  mfHoldings(): Promise<EndpointResponse<MfHolding[]>>;
  mfOrders(request: MfListRequest): Promise<PagedResponse<MfOrder>>;
  mfOrderDetails(orderId: string): Promise<EndpointResponse<MfOrder>>;
  mfSips(request: MfListRequest): Promise<PagedResponse<MfSip>>;
}

/** Binds the account endpoints (profile, funds, portfolio, orders, trades, P&L, mutual funds) to a transport and an optional gate. */
export function accountApi(http: UpstoxHttp, gate?: RequestGate): AccountApi {
  const get = <S extends z.ZodType>(api: string, path: string, schema: S, query?: Record<string, string>) => getEndpoint(http, { api, path, query, gate }, schema);
  const getPaged = async <S extends z.ZodType>(api: string, path: string, item: S, query: Record<string, string>, blocks: readonly string[]) => {
    const response = await get(api, path, z.array(item), query);
    return { ...response, page: readPageBlock(response, api, blocks) } as PagedResponse<z.infer<S>>;
  };
  return {
    profile: () => get(UPSTOX_APIS.profile, '/v2/user/profile', profileSchema),
    fundsAndMargin: async (segment) => get(UPSTOX_APIS.fundsAndMargin, '/v2/user/get-funds-and-margin', fundsSchema, segment ? { segment } : undefined),
    fundsAndMarginV3: () => get(UPSTOX_APIS.fundsAndMarginV3, '/v3/user/get-funds-and-margin', fundsV3Schema),
    holdings: () => get(UPSTOX_APIS.holdings, '/v2/portfolio/long-term-holdings', z.array(holdingSchema)),
    positions: () => get(UPSTOX_APIS.positions, '/v2/portfolio/short-term-positions', z.array(positionSchema)),
    mtfPositions: () => get(UPSTOX_APIS.mtfPositions, '/v3/portfolio/mtf-positions', z.array(positionSchema)),
    orderBook: () => get(UPSTOX_APIS.orderBook, '/v2/order/retrieve-all', z.array(orderSchema)),
    orderDetails: async (orderId) => get(UPSTOX_APIS.orderDetails, '/v2/order/details', orderSchema, { order_id: encodeOrderId(orderId) }),
    orderHistory: async (orderId) => get(UPSTOX_APIS.orderHistory, '/v2/order/history', z.array(orderSchema), { order_id: encodeOrderId(orderId) }),
    tradesForDay: () => get(UPSTOX_APIS.tradesForDay, '/v2/order/trades/get-trades-for-day', z.array(tradeSchema)),
    orderTrades: async (orderId) => get(UPSTOX_APIS.orderTrades, '/v2/order/trades', z.array(tradeSchema), { order_id: encodeOrderId(orderId) }),
    historicalTrades: async (request) =>
      getPaged(UPSTOX_APIS.historicalTrades, '/v2/charges/historical-trades', historicalTradeSchema, historicalTradesQuery(request), ['meta_data', 'metaData']),
    pnlMetadata: async (request) => get(UPSTOX_APIS.pnlMetadata, '/v2/trade/profit-loss/metadata', pnlMetadataSchema, pnlQuery(request)),
    pnlReport: async (request) =>
      getPaged(UPSTOX_APIS.pnlReport, '/v2/trade/profit-loss/data', pnlTradeSchema, { ...pnlQuery(request), ...pageQuery(request.pageNumber, request.pageSize, MAX_TRADE_PAGE_SIZE, 'page_size') }, ['metadata']),
    pnlCharges: async (request) => get(UPSTOX_APIS.pnlCharges, '/v2/trade/profit-loss/charges', pnlChargesSchema, pnlQuery(request)),
    mfHoldings: () => get(UPSTOX_APIS.mfHoldings, '/v2/mf/holdings', z.array(mfHoldingSchema)),
    mfOrders: async (request) => getPaged(UPSTOX_APIS.mfOrders, '/v2/mf/orders', mfOrderSchema, pageQuery(request.pageNumber, request.records, MAX_MF_PAGE_RECORDS, 'records'), ['meta_data']),
    mfOrderDetails: async (orderId) => get(UPSTOX_APIS.mfOrderDetails, `/v2/mf/orders/${encodeOrderId(orderId)}`, mfOrderSchema),
    mfSips: async (request) => getPaged(UPSTOX_APIS.mfSips, '/v2/mf/sips', mfSipSchema, pageQuery(request.pageNumber, request.records, MAX_MF_PAGE_RECORDS, 'records'), ['meta_data']),
  };
}

/** Checks an order id against the pattern Upstox documents (letters, digits and `-`) and encodes it once. */
export function encodeOrderId(orderId: string): string {
  if (!/^[-a-zA-Z0-9]+$/.test(orderId)) {
    throw new RangeError(`invalid order id ${JSON.stringify(orderId)}: expected letters, digits and "-" only, such as 231019025057849`);
  }
  return encodeURIComponent(orderId);
}

/**
 * Reads the pagination block from the first of `blocks` that the body has. Historical trades
 * carry it under `meta_data` in the documentation and under `metaData` in Upstox's OpenAPI
 * document, so both are accepted.
 */
export function readPageBlock(response: EndpointResponse<unknown>, api: string, blocks: readonly string[]): PageInfo | undefined {
  const name = blocks.find((b) => response.body[b] !== undefined && response.body[b] !== null);
  if (name === undefined) return undefined;
  const page = (response.body[name] as { page?: unknown } | undefined)?.page;
  if (page === undefined || page === null) return undefined;
  const result = pageSchema.safeParse(page);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${name}.page.${i.path.join('.')}: ${i.message}`);
    throw new UpstoxSchemaError(
      `GET ${response.path} returned a pagination block that does not match the ${api} schema: ${issues.join('; ')}`,
      { api, path: response.path, status: response.status, bodySnippet: response.rawBody.slice(0, 200) },
      response.rawBody,
      issues,
    );
  }
  const p = result.data;
  return dropUndefined({
    pageNumber: p.page_number ?? undefined,
    pageSize: p.page_size ?? undefined,
    records: p.records ?? undefined,
    totalRecords: p.total_records ?? undefined,
    totalPages: p.total_pages ?? undefined,
  });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function historicalTradesQuery(request: HistoricalTradesRequest): Record<string, string> {
  for (const [name, value] of [['startDate', request.startDate], ['endDate', request.endDate]] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new RangeError(`invalid ${name} ${JSON.stringify(value)}: expected YYYY-MM-DD, such as 2024-03-28`);
  }
  return {
    ...(request.segment ? { segment: request.segment } : {}),
    start_date: request.startDate,
    end_date: request.endDate,
    ...pageQuery(request.pageNumber, request.pageSize, MAX_TRADE_PAGE_SIZE, 'page_size'),
  };
}

function pnlQuery(request: PnlRequest): Record<string, string> {
  if (!/^\d{4}$/.test(request.financialYear)) {
    throw new RangeError(`invalid financial year ${JSON.stringify(request.financialYear)}: expected four digits, such as 2324 for FY 2023-24`);
  }
  for (const [name, value] of [['fromDate', request.fromDate], ['toDate', request.toDate]] as const) {
    if (value !== undefined && !/^\d{2}-\d{2}-\d{4}$/.test(value)) throw new RangeError(`invalid ${name} ${JSON.stringify(value)}: expected dd-mm-yyyy, such as 01-04-2023`);
  }
  return {
    segment: request.segment,
    financial_year: request.financialYear,
    ...(request.fromDate ? { from_date: request.fromDate } : {}),
    ...(request.toDate ? { to_date: request.toDate } : {}),
  };
}

function pageQuery(pageNumber: number, size: number, maxSize: number, sizeName: 'page_size' | 'records'): Record<string, string> {
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw new RangeError(`invalid page number ${pageNumber}: expected an integer from 1`);
  if (!Number.isInteger(size) || size < 1 || size > maxSize) throw new RangeError(`invalid ${sizeName} ${size}: expected an integer from 1 to ${maxSize}`);
  return { page_number: String(pageNumber), [sizeName]: String(size) };
}
