import type { FundsSegment, FundsV3, Holding, Position, Profile } from '../upstox/account.js';
import { AccountValueError, amount, assertUniqueKeys, textOrNull, type SnapshotContext } from './account-values.js';

// Daily snapshot rows: profile, funds (V2 and V3), holdings and positions. Each row carries
// the account and the IST date of the snapshot, and the whole source object in `raw`.

export interface ProfileRow {
  account: string;
  snapshot_date: string;
  user_id: string;
  user_name: string | null;
  email: string | null;
  user_type: string | null;
  broker: string | null;
  exchanges: string[] | null;
  products: string[] | null;
  order_types: string[] | null;
  poa: boolean | null;
  ddpi: boolean | null;
  is_active: boolean | null;
  fetched_at: string;
  raw: unknown;
}

/** Converts the profile body to its one snapshot row. */
export function normaliseProfile(data: Profile, context: SnapshotContext): ProfileRow {
  return {
    account: context.account,
    snapshot_date: context.snapshotDate,
    user_id: data.user_id,
    user_name: textOrNull(data.user_name),
    email: textOrNull(data.email),
    user_type: textOrNull(data.user_type),
    broker: textOrNull(data.broker),
    exchanges: data.exchanges ?? null,
    products: data.products ?? null,
    order_types: data.order_types ?? null,
    poa: data.poa ?? null,
    ddpi: data.ddpi ?? null,
    is_active: data.is_active ?? null,
    fetched_at: context.fetchedAt,
    raw: data,
  };
}

export interface FundsRow {
  account: string;
  snapshot_date: string;
  /** `equity` or `commodity`, the keys of the V2 map. */
  segment: string;
  used_margin: number | null;
  payin_amount: number | null;
  span_margin: number | null;
  adhoc_margin: number | null;
  notional_cash: number | null;
  available_margin: number | null;
  exposure_margin: number | null;
  fetched_at: string;
  raw: unknown;
}

/** Converts the V2 funds map to one row per segment, ordered by segment. */
export function normaliseFunds(data: Readonly<Record<string, FundsSegment>>, context: SnapshotContext): FundsRow[] {
  return Object.keys(data)
    .sort()
    .map((segment) => {
      const s = data[segment]!;
      return {
        account: context.account,
        snapshot_date: context.snapshotDate,
        segment,
        used_margin: amount(s.used_margin),
        payin_amount: amount(s.payin_amount),
        span_margin: amount(s.span_margin),
        adhoc_margin: amount(s.adhoc_margin),
        notional_cash: amount(s.notional_cash),
        available_margin: amount(s.available_margin),
        exposure_margin: amount(s.exposure_margin),
        fetched_at: context.fetchedAt,
        raw: s,
      };
    });
}

export interface FundsV3Row {
  account: string;
  snapshot_date: string;
  available_to_trade: number | null;
  cash_available_to_trade: number | null;
  opening_balance: number | null;
  added_today: number | null;
  /** Negative, as Upstox sends it. */
  withdrawn_today: number | null;
  amount_from_stock_sale: number | null;
  unpaid_charges: number | null;
  cash_margin_used: number | null;
  mtf_margin_used: number | null;
  loss_total: number | null;
  realised_loss: number | null;
  unrealised_loss: number | null;
  pledge_available_to_trade: number | null;
  margin_from_pledge: number | null;
  margin_from_pledge_equity: number | null;
  margin_from_pledge_mutual_funds: number | null;
  pledge_margin_used: number | null;
  unsettled_todays_profit: number | null;
  unsettled_previous_days_profit: number | null;
  pledge_unavailable_equity: number | null;
  pledge_unavailable_mutual_funds: number | null;
  fetched_at: string;
  raw: unknown;
}

/** Converts the nested V3 funds body to one row of named totals; the whole body stays in `raw`. */
export function normaliseFundsV3(data: FundsV3, context: SnapshotContext): FundsV3Row {
  const available = data.available_to_trade;
  const cash = available?.cash_available_to_trade;
  const pledge = available?.pledge_available_to_trade;
  const unavailable = data.unavailable_to_trade;
  return {
    account: context.account,
    snapshot_date: context.snapshotDate,
    available_to_trade: amount(available?.total),
    cash_available_to_trade: amount(cash?.total),
    opening_balance: amount(cash?.cash?.opening_balance),
    added_today: amount(cash?.cash?.added_today),
    withdrawn_today: amount(cash?.cash?.withdrawn_today),
    amount_from_stock_sale: amount(cash?.cash?.amount_from_stock_sale),
    unpaid_charges: amount(cash?.cash?.unpaid_charges),
    cash_margin_used: amount(cash?.margin_used?.total),
    mtf_margin_used: amount(cash?.margin_used?.mtf),
    loss_total: amount(cash?.margin_used?.loss?.total),
    realised_loss: amount(cash?.margin_used?.loss?.realised),
    unrealised_loss: amount(cash?.margin_used?.loss?.unrealised),
    pledge_available_to_trade: amount(pledge?.total),
    margin_from_pledge: amount(pledge?.margin_from_pledge?.total),
    margin_from_pledge_equity: amount(pledge?.margin_from_pledge?.equity),
    margin_from_pledge_mutual_funds: amount(pledge?.margin_from_pledge?.mutual_funds),
    pledge_margin_used: amount(pledge?.margin_used?.total),
    unsettled_todays_profit: amount(unavailable?.cash_unavailable_to_trade?.unsettled_profit?.todays_profit),
    unsettled_previous_days_profit: amount(unavailable?.cash_unavailable_to_trade?.unsettled_profit?.previous_days),
    pledge_unavailable_equity: amount(unavailable?.pledge_unavailable_to_trade?.equity),
    pledge_unavailable_mutual_funds: amount(unavailable?.pledge_unavailable_to_trade?.mutual_funds),
    fetched_at: context.fetchedAt,
    raw: data,
  };
}

export interface HoldingRow {
  account: string;
  snapshot_date: string;
  instrument_key: string;
  isin: string | null;
  trading_symbol: string | null;
  company_name: string | null;
  exchange: string | null;
  product: string | null;
  quantity: number;
  t1_quantity: number | null;
  cnc_used_quantity: number | null;
  collateral_quantity: number | null;
  collateral_update_quantity: number | null;
  collateral_type: string | null;
  haircut: number | null;
  average_price: number | null;
  last_price: number | null;
  close_price: number | null;
  pnl: number | null;
  day_change: number | null;
  day_change_percentage: number | null;
  fetched_at: string;
  raw: unknown;
}

/** Converts long-term holdings to one row per instrument; a negative quantity or a repeated instrument is rejected. */
export function normaliseHoldings(data: readonly Holding[], context: SnapshotContext): HoldingRow[] {
  const rows = data.map((h): HoldingRow => {
    if (h.quantity < 0) throw new AccountValueError(`invalid holding quantity ${h.quantity} for ${h.instrument_token}: a holding cannot be negative`);
    return {
      account: context.account,
      snapshot_date: context.snapshotDate,
      instrument_key: h.instrument_token,
      isin: textOrNull(h.isin),
      // `tradingsymbol` is the deprecated twin; read it only when the new name is missing.
      trading_symbol: textOrNull(h.trading_symbol ?? h.tradingsymbol),
      company_name: textOrNull(h.company_name),
      exchange: textOrNull(h.exchange),
      product: textOrNull(h.product),
      quantity: h.quantity,
      t1_quantity: amount(h.t1_quantity),
      cnc_used_quantity: amount(h.cnc_used_quantity),
      collateral_quantity: amount(h.collateral_quantity),
      collateral_update_quantity: amount(h.collateral_update_quantity),
      collateral_type: textOrNull(h.collateral_type),
      haircut: amount(h.haircut),
      average_price: amount(h.average_price),
      last_price: amount(h.last_price),
      close_price: amount(h.close_price),
      pnl: amount(h.pnl),
      day_change: amount(h.day_change),
      day_change_percentage: amount(h.day_change_percentage),
      fetched_at: context.fetchedAt,
      raw: h,
    };
  });
  assertUniqueKeys(rows, (r) => r.instrument_key, 'the holdings list');
  return rows;
}

/** The endpoint a position row came from. */
export type PositionSource = 'short_term' | 'mtf';

export interface PositionRow {
  account: string;
  snapshot_date: string;
  source: PositionSource;
  instrument_key: string;
  product: string;
  exchange: string | null;
  trading_symbol: string | null;
  quantity: number | null;
  overnight_quantity: number | null;
  multiplier: number | null;
  average_price: number | null;
  value: number | null;
  pnl: number | null;
  unrealised: number | null;
  realised: number | null;
  buy_value: number | null;
  sell_value: number | null;
  buy_price: number | null;
  sell_price: number | null;
  day_buy_quantity: number | null;
  day_buy_value: number | null;
  day_buy_price: number | null;
  day_sell_quantity: number | null;
  day_sell_value: number | null;
  day_sell_price: number | null;
  overnight_buy_quantity: number | null;
  overnight_buy_amount: number | null;
  overnight_sell_quantity: number | null;
  overnight_sell_amount: number | null;
  last_price: number | null;
  close_price: number | null;
  fetched_at: string;
  raw: unknown;
}

/**
 * Converts short-term or MTF positions to one row per instrument and product. `realised` may
 * arrive as `-0.0` and is stored as 0; `average_price` may be null and stays null.
 */
export function normalisePositions(data: readonly Position[], source: PositionSource, context: SnapshotContext): PositionRow[] {
  const rows = data.map((p): PositionRow => ({
    account: context.account,
    snapshot_date: context.snapshotDate,
    source,
    instrument_key: p.instrument_token,
    product: p.product,
    exchange: textOrNull(p.exchange),
    trading_symbol: textOrNull(p.trading_symbol ?? p.tradingsymbol),
    quantity: amount(p.quantity),
    overnight_quantity: amount(p.overnight_quantity),
    multiplier: amount(p.multiplier),
    average_price: amount(p.average_price),
    value: amount(p.value),
    pnl: amount(p.pnl),
    unrealised: amount(p.unrealised),
    realised: amount(p.realised),
    buy_value: amount(p.buy_value),
    sell_value: amount(p.sell_value),
    buy_price: amount(p.buy_price),
    sell_price: amount(p.sell_price),
    day_buy_quantity: amount(p.day_buy_quantity),
    day_buy_value: amount(p.day_buy_value),
    day_buy_price: amount(p.day_buy_price),
    day_sell_quantity: amount(p.day_sell_quantity),
    day_sell_value: amount(p.day_sell_value),
    day_sell_price: amount(p.day_sell_price),
    overnight_buy_quantity: amount(p.overnight_buy_quantity),
    overnight_buy_amount: amount(p.overnight_buy_amount),
    overnight_sell_quantity: amount(p.overnight_sell_quantity),
    overnight_sell_amount: amount(p.overnight_sell_amount),
    last_price: amount(p.last_price),
    close_price: amount(p.close_price),
    fetched_at: context.fetchedAt,
    raw: p,
  }));
  assertUniqueKeys(rows, (r) => `${r.instrument_key} (product ${r.product})`, `the ${source === 'mtf' ? 'MTF' : 'short-term'} positions list`);
  return rows;
}
