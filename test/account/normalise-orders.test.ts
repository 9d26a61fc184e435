import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normaliseHistoricalTrades, normaliseOrderHistory, normaliseOrders, normaliseTrades } from '../../src/normalise/account-orders.js';
import { historicalTradeSchema, orderSchema, tradeSchema } from '../../src/upstox/account.js';
import { CONTEXT, sampleBody } from './samples.js';

const context = { account: CONTEXT.account, fetchedAt: CONTEXT.fetchedAt };
const fetched = { fetched_at: '2026-03-12T04:30:00.000Z' };

describe('order normaliser', () => {
  it('maps order-book.json to one row per order', () => {
    const body = sampleBody('order-book.json').data as Record<string, unknown>[];
    expect(normaliseOrders(z.array(orderSchema).parse(body), context)).toEqual([
      {
        account: 'main',
        order_id: '231019025057849',
        exchange_order_id: '1697686200000169148',
        parent_order_id: null,
        instrument_key: 'BSE_EQ|INE220J01025',
        trading_symbol: 'FCONSUMER',
        exchange: 'BSE',
        product: 'D',
        order_type: 'LIMIT',
        transaction_type: 'BUY',
        validity: 'DAY',
        variety: 'SIMPLE',
        status: 'complete',
        status_message: null,
        status_message_raw: null,
        price: 0.8,
        trigger_price: 0,
        average_price: 0.8,
        quantity: 1,
        filled_quantity: 1,
        pending_quantity: 0,
        disclosed_quantity: 0,
        tag: null,
        guid: null,
        placed_by: '*****',
        is_amo: false,
        order_request_id: '2',
        order_ref_id: '57744821658411',
        order_ts: '2023-10-19T03:53:23.000Z',
        exchange_ts: '2023-10-19T03:53:23.000Z',
        ...fetched,
        raw: body[0],
      },
      {
        account: 'main',
        order_id: '231019025171320',
        exchange_order_id: null,
        parent_order_id: null,
        instrument_key: 'NSE_FO|52567',
        trading_symbol: 'SBIN23OCTFUT',
        exchange: 'NFO',
        product: 'I',
        order_type: 'SL-M',
        transaction_type: 'SELL',
        validity: 'DAY',
        variety: 'SIMPLE',
        status: 'rejected',
        status_message: 'You need to add Rs. 138385.27 in your account to place this trade.',
        status_message_raw: 'RMS:Margin Exceeds,Required:138385.27, Available:0.00 for entity account-XXXXXX across exchange across segment across product',
        price: 0,
        trigger_price: 570,
        average_price: 0,
        quantity: 1500,
        filled_quantity: 0,
        pending_quantity: 0,
        disclosed_quantity: 0,
        tag: null,
        guid: null,
        placed_by: '******',
        is_amo: false,
        order_request_id: '1',
        order_ref_id: '57744821662190',
        order_ts: '2023-10-19T04:32:41.000Z',
        exchange_ts: null,
        ...fetched,
        raw: body[1],
      },
    ]);
  });

  it('maps order-details.json to one row', () => {
    const body = sampleBody('order-details.json').data;
    expect(normaliseOrders([orderSchema.parse(body)], context)).toEqual([
      {
        account: 'main',
        order_id: '231019025562880',
        exchange_order_id: '1300000025660919',
        parent_order_id: null,
        instrument_key: 'NSE_EQ|INE062A01020',
        trading_symbol: 'SBIN-EQ',
        exchange: 'NSE',
        product: 'D',
        order_type: 'LIMIT',
        transaction_type: 'BUY',
        validity: 'DAY',
        variety: 'SIMPLE',
        status: 'complete',
        status_message: null,
        status_message_raw: null,
        price: 571,
        trigger_price: 0,
        average_price: 570.95,
        quantity: 1,
        filled_quantity: 1,
        pending_quantity: 0,
        disclosed_quantity: 0,
        tag: null,
        guid: null,
        placed_by: '******',
        is_amo: false,
        order_request_id: '1',
        order_ref_id: 'GTT-C23191000044253',
        order_ts: '2023-10-19T07:55:13.000Z',
        exchange_ts: '2023-10-19T07:55:13.000Z',
        ...fetched,
        raw: body,
      },
    ]);
  });

  it('maps order-history.json to four numbered transitions', () => {
    const body = sampleBody('order-history.json').data as Record<string, unknown>[];
    const common = {
      account: 'main',
      order_id: '231019025564798',
      parent_order_id: null,
      instrument_key: 'NSE_EQ|INE062A01020',
      trading_symbol: 'SBIN',
      exchange: 'NSE',
      product: 'D',
      order_type: 'LIMIT',
      transaction_type: 'SELL',
      validity: 'DAY',
      variety: 'SIMPLE',
      status_message: null,
      price: 571.35,
      trigger_price: 0,
      quantity: 1,
      disclosed_quantity: 0,
      tag: null,
      placed_by: '******',
      is_amo: false,
      order_request_id: '1',
      order_ts: '2023-10-19T07:55:56.000Z',
      ...fetched,
    };
    const pending = { ...common, exchange_order_id: null, exchange_ts: null, average_price: 0, filled_quantity: 0 };
    expect(normaliseOrderHistory('231019025564798', z.array(orderSchema).parse(body), context)).toEqual([
      { ...pending, seq: 1, status: 'put order req received', raw: body[0] },
      { ...pending, seq: 2, status: 'validation pending', raw: body[1] },
      { ...pending, seq: 3, status: 'open', exchange_order_id: '1300000025662435', exchange_ts: '2023-10-19T07:55:56.000Z', raw: body[2] },
      { ...common, seq: 4, status: 'complete', exchange_order_id: '1300000025662435', exchange_ts: '2023-10-19T07:55:58.000Z', average_price: 571.35, filled_quantity: 1, raw: body[3] },
    ]);
  });

  it('rejects a history row of another order', () => {
    const body = sampleBody('order-history.json').data as Record<string, unknown>[];
    const rows = z.array(orderSchema).parse(body);
    expect(() => normaliseOrderHistory('231019025564799', rows, context)).toThrow(/contains a row of order 231019025564798/);
  });

  it('rejects a numeric order id', () => {
    const row = { ...(sampleBody('order-details.json').data as object), order_id: 231019025562880 };
    expect(orderSchema.safeParse(row).success).toBe(false);
  });
});

describe('trade normaliser', () => {
  it('maps order-trades.json with dd-MMM-yyyy times', () => {
    const body = sampleBody('order-trades.json').data as Record<string, unknown>[];
    expect(normaliseTrades(z.array(tradeSchema).parse(body), context)).toEqual([
      {
        account: 'main',
        order_id: '221013001021539',
        trade_id: '50091502',
        exchange_order_id: '221013001021540',
        instrument_key: '151064324',
        trading_symbol: 'GMRINFRA-EQ',
        exchange: 'NSE',
        product: 'D',
        order_type: 'MARKET',
        transaction_type: 'BUY',
        quantity: 1,
        average_price: 299.4,
        order_ref_id: 'udapi-aqwsed14356',
        order_ts: '2021-04-23T08:52:06.000Z',
        exchange_ts: '2017-08-03T09:33:42.000Z',
        ...fetched,
        raw: body[0],
      },
    ]);
  });

  it('reads YYYY-MM-DD times in trades too', () => {
    const body = sampleBody('order-trades.json').data as Record<string, unknown>[];
    const [row] = normaliseTrades(z.array(tradeSchema).parse([{ ...body[0], exchange_timestamp: '2023-10-19 09:23:23' }]), context);
    expect(row!.exchange_ts).toBe('2023-10-19T03:53:23.000Z');
  });
});

describe('historical trade normaliser', () => {
  it('maps historical-trades.json to one row', () => {
    const body = sampleBody('historical-trades.json').data as Record<string, unknown>[];
    expect(normaliseHistoricalTrades(z.array(historicalTradeSchema).parse(body), context)).toEqual([
      {
        account: 'main',
        segment: 'EQ',
        exchange: 'NSE',
        trade_date: '2023-03-28',
        trade_id: '75217259',
        transaction_type: 'BUY',
        instrument_key: 'NSE_EQ|INE002A01018',
        isin: 'INE002A01018',
        symbol: 'RELIANCE',
        scrip_name: 'RELIANCE',
        option_type: null,
        strike_price: null,
        expiry: null,
        quantity: 1,
        price: 2252.35,
        amount: 2252.35,
        ...fetched,
        raw: body[0],
      },
    ]);
  });

  it('keeps an option strike as exact text', () => {
    const body = sampleBody('historical-trades.json').data as Record<string, unknown>[];
    const option = { ...body[0], segment: 'FO', option_type: 'CE', strike_price: '22500.50', expiry: '2024-03-28' };
    const [row] = normaliseHistoricalTrades(z.array(historicalTradeSchema).parse([option]), context);
    expect(row!.option_type).toBe('CE');
    expect(row!.strike_price).toBe('22500.50');
    expect(row!.expiry).toBe('2024-03-28');
  });
});
