import { z } from 'zod';
import { istDateOf, type IsoDate } from '../time/ist.js';

// One row of an Upstox instruments master file, validated and typed. Row shapes differ by
// segment: equities carry isin and short_name, derivatives expiry, strike and underlying,
// MCX and NSE_COM rows last_trading_date and price_quote_unit, global rows country and
// latency. A field that does not apply is left out of the row, so every typed field is
// optional, and fields this module does not type stay in `raw`.

const text = z.string().nullish();
const count = z.number().int().nonnegative().nullish();
const amount = z.number().nonnegative().nullish();
// Epoch milliseconds; the bounds (1990..2200) catch a value in seconds or microseconds.
const epochMs = z.number().int().min(631_152_000_000).max(7_258_118_400_000).nullish();

const masterRowSchema = z.looseObject({
  instrument_key: z.string().min(1),
  segment: z.string().min(1),
  exchange: text,
  instrument_type: text,
  trading_symbol: text,
  name: text,
  short_name: text,
  isin: text,
  // A string in every recorded file; a number is taken too, and stored as text like any id.
  exchange_token: z.union([z.string(), z.number().int()]).nullish(),
  lot_size: count,
  minimum_lot: count,
  freeze_quantity: amount,
  tick_size: amount,
  qty_multiplier: amount,
  strike_price: amount,
  expiry: epochMs,
  last_trading_date: epochMs,
  weekly: z.boolean().nullish(),
  underlying_key: text,
  underlying_symbol: text,
  underlying_type: text,
  asset_key: text,
  asset_symbol: text,
  asset_type: text,
});

/** One instrument as stored: typed columns, and the row as Upstox sent it. */
export interface InstrumentRow {
  readonly instrumentKey: string;
  /** As given, also for segments this code does not know (GLOBAL_INDEX, GLOBAL_INDICATOR, later ones). */
  readonly segment: string;
  readonly exchange: string | null;
  readonly instrumentType: string | null;
  readonly tradingSymbol: string | null;
  readonly name: string | null;
  readonly shortName: string | null;
  readonly isin: string | null;
  readonly exchangeToken: string | null;
  readonly lotSize: number | null;
  readonly minimumLot: number | null;
  readonly freezeQuantity: number | null;
  /** Rupees as an exact decimal string; the file states paise (5.0 = ₹0.05). */
  readonly tickSize: string | null;
  readonly qtyMultiplier: number | null;
  /** Null where the file gives 0, which it does for futures and spot rows. */
  readonly strikePrice: number | null;
  /** The IST calendar date of the expiry instant. */
  readonly expiry: IsoDate | null;
  /** The expiry instant as the file gives it: 23:59:59 IST of the expiry day, in epoch ms. */
  readonly expiryMs: number | null;
  readonly lastTradingDate: IsoDate | null;
  readonly weekly: boolean | null;
  readonly underlyingKey: string | null;
  readonly underlyingSymbol: string | null;
  readonly underlyingType: string | null;
  readonly assetKey: string | null;
  readonly assetSymbol: string | null;
  readonly assetType: string | null;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A master row that fails validation: its position in the file, the reasons and the row itself. */
export class InstrumentRowError extends Error {
  constructor(
    readonly index: number,
    readonly issues: readonly string[],
    readonly row: unknown,
  ) {
    super(`row ${index} of the instruments master is invalid: ${issues.join('; ')}`);
    this.name = 'InstrumentRowError';
  }
}

/** Validates one master row (its 0-based position is `index`) and converts it to an {@link InstrumentRow}. */
export function normaliseInstrument(value: unknown, index: number): InstrumentRow {
  const result = masterRowSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`);
    throw new InstrumentRowError(index, issues, value);
  }
  const row = result.data;
  return {
    instrumentKey: row.instrument_key,
    segment: row.segment,
    exchange: row.exchange ?? null,
    instrumentType: row.instrument_type ?? null,
    tradingSymbol: row.trading_symbol ?? null,
    name: row.name ?? null,
    shortName: row.short_name ?? null,
    isin: row.isin ?? null,
    exchangeToken: row.exchange_token === null || row.exchange_token === undefined ? null : String(row.exchange_token),
    lotSize: row.lot_size ?? null,
    minimumLot: row.minimum_lot ?? null,
    freezeQuantity: row.freeze_quantity ?? null,
    tickSize: row.tick_size === null || row.tick_size === undefined ? null : paiseToRupees(row.tick_size),
    qtyMultiplier: row.qty_multiplier ?? null,
    strikePrice: row.strike_price ? row.strike_price : null,
    expiry: row.expiry === null || row.expiry === undefined ? null : istDateOf(row.expiry),
    expiryMs: row.expiry ?? null,
    lastTradingDate: row.last_trading_date === null || row.last_trading_date === undefined ? null : istDateOf(row.last_trading_date),
    weekly: row.weekly ?? null,
    underlyingKey: row.underlying_key ?? null,
    underlyingSymbol: row.underlying_symbol ?? null,
    underlyingType: row.underlying_type ?? null,
    assetKey: row.asset_key ?? null,
    assetSymbol: row.asset_symbol ?? null,
    assetType: row.asset_type ?? null,
    raw: value as Record<string, unknown>,
  };
}

/**
 * Converts a tick size in paise to rupees as an exact decimal string, by moving the decimal
 * point two places (5 → "0.05", 0.25 → "0.0025", 100 → "1"), so no binary rounding enters
 * the numeric column.
 */
export function paiseToRupees(paise: number): string {
  const written = String(paise);
  if (!Number.isFinite(paise) || paise < 0 || written.includes('e')) {
    throw new RangeError(`invalid tick size ${written} paise: expected a non-negative decimal number such as 5 or 0.25`);
  }
  const [whole = '0', fraction = ''] = written.split('.');
  const padded = whole.padStart(3, '0');
  const rupees = padded.slice(0, -2).replace(/^0+(?=\d)/, '');
  const decimals = (padded.slice(-2) + fraction).replace(/0+$/, '');
  return decimals === '' ? rupees : `${rupees}.${decimals}`;
}
