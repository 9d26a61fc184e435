import fundsV2 from '../../vendor/upstox/samples/funds-and-margin-v2.json' with { type: 'json' };
import fundsV3 from '../../vendor/upstox/samples/funds-and-margin-v3.json' with { type: 'json' };
import historicalTrades from '../../vendor/upstox/samples/historical-trades.json' with { type: 'json' };
import holdings from '../../vendor/upstox/samples/holdings.json' with { type: 'json' };
import mfHoldings from '../../vendor/upstox/samples/mf-holdings.json' with { type: 'json' };
import mfOrders from '../../vendor/upstox/samples/mf-orders.json' with { type: 'json' };
import mfSips from '../../vendor/upstox/samples/mf-sips.json' with { type: 'json' };
import mtfPositions from '../../vendor/upstox/samples/mtf-positions.json' with { type: 'json' };
import orderBook from '../../vendor/upstox/samples/order-book.json' with { type: 'json' };
import orderDetails from '../../vendor/upstox/samples/order-details.json' with { type: 'json' };
import orderHistory from '../../vendor/upstox/samples/order-history.json' with { type: 'json' };
import pnlData from '../../vendor/upstox/samples/pnl-report-data.json' with { type: 'json' };
import profile from '../../vendor/upstox/samples/profile.json' with { type: 'json' };
import { hashText, uniformOf } from './random.js';

// The sample bodies the simulated account endpoints start from, and the small deterministic
// helpers they share. Every varied value is fixed by a text seed (account, date, purpose), so
// the same request returns the same bytes in every process.

/** A JSON object as the samples hold it. */
export type JsonObject = Record<string, unknown>;

/**
 * The positions example of Upstox's get-positions documentation page; the samples folder has
 * no positions body. Note `realised: -0.0`, which JSON.parse reads as -0.
 */
export const POSITIONS_DOCS_EXAMPLE = JSON.parse(`{"status":"success","data":[{"exchange":"NFO","multiplier":1.0,"value":39.75,"pnl":26.25,"product":"D","instrument_token":"NSE_FO|52618","average_price":2.65,"buy_value":0.0,"overnight_quantity":15,"day_buy_value":0.0,"day_buy_price":0.0,"overnight_buy_amount":39.75,"overnight_buy_quantity":15,"day_buy_quantity":0,"day_sell_value":0.0,"day_sell_price":0.0,"overnight_sell_amount":0.0,"overnight_sell_quantity":0,"day_sell_quantity":0,"quantity":15,"last_price":1.75,"unrealised":-658304.25,"realised":-0.0,"sell_value":0.0,"trading_symbol":"BANKNIFTY23OCT38000PE","tradingsymbol":"BANKNIFTY23OCT38000PE","close_price":1.95,"buy_price":2.65,"sell_price":0.0}]}`) as { status: string; data: JsonObject[] };

/** The sample body of each simulated account endpoint. */
export const ACCOUNT_SAMPLES = {
  profile: profile.data as JsonObject,
  fundsV2: fundsV2.data as Record<string, JsonObject>,
  fundsV3: fundsV3.data as JsonObject,
  holdings: holdings.data as JsonObject[],
  positions: POSITIONS_DOCS_EXAMPLE.data,
  mtfPositions: mtfPositions.data as JsonObject[],
  orderBook: orderBook.data as JsonObject[],
  orderDetails: orderDetails.data as JsonObject,
  orderHistory: orderHistory.data as JsonObject[],
  historicalTrades: historicalTrades.data as JsonObject[],
  pnlData: pnlData.data as JsonObject[],
  mfHoldings: mfHoldings.data as JsonObject[],
  mfOrders: mfOrders.data as JsonObject[],
  mfSips: mfSips.data as JsonObject[],
} as const;

/** Returns a whole number from 0 to `n - 1` fixed by `seed`. */
export function pick(seed: string, n: number): number {
  return Math.min(n - 1, Math.floor(uniformOf(seed) * n));
}

/** Rounds to paise, as Upstox sends rupee amounts. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Rounds a price to the 0.05 tick of NSE equities. */
export function roundTick(value: number): number {
  return Math.round(value * 20) / 20;
}

/** Returns a price within ±`spread` (a fraction) of `base`, on the tick, fixed by `seed`. */
export function priceNear(seed: string, base: number, spread: number): number {
  return roundTick(base * (1 + spread * (2 * uniformOf(seed) - 1)));
}

/** Returns `digits` decimal digits fixed by `seed`, zero-padded. */
export function digitsOf(seed: string, digits: number): string {
  return String(hashText(seed) % 10 ** Math.min(digits, 9)).padStart(digits, '0');
}

/** Returns eight lower-case hex digits fixed by `seed`, for uuid-like ids. */
export function hexOf(seed: string): string {
  return hashText(seed).toString(16).padStart(8, '0');
}

const NEGATIVE_ZERO_MARK = '\u0000negative-zero\u0000';

/**
 * Serialises like Upstox's servers, which write a negative zero as `-0.0`; JSON.stringify
 * would write it as `0` and hide the quirk from the client.
 */
export function stringifyWithNegativeZero(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (Object.is(v, -0) ? NEGATIVE_ZERO_MARK : v)).replaceAll(JSON.stringify(NEGATIVE_ZERO_MARK), '-0.0');
}
