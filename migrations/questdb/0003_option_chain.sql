-- Option-chain and option-greek snapshots: one row per contract (one strike and side, CE or
-- PE) per endpoint and snapshot slot. ${prefix} is the QUESTDB_TABLE_PREFIX setting. Neither
-- endpoint sends a market time, so ts is the snapshot slot: the job's asOf, or the poll time
-- cut to the minute. iv and pop are fractions (0.3442 is 34.42 %); theta is rupees per
-- calendar day and vega rupees per percentage point of IV. Greeks that Upstox did not
-- compute (iv, vega, gamma and theta all exactly 0) are stored as null.
-- instrument_key holds every option contract, so its SYMBOL capacity covers the master.

CREATE TABLE IF NOT EXISTS ${prefix}option_chain (
  ts               TIMESTAMP,
  instrument_key   SYMBOL CAPACITY 131072,
  source           SYMBOL CAPACITY 8,
  underlying_key   SYMBOL CAPACITY 4096,
  side             SYMBOL CAPACITY 4,
  expiry           DATE,
  strike           DOUBLE,
  polled_at        TIMESTAMP,
  underlying_spot  DOUBLE,
  pcr              DOUBLE,
  last_price       DOUBLE,
  prev_close       DOUBLE,
  volume           LONG,
  last_traded_qty  LONG,
  oi               DOUBLE,
  prev_oi          DOUBLE,
  bid_price        DOUBLE,
  bid_qty          LONG,
  ask_price        DOUBLE,
  ask_qty          LONG,
  iv               DOUBLE,
  delta            DOUBLE,
  gamma            DOUBLE,
  theta            DOUBLE,
  vega             DOUBLE,
  pop              DOUBLE
) TIMESTAMP(ts) PARTITION BY DAY WAL
DEDUP UPSERT KEYS (ts, instrument_key, source);
