-- Candle tables. ${prefix} is the QUESTDB_TABLE_PREFIX setting. DEDUP UPSERT KEYS include the
-- designated timestamp, so writing the same candle twice leaves one row holding the last values.
-- instrument_key is a SYMBOL sized for the full instruments master (about 100,000 NSE keys).

CREATE TABLE IF NOT EXISTS ${prefix}candles_intraday (
  ts              TIMESTAMP,
  instrument_key  SYMBOL CAPACITY 131072,
  interval        SYMBOL CAPACITY 512,
  trade_date      DATE,
  open            DOUBLE,
  high            DOUBLE,
  low             DOUBLE,
  close           DOUBLE,
  volume          LONG,
  open_interest   DOUBLE,
  source          SYMBOL CAPACITY 8
) TIMESTAMP(ts) PARTITION BY DAY WAL
DEDUP UPSERT KEYS (ts, instrument_key, interval);

CREATE TABLE IF NOT EXISTS ${prefix}candles_daily (
  ts              TIMESTAMP,
  instrument_key  SYMBOL CAPACITY 131072,
  interval        SYMBOL CAPACITY 8,
  trade_date      DATE,
  open            DOUBLE,
  high            DOUBLE,
  low             DOUBLE,
  close           DOUBLE,
  volume          LONG,
  open_interest   DOUBLE,
  source          SYMBOL CAPACITY 8
) TIMESTAMP(ts) PARTITION BY YEAR WAL
DEDUP UPSERT KEYS (ts, instrument_key, interval);
