import { describe, expect, it } from 'vitest';
import { normaliseFunds, normaliseFundsV3, normaliseHoldings, normalisePositions, normaliseProfile } from '../../src/normalise/account-portfolio.js';
import { POSITIONS_DOCS_EXAMPLE } from '../../src/simulator/account-samples.js';
import { fundsSchema, fundsV3Schema, holdingSchema, positionSchema, profileSchema } from '../../src/upstox/account.js';
import { z } from 'zod';
import { CONTEXT, sampleBody } from './samples.js';

const snapshot = { account: 'main', snapshot_date: '2026-03-12' };
const fetched = { fetched_at: '2026-03-12T04:30:00.000Z' };

describe('profile normaliser', () => {
  it('maps profile.json to one row', () => {
    const data = profileSchema.parse(sampleBody('profile.json').data);
    expect(normaliseProfile(data, CONTEXT)).toEqual({
      ...snapshot,
      user_id: '******',
      user_name: '******',
      email: '******',
      user_type: 'individual',
      broker: 'UPSTOX',
      exchanges: ['NSE', 'NFO', 'BSE', 'CDS', 'BFO', 'BCD'],
      products: ['D', 'CO', 'I'],
      order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      poa: false,
      ddpi: false,
      is_active: true,
      ...fetched,
      raw: sampleBody('profile.json').data,
    });
  });

  it('stores missing flags as null', () => {
    const row = normaliseProfile(profileSchema.parse({ user_id: 'AB1234' }), CONTEXT);
    expect(row.ddpi).toBeNull();
    expect(row.is_active).toBeNull();
    expect(row.exchanges).toBeNull();
  });
});

describe('funds normalisers', () => {
  it('maps funds-and-margin-v2.json to one row per segment', () => {
    const body = sampleBody('funds-and-margin-v2.json').data as Record<string, unknown>;
    const rows = normaliseFunds(fundsSchema.parse(body), CONTEXT);
    expect(rows).toEqual([
      {
        ...snapshot,
        segment: 'commodity',
        used_margin: 555.23,
        payin_amount: 107,
        span_margin: 360,
        adhoc_margin: 0,
        notional_cash: 0,
        available_margin: 3874.5,
        exposure_margin: 75.13,
        ...fetched,
        raw: body.commodity,
      },
      {
        ...snapshot,
        segment: 'equity',
        used_margin: 0.8,
        payin_amount: 200,
        span_margin: 0,
        adhoc_margin: 0,
        notional_cash: 0,
        available_margin: 15507.46,
        exposure_margin: 0,
        ...fetched,
        raw: body.equity,
      },
    ]);
  });

  it('maps funds-and-margin-v3.json to named totals', () => {
    const body = sampleBody('funds-and-margin-v3.json').data;
    expect(normaliseFundsV3(fundsV3Schema.parse(body), CONTEXT)).toEqual({
      ...snapshot,
      available_to_trade: 5379.03,
      cash_available_to_trade: 5117.34,
      opening_balance: 5137.34,
      added_today: 110,
      withdrawn_today: -130,
      amount_from_stock_sale: 0,
      unpaid_charges: 0,
      cash_margin_used: 0,
      mtf_margin_used: 0,
      loss_total: 0,
      realised_loss: 0,
      unrealised_loss: 0,
      pledge_available_to_trade: 261.69,
      margin_from_pledge: 263.49,
      margin_from_pledge_equity: 263.49,
      margin_from_pledge_mutual_funds: 0,
      pledge_margin_used: 1.8,
      unsettled_todays_profit: 0,
      unsettled_previous_days_profit: 0,
      pledge_unavailable_equity: 0,
      pledge_unavailable_mutual_funds: 0,
      ...fetched,
      raw: body,
    });
  });
});

describe('holdings normaliser', () => {
  const body = sampleBody('holdings.json').data as Record<string, unknown>[];

  it('maps holdings.json to one row per instrument', () => {
    const rows = normaliseHoldings(z.array(holdingSchema).parse(body), CONTEXT);
    expect(rows).toEqual([
      {
        ...snapshot,
        instrument_key: 'NSE_EQ|INE528G01035',
        isin: 'INE528G01035',
        trading_symbol: 'YESBANK',
        company_name: 'YES BANK LTD.',
        exchange: 'NSE',
        product: 'D',
        quantity: 36,
        t1_quantity: 0,
        cnc_used_quantity: 0,
        collateral_quantity: 0,
        collateral_update_quantity: 0,
        collateral_type: 'WC',
        haircut: 0.2,
        average_price: 18.75,
        last_price: 17.05,
        close_price: 17.05,
        pnl: -61.2,
        day_change: 0,
        day_change_percentage: 0,
        ...fetched,
        raw: body[0],
      },
      {
        ...snapshot,
        instrument_key: 'NSE_EQ|INE036A01016',
        isin: 'INE036A01016',
        trading_symbol: 'RELINFRA',
        company_name: 'RELIANCE INFRASTRUCTURE LTD.',
        exchange: 'NSE',
        product: 'D',
        quantity: 1,
        t1_quantity: 0,
        cnc_used_quantity: 0,
        collateral_quantity: 0,
        collateral_update_quantity: 0,
        collateral_type: 'WC',
        haircut: 1,
        average_price: 192.55,
        last_price: 174.85,
        close_price: 169.2,
        pnl: -17.7,
        day_change: 0,
        day_change_percentage: 0,
        ...fetched,
        raw: body[1],
      },
    ]);
  });

  it('rejects an instrument listed twice', () => {
    const twice = z.array(holdingSchema).parse([body[0], body[0]]);
    expect(() => normaliseHoldings(twice, CONTEXT)).toThrow(/lists NSE_EQ\|INE528G01035 twice/);
  });

  it('rejects a negative quantity', () => {
    const negative = z.array(holdingSchema).parse([{ ...body[0], quantity: -1 }]);
    expect(() => normaliseHoldings(negative, CONTEXT)).toThrow(/cannot be negative/);
  });
});

describe('positions normaliser', () => {
  it('maps the documented positions example', () => {
    const example = POSITIONS_DOCS_EXAMPLE.data;
    const [row] = normalisePositions(z.array(positionSchema).parse(example), 'short_term', CONTEXT);
    expect(row).toEqual({
      ...snapshot,
      source: 'short_term',
      instrument_key: 'NSE_FO|52618',
      product: 'D',
      exchange: 'NFO',
      trading_symbol: 'BANKNIFTY23OCT38000PE',
      quantity: 15,
      overnight_quantity: 15,
      multiplier: 1,
      average_price: 2.65,
      value: 39.75,
      pnl: 26.25,
      unrealised: -658304.25,
      realised: 0,
      buy_value: 0,
      sell_value: 0,
      buy_price: 2.65,
      sell_price: 0,
      day_buy_quantity: 0,
      day_buy_value: 0,
      day_buy_price: 0,
      day_sell_quantity: 0,
      day_sell_value: 0,
      day_sell_price: 0,
      overnight_buy_quantity: 15,
      overnight_buy_amount: 39.75,
      overnight_sell_quantity: 0,
      overnight_sell_amount: 0,
      last_price: 1.75,
      close_price: 1.95,
      ...fetched,
      raw: example[0],
    });
  });

  it('turns realised -0.0 into positive zero', () => {
    const [row] = normalisePositions(z.array(positionSchema).parse(POSITIONS_DOCS_EXAMPLE.data), 'short_term', CONTEXT);
    expect(Object.is(row!.realised, 0)).toBe(true);
  });

  it('keeps a null average price null', () => {
    const flat = { ...POSITIONS_DOCS_EXAMPLE.data[0], average_price: null, quantity: 0 };
    const [row] = normalisePositions(z.array(positionSchema).parse([flat]), 'short_term', CONTEXT);
    expect(row!.average_price).toBeNull();
  });

  it('maps mtf-positions.json to two rows', () => {
    const body = sampleBody('mtf-positions.json').data as Record<string, unknown>[];
    const rows = normalisePositions(z.array(positionSchema).parse(body), 'mtf', CONTEXT);
    expect(rows).toEqual([
      {
        ...snapshot,
        source: 'mtf',
        instrument_key: 'NSE_EQ|INE062A01020',
        product: 'MTF',
        exchange: 'NSE',
        trading_symbol: 'SBIN',
        quantity: 7,
        overnight_quantity: 5,
        multiplier: 1,
        average_price: 571.33,
        value: 4285,
        pnl: 128.55,
        unrealised: 128.55,
        realised: 0,
        buy_value: 4285,
        sell_value: 0,
        buy_price: 571.33,
        sell_price: 0,
        day_buy_quantity: 5,
        day_buy_value: 2856.65,
        day_buy_price: 571.33,
        day_sell_quantity: 0,
        day_sell_value: 0,
        day_sell_price: 0,
        overnight_buy_quantity: 2,
        overnight_buy_amount: 1428.35,
        overnight_sell_quantity: 0,
        overnight_sell_amount: 0,
        last_price: 589.75,
        close_price: 572.65,
        ...fetched,
        raw: body[0],
      },
      {
        ...snapshot,
        source: 'mtf',
        instrument_key: 'NSE_EQ|INE002A01018',
        product: 'MTF',
        exchange: 'NSE',
        trading_symbol: 'RELIANCE',
        quantity: 20,
        overnight_quantity: 20,
        multiplier: 1,
        average_price: 2915,
        value: 58300,
        pnl: 350,
        unrealised: 350,
        realised: 0,
        buy_value: 58300,
        sell_value: 0,
        buy_price: 2915,
        sell_price: 0,
        day_buy_quantity: 0,
        day_buy_value: 0,
        day_buy_price: 0,
        day_sell_quantity: 0,
        day_sell_value: 0,
        day_sell_price: 0,
        overnight_buy_quantity: 20,
        overnight_buy_amount: 58300,
        overnight_sell_quantity: 0,
        overnight_sell_amount: 0,
        last_price: 2932.5,
        close_price: 2920.75,
        ...fetched,
        raw: body[1],
      },
    ]);
  });
});
