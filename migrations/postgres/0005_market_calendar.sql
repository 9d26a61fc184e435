-- Market information: exchange status changes, holidays and session timings. The holiday
-- and timing tables are the trading calendar that the scheduler reads.

-- One row per status change of an exchange, not only the latest status. Upstox stamps each
-- status with the instant the exchange entered it (last_updated), so polling the same status
-- again finds the same row. An exchange changes status a few times a day, so the history
-- stays small, and it records when each exchange really opened and closed (late opens,
-- special sessions), which a latest-only row would overwrite. market_status_latest below
-- gives the current status.
CREATE TABLE market_status (
  exchange          text        NOT NULL,
  last_updated      timestamptz NOT NULL,
  status            text        NOT NULL,
  -- The closing auction session status, sent only for segments that have one.
  cas_status        text,
  cas_last_updated  timestamptz,
  -- When this pipeline first saw the row; a later poll of the same status keeps it.
  observed_at       timestamptz NOT NULL,
  raw               jsonb       NOT NULL,
  PRIMARY KEY (exchange, last_updated)
);

CREATE VIEW market_status_latest AS
  SELECT DISTINCT ON (exchange) exchange, status, last_updated, cas_status, cas_last_updated, observed_at
  FROM market_status
  ORDER BY exchange, last_updated DESC;

-- One row per holiday entry and exchange. Closures come from the entry's closed_exchanges
-- and windows from its open_exchanges, never from holiday_type: Upstox labels ordinary days
-- and special sessions TRADING_HOLIDAY too.
CREATE TABLE market_holidays (
  date            date        NOT NULL,
  exchange        text        NOT NULL,
  description     text,
  holiday_type    text,
  closed_all_day  boolean     NOT NULL,
  -- The window of an exchange that trades that day (a special or partial session).
  open_start      timestamptz,
  open_end        timestamptz,
  raw             jsonb       NOT NULL,
  PRIMARY KEY (date, exchange),
  CHECK (
    (closed_all_day AND open_start IS NULL AND open_end IS NULL)
    OR (NOT closed_all_day AND open_start IS NOT NULL AND open_end > open_start)
  )
);

-- Years whose whole holiday list has been stored. The calendar answers for a date only when
-- its year is here, because a year without its list would make every holiday look like a
-- trading day.
CREATE TABLE market_holiday_years (
  year     integer PRIMARY KEY,
  entries  integer NOT NULL
);

-- The session of each exchange that trades on a date, as the timings API lists it.
CREATE TABLE market_timings (
  date        date        NOT NULL,
  exchange    text        NOT NULL,
  start_time  timestamptz NOT NULL,
  end_time    timestamptz NOT NULL,
  PRIMARY KEY (date, exchange),
  CHECK (end_time > start_time)
);
