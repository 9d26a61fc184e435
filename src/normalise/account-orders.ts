import type { HistoricalTrade, Order, Trade } from '../upstox/account.js';
import { AccountValueError, amount, assertUniqueKeys, calendarDate, decimalText, istTimestamp, textOrNull, type FetchContext } from './account-values.js';

// Orders, order history, trades and historical trades, keyed by their own ids. Order and
// trade times arrive in IST without an offset and are stored as UTC instants. Ids stay text:
// exchange order ids such as 1697686200000169148 exceed 2^53.

export interface OrderRow {
  account: string;
  order_id: string;
  exchange_order_id: string | null;
  parent_order_id: string | null;
  instrument_key: string | null;
  trading_symbol: string | null;
  exchange: string | null;
  product: string | null;
  order_type: string | null;
  transaction_type: string | null;
  validity: string | null;
  variety: string | null;
  status: string;
  status_message: string | null;
  status_message_raw: string | null;
  price: number | null;
  trigger_price: number | null;
  average_price: number | null;
  quantity: number | null;
  filled_quantity: number | null;
  pending_quantity: number | null;
  disclosed_quantity: number | null;
  tag: string | null;
  guid: string | null;
  placed_by: string | null;
  is_amo: boolean | null;
  order_request_id: string | null;
  order_ref_id: string | null;
  order_ts: string | null;
  exchange_ts: string | null;
  fetched_at: string;
  raw: unknown;
}

/** One order history row: the order's fields at one state transition, numbered from 1, oldest first. */
export type OrderHistoryRow = Omit<OrderRow, 'guid' | 'pending_quantity' | 'status_message_raw' | 'order_ref_id'> & { seq: number };

/** Converts the order book (or one order's details) to one row per order id. */
export function normaliseOrders(data: readonly Order[], context: FetchContext): OrderRow[] {
  const rows = data.map((o) => orderRow(o, context));
  assertUniqueKeys(rows, (r) => `order ${r.order_id}`, 'the order book');
  return rows;
}

/**
 * Converts the history of one order to one row per state transition. The position in the
 * list (oldest first) is the sequence number, because two transitions can share a time and
 * a status can repeat after a modification. Every row must belong to `orderId`.
 */
export function normaliseOrderHistory(orderId: string, data: readonly Order[], context: FetchContext): OrderHistoryRow[] {
  return data.map((o, i) => {
    if (o.order_id !== orderId) {
      throw new AccountValueError(`the history of order ${orderId} contains a row of order ${o.order_id}; the body is kept in quarantine`);
    }
    const { guid: _guid, pending_quantity: _pending, status_message_raw: _rawMessage, order_ref_id: _ref, ...row } = orderRow(o, context);
    return { ...row, seq: i + 1 };
  });
}

function orderRow(o: Order, context: FetchContext): OrderRow {
  return {
    account: context.account,
    order_id: o.order_id,
    exchange_order_id: textOrNull(o.exchange_order_id),
    // The history documentation shows "NA" where other order bodies send null.
    parent_order_id: o.parent_order_id === 'NA' ? null : textOrNull(o.parent_order_id),
    instrument_key: textOrNull(o.instrument_token),
    trading_symbol: textOrNull(o.trading_symbol ?? o.tradingsymbol),
    exchange: textOrNull(o.exchange),
    product: textOrNull(o.product),
    order_type: textOrNull(o.order_type),
    transaction_type: textOrNull(o.transaction_type),
    validity: textOrNull(o.validity),
    variety: textOrNull(o.variety),
    status: o.status,
    status_message: textOrNull(o.status_message),
    status_message_raw: textOrNull(o.status_message_raw),
    price: amount(o.price),
    trigger_price: amount(o.trigger_price),
    average_price: amount(o.average_price),
    quantity: amount(o.quantity),
    filled_quantity: amount(o.filled_quantity),
    pending_quantity: amount(o.pending_quantity),
    disclosed_quantity: amount(o.disclosed_quantity),
    tag: textOrNull(o.tag),
    guid: textOrNull(o.guid),
    placed_by: textOrNull(o.placed_by),
    is_amo: o.is_amo ?? null,
    order_request_id: textOrNull(o.order_request_id),
    order_ref_id: textOrNull(o.order_ref_id),
    order_ts: istTimestamp(o.order_timestamp, 'order_timestamp'),
    exchange_ts: istTimestamp(o.exchange_timestamp, 'exchange_timestamp'),
    fetched_at: context.fetchedAt,
    raw: o,
  };
}

export interface TradeRow {
  account: string;
  order_id: string;
  trade_id: string;
  exchange_order_id: string | null;
  /** As sent: an instrument key, or a legacy numeric token in older bodies. */
  instrument_key: string | null;
  trading_symbol: string | null;
  exchange: string | null;
  product: string | null;
  order_type: string | null;
  transaction_type: string | null;
  quantity: number | null;
  average_price: number | null;
  order_ref_id: string | null;
  order_ts: string | null;
  exchange_ts: string | null;
  fetched_at: string;
  raw: unknown;
}

/**
 * Converts the day's trades (all, or one order's) to one row per order and trade id. Trade
 * ids are exchange numbers that restart per exchange and day, so the order id is part of the key.
 */
export function normaliseTrades(data: readonly Trade[], context: FetchContext): TradeRow[] {
  const rows = data.map(
    (t): TradeRow => ({
      account: context.account,
      order_id: t.order_id,
      trade_id: t.trade_id,
      exchange_order_id: textOrNull(t.exchange_order_id),
      instrument_key: textOrNull(t.instrument_token),
      trading_symbol: textOrNull(t.trading_symbol ?? t.tradingsymbol),
      exchange: textOrNull(t.exchange),
      product: textOrNull(t.product),
      order_type: textOrNull(t.order_type),
      transaction_type: textOrNull(t.transaction_type),
      quantity: amount(t.quantity),
      average_price: amount(t.average_price),
      order_ref_id: textOrNull(t.order_ref_id),
      order_ts: istTimestamp(t.order_timestamp, 'order_timestamp'),
      exchange_ts: istTimestamp(t.exchange_timestamp, 'exchange_timestamp'),
      fetched_at: context.fetchedAt,
      raw: t,
    }),
  );
  assertUniqueKeys(rows, (r) => `trade ${r.trade_id} of order ${r.order_id}`, 'the trade list');
  return rows;
}

export interface HistoricalTradeRow {
  account: string;
  segment: string;
  exchange: string;
  trade_date: string;
  trade_id: string;
  transaction_type: string;
  instrument_key: string | null;
  isin: string | null;
  symbol: string | null;
  scrip_name: string | null;
  option_type: string | null;
  /** Exact decimal text; null when it is zero (not an option). */
  strike_price: string | null;
  expiry: string | null;
  quantity: number | null;
  price: number | null;
  amount: number | null;
  fetched_at: string;
  raw: unknown;
}

/**
 * Converts historical trades to rows keyed by segment, exchange, date, trade id and side.
 * The body has no order id, and exchange trade numbers restart per segment and day. Equity
 * rows send an empty option type and expiry and a strike of "0.0"; all three become null.
 */
export function normaliseHistoricalTrades(data: readonly HistoricalTrade[], context: FetchContext): HistoricalTradeRow[] {
  const rows = data.map((t): HistoricalTradeRow => {
    const strike = decimalText(t.strike_price, 'strike_price');
    const tradeDate = calendarDate(t.trade_date, 'trade_date');
    if (tradeDate === null) throw new AccountValueError(`historical trade ${t.trade_id} has an empty trade_date; the body is kept in quarantine`);
    return {
      account: context.account,
      segment: t.segment,
      exchange: t.exchange,
      trade_date: tradeDate,
      trade_id: t.trade_id,
      transaction_type: t.transaction_type,
      instrument_key: textOrNull(t.instrument_token),
      isin: textOrNull(t.isin),
      symbol: textOrNull(t.symbol),
      scrip_name: textOrNull(t.scrip_name),
      option_type: textOrNull(t.option_type),
      strike_price: strike === null || Number(strike) === 0 ? null : strike,
      expiry: calendarDate(t.expiry, 'expiry'),
      quantity: amount(t.quantity),
      price: amount(t.price),
      amount: amount(t.amount),
      fetched_at: context.fetchedAt,
      raw: t,
    };
  });
  assertUniqueKeys(rows, (r) => `trade ${r.trade_id} (${r.segment} ${r.exchange} ${r.trade_date} ${r.transaction_type})`, 'the historical trades');
  return rows;
}
