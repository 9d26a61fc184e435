import type { FundsRow, FundsV3Row, HoldingRow, PositionRow, PositionSource, ProfileRow } from '../../normalise/account-portfolio.js';
import type { HistoricalTradeRow, OrderHistoryRow, OrderRow, TradeRow } from '../../normalise/account-orders.js';
import type { MfHoldingRow, MfOrderRow, MfSipRow } from '../../normalise/account-mutual-funds.js';
import type { PnlScope, PnlSummaryRow, PnlTradeRow } from '../../normalise/account-pnl.js';
import type { PostgresStore } from './store.js';

// The account tables and how each is written. Daily snapshots replace the rows of one
// account and IST date, and for positions of one endpoint. Rows keyed by their own ids are
// upserted. The P&L report replaces one segment and financial year. Every function returns
// the number of rows written.

/** Each account table with the columns of its primary key. */
export const ACCOUNT_TABLES = {
  profiles: { table: 'account_profiles', key: ['account', 'snapshot_date'] },
  funds: { table: 'account_funds', key: ['account', 'snapshot_date', 'segment'] },
  fundsV3: { table: 'account_funds_v3', key: ['account', 'snapshot_date'] },
  holdings: { table: 'account_holdings', key: ['account', 'snapshot_date', 'instrument_key'] },
  positions: { table: 'account_positions', key: ['account', 'snapshot_date', 'source', 'instrument_key', 'product'] },
  orders: { table: 'account_orders', key: ['account', 'order_id'] },
  orderHistory: { table: 'account_order_history', key: ['account', 'order_id', 'seq'] },
  trades: { table: 'account_trades', key: ['account', 'order_id', 'trade_id'] },
  historicalTrades: { table: 'account_historical_trades', key: ['account', 'segment', 'exchange', 'trade_date', 'trade_id', 'transaction_type'] },
  pnlTrades: { table: 'account_pnl_trades', key: ['account', 'segment', 'financial_year', 'line_no'] },
  pnlSummary: { table: 'account_pnl_summary', key: ['account', 'segment', 'financial_year'] },
  mfHoldings: { table: 'account_mf_holdings', key: ['account', 'snapshot_date', 'instrument_key', 'folio'] },
  mfOrders: { table: 'account_mf_orders', key: ['account', 'order_id'] },
  mfSips: { table: 'account_mf_sips', key: ['account', 'sip_id'] },
} as const;

type TableName = keyof typeof ACCOUNT_TABLES;

/** The account and IST date that one daily snapshot covers. */
export interface SnapshotScope {
  readonly account: string;
  readonly snapshotDate: string;
}

function replaceSnapshot(store: PostgresStore, name: TableName, scope: SnapshotScope, rows: readonly object[], extraScope: Readonly<Record<string, unknown>> = {}): Promise<number> {
  const { table, key } = ACCOUNT_TABLES[name];
  return store.replace(table, { account: scope.account, snapshot_date: scope.snapshotDate, ...extraScope }, key, rows as Record<string, unknown>[]);
}

function upsert(store: PostgresStore, name: TableName, rows: readonly object[]): Promise<number> {
  const { table, key } = ACCOUNT_TABLES[name];
  return store.upsert(table, key, rows as Record<string, unknown>[]);
}

/** Replaces the account's profile snapshot of the day. */
export function storeProfile(store: PostgresStore, scope: SnapshotScope, row: ProfileRow): Promise<number> {
  return replaceSnapshot(store, 'profiles', scope, [row]);
}

/** Replaces the day's V2 and V3 funds snapshots together, so both show the same run. */
export function storeFunds(store: PostgresStore, scope: SnapshotScope, v2: readonly FundsRow[], v3: FundsV3Row): Promise<number> {
  return store.transaction(async (tx) => (await replaceSnapshot(tx, 'funds', scope, v2)) + (await replaceSnapshot(tx, 'fundsV3', scope, [v3])));
}

/** Replaces the day's holdings snapshot; a holding missing from `rows` is gone from it. */
export function storeHoldings(store: PostgresStore, scope: SnapshotScope, rows: readonly HoldingRow[]): Promise<number> {
  return replaceSnapshot(store, 'holdings', scope, rows);
}

/** Replaces the day's positions from one endpoint (short-term or MTF). */
export function storePositions(store: PostgresStore, scope: SnapshotScope, source: PositionSource, rows: readonly PositionRow[]): Promise<number> {
  return replaceSnapshot(store, 'positions', scope, rows, { source });
}

/** Inserts or updates orders by id. */
export function storeOrders(store: PostgresStore, rows: readonly OrderRow[]): Promise<number> {
  return upsert(store, 'orders', rows);
}

/** Inserts or updates order history rows by order id and sequence number. */
export function storeOrderHistory(store: PostgresStore, rows: readonly OrderHistoryRow[]): Promise<number> {
  return upsert(store, 'orderHistory', rows);
}

/** Inserts or updates the day's trades by order id and trade id. */
export function storeTrades(store: PostgresStore, rows: readonly TradeRow[]): Promise<number> {
  return upsert(store, 'trades', rows);
}

/** Inserts or updates historical trades by segment, exchange, date, trade id and side. */
export function storeHistoricalTrades(store: PostgresStore, rows: readonly HistoricalTradeRow[]): Promise<number> {
  return upsert(store, 'historicalTrades', rows);
}

/** Replaces the P&L report and summary of one segment and financial year, in one transaction. */
export function storePnlReport(store: PostgresStore, account: string, scope: PnlScope, trades: readonly PnlTradeRow[], summary: PnlSummaryRow): Promise<number> {
  const { table, key } = ACCOUNT_TABLES.pnlTrades;
  return store.transaction(async (tx) => {
    const written = await tx.replace(table, { account, segment: scope.segment, financial_year: scope.financialYear }, key, trades as unknown as Record<string, unknown>[]);
    return written + (await upsert(tx, 'pnlSummary', [summary]));
  });
}

/** Replaces the day's MF holdings snapshot. */
export function storeMfHoldings(store: PostgresStore, scope: SnapshotScope, rows: readonly MfHoldingRow[]): Promise<number> {
  return replaceSnapshot(store, 'mfHoldings', scope, rows);
}

/** Inserts or updates MF orders by id. */
export function storeMfOrders(store: PostgresStore, rows: readonly MfOrderRow[]): Promise<number> {
  return upsert(store, 'mfOrders', rows);
}

/** Inserts or updates SIPs by id. */
export function storeMfSips(store: PostgresStore, rows: readonly MfSipRow[]): Promise<number> {
  return upsert(store, 'mfSips', rows);
}
