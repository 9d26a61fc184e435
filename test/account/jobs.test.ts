import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { simulatedHistoricalTrades, simulatedMfOrders, simulatedOrders, simulatedTrades } from '../../src/simulator/account-order-data.js';
import { simulatedPnlTrades } from '../../src/simulator/account-pnl-data.js';
import { simulatedFundsV2, simulatedFundsV3, simulatedHoldings, simulatedMfSips, simulatedProfile } from '../../src/simulator/account-portfolio-data.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { addDays, istDateOf } from '../../src/time/ist.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { createTestContext, type TestContext } from '../support/test-context.js';
import { countRows, runAccountJob, runOutcomes } from './run-job.js';

// Every account job through the simulator, the worker and Postgres. The simulator's clock is
// frozen at 2026-03-12 10:00 IST, so its data is fixed. The snapshot date is the IST date of
// the worker's own clock.

const TOKEN = 'account-jobs-token';
const SIM_DATE = '2026-03-12';
const SIM_START = Date.UTC(2026, 2, 12, 4, 30);
let simNow = SIM_START;
let ctx: TestContext;
let sim: RunningSimulator;
let worker: RunningIngestWorker;
let producer: JobProducer;
let today: string;

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main', JOB_ATTEMPTS: '2' });
  sim = await startSimulator({ tokens: { [TOKEN]: 'main' }, now: () => simNow });
  worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: sim.url }), ctx.log);
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 2);
  today = istDateOf(Date.now());
});
afterAll(async () => {
  await worker.close();
  await producer.close();
  await sim.close();
  await ctx.cleanup();
});

describe('account-profile job', () => {
  it('stores one row per day and keeps it on rerun', async () => {
    const first = await runAccountJob(producer, 'account-profile');
    const rows = await ctx.pool.query('SELECT user_id, snapshot_date, exchanges FROM account_profiles');
    expect(first.state).toBe('completed');
    expect(rows.rows).toEqual([{ user_id: simulatedProfile('main').user_id, snapshot_date: today, exchanges: ['NSE', 'NFO', 'BSE', 'CDS', 'BFO', 'BCD'] }]);
    await runAccountJob(producer, 'account-profile');
    expect(await countRows(ctx.pool, 'account_profiles')).toBe(1);
  });
});

describe('account-funds job', () => {
  it('stores V2 segments and V3 totals', async () => {
    await runAccountJob(producer, 'account-funds');
    const v2 = await ctx.pool.query<{ segment: string; available_margin: string }>('SELECT segment, available_margin FROM account_funds ORDER BY segment');
    const v3 = await ctx.pool.query<{ opening_balance: string; withdrawn_today: string }>('SELECT opening_balance, withdrawn_today FROM account_funds_v3');
    const funds = simulatedFundsV2('main', SIM_DATE);
    const fundsV3 = simulatedFundsV3('main', SIM_DATE) as { available_to_trade: { cash_available_to_trade: { cash: { opening_balance: number } } } };
    expect(v2.rows).toEqual([
      { segment: 'commodity', available_margin: String(funds.commodity!.available_margin) },
      { segment: 'equity', available_margin: String(funds.equity!.available_margin) },
    ]);
    expect(v3.rows).toEqual([{ opening_balance: String(fundsV3.available_to_trade.cash_available_to_trade.cash.opening_balance), withdrawn_today: '-130' }]);
  });

  it('changes no count on a second run', async () => {
    await runAccountJob(producer, 'account-funds');
    expect(await countRows(ctx.pool, 'account_funds')).toBe(2);
    expect(await countRows(ctx.pool, 'account_funds_v3')).toBe(1);
  });
});

describe('account-holdings job', () => {
  const stored = async () =>
    (await ctx.pool.query<{ instrument_key: string; quantity: bigint; snapshot_date: string }>('SELECT instrument_key, quantity, snapshot_date FROM account_holdings ORDER BY instrument_key')).rows;
  const expected = (date: string) =>
    simulatedHoldings('main', date)
      .map((h) => ({ instrument_key: String(h.instrument_token), quantity: BigInt(h.quantity as number), snapshot_date: today }))
      .sort((a, b) => a.instrument_key.localeCompare(b.instrument_key));

  it('stores the simulated holdings', async () => {
    await runAccountJob(producer, 'account-holdings');
    expect(await stored()).toEqual(expected(SIM_DATE));
  });

  it('changes no count on a second run', async () => {
    const before = await countRows(ctx.pool, 'account_holdings');
    await runAccountJob(producer, 'account-holdings');
    expect(await countRows(ctx.pool, 'account_holdings')).toBe(before);
  });

  it('drops a holding sold before a rerun the same day', async () => {
    const heldOnSimDate = new Set(simulatedHoldings('main', SIM_DATE).map((h) => h.instrument_token));
    const keeps = (date: string) => new Set(simulatedHoldings('main', date).map((h) => h.instrument_token));
    // The first later day on which one of today's holdings is gone.
    let later = addDays(SIM_DATE, 1);
    while ([...heldOnSimDate].every((key) => keeps(later).has(key))) later = addDays(later, 1);
    simNow = SIM_START + (Date.parse(`${later}T00:00:00Z`) - Date.parse(`${SIM_DATE}T00:00:00Z`));
    try {
      await runAccountJob(producer, 'account-holdings');
    } finally {
      simNow = SIM_START;
    }
    expect(await stored()).toEqual(expected(later));
  });
});

describe('account-positions job', () => {
  it('stores short-term and MTF positions', async () => {
    await runAccountJob(producer, 'account-positions');
    const rows = await ctx.pool.query('SELECT source, instrument_key, product, realised, average_price FROM account_positions ORDER BY source, instrument_key, product');
    expect(rows.rows).toEqual([
      { source: 'mtf', instrument_key: 'NSE_EQ|INE002A01018', product: 'MTF', realised: '0', average_price: '2915' },
      { source: 'mtf', instrument_key: 'NSE_EQ|INE062A01020', product: 'MTF', realised: '0', average_price: '571.33' },
      { source: 'short_term', instrument_key: 'NSE_FO|52618', product: 'D', realised: '0', average_price: '2.65' },
      expect.objectContaining({ source: 'short_term', instrument_key: 'NSE_FO|52618', product: 'I', average_price: null }),
    ]);
  });

  it('changes no count on a second run', async () => {
    await runAccountJob(producer, 'account-positions');
    expect(await countRows(ctx.pool, 'account_positions')).toBe(4);
  });
});

describe('account-orders job', () => {
  const orders = simulatedOrders('main', SIM_DATE);

  it('stores the order book and each history', async () => {
    const result = await runAccountJob(producer, 'account-orders');
    expect(result.returnvalue?.requestsMade).toBe(1 + orders.length);
    expect(await countRows(ctx.pool, 'account_orders')).toBe(orders.length);
    // Complete orders pass four states, the rejected one three.
    expect(await countRows(ctx.pool, 'account_order_history')).toBe(orders.filter((o) => o.status === 'complete').length * 4 + 3);
  });

  it('keeps a 19-digit exchange order id exact', async () => {
    const bse = orders.find((o) => o.exchange === 'BSE')!;
    const row = await ctx.pool.query('SELECT exchange_order_id, order_ts FROM account_orders WHERE order_id = $1', [bse.order_id]);
    expect(row.rows).toEqual([{ exchange_order_id: bse.exchange_order_id, order_ts: new Date(`${SIM_DATE}T03:53:23.000Z`) }]);
  });

  it('changes no count on a second run', async () => {
    await runAccountJob(producer, 'account-orders');
    expect(await countRows(ctx.pool, 'account_orders')).toBe(orders.length);
    expect(await countRows(ctx.pool, 'account_order_history')).toBe(15);
  });

  it('updates an order from its details', async () => {
    const result = await runAccountJob(producer, 'account-orders', { orderIds: String(orders[2]!.order_id), history: false });
    expect(result.returnvalue?.requestsMade).toBe(1);
    expect(await countRows(ctx.pool, 'account_orders')).toBe(orders.length);
  });
});

describe('account-trades job', () => {
  const trades = simulatedTrades('main', SIM_DATE);

  it('stores the day trades with UTC times', async () => {
    await runAccountJob(producer, 'account-trades');
    const first = trades[0]!;
    const row = await ctx.pool.query('SELECT exchange_ts FROM account_trades WHERE order_id = $1 AND trade_id = $2', [first.order_id, first.trade_id]);
    expect(await countRows(ctx.pool, 'account_trades')).toBe(trades.length);
    expect(row.rows).toEqual([{ exchange_ts: new Date(`${SIM_DATE}T03:53:23.000Z`) }]);
  });

  it('changes no count on a second run', async () => {
    await runAccountJob(producer, 'account-trades');
    expect(await countRows(ctx.pool, 'account_trades')).toBe(trades.length);
  });

  it('adds nothing when read per order', async () => {
    await runAccountJob(producer, 'account-trades', { orderIds: String(trades[0]!.order_id) });
    expect(await countRows(ctx.pool, 'account_trades')).toBe(trades.length);
  });
});

describe('account-historical-trades job', () => {
  const payload = { fromDate: '2026-03-02', toDate: '2026-03-13', pageSize: 4 };
  const trades = simulatedHistoricalTrades('main', payload.fromDate, payload.toDate);

  it('reads every page', async () => {
    const result = await runAccountJob(producer, 'account-historical-trades', payload);
    expect(trades.length).toBeGreaterThan(payload.pageSize);
    expect(result.returnvalue?.requestsMade).toBe(Math.ceil(trades.length / payload.pageSize));
    expect(await countRows(ctx.pool, 'account_historical_trades')).toBe(trades.length);
  });

  it('sums amounts exactly', async () => {
    const paise = trades.reduce((sum, t) => sum + Math.round((t.amount as number) * 100), 0);
    const exact = `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;
    const result = await ctx.pool.query<{ total: string }>('SELECT sum(amount)::numeric(20, 2)::text AS total FROM account_historical_trades');
    expect(result.rows[0]!.total).toBe(exact);
  });

  it('changes no count on a second run', async () => {
    await runAccountJob(producer, 'account-historical-trades', payload);
    expect(await countRows(ctx.pool, 'account_historical_trades')).toBe(trades.length);
  });
});

describe('account-pnl job', () => {
  const payload = { financialYear: '2425', segments: 'EQ,FO', pageSize: 3 };
  const equity = simulatedPnlTrades('main', 'EQ', '2425');
  const derivatives = simulatedPnlTrades('main', 'FO', '2425');
  const pages = (n: number) => Math.ceil(n / 3);

  it('reads every page of each segment', async () => {
    const result = await runAccountJob(producer, 'account-pnl', payload);
    expect(result.returnvalue?.requestsMade).toBe(2 + pages(equity.length) + 2 + pages(derivatives.length));
    const perSegment = await ctx.pool.query<{ segment: string; n: bigint; last: number }>(
      'SELECT segment, count(*) AS n, max(line_no) AS last FROM account_pnl_trades GROUP BY segment ORDER BY segment',
    );
    expect(perSegment.rows).toEqual([
      { segment: 'EQ', n: BigInt(equity.length), last: equity.length },
      { segment: 'FO', n: BigInt(derivatives.length), last: derivatives.length },
    ]);
  });

  it('stores the sell amounts of each row exactly', async () => {
    const result = await ctx.pool.query<{ sell_amount: string }>("SELECT sell_amount FROM account_pnl_trades WHERE segment = 'EQ' ORDER BY line_no");
    expect(result.rows.map((r) => r.sell_amount)).toEqual(equity.map((t) => String(t.sell_amount)));
  });

  it('stores one summary per segment', async () => {
    const result = await ctx.pool.query<{ segment: string; trades_count: number }>('SELECT segment, trades_count FROM account_pnl_summary ORDER BY segment');
    expect(result.rows).toEqual([
      { segment: 'EQ', trades_count: equity.length },
      { segment: 'FO', trades_count: derivatives.length },
    ]);
  });

  it('changes no count on a second run', async () => {
    await runAccountJob(producer, 'account-pnl', payload);
    expect(await countRows(ctx.pool, 'account_pnl_trades')).toBe(equity.length + derivatives.length);
    expect(await countRows(ctx.pool, 'account_pnl_summary')).toBe(2);
  });
});

describe('account-mutual-funds job', () => {
  const orders = simulatedMfOrders('main', SIM_DATE);
  const payload = { records: 2, orderIds: String(orders[1]!.order_id) };

  it('stores holdings, every order page and every SIP page', async () => {
    const result = await runAccountJob(producer, 'account-mutual-funds', payload);
    const sips = simulatedMfSips('main');
    expect(result.returnvalue?.requestsMade).toBe(1 + Math.ceil(orders.length / 2) + 1 + Math.ceil(sips.length / 2));
    expect(await countRows(ctx.pool, 'account_mf_holdings')).toBe(3);
    expect(await countRows(ctx.pool, 'account_mf_orders')).toBe(orders.length);
    expect(await countRows(ctx.pool, 'account_mf_sips')).toBe(sips.length);
  });

  it('stores a missing pledged quantity as null', async () => {
    const result = await ctx.pool.query("SELECT pledged_quantity FROM account_mf_holdings WHERE instrument_key = 'INF204K01K15'");
    expect(result.rows).toEqual([{ pledged_quantity: null }]);
  });

  it('changes no count on a second run', async () => {
    await runAccountJob(producer, 'account-mutual-funds', payload);
    expect(await countRows(ctx.pool, 'account_mf_holdings')).toBe(3);
    expect(await countRows(ctx.pool, 'account_mf_orders')).toBe(orders.length);
    expect(await countRows(ctx.pool, 'account_mf_sips')).toBe(3);
  });
});

describe('invalid account bodies', () => {
  it('quarantines a numeric trade id', async () => {
    const body = JSON.stringify({ status: 'success', data: [{ ...simulatedTrades('main', SIM_DATE)[0], trade_id: 50091502 }] });
    sim.injectFaults({ kind: 'status', status: 200, contentType: 'application/json', body });
    const result = await runAccountJob(producer, 'account-trades', { orderIds: 'quarantine1' });
    const quarantined = await ctx.pool.query('SELECT job_id, raw_body FROM quarantine WHERE job_id = $1', [result.jobId]);
    expect(result.state).toBe('failed');
    expect(await runOutcomes(ctx.pool, result.jobId)).toEqual(['failed']);
    expect(quarantined.rows).toEqual([{ job_id: result.jobId, raw_body: body }]);
  });

  it('quarantines an impossible order time', async () => {
    const body = JSON.stringify({ status: 'success', data: { ...simulatedOrders('main', SIM_DATE)[0], order_timestamp: '2026-02-30 09:23:23' } });
    sim.injectFaults({ kind: 'status', status: 200, contentType: 'application/json', body });
    const result = await runAccountJob(producer, 'account-orders', { orderIds: 'quarantine2', history: false });
    const quarantined = await ctx.pool.query<{ reason: string }>('SELECT reason FROM quarantine WHERE job_id = $1', [result.jobId]);
    expect(result.state).toBe('failed');
    expect(quarantined.rows[0]?.reason).toMatch(/invalid order_timestamp "2026-02-30 09:23:23"/);
  });
});
