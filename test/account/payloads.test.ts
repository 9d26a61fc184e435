import { describe, expect, it } from 'vitest';
import { accountJobs } from '../../jobs/account.js';
import { accountHistoricalTradesJob, accountOrdersJob, historicalTradesRange } from '../../jobs/account-orders.js';
import { accountPnlJob } from '../../jobs/account-pnl.js';
import { accountMutualFundsJob } from '../../jobs/account-mutual-funds.js';

const NOON_2026_03_12_IST = Date.UTC(2026, 2, 12, 6, 30);

describe('account job list', () => {
  it('names the nine jobs', () => {
    expect(accountJobs.map((j) => j.name)).toEqual([
      'account-profile',
      'account-funds',
      'account-holdings',
      'account-positions',
      'account-orders',
      'account-trades',
      'account-historical-trades',
      'account-pnl',
      'account-mutual-funds',
    ]);
  });

  it('marks every job as account data', () => {
    expect(accountJobs.every((j) => j.accountData)).toBe(true);
  });
});

describe('account payloads', () => {
  it('reads one numeric order id as text', () => {
    expect(accountOrdersJob.payloadSchema.parse({ orderIds: 231019025057849 }).orderIds).toEqual(['231019025057849']);
  });

  it('splits comma-separated order ids', () => {
    expect(accountOrdersJob.payloadSchema.parse({ orderIds: '231019025057849, 231019025171320' }).orderIds).toEqual(['231019025057849', '231019025171320']);
  });

  it('rejects an order id with a slash', () => {
    expect(accountOrdersJob.payloadSchema.safeParse({ orderIds: 'a/b' }).success).toBe(false);
  });

  it('reads a numeric financial year as text', () => {
    expect(accountPnlJob.payloadSchema.parse({ financialYear: 2324 }).financialYear).toBe('2324');
  });

  it('rejects financial year 2325', () => {
    expect(accountPnlJob.payloadSchema.safeParse({ financialYear: '2325' }).success).toBe(false);
  });

  it('defaults P&L to all four segments', () => {
    expect(accountPnlJob.payloadSchema.parse({}).segments).toEqual(['EQ', 'FO', 'COM', 'CD']);
  });

  it('rejects MF pages of 31 records', () => {
    expect(accountMutualFundsJob.payloadSchema.safeParse({ records: 31 }).success).toBe(false);
  });

  it('ignores the worker deferral counter', () => {
    expect(accountPnlJob.payloadSchema.safeParse({ rateLimitDeferrals: 2 }).success).toBe(true);
  });

  it('derives the job id from the work', () => {
    const payload = accountHistoricalTradesJob.payloadSchema.parse({ fromDate: '2026-03-02', toDate: '2026-03-13', segment: 'EQ' });
    expect(accountHistoricalTradesJob.jobId(payload, 'main')).toBe('account-historical-trades-main-EQ-2026-03-02-2026-03-13');
  });
});

describe('historical trades range', () => {
  it('defaults to the last seven days', () => {
    expect(historicalTradesRange(accountHistoricalTradesJob.payloadSchema.parse({}), NOON_2026_03_12_IST)).toEqual({ fromDate: '2026-03-06', toDate: '2026-03-12' });
  });

  it('ends today when only fromDate is set', () => {
    expect(historicalTradesRange(accountHistoricalTradesJob.payloadSchema.parse({ fromDate: '2026-03-01' }), NOON_2026_03_12_IST)).toEqual({ fromDate: '2026-03-01', toDate: '2026-03-12' });
  });

  it('is empty when fromDate is after today', () => {
    expect(historicalTradesRange(accountHistoricalTradesJob.payloadSchema.parse({ fromDate: '2026-04-01' }), NOON_2026_03_12_IST)).toBeUndefined();
  });

  it('rejects fromDate after toDate', () => {
    expect(accountHistoricalTradesJob.payloadSchema.safeParse({ fromDate: '2026-03-13', toDate: '2026-03-02' }).success).toBe(false);
  });
});
