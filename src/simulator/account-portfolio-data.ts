import { hashText, uniformOf } from './random.js';
import { ACCOUNT_SAMPLES, pick, priceNear, round2, type JsonObject } from './account-samples.js';

// Simulated portfolio bodies: profile, funds, holdings, positions, MF holdings and SIPs.
// Each starts from the sample body and varies quantities and prices by a hash of the
// account and the IST date, so one day's response never changes and the next day's differs.

/** Returns the profile: the sample with the account's own user id and name. */
export function simulatedProfile(account: string): JsonObject {
  return { ...ACCOUNT_SAMPLES.profile, user_id: `SIM${String(hashText(`profile|${account}`) % 1_000_000).padStart(6, '0')}`, user_name: `Simulated ${account}` };
}

/** Returns the V2 funds map (`equity`, `commodity`), with the available margin varied per day. */
export function simulatedFundsV2(account: string, date: string): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const [segment, values] of Object.entries(ACCOUNT_SAMPLES.fundsV2)) {
    const available = values.available_margin as number;
    out[segment] = { ...values, available_margin: round2(available * (0.5 + uniformOf(`funds|${account}|${date}|${segment}`))) };
  }
  return out;
}

/** Returns the V3 funds body with the opening balance (and the totals built on it) varied per day. */
export function simulatedFundsV3(account: string, date: string): JsonObject {
  const sample = structuredClone(ACCOUNT_SAMPLES.fundsV3) as {
    available_to_trade: { total: number; cash_available_to_trade: { total: number; cash: { opening_balance: number } } };
  };
  const shift = round2(1000 * uniformOf(`funds-v3|${account}|${date}`));
  const available = sample.available_to_trade;
  available.cash_available_to_trade.cash.opening_balance = round2(available.cash_available_to_trade.cash.opening_balance + shift);
  available.cash_available_to_trade.total = round2(available.cash_available_to_trade.total + shift);
  available.total = round2(available.total + shift);
  return sample as unknown as JsonObject;
}

// Holdings beyond the two sample rows, in the sample's row layout, so that selling one of
// them can be simulated.
const EXTRA_HOLDINGS: readonly { isin: string; symbol: string; company: string; average: number; last: number }[] = [
  { isin: 'INE062A01020', symbol: 'SBIN', company: 'STATE BANK OF INDIA', average: 571.33, last: 589.75 },
  { isin: 'INE002A01018', symbol: 'RELIANCE', company: 'RELIANCE INDUSTRIES LTD.', average: 2915.0, last: 2932.5 },
  { isin: 'INE009A01021', symbol: 'INFY', company: 'INFOSYS LIMITED', average: 1450.0, last: 1512.35 },
];

/**
 * Returns the day's holdings. The first sample row is always held; each other row is sold
 * (left out) on about one day in four. Quantities are the sample's times 1 to 4.
 */
export function simulatedHoldings(account: string, date: string): JsonObject[] {
  const template = ACCOUNT_SAMPLES.holdings[0]!;
  const pool: JsonObject[] = [
    ...ACCOUNT_SAMPLES.holdings,
    ...EXTRA_HOLDINGS.map((h) => ({
      ...template,
      isin: h.isin,
      company_name: h.company,
      trading_symbol: h.symbol,
      tradingsymbol: h.symbol,
      instrument_token: `NSE_EQ|${h.isin}`,
      quantity: 5,
      average_price: h.average,
      last_price: h.last,
      close_price: h.last,
      haircut: 0.2,
    })),
  ];
  const heldToday = pool.filter((h, i) => i === 0 || uniformOf(`holding-held|${account}|${date}|${String(h.isin)}`) >= 0.25);
  return heldToday.map((h) => {
    const isin = String(h.isin);
    const quantity = (h.quantity as number) * (1 + pick(`holding-quantity|${account}|${date}|${isin}`, 4));
    const last = priceNear(`holding-price|${account}|${date}|${isin}`, h.last_price as number, 0.02);
    const average = h.average_price as number;
    return { ...h, quantity, last_price: last, pnl: round2((last - average) * quantity) };
  });
}

/**
 * Returns the day's short-term positions: the documentation's example row (with its
 * `realised: -0.0`) in 1 to 3 lots, and an intraday position closed during the day, whose
 * average price is null as Upstox sends it for a flat position.
 */
export function simulatedPositions(account: string, date: string): JsonObject[] {
  const example = ACCOUNT_SAMPLES.positions[0]!;
  const lots = 1 + pick(`position-lots|${account}|${date}`, 3);
  const quantity = (example.quantity as number) * lots;
  const open = {
    ...example,
    quantity,
    overnight_quantity: quantity,
    overnight_buy_quantity: quantity,
    overnight_buy_amount: round2((example.average_price as number) * quantity),
    value: round2((example.average_price as number) * quantity),
    realised: -0,
  };
  const sold = priceNear(`position-sell|${account}|${date}`, 2.65, 0.2);
  const closed = {
    ...example,
    product: 'I',
    quantity: 0,
    overnight_quantity: 0,
    overnight_buy_quantity: 0,
    overnight_buy_amount: 0,
    day_buy_quantity: 15,
    day_buy_value: 39.75,
    day_buy_price: 2.65,
    day_sell_quantity: 15,
    day_sell_value: round2(sold * 15),
    day_sell_price: sold,
    buy_value: 39.75,
    sell_value: round2(sold * 15),
    buy_price: 2.65,
    sell_price: sold,
    average_price: null,
    value: 0,
    unrealised: 0,
    realised: round2((sold - 2.65) * 15),
    pnl: round2((sold - 2.65) * 15),
  };
  return [open, closed];
}

/** Returns the day's MTF positions: the sample rows with the quantity bought today varied. */
export function simulatedMtfPositions(account: string, date: string): JsonObject[] {
  return ACCOUNT_SAMPLES.mtfPositions.map((p) => {
    const key = String(p.instrument_token);
    const extra = pick(`mtf|${account}|${date}|${key}`, 3);
    const quantity = (p.quantity as number) + extra;
    const last = p.last_price as number;
    const average = p.average_price as number;
    return { ...p, quantity, day_buy_quantity: (p.day_buy_quantity as number) + extra, unrealised: round2((last - average) * quantity), pnl: round2((last - average) * quantity) };
  });
}

/** Returns the day's MF holdings: the sample rows with units varied; the third still lacks `pledged_quantity`. */
export function simulatedMfHoldings(account: string, date: string): JsonObject[] {
  return ACCOUNT_SAMPLES.mfHoldings.map((h) => {
    const units = Math.round((h.quantity as number) * (1 + uniformOf(`mf-units|${account}|${date}|${String(h.instrument_key)}`)) * 1000) / 1000;
    return { ...h, quantity: units, pnl: round2(((h.last_price as number) - (h.average_price as number)) * units) };
  });
}

/** Returns the account's SIPs: the sample rows and one more, paused. */
export function simulatedMfSips(account: string): JsonObject[] {
  const base = ACCOUNT_SAMPLES.mfSips;
  const extra = { ...base[0]!, sip_id: String(133_300_000 + (hashText(`sip|${account}`) % 10_000)), status: 'PAUSED', instalment_amount: 500.0, instalment_day: 5, completed_instalments: 3 };
  return [...base, extra];
}
