import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { normaliseHistoricalTrades, normaliseOrderHistory, normaliseOrders, normaliseTrades, type HistoricalTradeRow, type OrderRow, type TradeRow } from '../src/normalise/account-orders.js';
import { storeHistoricalTrades, storeOrderHistory, storeOrders, storeTrades } from '../src/stores/postgres/account.js';
import { addDays, istDateOf } from '../src/time/ist.js';
import { MAX_TRADE_PAGE_SIZE, TRADE_SEGMENTS } from '../src/upstox/account.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { assertNoOverlap, fetchAllPages, fetchContext, normaliseResponse, orderIdListField, orderIdsPart } from './account-common.js';
import { isoDateField } from './payload-fields.js';
import type { SnapshotDeps, SnapshotJobDefinition } from './snapshot-job.js';

// Orders, order history, the day's trades and historical trades, upserted by their own ids,
// so a second run updates rows and adds none. Upstox keeps orders and trades for the current
// trading day only; historical trades reach back three financial years.

const ordersPayload = z.object({
  /** Only these orders, through the order details endpoint; without it, the whole order book. */
  orderIds: orderIdListField.optional(),
  /** Also fetch each order's history: one more request per order. */
  history: z.boolean().default(true),
});
export type OrdersPayload = z.infer<typeof ordersPayload>;

/** The order book (or chosen orders) and the history of each order. */
export const accountOrdersJob: SnapshotJobDefinition<OrdersPayload> = {
  name: 'account-orders',
  description: "store today's orders in account_orders and each order's state transitions in account_order_history",
  payloadSchema: ordersPayload,
  accountData: true,
  jobId: (payload, account) => buildJobId('account-orders', account, orderIdsPart(payload.orderIds), payload.history ? 'history' : 'book'),
  run: async (payload, deps) => {
    let requestsMade = 0;
    let orders: OrderRow[] = [];
    if (payload.orderIds === undefined) {
      const response = await deps.api.orderBook();
      requestsMade++;
      orders = normaliseResponse(response, UPSTOX_APIS.orderBook, () => normaliseOrders(response.data, fetchContext(deps)));
    } else {
      for (const orderId of payload.orderIds) {
        const response = await deps.api.orderDetails(orderId);
        requestsMade++;
        orders.push(...normaliseResponse(response, UPSTOX_APIS.orderDetails, () => normaliseOrders([response.data], fetchContext(deps))));
      }
    }
    let rowsWritten = await storeOrders(deps.postgres, orders);

    let transitions = 0;
    if (payload.history) {
      for (const order of orders) {
        const response = await deps.api.orderHistory(order.order_id);
        requestsMade++;
        const rows = normaliseResponse(response, UPSTOX_APIS.orderHistory, () => normaliseOrderHistory(order.order_id, response.data, fetchContext(deps)));
        transitions += rows.length;
        rowsWritten += await storeOrderHistory(deps.postgres, rows);
      }
    }
    return { requestsMade, rowsWritten, state: 'done', detail: `${orders.length} orders${payload.history ? `, ${transitions} state transitions` : ''}` };
  },
};

const tradesPayload = z.object({
  /** Only the trades of these orders; without it, all of the day's trades. */
  orderIds: orderIdListField.optional(),
});
export type TradesPayload = z.infer<typeof tradesPayload>;

/** The day's trades, all of them or those of chosen orders. */
export const accountTradesJob: SnapshotJobDefinition<TradesPayload> = {
  name: 'account-trades',
  description: "store today's trades (all, or of --set orderIds=...) in account_trades",
  payloadSchema: tradesPayload,
  accountData: true,
  jobId: (payload, account) => buildJobId('account-trades', account, orderIdsPart(payload.orderIds)),
  run: async (payload, deps) => {
    const trades: TradeRow[] = [];
    let requestsMade = 0;
    if (payload.orderIds === undefined) {
      const response = await deps.api.tradesForDay();
      requestsMade++;
      trades.push(...normaliseResponse(response, UPSTOX_APIS.tradesForDay, () => normaliseTrades(response.data, fetchContext(deps))));
    } else {
      for (const orderId of payload.orderIds) {
        const response = await deps.api.orderTrades(orderId);
        requestsMade++;
        trades.push(...normaliseResponse(response, UPSTOX_APIS.orderTrades, () => normaliseTrades(response.data, fetchContext(deps))));
      }
    }
    const rowsWritten = await storeTrades(deps.postgres, trades);
    return { requestsMade, rowsWritten, state: 'done', detail: `${trades.length} trades` };
  },
};

const historicalTradesPayload = z
  .object({
    /** First trade date, inclusive; default six days before `toDate`. */
    fromDate: isoDateField.optional(),
    /** Last trade date, inclusive; default today (IST). */
    toDate: isoDateField.optional(),
    /** One segment; without it, all. */
    segment: z.enum(TRADE_SEGMENTS).optional(),
    pageSize: z.coerce.number().int().min(1).max(MAX_TRADE_PAGE_SIZE).default(MAX_TRADE_PAGE_SIZE),
  })
  .refine((p) => p.fromDate === undefined || p.toDate === undefined || p.fromDate <= p.toDate, { message: 'fromDate is after toDate', path: ['fromDate'] });
export type HistoricalTradesPayload = z.infer<typeof historicalTradesPayload>;

/**
 * Resolves the payload's date range against the IST date of `nowMs`. Returns undefined when
 * only `fromDate` is set and it is after today, because no trade can exist yet.
 */
export function historicalTradesRange(payload: HistoricalTradesPayload, nowMs: number): { fromDate: string; toDate: string } | undefined {
  const toDate = payload.toDate ?? istDateOf(nowMs);
  const fromDate = payload.fromDate ?? addDays(toDate, -6);
  return fromDate <= toDate ? { fromDate, toDate } : undefined;
}

/** Historical trades over a date range, every page. */
export const accountHistoricalTradesJob: SnapshotJobDefinition<HistoricalTradesPayload> = {
  name: 'account-historical-trades',
  description: 'store historical trades of --set fromDate=YYYY-MM-DD --set toDate=YYYY-MM-DD (default the last 7 days) in account_historical_trades',
  payloadSchema: historicalTradesPayload,
  accountData: true,
  jobId: (payload, account) => buildJobId('account-historical-trades', account, payload.segment ?? 'all', payload.fromDate ?? 'recent', payload.toDate ?? 'today'),
  run: (payload, deps) => runHistoricalTrades(payload, deps),
};

async function runHistoricalTrades(payload: HistoricalTradesPayload, deps: SnapshotDeps) {
  const range = historicalTradesRange(payload, deps.now());
  if (range === undefined) return { requestsMade: 0, rowsWritten: 0, state: 'done', detail: `fromDate ${payload.fromDate} is after today; nothing to fetch` };
  const request = { startDate: range.fromDate, endDate: range.toDate, segment: payload.segment, pageSize: payload.pageSize };
  const pages = await fetchAllPages('historical trades', payload.pageSize, (pageNumber) => deps.api.historicalTrades({ ...request, pageNumber }));
  const rows: HistoricalTradeRow[] = [];
  for (const page of pages) rows.push(...normaliseResponse(page, UPSTOX_APIS.historicalTrades, () => normaliseHistoricalTrades(page.data, fetchContext(deps))));
  assertNoOverlap('historical trades', rows, (r) => `trade ${r.trade_id} (${r.segment} ${r.exchange} ${r.trade_date} ${r.transaction_type})`);
  const rowsWritten = await storeHistoricalTrades(deps.postgres, rows);
  return { requestsMade: pages.length, rowsWritten, state: 'done', detail: `${rows.length} trades from ${range.fromDate} to ${range.toDate} in ${pages.length} pages` };
}
