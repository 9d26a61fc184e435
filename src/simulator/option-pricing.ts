import { uniformOf } from './random.js';

// Black-Scholes prices and greeks for the simulator's synthetic option data, in the units
// Upstox uses: theta in rupees per calendar day, vega in rupees per percentage point of IV,
// probability of profit in percent. No dividends; the risk-free rate is fixed.

/** The annual risk-free rate used for every synthetic option, roughly the Indian 91-day T-bill yield. */
export const RISK_FREE_RATE = 0.065;
const YEAR_MS = 365 * 86_400_000;

export type OptionSide = 'CE' | 'PE';

/** The inputs of one valuation; `years` is the time to expiry. */
export interface OptionInputs {
  readonly side: OptionSide;
  readonly spot: number;
  readonly strike: number;
  readonly years: number;
  /** Annual volatility as a fraction. */
  readonly iv: number;
}

/** A contract's value and greeks, unrounded. */
export interface OptionValuation {
  readonly price: number;
  readonly delta: number;
  readonly gamma: number;
  readonly theta: number;
  readonly vega: number;
}

/** Returns the time to expiry in years; options on NSE expire at 15:30 IST of the expiry date. */
export function yearsToExpiry(nowMs: number, expiryCloseMs: number): number {
  return Math.max(0, (expiryCloseMs - nowMs) / YEAR_MS);
}

/** Values an option with Black-Scholes; at or after expiry it is worth its intrinsic value. */
export function valueOption(inputs: OptionInputs): OptionValuation {
  const { side, spot, strike, years, iv } = inputs;
  if (years <= 0 || iv <= 0) {
    const intrinsic = side === 'CE' ? Math.max(0, spot - strike) : Math.max(0, strike - spot);
    let delta = 0;
    if (intrinsic > 0) delta = side === 'CE' ? 1 : -1;
    return { price: intrinsic, delta, gamma: 0, theta: 0, vega: 0 };
  }
  const root = Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (RISK_FREE_RATE + (iv * iv) / 2) * years) / (iv * root);
  const d2 = d1 - iv * root;
  const discount = Math.exp(-RISK_FREE_RATE * years);
  const density = normalDensity(d1);
  const gamma = density / (spot * iv * root);
  const vega = (spot * density * root) / 100;
  const decay = -(spot * density * iv) / (2 * root);

  if (side === 'CE') {
    return {
      price: spot * normalCdf(d1) - strike * discount * normalCdf(d2),
      delta: normalCdf(d1),
      gamma,
      theta: (decay - RISK_FREE_RATE * strike * discount * normalCdf(d2)) / 365,
      vega,
    };
  }
  return {
    price: strike * discount * normalCdf(-d2) - spot * normalCdf(-d1),
    delta: normalCdf(d1) - 1,
    gamma,
    theta: (decay + RISK_FREE_RATE * strike * discount * normalCdf(-d2)) / 365,
    vega,
  };
}

/**
 * Returns the probability, in percent, that a buyer at `premium` ends in profit at expiry:
 * the chance under the model that the underlying passes the break-even price.
 */
export function probabilityOfProfit(inputs: OptionInputs, premium: number): number {
  const { side, spot, strike, years, iv } = inputs;
  const breakEven = side === 'CE' ? strike + premium : strike - premium;
  if (breakEven <= 0) return 100;
  if (years <= 0 || iv <= 0) return (side === 'CE' ? spot > breakEven : spot < breakEven) ? 100 : 0;
  const root = Math.sqrt(years);
  const d2 = (Math.log(spot / breakEven) + (RISK_FREE_RATE - (iv * iv) / 2) * years) / (iv * root);
  return 100 * (side === 'CE' ? normalCdf(d2) : normalCdf(-d2));
}

/**
 * Returns the implied volatility of one strike as a fraction: a level per underlying and
 * expiry from a seeded hash, plus a smile that rises away from the money and a skew that lifts
 * low strikes, as index options show.
 */
export function syntheticIv(underlyingKey: string, expiry: string, strike: number, spot: number): number {
  const level = 0.1 + 0.15 * uniformOf(`iv|${underlyingKey}|${expiry}`);
  const moneyness = Math.log(strike / spot);
  const noise = 0.01 * (uniformOf(`iv|${underlyingKey}|${expiry}|${strike}`) - 0.5);
  return Math.min(1.5, Math.max(0.05, level + 1.2 * moneyness * moneyness - 0.15 * moneyness + noise));
}

/** Returns the standard normal cumulative distribution at `x` (Abramowitz and Stegun 26.2.17, error below 1e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = normalDensity(x) * poly;
  return x >= 0 ? 1 - tail : tail;
}

function normalDensity(x: number): number {
  return Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
}
