-- Quote snapshots from the full market quote, OHLC V3 and LTP V3 endpoints. ${prefix} is the
-- QUESTDB_TABLE_PREFIX setting. ts is the market time the quote refers to: the last trade
-- (full quote), the live bar's start (OHLC V3), or the snapshot slot (LTP V3, which sends no
-- time). Rows of one instrument and endpoint at the same ts are deduplicated, so polls that
-- see no new trade rewrite one row. Prices are rupees, quantities shares or contracts.
-- instrument_key is a SYMBOL sized for the full instruments master; trading_symbol and depth
-- are VARCHAR because they are close to unique per instrument.

CREATE TABLE IF NOT EXISTS ${prefix}quotes (
  ts               TIMESTAMP,
  instrument_key   SYMBOL CAPACITY 131072,
  source           SYMBOL CAPACITY 16,
  trading_symbol   VARCHAR,
  snapshot_ts      TIMESTAMP,
  last_trade_ts    TIMESTAMP,
  last_price       DOUBLE,
  prev_close       DOUBLE,
  net_change       DOUBLE,
  open             DOUBLE,
  high             DOUBLE,
  low              DOUBLE,
  close            DOUBLE,
  volume           LONG,
  prev_bar_ts      TIMESTAMP,
  prev_bar_open    DOUBLE,
  prev_bar_high    DOUBLE,
  prev_bar_low     DOUBLE,
  prev_bar_close   DOUBLE,
  prev_bar_volume  LONG,
  last_traded_qty  LONG,
  average_price    DOUBLE,
  oi               DOUBLE,
  oi_day_high      DOUBLE,
  oi_day_low       DOUBLE,
  total_buy_qty    LONG,
  total_sell_qty   LONG,
  lower_circuit    DOUBLE,
  upper_circuit    DOUBLE,
  bid_price        DOUBLE,
  bid_qty          LONG,
  bid_orders       LONG,
  ask_price        DOUBLE,
  ask_qty          LONG,
  ask_orders       LONG,
  bid_levels       LONG,
  ask_levels       LONG,
  depth            VARCHAR
) TIMESTAMP(ts) PARTITION BY DAY WAL
DEDUP UPSERT KEYS (ts, instrument_key, source);
