import type { CandleRow } from '../candles/candle-row.js';
import { normaliseCandles } from '../candles/normalise.js';
import { isIsoDate, type IsoDate } from '../time/ist.js';
import type { RawCandle } from '../upstox/candles.js';
import { expiryOfExpiredKey, isExpiredInstrumentKey, type ExpiredCandleInterval, type ExpiredContractData } from '../upstox/market-info.js';
import { MarketInfoValueError } from './market-info.js';

// Pure functions from the validated `data` of the expired-instrument APIs to rows: expiry
// dates and contracts for Postgres, candles for the QuestDB candle tables.

/** One row of `expired_expiries`. */
export type ExpiredExpiryRow = {
  readonly underlying_key: string;
  readonly expiry: IsoDate;
};

/** One row of `expired_instruments`, keyed by the expired instrument key. */
export type ExpiredInstrumentRow = {
  /** Such as `NSE_FO|47983|17-04-2025`; the exchange token alone is reused after expiry. */
  readonly instrument_key: string;
  /** The underlying that was requested, such as `NSE_INDEX|Nifty 50`. */
  readonly underlying_key: string;
  readonly expiry: IsoDate;
  /** `CE`, `PE` or `FUT`. */
  readonly instrument_type: string;
  readonly name: string | null;
  readonly segment: string | null;
  readonly exchange: string | null;
  readonly exchange_token: string | null;
  readonly trading_symbol: string | null;
  /** Rupees; null for futures. */
  readonly strike_price: number | null;
  /** Paise, as Upstox sends it (5 is ₹0.05). */
  readonly tick_size_paise: number | null;
  readonly lot_size: number | null;
  readonly minimum_lot: number | null;
  readonly freeze_quantity: number | null;
  readonly underlying_type: string | null;
  readonly underlying_symbol: string | null;
  readonly weekly: boolean | null;
  /** The contract as received. */
  readonly raw: Readonly<Record<string, unknown>>;
};

/** A candle of an expired contract, written to the candle tables with `source` = `expired`. */
export type ExpiredCandleRow = Omit<CandleRow, 'source'> & { readonly source: 'expired' };

/** Returns the label stored in the candle tables' `interval` column; `day` becomes `1day` as in the V3 candles. */
export function expiredIntervalLabel(interval: ExpiredCandleInterval): string {
  return interval === 'day' ? '1day' : interval;
}

/** Returns the candle table of an interval: minute bars go to the intraday table, day bars to the daily one. */
export function expiredCandleTable(interval: ExpiredCandleInterval): 'candles_intraday' | 'candles_daily' {
  return interval === 'day' ? 'candles_daily' : 'candles_intraday';
}

/** Converts the expiry list of one underlying to rows, oldest first, each date once. */
export function normaliseExpiries(underlyingKey: string, data: readonly string[]): ExpiredExpiryRow[] {
  const bad = data.filter((date) => !isIsoDate(date));
  if (bad.length > 0) {
    throw new MarketInfoValueError(
      `the expiries of ${underlyingKey} include ${bad.length} value(s) that are not dates as YYYY-MM-DD: ${bad.slice(0, 3).map((d) => JSON.stringify(d)).join(', ')}`,
      bad.map((d) => `not a date: ${JSON.stringify(d)}`),
    );
  }
  return [...new Set(data)].sort().map((expiry) => ({ underlying_key: underlyingKey, expiry }));
}

/**
 * Converts expired option or future contracts of one underlying and expiry to rows. Each key
 * must carry the requested expiry in its `DD-MM-YYYY` part, and each `expiry` field must equal
 * it, because a contract of another expiry under this request would be stored under a wrong date.
 */
export function normaliseExpiredContracts(underlyingKey: string, expiryDate: IsoDate, data: readonly ExpiredContractData[]): ExpiredInstrumentRow[] {
  const issues: string[] = [];
  const rows = new Map<string, ExpiredInstrumentRow>();
  for (const contract of data) {
    const key = contract.instrument_key;
    if (!isExpiredInstrumentKey(key)) {
      issues.push(`${JSON.stringify(key)} is not an expired instrument key (SEGMENT|TOKEN|DD-MM-YYYY)`);
      continue;
    }
    if (expiryOfExpiredKey(key) !== expiryDate || contract.expiry !== expiryDate) {
      issues.push(`${key} has expiry ${JSON.stringify(contract.expiry)}, but ${expiryDate} was requested`);
      continue;
    }
    if (contract.strike_price != null && !(contract.strike_price > 0)) issues.push(`${key} has strike price ${contract.strike_price}`);
    for (const [field, value] of [['lot_size', contract.lot_size], ['minimum_lot', contract.minimum_lot]] as const) {
      if (value != null && !(Number.isSafeInteger(value) && value > 0)) issues.push(`${key} has ${field} ${value}, which is not a positive whole quantity`);
    }
    if (rows.has(key)) issues.push(`${key} is listed twice`);
    rows.set(key, {
      instrument_key: key,
      underlying_key: underlyingKey,
      expiry: expiryDate,
      instrument_type: contract.instrument_type,
      name: contract.name ?? null,
      segment: contract.segment ?? null,
      exchange: contract.exchange ?? null,
      exchange_token: contract.exchange_token ?? null,
      trading_symbol: contract.trading_symbol ?? null,
      strike_price: contract.strike_price ?? null,
      tick_size_paise: contract.tick_size ?? null,
      lot_size: contract.lot_size ?? null,
      minimum_lot: contract.minimum_lot ?? null,
      freeze_quantity: contract.freeze_quantity ?? null,
      underlying_type: contract.underlying_type ?? null,
      underlying_symbol: contract.underlying_symbol ?? null,
      weekly: contract.weekly ?? null,
      raw: contract,
    });
  }
  if (issues.length > 0) {
    throw new MarketInfoValueError(`the expired contracts of ${underlyingKey} for ${expiryDate} are invalid (${issues.length} problem(s)): ${issues.slice(0, 3).join('; ')}`, issues);
  }
  return [...rows.values()];
}

export interface ExpiredCandleResult {
  /** Ascending by time, one row per bar start. */
  readonly rows: ExpiredCandleRow[];
  readonly outsideWindow: number;
  readonly duplicates: number;
}

/**
 * Converts the candles of one expired contract with the live candles' normaliser, so the rows
 * match `candles_intraday` and `candles_daily` exactly; only `source` differs. Throws
 * `CandleValidationError` on an impossible candle.
 */
export function normaliseExpiredCandles(input: {
  readonly expiredInstrumentKey: string;
  readonly interval: ExpiredCandleInterval;
  readonly candles: readonly RawCandle[];
  readonly window: { readonly fromDate: IsoDate; readonly toDate: IsoDate };
}): ExpiredCandleResult {
  const result = normaliseCandles({
    instrumentKey: input.expiredInstrumentKey,
    interval: expiredIntervalLabel(input.interval),
    // Overwritten below, because the shared candle row type has only the live endpoints' sources.
    source: 'historical',
    candles: input.candles,
    window: input.window,
  });
  return {
    rows: result.rows.map((row) => ({ ...row, source: 'expired' as const })),
    outsideWindow: result.outsideWindow,
    duplicates: result.duplicates,
  };
}
