/** The two candle tables; minutes and hours go to the intraday one, days, weeks and months to the daily one. */
export type CandleTableKind = 'candles_intraday' | 'candles_daily';

/** Returns the QuestDB table name for a kind, with the configured prefix. */
export function candleTableName(prefix: string, kind: CandleTableKind): string {
  return `${prefix}${kind}`;
}
