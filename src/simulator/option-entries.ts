import type { IsoDate } from '../time/ist.js';
import { priceGrid, toTick } from './price-grid.js';
import { round } from './quote-market.js';
import type { QuoteData } from './quote-keys.js';
import type { MasterInstrument } from './quote-master.js';
import { uniformOf } from './random.js';

// The bodies of the option routes for one request: option contracts from the instruments
// master, option chains and option greeks from the simulated market, and the recorded
// NIFTY chain (expiry 2026-03-02) where it applies.

/** Builds the option-contract object of one master row, in the field order of Upstox's bodies. */
export function contractEntry(contract: MasterInstrument): Record<string, unknown> {
  return {
    name: contract.name,
    segment: contract.segment,
    exchange: contract.exchange,
    expiry: contract.expiry,
    instrument_key: contract.key,
    exchange_token: contract.exchangeToken,
    trading_symbol: contract.tradingSymbol,
    tick_size: contract.tickSizePaise,
    lot_size: contract.lotSize,
    instrument_type: contract.instrumentType,
    freeze_quantity: contract.freezeQuantity,
    underlying_key: contract.underlyingKey,
    underlying_type: contract.underlyingType,
    underlying_symbol: contract.underlyingSymbol,
    strike_price: contract.strike,
    minimum_lot: contract.minimumLot,
    weekly: contract.weekly,
  };
}

/** Returns the option contracts of an underlying: for one expiry, or for every expiry from today's IST date on. */
export function contractsOf(data: QuoteData, underlyingKey: string, expiry: IsoDate | undefined, today: IsoDate): MasterInstrument[] {
  const all = data.master.optionsByUnderlying.get(underlyingKey) ?? [];
  return all.filter((c) => (expiry === undefined ? c.expiry! >= today : c.expiry === expiry));
}

/** Builds the option chain of an underlying and expiry at `nowMs`: one object per strike, calls and puts side by side. */
export function chainEntries(data: QuoteData, underlyingKey: string, expiry: IsoDate, nowMs: number): Record<string, unknown>[] {
  const underlying = data.master.byKey.get(underlyingKey);
  const contracts = contractsOf(data, underlyingKey, expiry, expiry);
  if (!underlying || contracts.length === 0) return [];
  const spot = data.market.quote(underlying, nowMs)?.lastPrice;
  if (spot === undefined) return [];

  const byStrike = new Map<number, { call?: MasterInstrument; put?: MasterInstrument }>();
  for (const contract of contracts) {
    const pair = byStrike.get(contract.strike!) ?? {};
    if (contract.instrumentType === 'CE') pair.call = contract;
    else pair.put = contract;
    byStrike.set(contract.strike!, pair);
  }
  const strikes: Record<string, unknown>[] = [];
  for (const [strike, pair] of [...byStrike.entries()].sort(([a], [b]) => a - b)) {
    const call = pair.call ? chainSide(data, pair.call, nowMs) : undefined;
    const put = pair.put ? chainSide(data, pair.put, nowMs) : undefined;
    const callOi = call?.oi ?? 0;
    const putOi = put?.oi ?? 0;
    const row: Record<string, unknown> = {
      expiry,
      pcr: callOi > 0 ? round(putOi / callOi, 4) : 0,
      strike_price: strike,
      underlying_key: underlyingKey,
      underlying_spot_price: spot,
    };
    if (call) row.call_options = call.body;
    if (put) row.put_options = put.body;
    strikes.push(row);
  }
  return strikes;
}

function chainSide(data: QuoteData, contract: MasterInstrument, nowMs: number): { body: Record<string, unknown>; oi: number } | undefined {
  const quote = data.market.quote(contract, nowMs);
  const greeks = data.market.greeks(contract, nowMs);
  if (!quote || !greeks) return undefined;
  const grid = priceGrid(contract.tickSizePaise);
  const lot = contract.lotSize ?? 1;
  const seed = `${contract.key}|${quote.moment.lastTradeMs}`;
  const previousDay = data.market.previousTradingDay(contract, quote.moment.date);
  const prevOi = previousDay ? data.market.openInterest(contract, previousDay, 24 * 60 - 1) : 0;
  const bid = toTick(quote.lastPrice - grid.tick, grid);
  const body = {
    instrument_key: contract.key,
    market_data: {
      ltp: quote.lastPrice,
      volume: quote.day.volume,
      oi: quote.day.oi,
      close_price: quote.prevClose ?? quote.lastPrice,
      bid_price: bid > 0 ? bid : 0,
      bid_qty: bid > 0 ? lot * (1 + Math.floor(uniformOf(`bid|${seed}`) * 100)) : 0,
      ask_price: toTick(quote.lastPrice + grid.tick, grid),
      ask_qty: lot * (1 + Math.floor(uniformOf(`ask|${seed}`) * 100)),
      prev_oi: prevOi,
    },
    // The chain sends IV and pop in percent.
    option_greeks: { vega: greeks.vega, theta: greeks.theta, gamma: greeks.gamma, delta: greeks.delta, iv: round(greeks.iv * 100, 2), pop: greeks.pop },
  };
  return { body, oi: quote.day.oi };
}

/**
 * Builds the option-greek entry of one contract. Contracts of the recorded NIFTY chain get
 * the recorded values, with IV turned from the chain's percent into the fraction that this
 * endpoint sends. The simulated market values every other option.
 */
export function greekEntry(data: QuoteData, contract: MasterInstrument, nowMs: number): Record<string, unknown> | undefined {
  const recorded = data.recorded.chainContracts.get(contract.key);
  if (recorded) {
    const market = recorded.data.market_data;
    const greeks = recorded.data.option_greeks;
    return {
      last_price: market.ltp,
      instrument_token: contract.key,
      ltq: contract.lotSize ?? 0,
      volume: market.volume,
      cp: market.close_price,
      iv: round((greeks.iv ?? 0) / 100, 6),
      vega: greeks.vega,
      gamma: greeks.gamma,
      theta: greeks.theta,
      delta: greeks.delta,
      oi: market.oi,
    };
  }
  const quote = data.market.quote(contract, nowMs);
  const greeks = data.market.greeks(contract, nowMs);
  if (!quote || !greeks) return undefined;
  return {
    last_price: quote.lastPrice,
    instrument_token: contract.key,
    ltq: quote.lastTradedQty,
    volume: quote.day.volume,
    cp: quote.prevClose ?? quote.lastPrice,
    iv: greeks.iv,
    vega: greeks.vega,
    gamma: greeks.gamma,
    theta: greeks.theta,
    delta: greeks.delta,
    oi: quote.day.oi,
  };
}
