import { accountMutualFundsJob } from './account-mutual-funds.js';
import { accountHistoricalTradesJob, accountOrdersJob, accountTradesJob } from './account-orders.js';
import { accountPnlJob } from './account-pnl.js';
import { accountFundsJob, accountHoldingsJob, accountPositionsJob, accountProfileJob } from './account-snapshots.js';

/**
 * The jobs for account data (profile, funds, portfolio, orders, trades, P&L, mutual funds).
 * All call account APIs, which the Analytics Token reaches only from the account's registered
 * static IP, so the worker skips them while that account's account data is disabled.
 */
export const accountJobs = [
  accountProfileJob,
  accountFundsJob,
  accountHoldingsJob,
  accountPositionsJob,
  accountOrdersJob,
  accountTradesJob,
  accountHistoricalTradesJob,
  accountPnlJob,
  accountMutualFundsJob,
] as const;
