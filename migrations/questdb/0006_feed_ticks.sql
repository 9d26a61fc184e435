-- Ticks of the Market Data Feed V3 (websocket), written by `upstox-ingest feed`. ${prefix} is
-- the QUESTDB_TABLE_PREFIX setting. One row per instrument per frame: ts is the last trade
-- time (ltt), or the frame time when the instrument has no trade time yet; received_ts is
-- the frame's currentTs. A field the frame left out keeps the instrument's last value, and
-- a field the mode never sends is null.
--
-- Two frames can share an ltt: index ticks carry whole seconds, and a frame that changes only
-- the depth repeats the last trade time. So received_ts is part of the key. Writing the same
-- frame's rows twice (a retried batch) keeps one row. A reconnect's snapshot repeats the last
-- tick under a new received_ts, with frame_type = initial_feed.
-- Prices are rupees, quantities shares or contracts.

CREATE TABLE IF NOT EXISTS ${prefix}feed_ticks (
  ts               TIMESTAMP,
  instrument_key   SYMBOL CAPACITY 131072,
  received_ts      TIMESTAMP,
  mode             SYMBOL CAPACITY 8,
  frame_type       SYMBOL CAPACITY 4,
  ltp              DOUBLE,
  ltq              LONG,
  cp               DOUBLE,
  bid_price        DOUBLE,
  bid_qty          LONG,
  ask_price        DOUBLE,
  ask_qty          LONG,
  volume           LONG,
  oi               DOUBLE,
  iv               DOUBLE,
  total_buy_qty    DOUBLE,
  total_sell_qty   DOUBLE,
  atp              DOUBLE,
  day_open         DOUBLE,
  day_high         DOUBLE,
  day_low          DOUBLE,
  day_close        DOUBLE,
  day_volume       LONG,
  delta            DOUBLE,
  theta            DOUBLE,
  gamma            DOUBLE,
  vega             DOUBLE,
  rho              DOUBLE
) TIMESTAMP(ts) PARTITION BY DAY WAL
DEDUP UPSERT KEYS (ts, instrument_key, received_ts);

-- Segment status from the feed's market_info frames: one row per segment per frame, at the
-- frame's currentTs. Upstox sends one as the first frame of every connection.
-- This is not the Postgres market_status table: that one is keyed by exchange (NSE, NFO) and
-- by the time the exchange entered the status, while the feed reports segments (NSE_EQ,
-- NSE_FO) and only the time of the frame.

CREATE TABLE IF NOT EXISTS ${prefix}feed_market_status (
  ts       TIMESTAMP,
  segment  SYMBOL CAPACITY 64,
  status   SYMBOL CAPACITY 16
) TIMESTAMP(ts) PARTITION BY MONTH WAL
DEDUP UPSERT KEYS (ts, segment);
