import { IST_OFFSET_MS, parseInstant, type IsoDate } from '../time/ist.js';
import type { RawCandle } from '../upstox/candles.js';
import type { CandleRow, CandleSource } from './candle-row.js';

const DAY_MS = 86_400_000;

/** A candle that cannot be real: unreadable time, non-finite price, impossible range or volume. */
export class CandleValidationError extends Error {
  readonly code = 'CANDLE_INVALID';
  /** The response the candles came from, set by the caller that holds it, for the quarantine table. */
  body: { path: string; rawBody: string; status?: number } | undefined;
  constructor(message: string, readonly issues: readonly string[]) {
    super(message);
    this.name = 'CandleValidationError';
  }
}

export interface NormaliseInput {
  readonly instrumentKey: string;
  /** Such as `1minute`; see `intervalLabel`. */
  readonly interval: string;
  readonly source: CandleSource;
  /** As Upstox sends them: newest first, `+05:30` timestamps. */
  readonly candles: readonly RawCandle[];
  /** When set, bars whose IST date falls outside `fromDate`..`toDate` are dropped and counted. */
  readonly window?: { readonly fromDate: IsoDate; readonly toDate: IsoDate };
}

export interface NormaliseResult {
  /** Ascending by time, one row per bar start. */
  readonly rows: CandleRow[];
  readonly outsideWindow: number;
  /** Bars that repeated a bar start already seen in the same response. */
  readonly duplicates: number;
}

/**
 * Turns Upstox candles into rows: timestamps to UTC epoch milliseconds, the IST trading date
 * derived from them, oldest first, one row per bar start. Throws {@link CandleValidationError}
 * listing every impossible candle.
 */
export function normaliseCandles(input: NormaliseInput): NormaliseResult {
  const issues: string[] = [];
  const dateCache = new Map<number, IsoDate>();
  const byTs = new Map<number, CandleRow>();
  let outsideWindow = 0;
  let duplicates = 0;

  // Upstox sends newest first; walking backwards visits bars oldest first, so when a bar
  // start repeats, the later (newer) entry of the response replaces the earlier one.
  for (let i = input.candles.length - 1; i >= 0; i--) {
    const raw = input.candles[i]!;
    const tsMs = checkCandle(raw);
    if (typeof tsMs === 'string') {
      if (issues.length < 20) issues.push(`candle ${i} ${JSON.stringify(raw)}: ${tsMs}`);
      continue;
    }
    const dayNumber = Math.floor((tsMs + IST_OFFSET_MS) / DAY_MS);
    let tradeDate = dateCache.get(dayNumber);
    if (tradeDate === undefined) {
      tradeDate = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
      dateCache.set(dayNumber, tradeDate);
    }
    if (input.window && (tradeDate < input.window.fromDate || tradeDate > input.window.toDate)) {
      outsideWindow++;
      continue;
    }
    if (byTs.has(tsMs)) duplicates++;
    byTs.set(tsMs, {
      tsMs,
      instrumentKey: input.instrumentKey,
      interval: input.interval,
      tradeDate,
      open: raw[1],
      high: raw[2],
      low: raw[3],
      close: raw[4],
      volume: raw[5],
      openInterest: raw[6],
      source: input.source,
    });
  }

  if (issues.length > 0) {
    throw new CandleValidationError(
      `${issues.length} impossible candle(s) for ${input.instrumentKey} ${input.interval}: ${issues.slice(0, 3).join('; ')}`,
      issues,
    );
  }
  const rows = [...byTs.values()];
  // Input that was strictly newest first is already ascending here; sort only when it was not.
  if (!isAscending(rows)) rows.sort((a, b) => a.tsMs - b.tsMs);
  return { rows, outsideWindow, duplicates };
}

/** Returns the bar start in epoch milliseconds, or what is wrong with the candle. */
function checkCandle(raw: RawCandle): number | string {
  const [ts, open, high, low, close, volume, oi] = raw;
  let tsMs: number;
  try {
    tsMs = parseInstant(ts);
  } catch (error) {
    return (error as Error).message;
  }
  for (const value of [open, high, low, close, volume, oi]) {
    if (!Number.isFinite(value)) return `non-finite number ${value}`;
  }
  if (low > high) return `low ${low} is above high ${high}`;
  if (open < low || open > high || close < low || close > high) return `open ${open} or close ${close} lies outside low ${low}..high ${high}`;
  if (!Number.isSafeInteger(volume) || volume < 0) return `volume ${volume} is not a non-negative integer`;
  if (oi < 0) return `open interest ${oi} is negative`;
  return tsMs;
}

function isAscending(rows: readonly CandleRow[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i]!.tsMs <= rows[i - 1]!.tsMs) return false;
  return true;
}
