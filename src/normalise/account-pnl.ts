import type { PnlCharges, PnlMetadata, PnlTrade } from '../upstox/account.js';
import { amount, calendarDate, textOrNull, type FetchContext } from './account-values.js';

// The trade P&L report of one segment and financial year. Its rows have no id, so a run
// replaces the whole report of that segment and year, and each row is numbered in the
// order Upstox sent it. Dates arrive as dd-mm-yyyy.

/** The report a row belongs to: one segment of one financial year. */
export interface PnlScope {
  readonly segment: string;
  /** Such as `2324` for April 2023 to March 2024. */
  readonly financialYear: string;
}

export interface PnlTradeRow {
  account: string;
  segment: string;
  financial_year: string;
  /** Position in the report, from 1, across pages. */
  line_no: number;
  isin: string | null;
  scrip_name: string | null;
  trade_type: string | null;
  quantity: number | null;
  buy_date: string | null;
  buy_average: number | null;
  buy_amount: number | null;
  sell_date: string | null;
  sell_average: number | null;
  sell_amount: number | null;
  fetched_at: string;
  raw: unknown;
}

/** Converts one page of a report to rows numbered from `offset + 1`, where `offset` counts the rows of the pages before it. */
export function normalisePnlTrades(data: readonly PnlTrade[], scope: PnlScope, context: FetchContext, offset = 0): PnlTradeRow[] {
  return data.map((t, i) => ({
    account: context.account,
    segment: scope.segment,
    financial_year: scope.financialYear,
    line_no: offset + i + 1,
    isin: textOrNull(t.isin),
    scrip_name: textOrNull(t.scrip_name),
    trade_type: textOrNull(t.trade_type),
    quantity: amount(t.quantity),
    buy_date: calendarDate(t.buy_date, 'buy_date'),
    buy_average: amount(t.buy_average),
    buy_amount: amount(t.buy_amount),
    sell_date: calendarDate(t.sell_date, 'sell_date'),
    sell_average: amount(t.sell_average),
    sell_amount: amount(t.sell_amount),
    fetched_at: context.fetchedAt,
    raw: t,
  }));
}

export interface PnlSummaryRow {
  account: string;
  segment: string;
  financial_year: string;
  trades_count: number;
  page_size_limit: number;
  total_charges: number | null;
  brokerage: number | null;
  gst: number | null;
  stt: number | null;
  stamp_duty: number | null;
  transaction_charges: number | null;
  clearing_charges: number | null;
  ipft_charges: number | null;
  other_charges: number | null;
  sebi_turnover_charges: number | null;
  demat_transaction_charges: number | null;
  fetched_at: string;
  raw: unknown;
}

/** Combines the report's metadata and its charges into the one summary row of a segment and year. */
export function normalisePnlSummary(metadata: PnlMetadata, charges: PnlCharges, scope: PnlScope, context: FetchContext): PnlSummaryRow {
  const breakdown = charges.charges_breakdown;
  return {
    account: context.account,
    segment: scope.segment,
    financial_year: scope.financialYear,
    trades_count: metadata.trades_count,
    page_size_limit: metadata.page_size_limit,
    total_charges: amount(breakdown.total),
    brokerage: amount(breakdown.brokerage),
    gst: amount(breakdown.taxes?.gst),
    stt: amount(breakdown.taxes?.stt),
    stamp_duty: amount(breakdown.taxes?.stamp_duty),
    transaction_charges: amount(breakdown.charges?.transaction),
    clearing_charges: amount(breakdown.charges?.clearing),
    ipft_charges: amount(breakdown.charges?.ipft),
    other_charges: amount(breakdown.charges?.others),
    sebi_turnover_charges: amount(breakdown.charges?.sebi_turnover),
    demat_transaction_charges: amount(breakdown.charges?.demat_transaction),
    fetched_at: context.fetchedAt,
    raw: { metadata, charges },
  };
}
