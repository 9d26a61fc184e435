import type { MfHolding, MfOrder, MfSip } from '../upstox/account.js';
import { amount, assertUniqueKeys, calendarDate, istDateOfTimestamp, istTimestamp, textOrNull, type FetchContext, type SnapshotContext } from './account-values.js';

// Mutual funds: a daily snapshot of holdings, and orders and SIPs keyed by their own ids.
// Units are fractional, so quantities are decimals here, unlike equity.

export interface MfHoldingRow {
  account: string;
  snapshot_date: string;
  /** The fund's ISIN. */
  instrument_key: string;
  folio: string;
  fund: string | null;
  quantity: number | null;
  average_price: number | null;
  /** The NAV of `last_price_date`. */
  last_price: number | null;
  last_price_date: string | null;
  pnl: number | null;
  /** Null when the body leaves the field out, which some rows do. */
  pledged_quantity: number | null;
  fetched_at: string;
  raw: unknown;
}

/** Converts MF holdings to one row per fund and folio. */
export function normaliseMfHoldings(data: readonly MfHolding[], context: SnapshotContext): MfHoldingRow[] {
  const rows = data.map(
    (h): MfHoldingRow => ({
      account: context.account,
      snapshot_date: context.snapshotDate,
      instrument_key: h.instrument_key,
      folio: h.folio,
      fund: textOrNull(h.fund),
      quantity: amount(h.quantity),
      average_price: amount(h.average_price),
      last_price: amount(h.last_price),
      last_price_date: calendarDate(h.last_price_date, 'last_price_date'),
      pnl: amount(h.pnl),
      pledged_quantity: amount(h.pledged_quantity),
      fetched_at: context.fetchedAt,
      raw: h,
    }),
  );
  assertUniqueKeys(rows, (r) => `fund ${r.instrument_key} in folio ${r.folio}`, 'the MF holdings');
  return rows;
}

export interface MfOrderRow {
  account: string;
  order_id: string;
  instrument_key: string | null;
  fund: string | null;
  /** Null until the fund house allots one. */
  folio: string | null;
  status: string;
  status_message: string | null;
  transaction_type: string | null;
  variety: string | null;
  purchase_type: string | null;
  amount: number | null;
  quantity: number | null;
  price: number | null;
  average_price: number | null;
  last_price: number | null;
  last_price_date: string | null;
  exchange_order_id: string | null;
  settlement_id: string | null;
  order_ts: string | null;
  exchange_ts: string | null;
  fetched_at: string;
  raw: unknown;
}

/** Converts MF orders (a list page or one order's details) to one row per order id. */
export function normaliseMfOrders(data: readonly MfOrder[], context: FetchContext): MfOrderRow[] {
  const rows = data.map(
    (o): MfOrderRow => ({
      account: context.account,
      order_id: o.order_id,
      instrument_key: textOrNull(o.instrument_key),
      fund: textOrNull(o.fund),
      folio: textOrNull(o.folio),
      status: o.status,
      status_message: textOrNull(o.status_message),
      transaction_type: textOrNull(o.transaction_type),
      variety: textOrNull(o.variety),
      purchase_type: textOrNull(o.purchase_type),
      amount: amount(o.amount),
      quantity: amount(o.quantity),
      price: amount(o.price),
      average_price: amount(o.average_price),
      last_price: amount(o.last_price),
      last_price_date: calendarDate(o.last_price_date, 'last_price_date'),
      exchange_order_id: textOrNull(o.exchange_order_id),
      settlement_id: textOrNull(o.settlement_id),
      order_ts: istTimestamp(o.order_timestamp, 'order_timestamp'),
      exchange_ts: mfExchangeTime(o.exchange_timestamp),
      fetched_at: context.fetchedAt,
      raw: o,
    }),
  );
  assertUniqueKeys(rows, (r) => `MF order ${r.order_id}`, 'the MF orders');
  return rows;
}

// Upstox's OpenAPI document calls this field the exchange date of the order, so a bare date
// is read as IST midnight of that day. A full time is read as usual.
function mfExchangeTime(value: string | null | undefined): string | null {
  const text = textOrNull(value);
  if (text !== null && /^\d{4}-\d{2}-\d{2}$/.test(text)) return istTimestamp(`${text} 00:00:00`, 'exchange_timestamp');
  return istTimestamp(text, 'exchange_timestamp');
}

export interface MfSipRow {
  account: string;
  sip_id: string;
  sip_reg_number: string | null;
  instrument_key: string | null;
  fund: string | null;
  dividend_type: string | null;
  status: string | null;
  frequency: string | null;
  transaction_type: string | null;
  sip_type: string | null;
  /** -1 or 999 for a SIP without an end, as Upstox sends it. */
  instalments: number | null;
  instalment_amount: number | null;
  instalment_day: number | null;
  pending_instalments: number | null;
  completed_instalments: number | null;
  trigger_price: number | null;
  created_date: string | null;
  next_instalment_date: string | null;
  last_instalment_date: string | null;
  fetched_at: string;
  raw: unknown;
}

/**
 * Converts SIPs to one row per SIP id. `created`, `next_instalment` and `last_instalment`
 * arrive as `YYYY-MM-DD 00:00:00.0` and are stored as their IST dates; `raw` keeps the text.
 */
export function normaliseMfSips(data: readonly MfSip[], context: FetchContext): MfSipRow[] {
  const rows = data.map(
    (s): MfSipRow => ({
      account: context.account,
      sip_id: s.sip_id,
      sip_reg_number: textOrNull(s.sip_reg_number),
      instrument_key: textOrNull(s.instrument_key),
      fund: textOrNull(s.fund),
      dividend_type: textOrNull(s.dividend_type),
      status: textOrNull(s.status),
      frequency: textOrNull(s.frequency),
      transaction_type: textOrNull(s.transaction_type),
      sip_type: textOrNull(s.sip_type),
      instalments: amount(s.instalments),
      instalment_amount: amount(s.instalment_amount),
      instalment_day: amount(s.instalment_day),
      pending_instalments: amount(s.pending_instalments),
      completed_instalments: amount(s.completed_instalments),
      trigger_price: amount(s.trigger_price),
      created_date: istDateOfTimestamp(s.created, 'created'),
      next_instalment_date: istDateOfTimestamp(s.next_instalment, 'next_instalment'),
      last_instalment_date: istDateOfTimestamp(s.last_instalment, 'last_instalment'),
      fetched_at: context.fetchedAt,
      raw: s,
    }),
  );
  assertUniqueKeys(rows, (r) => `SIP ${r.sip_id}`, 'the SIP list');
  return rows;
}
