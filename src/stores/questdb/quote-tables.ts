import type { DepthLevel, QuoteRow } from '../../normalise/quotes.js';
import type { TableSpec } from './row-writer.js';

// The QuestDB `quotes` table (migrations/questdb/0002_quotes.sql): one row per instrument,
// endpoint and market time. Its DEDUP UPSERT KEYS are (ts, instrument_key, source), so polls
// that see the same last trade overwrite one row instead of adding another.

/** Writes quote rows; the designated timestamp is the market time of each quote. */
export const QUOTES_TABLE: TableSpec<QuoteRow> = {
  table: 'quotes',
  timestampMs: (row) => row.tsMs,
  seriesColumn: 'instrument_key',
  columns: [
    { name: 'instrument_key', kind: 'symbol', value: (row) => row.instrumentKey },
    { name: 'source', kind: 'symbol', value: (row) => row.source },
    { name: 'trading_symbol', kind: 'string', value: (row) => row.tradingSymbol },
    { name: 'snapshot_ts', kind: 'timestamp', value: (row) => row.snapshotMs },
    { name: 'last_trade_ts', kind: 'timestamp', value: (row) => row.lastTradeMs },
    { name: 'last_price', kind: 'float', value: (row) => row.lastPrice },
    { name: 'prev_close', kind: 'float', value: (row) => row.prevClose },
    { name: 'net_change', kind: 'float', value: (row) => row.netChange },
    { name: 'open', kind: 'float', value: (row) => row.open },
    { name: 'high', kind: 'float', value: (row) => row.high },
    { name: 'low', kind: 'float', value: (row) => row.low },
    { name: 'close', kind: 'float', value: (row) => row.close },
    { name: 'volume', kind: 'int', value: (row) => row.volume },
    { name: 'prev_bar_ts', kind: 'timestamp', value: (row) => row.prevBarMs },
    { name: 'prev_bar_open', kind: 'float', value: (row) => row.prevBarOpen },
    { name: 'prev_bar_high', kind: 'float', value: (row) => row.prevBarHigh },
    { name: 'prev_bar_low', kind: 'float', value: (row) => row.prevBarLow },
    { name: 'prev_bar_close', kind: 'float', value: (row) => row.prevBarClose },
    { name: 'prev_bar_volume', kind: 'int', value: (row) => row.prevBarVolume },
    { name: 'last_traded_qty', kind: 'int', value: (row) => row.lastTradedQty },
    { name: 'average_price', kind: 'float', value: (row) => row.averagePrice },
    { name: 'oi', kind: 'float', value: (row) => row.oi },
    { name: 'oi_day_high', kind: 'float', value: (row) => row.oiDayHigh },
    { name: 'oi_day_low', kind: 'float', value: (row) => row.oiDayLow },
    { name: 'total_buy_qty', kind: 'int', value: (row) => row.totalBuyQty },
    { name: 'total_sell_qty', kind: 'int', value: (row) => row.totalSellQty },
    { name: 'lower_circuit', kind: 'float', value: (row) => row.lowerCircuit },
    { name: 'upper_circuit', kind: 'float', value: (row) => row.upperCircuit },
    { name: 'bid_price', kind: 'float', value: (row) => row.bids?.[0]?.price },
    { name: 'bid_qty', kind: 'int', value: (row) => row.bids?.[0]?.quantity },
    { name: 'bid_orders', kind: 'int', value: (row) => row.bids?.[0]?.orders },
    { name: 'ask_price', kind: 'float', value: (row) => row.asks?.[0]?.price },
    { name: 'ask_qty', kind: 'int', value: (row) => row.asks?.[0]?.quantity },
    { name: 'ask_orders', kind: 'int', value: (row) => row.asks?.[0]?.orders },
    { name: 'bid_levels', kind: 'int', value: (row) => row.bids?.length },
    { name: 'ask_levels', kind: 'int', value: (row) => row.asks?.length },
    { name: 'depth', kind: 'string', value: (row) => depthJson(row) },
  ],
};

/**
 * Encodes the real depth levels as compact JSON, `{"buy":[[price,quantity,orders],…],"sell":[…]}`,
 * best level first; null when the endpoint sends no depth.
 */
export function depthJson(row: Pick<QuoteRow, 'bids' | 'asks'>): string | null {
  if (row.bids === null && row.asks === null) return null;
  const levels = (side: readonly DepthLevel[] | null) => (side ?? []).map((level) => [level.price, level.quantity, level.orders]);
  return JSON.stringify({ buy: levels(row.bids), sell: levels(row.asks) });
}
