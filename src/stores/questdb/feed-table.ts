import type { FeedStatusRow, FeedTickRow } from '../../normalise/feed.js';
import type { TableSpec } from './row-writer.js';

// The QuestDB tables of the market data feed (migrations/questdb/0006_feed_ticks.sql).
// `feed_ticks` is deduplicated on (ts, instrument_key, received_ts), because two ticks of one
// instrument can share a last trade time; `feed_market_status` on (ts, segment).

/** Writes feed ticks; the designated timestamp is the last trade time of each tick. */
export const FEED_TICKS_TABLE: TableSpec<FeedTickRow> = {
  table: 'feed_ticks',
  timestampMs: (row) => row.tsMs,
  seriesColumn: 'instrument_key',
  columns: [
    { name: 'instrument_key', kind: 'symbol', value: (row) => row.instrumentKey },
    { name: 'mode', kind: 'symbol', value: (row) => row.mode },
    { name: 'frame_type', kind: 'symbol', value: (row) => row.frameType },
    { name: 'received_ts', kind: 'timestamp', value: (row) => row.receivedMs },
    { name: 'ltp', kind: 'float', value: (row) => row.ltp },
    { name: 'ltq', kind: 'int', value: (row) => row.ltq },
    { name: 'cp', kind: 'float', value: (row) => row.cp },
    { name: 'bid_price', kind: 'float', value: (row) => row.bidPrice },
    { name: 'bid_qty', kind: 'int', value: (row) => row.bidQty },
    { name: 'ask_price', kind: 'float', value: (row) => row.askPrice },
    { name: 'ask_qty', kind: 'int', value: (row) => row.askQty },
    { name: 'volume', kind: 'int', value: (row) => row.volume },
    { name: 'oi', kind: 'float', value: (row) => row.oi },
    { name: 'iv', kind: 'float', value: (row) => row.iv },
    { name: 'total_buy_qty', kind: 'float', value: (row) => row.totalBuyQty },
    { name: 'total_sell_qty', kind: 'float', value: (row) => row.totalSellQty },
    { name: 'atp', kind: 'float', value: (row) => row.atp },
    { name: 'day_open', kind: 'float', value: (row) => row.dayOpen },
    { name: 'day_high', kind: 'float', value: (row) => row.dayHigh },
    { name: 'day_low', kind: 'float', value: (row) => row.dayLow },
    { name: 'day_close', kind: 'float', value: (row) => row.dayClose },
    { name: 'day_volume', kind: 'int', value: (row) => row.dayVolume },
    { name: 'delta', kind: 'float', value: (row) => row.delta },
    { name: 'theta', kind: 'float', value: (row) => row.theta },
    { name: 'gamma', kind: 'float', value: (row) => row.gamma },
    { name: 'vega', kind: 'float', value: (row) => row.vega },
    { name: 'rho', kind: 'float', value: (row) => row.rho },
  ],
};

/** Writes the segment statuses of `market_info` frames, stamped with the frame time. */
export const FEED_MARKET_STATUS_TABLE: TableSpec<FeedStatusRow> = {
  table: 'feed_market_status',
  timestampMs: (row) => row.tsMs,
  seriesColumn: 'segment',
  columns: [
    { name: 'segment', kind: 'symbol', value: (row) => row.segment },
    { name: 'status', kind: 'symbol', value: (row) => row.status },
  ],
};
