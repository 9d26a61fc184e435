-- A compact copy of the Postgres instruments master, for joins in BI queries. ${prefix} is
-- the QUESTDB_TABLE_PREFIX setting.
--
-- Each copy is a whole snapshot of the master stamped with one loaded_at, and it counts only
-- once its row is in instrument_snapshots, which is written after every row of the snapshot
-- has been counted in the table. A reader that picks the newest published snapshot therefore
-- never sees half a master, while a new one is being written or when a write failed:
--
--   SELECT * FROM instruments
--   WHERE loaded_at = (SELECT max(loaded_at) FROM instrument_snapshots);
--
-- Writing the same snapshot again (a retried job) replaces its rows, through DEDUP on
-- (loaded_at, instrument_key). Snapshots older than two days are dropped by partition.
-- instrument_key is sized for the complete file of every exchange.

CREATE TABLE IF NOT EXISTS ${prefix}instruments (
  loaded_at        TIMESTAMP,              -- the snapshot: loaded_at of its newest Postgres version
  instrument_key   SYMBOL CAPACITY 524288 NOCACHE,
  segment          SYMBOL CAPACITY 64,
  trading_symbol   VARCHAR,
  name             VARCHAR,
  instrument_type  SYMBOL CAPACITY 1024,
  expiry           DATE,                   -- the IST expiry date, at 00:00
  strike_price     DOUBLE,
  lot_size         LONG,
  tick_size        DOUBLE,                 -- rupees
  underlying_key   SYMBOL CAPACITY 65536
) TIMESTAMP(loaded_at) PARTITION BY DAY WAL
DEDUP UPSERT KEYS (loaded_at, instrument_key);

CREATE TABLE IF NOT EXISTS ${prefix}instrument_snapshots (
  loaded_at  TIMESTAMP,
  row_count  LONG,
  versions   VARCHAR                       -- the Postgres versions in the snapshot, such as NSE:12,MCX:9
) TIMESTAMP(loaded_at) PARTITION BY YEAR WAL
DEDUP UPSERT KEYS (loaded_at);
