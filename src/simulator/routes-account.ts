import { addDays, isIsoDate, istDateOf } from '../time/ist.js';
import { UPSTOX_APIS } from '../upstox/apis.js';
import { simulatedHistoricalTrades, simulatedMfOrders, simulatedOrderHistory, simulatedOrders, simulatedTrades } from './account-order-data.js';
import { dayMonthYear, financialYearStart, simulatedPnlCharges, simulatedPnlTrades } from './account-pnl-data.js';
import {
  simulatedFundsV2,
  simulatedFundsV3,
  simulatedHoldings,
  simulatedMfHoldings,
  simulatedMfSips,
  simulatedMtfPositions,
  simulatedPositions,
  simulatedProfile,
} from './account-portfolio-data.js';
import { stringifyWithNegativeZero, type JsonObject } from './account-samples.js';
import { customErrorResponse, errorResponse, successResponse, type SimulatorResponse } from './envelopes.js';
import { decodeOnce, matchPattern, type SimRequest, type SimRoute, type SimRouteContext } from './route.js';

// The account endpoints. Each first checks that the account's requests come from its
// registered static IP, as the Analytics Token requires, then validates its parameters and
// serves data fixed by the account and the simulator's IST date (see account-*-data.ts).
//
// NOTE: the API reference lists the error codes of these endpoints without saying which
// parameter raises which (P&L: UDAPI1066-UDAPI1073). The simulator sends UDAPI100036
// "Invalid input" with the parameter's name where the mapping is unknown.

const MAX_TRADE_PAGE_SIZE = 5000;
const MAX_MF_RECORDS = 30;
const PNL_PAGE_SIZE_LIMIT = 5000;
const PNL_SEGMENTS = new Set(['EQ', 'FO', 'COM', 'CD']);
const TRADE_SEGMENTS = new Set(['EQ', 'FO', 'COM', 'CD', 'MF']);
const MF_ORDER_STATUSES = new Set(['ALL', 'ARCHIVED', 'NEW', 'PENDING', 'OPEN', 'INPROCESS', 'COMPLETED', 'PLACED', 'REJECTED', 'CREATED', 'PAYMENT_PENDING', 'FAILED', 'CANCELLED', 'VERIFIED']);

type Handler = (request: SimRequest, date: string, params: Readonly<Record<string, string>>) => SimulatorResponse;

/** Returns the simulated endpoints for account data (profile, funds, portfolio, orders, trades, P&L, mutual funds). */
export function accountRoutes(context: SimRouteContext): SimRoute[] {
  const route = (api: string, pattern: string, handler: Handler): SimRoute => ({
    api,
    match: (segments) => matchPattern(pattern, segments),
    handle: (request, params) => {
      if (!context.account(request.account).staticIpAllowed) return errorResponse('staticIpRejected');
      return handler(request, istDateOf(request.now), params);
    },
  });
  return [
    route(UPSTOX_APIS.profile, 'v2/user/profile', (r) => successResponse(simulatedProfile(r.account))),
    route(UPSTOX_APIS.fundsAndMargin, 'v2/user/get-funds-and-margin', fundsV2),
    route(UPSTOX_APIS.fundsAndMarginV3, 'v3/user/get-funds-and-margin', (r, date) => successResponse(simulatedFundsV3(r.account, date))),
    route(UPSTOX_APIS.holdings, 'v2/portfolio/long-term-holdings', (r, date) => successResponse(simulatedHoldings(r.account, date))),
    route(UPSTOX_APIS.positions, 'v2/portfolio/short-term-positions', (r, date) => jsonSuccess(simulatedPositions(r.account, date))),
    route(UPSTOX_APIS.mtfPositions, 'v3/portfolio/mtf-positions', (r, date) => successResponse(simulatedMtfPositions(r.account, date))),
    route(UPSTOX_APIS.orderBook, 'v2/order/retrieve-all', (r, date) => successResponse(simulatedOrders(r.account, date))),
    route(UPSTOX_APIS.orderDetails, 'v2/order/details', (r, date) => withOrder(r, date, (order) => successResponse(order))),
    route(UPSTOX_APIS.orderHistory, 'v2/order/history', (r, date) => withOrder(r, date, (order) => successResponse(simulatedOrderHistory(order)))),
    route(UPSTOX_APIS.tradesForDay, 'v2/order/trades/get-trades-for-day', (r, date) => successResponse(simulatedTrades(r.account, date))),
    route(UPSTOX_APIS.orderTrades, 'v2/order/trades', (r, date) =>
      withOrder(r, date, (order) => successResponse(simulatedTrades(r.account, date).filter((t) => t.order_id === order.order_id))),
    ),
    route(UPSTOX_APIS.historicalTrades, 'v2/charges/historical-trades', historicalTrades),
    route(UPSTOX_APIS.pnlMetadata, 'v2/trade/profit-loss/metadata', (r) => withPnlReport(r, false, (rows) => successResponse({ trades_count: rows.length, page_size_limit: PNL_PAGE_SIZE_LIMIT }))),
    route(UPSTOX_APIS.pnlReport, 'v2/trade/profit-loss/data', pnlReport),
    route(UPSTOX_APIS.pnlCharges, 'v2/trade/profit-loss/charges', (r) =>
      withPnlReport(r, false, (rows, scope) => successResponse(simulatedPnlCharges(r.account, scope.segment, scope.financialYear, rows.length))),
    ),
    route(UPSTOX_APIS.mfHoldings, 'v2/mf/holdings', (r, date) => successResponse(simulatedMfHoldings(r.account, date))),
    route(UPSTOX_APIS.mfOrders, 'v2/mf/orders', mfOrders),
    route(UPSTOX_APIS.mfOrderDetails, 'v2/mf/orders/:order_id', mfOrderDetails),
    route(UPSTOX_APIS.mfSips, 'v2/mf/sips', (r) => withMfPage(r, (page) => mfPage(simulatedMfSips(r.account), page))),
  ];
}

// Positions carry `realised: -0.0`, which only a serialiser that keeps negative zero can send.
function jsonSuccess(data: unknown): SimulatorResponse {
  return { status: 200, contentType: 'application/json', body: stringifyWithNegativeZero({ status: 'success', data }) };
}

function fundsV2(request: SimRequest, date: string): SimulatorResponse {
  const segment = request.query.get('segment');
  const funds = simulatedFundsV2(request.account, date);
  if (segment === undefined) return successResponse(funds);
  if (segment === 'SEC') return successResponse({ equity: funds.equity });
  if (segment === 'COM') return successResponse({ commodity: funds.commodity });
  return customErrorResponse(400, 'UDAPI1019', 'Segment is invalid', 'segment', segment);
}

// Order ids are checked in the order of Upstox's codes: required (UDAPI1023), characters
// (UDAPI1010), then known among the day's orders (UDAPI100010).
function withOrder(request: SimRequest, date: string, respond: (order: JsonObject) => SimulatorResponse): SimulatorResponse {
  const orderId = request.query.get('order_id');
  if (orderId === undefined || orderId === '') return customErrorResponse(400, 'UDAPI1023', 'order_id is required', 'order_id', null);
  if (!/^[-a-zA-Z0-9]+$/.test(orderId)) return customErrorResponse(400, 'UDAPI1010', 'order_id contains invalid characters', 'order_id', orderId);
  const order = simulatedOrders(request.account, date).find((o) => o.order_id === orderId);
  if (!order) return customErrorResponse(400, 'UDAPI100010', 'Invalid order_id', 'order_id', orderId);
  return respond(order);
}

/** Reads a positive whole number parameter; undefined when absent, NaN when invalid. */
function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^\d{1,9}$/.test(value) && Number(value) >= 1 ? Number(value) : Number.NaN;
}

function historicalTrades(request: SimRequest, date: string): SimulatorResponse {
  const q = request.query;
  const segment = q.get('segment') ?? '';
  if (segment !== '' && !TRADE_SEGMENTS.has(segment)) return errorResponse('invalidInput', 'segment', segment);
  const start = q.get('start_date');
  const end = q.get('end_date');
  for (const [name, value] of [['start_date', start], ['end_date', end]] as const) {
    if (value === undefined || !isIsoDate(value)) return errorResponse('invalidInput', name, value ?? null);
  }
  if (start! > end!) return errorResponse('invalidInput', 'start_date', start!);
  // Upstox keeps the last three financial years: the current one and the two before it.
  const oldest = financialYearStart(financialYearCode(addDays(date, -730)));
  if (start! < oldest) return errorResponse('invalidInput', 'start_date', start!);
  const pageNumber = positiveInteger(q.get('page_number'));
  const pageSize = positiveInteger(q.get('page_size'));
  if (pageNumber === undefined || Number.isNaN(pageNumber)) return errorResponse('invalidInput', 'page_number', q.get('page_number') ?? null);
  if (pageSize === undefined || Number.isNaN(pageSize) || pageSize > MAX_TRADE_PAGE_SIZE) return errorResponse('invalidInput', 'page_size', q.get('page_size') ?? null);
  const trades = simulatedHistoricalTrades(request.account, start!, end!, segment || undefined);
  const rows = trades.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  const page = { page_number: pageNumber, page_size: pageSize, total_records: trades.length, total_pages: Math.ceil(trades.length / pageSize) };
  return successResponse(rows, { errors: null, meta_data: { page } });
}

function financialYearCode(date: string): string {
  const year = Number(date.slice(0, 4));
  const start = Number(date.slice(5, 7)) >= 4 ? year : year - 1;
  return `${String(start % 100).padStart(2, '0')}${String((start + 1) % 100).padStart(2, '0')}`;
}

interface PnlScope {
  readonly segment: string;
  readonly financialYear: string;
}

// Validates the parameters every P&L endpoint shares and builds the report they describe.
function withPnlReport(request: SimRequest, paged: boolean, respond: (rows: JsonObject[], scope: PnlScope) => SimulatorResponse): SimulatorResponse {
  const q = request.query;
  const segment = q.get('segment');
  if (segment === undefined || !PNL_SEGMENTS.has(segment)) return errorResponse('invalidInput', 'segment', segment ?? null);
  const financialYear = q.get('financial_year');
  if (financialYear === undefined || !/^\d{4}$/.test(financialYear) || (Number(financialYear.slice(0, 2)) + 1) % 100 !== Number(financialYear.slice(2))) {
    return errorResponse('invalidInput', 'financial_year', financialYear ?? null);
  }
  const first = financialYearStart(financialYear);
  const last = `${Number(first.slice(0, 4)) + 1}-03-31`;
  const range: (string | undefined)[] = [];
  for (const name of ['from_date', 'to_date'] as const) {
    const value = q.get(name);
    const iso = value === undefined ? undefined : /^(\d{2})-(\d{2})-(\d{4})$/.exec(value);
    if (value !== undefined && (!iso || !isIsoDate(`${iso[3]}-${iso[2]}-${iso[1]}`))) return errorResponse('invalidInput', name, value);
    const date = iso ? `${iso[3]}-${iso[2]}-${iso[1]}` : undefined;
    // Both dates must fall inside the financial year.
    if (date !== undefined && (date < first || date > last)) return errorResponse('invalidInput', name, dayMonthYear(date));
    range.push(date);
  }
  const pageNumber = positiveInteger(q.get('page_number'));
  if (paged && (pageNumber === undefined || Number.isNaN(pageNumber))) return errorResponse('invalidInput', 'page_number', q.get('page_number') ?? null);
  return respond(simulatedPnlTrades(request.account, segment, financialYear, range[0], range[1]), { segment, financialYear });
}

function pnlReport(request: SimRequest): SimulatorResponse {
  return withPnlReport(request, true, (rows) => {
    const pageNumber = positiveInteger(request.query.get('page_number'))!;
    const pageSize = positiveInteger(request.query.get('page_size'));
    if (pageSize === undefined || Number.isNaN(pageSize) || pageSize > PNL_PAGE_SIZE_LIMIT) return errorResponse('invalidInput', 'page_size', request.query.get('page_size') ?? null);
    // The report's pagination block has no totals; a client stops at a short page or the metadata's count.
    return successResponse(rows.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), { metadata: { page: { page_number: pageNumber, page_size: pageSize } } });
  });
}

interface MfPage {
  readonly pageNumber: number;
  readonly records: number;
}

function withMfPage(request: SimRequest, respond: (page: MfPage) => SimulatorResponse): SimulatorResponse {
  const pageNumber = positiveInteger(request.query.get('page_number')) ?? 1;
  const records = positiveInteger(request.query.get('records')) ?? 10;
  if (Number.isNaN(pageNumber)) return errorResponse('invalidInput', 'page_number', request.query.get('page_number') ?? null);
  if (Number.isNaN(records) || records > MAX_MF_RECORDS) return errorResponse('invalidInput', 'records', request.query.get('records') ?? null);
  return respond({ pageNumber, records });
}

function mfPage(all: readonly JsonObject[], page: MfPage): SimulatorResponse {
  const rows = all.slice((page.pageNumber - 1) * page.records, page.pageNumber * page.records);
  const meta = { page_number: page.pageNumber, total_pages: Math.ceil(all.length / page.records), records: page.records, total_records: all.length };
  return successResponse(rows, { meta_data: { page: meta } });
}

function mfOrders(request: SimRequest, date: string): SimulatorResponse {
  const status = request.query.get('status') ?? 'ALL';
  if (!MF_ORDER_STATUSES.has(status)) return errorResponse('invalidInput', 'status', status);
  const side = request.query.get('transaction_type') ?? 'ALL';
  if (!['ALL', 'BUY', 'SELL'].includes(side)) return errorResponse('invalidInput', 'transaction_type', side);
  const orders = simulatedMfOrders(request.account, date).filter((o) => (status === 'ALL' || o.status === status) && (side === 'ALL' || o.transaction_type === side));
  return withMfPage(request, (page) => mfPage(orders, page));
}

function mfOrderDetails(request: SimRequest, date: string, params: Readonly<Record<string, string>>): SimulatorResponse {
  const orderId = decodeOnce(params.order_id ?? '');
  if (orderId === undefined || !/^[-a-zA-Z0-9]+$/.test(orderId)) return customErrorResponse(400, 'UDAPI1010', 'order_id contains invalid characters', 'order_id', orderId ?? params.order_id);
  const order = simulatedMfOrders(request.account, date).find((o) => o.order_id === orderId);
  if (!order) return customErrorResponse(400, 'UDAPI100010', 'Invalid order_id', 'order_id', orderId);
  return successResponse(order);
}
