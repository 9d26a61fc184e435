import type { IsoDate } from '../time/ist.js';
import type { OptionChainSide, OptionChainStrike, OptionContract, OptionGreekEntry } from '../upstox/options.js';
import { matchRequestedKeys, price, QuoteValueError, type QuoteBatch, type QuoteTimes } from './quotes.js';

// Pure functions from validated option responses to rows: option-chain and option-greek rows
// for the QuestDB `option_chain` table, and option contracts for the Postgres
// `option_contracts` table.
//
// Units stored: IV and probability of profit as fractions (0.3442 is 34.42 %). The option
// chain sends both in percent and the greeks endpoint sends IV as a fraction, so chain values
// are divided by 100. Delta, gamma, theta and vega are stored as Upstox sends them: theta in
// rupees per calendar day and vega in rupees per percentage point of IV. Upstox does not
// document these units. They match Black-Scholes values computed from the recorded chain's
// inputs: vega per IV point, and theta as the time-decay term per calendar day.

/** The endpoint that an option row came from. */
export type OptionSource = 'chain' | 'greeks';

/** One row of the `option_chain` table: one contract (one strike and side) at one snapshot. */
export interface OptionRow {
  /** The snapshot slot: neither endpoint sends a market time. */
  readonly tsMs: number;
  /** The contract's key, such as `NSE_FO|54911`. */
  readonly instrumentKey: string;
  readonly source: OptionSource;
  readonly underlyingKey: string | null;
  readonly expiry: IsoDate | null;
  readonly strike: number | null;
  readonly side: 'CE' | 'PE' | null;
  /** When the response arrived. */
  readonly polledAtMs: number;
  readonly underlyingSpot: number | null;
  /** The strike's put/call open-interest ratio, as the chain sends it. */
  readonly pcr: number | null;
  readonly lastPrice: number | null;
  /** The previous session's close: the chain's `close_price`, the greeks endpoint's `cp`. */
  readonly prevClose: number | null;
  readonly volume: number | null;
  readonly lastTradedQty: number | null;
  readonly oi: number | null;
  readonly prevOi: number | null;
  readonly bidPrice: number | null;
  readonly bidQty: number | null;
  readonly askPrice: number | null;
  readonly askQty: number | null;
  /** Implied volatility as a fraction. */
  readonly iv: number | null;
  readonly delta: number | null;
  readonly gamma: number | null;
  readonly theta: number | null;
  readonly vega: number | null;
  /** Probability of profit as a fraction; only the chain sends it. */
  readonly pop: number | null;
}

/** The underlying and expiry of a chain request, against which the rows are checked. */
export interface ChainRequest {
  readonly underlyingKey: string;
  readonly expiryDate: IsoDate;
}

/** The contract facts a greeks row borrows from the `option_contracts` table. */
export interface ContractFacts {
  readonly underlyingKey: string;
  readonly expiry: IsoDate;
  readonly strike: number;
  readonly side: 'CE' | 'PE';
}

interface Greeks {
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  pop: number | null;
}

const NO_GREEKS: Greeks = { iv: null, delta: null, gamma: null, theta: null, vega: null, pop: null };

/**
 * Normalises an option chain into one row per strike and side. Throws when a strike belongs
 * to another underlying or expiry than requested, or when a contract appears twice.
 */
export function normaliseOptionChain(strikes: readonly OptionChainStrike[], request: ChainRequest, times: QuoteTimes): OptionRow[] {
  const rows: OptionRow[] = [];
  const seen = new Set<string>();
  for (const strike of strikes) {
    const where = `option chain strike ${strike.strike_price}`;
    if (strike.underlying_key !== request.underlyingKey) {
      throw new QuoteValueError(`${where} belongs to underlying ${strike.underlying_key}, but ${request.underlyingKey} was requested`);
    }
    if (strike.expiry !== request.expiryDate) {
      throw new QuoteValueError(`${where} expires on ${strike.expiry}, but expiry ${request.expiryDate} was requested`);
    }
    if (!(strike.strike_price > 0)) throw new QuoteValueError(`${where} has a strike that is not positive`);
    for (const [side, data] of [['CE', strike.call_options], ['PE', strike.put_options]] as const) {
      if (!data) continue;
      if (seen.has(data.instrument_key)) {
        throw new QuoteValueError(`option chain lists contract ${data.instrument_key} twice; the second time at strike ${strike.strike_price} ${side}`);
      }
      seen.add(data.instrument_key);
      rows.push(chainRow(strike, side, data, times));
    }
  }
  return rows;
}

function chainRow(strike: OptionChainStrike, side: 'CE' | 'PE', data: OptionChainSide, times: QuoteTimes): OptionRow {
  const market = data.market_data;
  const greeks = data.option_greeks;
  const where = `option chain contract ${data.instrument_key}`;
  return {
    tsMs: times.slotMs,
    instrumentKey: data.instrument_key,
    source: 'chain',
    underlyingKey: strike.underlying_key,
    expiry: strike.expiry,
    strike: strike.strike_price,
    side,
    polledAtMs: times.polledAtMs,
    underlyingSpot: price(strike.underlying_spot_price),
    pcr: strike.pcr ?? null,
    lastPrice: price(market?.ltp),
    prevClose: price(market?.close_price),
    volume: count(market?.volume, where, 'volume'),
    lastTradedQty: null,
    oi: market?.oi ?? null,
    prevOi: market?.prev_oi ?? null,
    // A side with no order shows price 0 and quantity 0.
    bidPrice: price(market?.bid_price),
    bidQty: market?.bid_price ? count(market.bid_qty, where, 'bid_qty') : null,
    askPrice: price(market?.ask_price),
    askQty: market?.ask_price ? count(market.ask_qty, where, 'ask_qty') : null,
    ...greeksOf(greeks, 'percent'),
  };
}

/**
 * Normalises an option-greek map into `greeks` rows, matched to the requested keys through
 * `instrument_token`. Strike, expiry and underlying come from `contracts`, the stored option
 * contracts. A contract not stored there gets its side from the symbol's `CE`/`PE` suffix,
 * and its strike, expiry and underlying stay null.
 */
export function normaliseOptionGreeks(
  requested: readonly string[],
  data: Readonly<Record<string, OptionGreekEntry>>,
  contracts: ReadonlyMap<string, ContractFacts>,
  times: QuoteTimes,
): QuoteBatch<OptionRow> {
  const { matched, missing, unexpected } = matchRequestedKeys(requested, data);
  const rows = matched.map(({ instrumentKey, responseKey, entry }): OptionRow => {
    const where = `option greeks ${responseKey} (${instrumentKey})`;
    const facts = contracts.get(instrumentKey);
    const suffix = /(CE|PE)$/.exec(responseKey)?.[1] as 'CE' | 'PE' | undefined;
    return {
      tsMs: times.slotMs,
      instrumentKey,
      source: 'greeks',
      underlyingKey: facts?.underlyingKey ?? null,
      expiry: facts?.expiry ?? null,
      strike: facts?.strike ?? null,
      side: facts?.side ?? suffix ?? null,
      polledAtMs: times.polledAtMs,
      underlyingSpot: null,
      pcr: null,
      lastPrice: price(entry.last_price),
      prevClose: price(entry.cp),
      volume: count(entry.volume, where, 'volume'),
      lastTradedQty: count(entry.ltq, where, 'ltq'),
      oi: entry.oi ?? null,
      prevOi: null,
      bidPrice: null,
      bidQty: null,
      askPrice: null,
      askQty: null,
      ...greeksOf(entry, 'fraction'),
    };
  });
  return { rows, missing, unexpected };
}

/**
 * Converts greeks to the stored units. Where Upstox computed no greeks, as for deep
 * in-the-money strikes, it sends iv, vega, gamma and theta exactly 0, with delta ±1 or 0 and
 * pop 99 or 0. Those all become null, because an IV of 0 before expiry is not a market value.
 */
function greeksOf(greeks: { iv?: number | null; delta?: number | null; gamma?: number | null; theta?: number | null; vega?: number | null; pop?: number | null } | null | undefined, ivUnit: 'percent' | 'fraction'): Greeks {
  if (!greeks) return NO_GREEKS;
  if (greeks.iv === 0 && greeks.vega === 0 && greeks.gamma === 0 && greeks.theta === 0) return NO_GREEKS;
  let iv = greeks.iv ?? null;
  if (iv !== null && ivUnit === 'percent') iv = percentToFraction(iv);
  return {
    iv,
    delta: greeks.delta ?? null,
    gamma: greeks.gamma ?? null,
    theta: greeks.theta ?? null,
    vega: greeks.vega ?? null,
    pop: greeks.pop === null || greeks.pop === undefined ? null : percentToFraction(greeks.pop),
  };
}

/** Divides a percentage by 100 without float noise: 34.42 becomes 0.3442, not 0.34420000000000006. */
export function percentToFraction(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}

function count(value: number | null | undefined, where: string, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 0) throw new QuoteValueError(`${where} has ${field} ${value}, which is not a whole non-negative quantity`);
  return value;
}

/** One row of the Postgres `option_contracts` table; money as decimal strings or numbers for `numeric`. */
export interface OptionContractRow extends Record<string, unknown> {
  readonly instrument_key: string;
  readonly underlying_key: string;
  readonly underlying_symbol: string | null;
  readonly underlying_type: string | null;
  readonly name: string | null;
  readonly segment: string;
  readonly exchange: string | null;
  readonly expiry: IsoDate;
  readonly instrument_type: 'CE' | 'PE';
  readonly strike_price: number;
  readonly exchange_token: string | null;
  readonly trading_symbol: string | null;
  /** Rupees, as a decimal string; Upstox sends paise. */
  readonly tick_size: string | null;
  readonly lot_size: number | null;
  readonly minimum_lot: number | null;
  readonly freeze_quantity: number | null;
  readonly weekly: boolean | null;
  /** The fields that have no column of their own. */
  readonly raw: Record<string, unknown>;
  readonly fetched_at: string;
}

const CONTRACT_COLUMNS = new Set([
  'instrument_key', 'underlying_key', 'underlying_symbol', 'underlying_type', 'name', 'segment', 'exchange', 'expiry', 'instrument_type',
  'strike_price', 'exchange_token', 'trading_symbol', 'tick_size', 'lot_size', 'minimum_lot', 'freeze_quantity', 'weekly',
]);

/** Normalises option contracts into `option_contracts` rows; throws on a contract listed twice with different facts. */
export function normaliseOptionContracts(contracts: readonly OptionContract[], fetchedAtMs: number): OptionContractRow[] {
  const byKey = new Map<string, OptionContractRow>();
  for (const contract of contracts) {
    if (!(contract.strike_price > 0)) {
      throw new QuoteValueError(`option contract ${contract.instrument_key} has strike ${contract.strike_price}; an option's strike must be positive`);
    }
    const raw: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(contract)) if (!CONTRACT_COLUMNS.has(field)) raw[field] = value;
    const row: OptionContractRow = {
      instrument_key: contract.instrument_key,
      underlying_key: contract.underlying_key,
      underlying_symbol: contract.underlying_symbol ?? null,
      underlying_type: contract.underlying_type ?? null,
      name: contract.name ?? null,
      segment: contract.segment,
      exchange: contract.exchange ?? null,
      expiry: contract.expiry,
      instrument_type: contract.instrument_type,
      strike_price: contract.strike_price,
      exchange_token: contract.exchange_token ?? null,
      trading_symbol: contract.trading_symbol ?? null,
      tick_size: contract.tick_size === null || contract.tick_size === undefined ? null : paiseToRupees(contract.tick_size),
      lot_size: contract.lot_size ?? null,
      minimum_lot: contract.minimum_lot ?? null,
      freeze_quantity: contract.freeze_quantity ?? null,
      weekly: contract.weekly ?? null,
      raw,
      fetched_at: new Date(fetchedAtMs).toISOString(),
    };
    const previous = byKey.get(row.instrument_key);
    if (previous && (previous.expiry !== row.expiry || previous.strike_price !== row.strike_price || previous.instrument_type !== row.instrument_type)) {
      throw new QuoteValueError(`option contract ${row.instrument_key} is listed twice with different expiry, strike or type`);
    }
    byKey.set(row.instrument_key, row);
  }
  return [...byKey.values()];
}

/**
 * Converts a tick size in paise to rupees as an exact decimal string (5 → "0.05", 0.25 →
 * "0.0025") by moving the decimal point, because dividing by 100 in binary floating point
 * gives values such as 0.0034999999999999996.
 */
export function paiseToRupees(paise: number): string {
  if (!Number.isFinite(paise) || paise < 0) throw new QuoteValueError(`tick size ${paise} paise is not a non-negative number`);
  const [whole = '0', fraction = ''] = String(paise).split('.');
  const padded = whole.padStart(3, '0');
  const rupees = `${padded.slice(0, -2).replace(/^0+(?=\d)/, '')}.${padded.slice(-2)}${fraction}`;
  return rupees.replace(/\.?0+$/, '') || '0';
}
