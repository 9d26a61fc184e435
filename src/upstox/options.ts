import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../time/ist.js';
import { UPSTOX_APIS } from './apis.js';
import { getEndpoint, type EndpointResponse } from './endpoint.js';
import type { RequestGate, UpstoxHttp } from './http.js';
import { encodeInstrumentKey } from './instrument-key.js';
import { keyQuery } from './quotes.js';

// The option endpoints: greeks V3 (a quote-style map for up to 50 contract keys), option
// contracts and the put/call option chain (both an array, for one underlying key).

/**
 * The maximum number of contract keys in one option-greek request. Upstox's docs give 50 and
 * the text of its OpenAPI document gives 500, so the smaller limit is used.
 */
export const MAX_GREEK_KEYS = 50;

const maybeNumber = z.number().nullish();
const maybeInteger = z.number().int().nullish();

/** One entry of the option-greek map. Here `iv` is a fraction (0.336 is 33.6 %). */
export const optionGreekEntrySchema = z.looseObject({
  instrument_token: z.string(),
  last_price: maybeNumber,
  ltq: maybeInteger,
  volume: maybeInteger,
  cp: maybeNumber,
  iv: maybeNumber,
  vega: maybeNumber,
  gamma: maybeNumber,
  theta: maybeNumber,
  delta: maybeNumber,
  oi: maybeNumber,
});
export type OptionGreekEntry = z.infer<typeof optionGreekEntrySchema>;

const isoDateString = z.string().refine(isIsoDate, 'expected a date as YYYY-MM-DD');

/** One option contract. `tick_size` is in paise (5 is ₹0.05) and `expiry` a `YYYY-MM-DD` date. */
export const optionContractSchema = z.looseObject({
  instrument_key: z.string(),
  underlying_key: z.string(),
  instrument_type: z.enum(['CE', 'PE']),
  expiry: isoDateString,
  strike_price: z.number(),
  segment: z.string(),
  name: z.string().nullish(),
  exchange: z.string().nullish(),
  exchange_token: z.string().nullish(),
  trading_symbol: z.string().nullish(),
  tick_size: maybeNumber,
  lot_size: maybeInteger,
  minimum_lot: maybeInteger,
  freeze_quantity: maybeNumber,
  underlying_type: z.string().nullish(),
  underlying_symbol: z.string().nullish(),
  weekly: z.boolean().nullish(),
});
export type OptionContract = z.infer<typeof optionContractSchema>;

const chainMarketDataSchema = z.looseObject({
  ltp: maybeNumber,
  volume: maybeInteger,
  oi: maybeNumber,
  close_price: maybeNumber,
  bid_price: maybeNumber,
  bid_qty: maybeInteger,
  ask_price: maybeNumber,
  ask_qty: maybeInteger,
  prev_oi: maybeNumber,
});

// Here `iv` and `pop` are percentages (31.43 is 31.43 %). Older bodies have no `pop`.
const chainGreeksSchema = z.looseObject({
  vega: maybeNumber,
  theta: maybeNumber,
  gamma: maybeNumber,
  delta: maybeNumber,
  iv: maybeNumber,
  pop: maybeNumber,
});

const chainSideSchema = z.looseObject({
  instrument_key: z.string(),
  market_data: chainMarketDataSchema.nullish(),
  option_greeks: chainGreeksSchema.nullish(),
});
export type OptionChainSide = z.infer<typeof chainSideSchema>;

/** One strike of the option chain, with its call and its put; a side is missing when the exchange lists no contract. */
export const optionChainStrikeSchema = z.looseObject({
  expiry: isoDateString,
  strike_price: z.number(),
  underlying_key: z.string(),
  underlying_spot_price: maybeNumber,
  pcr: maybeNumber,
  call_options: chainSideSchema.nullish(),
  put_options: chainSideSchema.nullish(),
});
export type OptionChainStrike = z.infer<typeof optionChainStrikeSchema>;

const greekMap = z.record(z.string(), optionGreekEntrySchema);
const contractList = z.array(optionContractSchema);
const chainList = z.array(optionChainStrikeSchema);

/** The option endpoints as the jobs call them. Every call sends one GET. */
export interface OptionApi {
  /** Fetches greeks for at most {@link MAX_GREEK_KEYS} option contracts. */
  optionGreeks(instrumentKeys: readonly string[]): Promise<EndpointResponse<Record<string, OptionGreekEntry>>>;
  /** Fetches the option contracts of an underlying, for one expiry or (without `expiryDate`) every live expiry. */
  optionContracts(underlyingKey: string, expiryDate?: IsoDate): Promise<EndpointResponse<OptionContract[]>>;
  optionChain(underlyingKey: string, expiryDate: IsoDate): Promise<EndpointResponse<OptionChainStrike[]>>;
}

/** Binds the option endpoints (greeks V3, option contracts, option chain) to a transport and an optional gate. */
export function optionApi(http: UpstoxHttp, gate?: RequestGate): OptionApi {
  return {
    optionGreeks: async (keys) =>
      getEndpoint(http, { api: UPSTOX_APIS.optionGreeks, path: '/v3/market-quote/option-greek', query: { instrument_key: keyQuery(keys, MAX_GREEK_KEYS) }, gate }, greekMap),
    optionContracts: async (underlyingKey, expiryDate) => {
      const query: Record<string, string> = { instrument_key: encodeInstrumentKey(underlyingKey) };
      if (expiryDate !== undefined) query.expiry_date = checkedDate(expiryDate);
      return getEndpoint(http, { api: UPSTOX_APIS.optionContracts, path: '/v2/option/contract', query, gate }, contractList);
    },
    optionChain: async (underlyingKey, expiryDate) => {
      const query = { instrument_key: encodeInstrumentKey(underlyingKey), expiry_date: checkedDate(expiryDate) };
      return getEndpoint(http, { api: UPSTOX_APIS.optionChain, path: '/v2/option/chain', query, gate }, chainList);
    },
  };
}

function checkedDate(value: string): string {
  if (!isIsoDate(value)) throw new RangeError(`invalid expiry date ${JSON.stringify(value)}: expected YYYY-MM-DD, such as 2026-03-02`);
  return value;
}
