import type { IsoDate } from '../time/ist.js';

/**
 * Which endpoint a candle came from; a historical candle replaces an intraday one of the same
 * bar. `expired` marks candles of expired contracts from the expired-instrument API.
 */
export type CandleSource = 'historical' | 'intraday' | 'expired';

/** One normalised candle, ready for QuestDB. */
export interface CandleRow {
  /** Bar start in epoch milliseconds (UTC). */
  readonly tsMs: number;
  readonly instrumentKey: string;
  /** Such as `1minute`, `15minute`, `1hour`, `1day`. */
  readonly interval: string;
  /** The IST calendar date of the bar start. */
  readonly tradeDate: IsoDate;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** A safe integer. */
  readonly volume: number;
  readonly openInterest: number;
  readonly source: CandleSource;
}
