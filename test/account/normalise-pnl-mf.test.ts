import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normaliseMfHoldings, normaliseMfOrders, normaliseMfSips } from '../../src/normalise/account-mutual-funds.js';
import { normalisePnlSummary, normalisePnlTrades } from '../../src/normalise/account-pnl.js';
import { mfHoldingSchema, mfOrderSchema, mfSipSchema, pnlChargesSchema, pnlMetadataSchema, pnlTradeSchema } from '../../src/upstox/account.js';
import { CONTEXT, sampleBody } from './samples.js';

const context = { account: CONTEXT.account, fetchedAt: CONTEXT.fetchedAt };
const fetched = { fetched_at: '2026-03-12T04:30:00.000Z' };
const scope = { segment: 'EQ', financialYear: '2324' };

describe('P&L normalisers', () => {
  it('maps pnl-report-data.json with dd-mm-yyyy dates', () => {
    const body = sampleBody('pnl-report-data.json').data as Record<string, unknown>[];
    expect(normalisePnlTrades(z.array(pnlTradeSchema).parse(body), scope, context)).toEqual([
      {
        account: 'main',
        segment: 'EQ',
        financial_year: '2324',
        line_no: 1,
        isin: 'INE256A01028',
        scrip_name: 'ZEE ENTER',
        trade_type: 'EQ',
        quantity: 100,
        buy_date: '2021-09-14',
        buy_average: 12345.67,
        buy_amount: 12345.67,
        sell_date: '2021-09-14',
        sell_average: 12345.67,
        sell_amount: 12345.67,
        ...fetched,
        raw: body[0],
      },
    ]);
  });

  it('numbers a later page after the earlier ones', () => {
    const body = sampleBody('pnl-report-data.json').data as Record<string, unknown>[];
    const [row] = normalisePnlTrades(z.array(pnlTradeSchema).parse(body), scope, context, 5000);
    expect(row!.line_no).toBe(5001);
  });

  it('rejects a date that does not exist', () => {
    const body = sampleBody('pnl-report-data.json').data as Record<string, unknown>[];
    const rows = z.array(pnlTradeSchema).parse([{ ...body[0], sell_date: '31-09-2021' }]);
    expect(() => normalisePnlTrades(rows, scope, context)).toThrow(/invalid sell_date "31-09-2021"/);
  });

  it('combines pnl-report-metadata.json and pnl-trade-charges.json', () => {
    const metadata = pnlMetadataSchema.parse(sampleBody('pnl-report-metadata.json').data);
    const charges = pnlChargesSchema.parse(sampleBody('pnl-trade-charges.json').data);
    expect(normalisePnlSummary(metadata, charges, scope, context)).toEqual({
      account: 'main',
      segment: 'EQ',
      financial_year: '2324',
      trades_count: 10,
      page_size_limit: 5000,
      total_charges: 154.23,
      brokerage: 97.23,
      gst: 20.93,
      stt: 15,
      stamp_duty: 2,
      transaction_charges: 0.56,
      clearing_charges: 0,
      ipft_charges: null,
      other_charges: 0,
      sebi_turnover_charges: 0.01,
      demat_transaction_charges: 18.5,
      ...fetched,
      raw: { metadata: sampleBody('pnl-report-metadata.json').data, charges: sampleBody('pnl-trade-charges.json').data },
    });
  });
});

describe('MF normalisers', () => {
  it('maps mf-holdings.json; a missing pledged quantity is null', () => {
    const body = sampleBody('mf-holdings.json').data as Record<string, unknown>[];
    const snapshot = { account: 'main', snapshot_date: '2026-03-12', last_price_date: '2026-03-06' };
    expect(normaliseMfHoldings(z.array(mfHoldingSchema).parse(body), CONTEXT)).toEqual([
      {
        ...snapshot,
        instrument_key: 'INF200K01T51',
        folio: '3108290884',
        fund: 'SBI SMALL CAP FUND - DIRECT PLAN - GROWTH',
        quantity: 110,
        average_price: 181.8,
        last_price: 175.43,
        pnl: -703.68,
        pledged_quantity: 0,
        ...fetched,
        raw: body[0],
      },
      {
        ...snapshot,
        instrument_key: 'INF179K01WM1',
        folio: '310829013',
        fund: 'HDFC NIFTY 50 INDEX FUND - DIRECT PLAN - GROWTH',
        quantity: 2,
        average_price: 250,
        last_price: 226.6,
        pnl: -46.8,
        pledged_quantity: 0,
        ...fetched,
        raw: body[1],
      },
      {
        ...snapshot,
        instrument_key: 'INF204K01K15',
        folio: '3108290881',
        fund: 'NIPPON INDIA SMALL CAP FUND DIRECT PLAN GROWTH PLAN GROWTH',
        quantity: 11,
        average_price: 100,
        last_price: 172.45,
        pnl: 796.86,
        pledged_quantity: null,
        ...fetched,
        raw: body[2],
      },
    ]);
  });

  const firstOrder = {
    account: 'main',
    order_id: 'ABC123-a9b52e90-3de6-4674-84b9-e3bcced7ec30',
    instrument_key: 'INF109K01Q49',
    fund: 'ICICI Prudential Liquid Fund Direct Plan Growth',
    folio: null,
    status: 'INPROCESS',
    status_message: null,
    transaction_type: 'BUY',
    variety: 'REGULAR',
    purchase_type: 'FRESH',
    amount: 1000,
    quantity: 0,
    price: 0,
    average_price: 0,
    last_price: 0,
    last_price_date: '2026-03-06',
    exchange_order_id: '254657127',
    settlement_id: '254657127',
    order_ts: '2026-03-12T09:47:42.000Z',
    exchange_ts: null,
    ...fetched,
  };

  it('maps mf-orders.json; empty folio and message are null', () => {
    const body = sampleBody('mf-orders.json').data as Record<string, unknown>[];
    expect(normaliseMfOrders(z.array(mfOrderSchema).parse(body), context)).toEqual([
      { ...firstOrder, raw: body[0] },
      {
        ...firstOrder,
        order_id: 'ABC123-1dcb96f2-e5d1-49c1-a03b-151c066365c2',
        instrument_key: 'INF277K01YE6',
        fund: 'Tata Liquid Fund Direct Plan Growth',
        status: 'OPEN',
        variety: 'SIP',
        amount: 500,
        order_ts: '2026-03-11T18:30:00.000Z',
        raw: body[1],
      },
    ]);
  });

  it('maps mf-order-details.json to one row', () => {
    const body = sampleBody('mf-order-details.json').data;
    expect(normaliseMfOrders([mfOrderSchema.parse(body)], context)).toEqual([{ ...firstOrder, raw: body }]);
  });

  it('reads a bare exchange date as IST midnight', () => {
    const body = sampleBody('mf-order-details.json').data as Record<string, unknown>;
    const [row] = normaliseMfOrders([mfOrderSchema.parse({ ...body, exchange_timestamp: '2026-03-13' })], context);
    expect(row!.exchange_ts).toBe('2026-03-12T18:30:00.000Z');
  });

  it('maps mf-sips.json with IST dates', () => {
    const body = sampleBody('mf-sips.json').data as Record<string, unknown>[];
    const common = {
      account: 'main',
      sip_reg_number: null,
      dividend_type: 'Growth',
      status: 'ACTIVE',
      frequency: 'MONTHLY',
      transaction_type: 'BUY',
      sip_type: 'Auto',
      instalments: 999,
      pending_instalments: 0,
      trigger_price: 0,
      created_date: '2025-03-11',
      next_instalment_date: '2025-04-11',
      last_instalment_date: '2025-03-11',
      ...fetched,
    };
    expect(normaliseMfSips(z.array(mfSipSchema).parse(body), context)).toEqual([
      { ...common, sip_id: '133321093', instrument_key: 'INF179KB15Q6', fund: 'HDFC Ultra S/T Fund Direct Growth', instalment_amount: 300, instalment_day: 11, completed_instalments: 0, raw: body[0] },
      { ...common, sip_id: '133321205', instrument_key: 'INF174K01JI7', fund: 'Kotak Bond Short Term Plan Direct Growth', instalment_amount: 1000, instalment_day: 30, completed_instalments: 1, raw: body[1] },
    ]);
  });
});
