-- The backfill ledger: one row per planned candle request, and which backfills asked for it.

CREATE TABLE backfills (
  id          bigserial PRIMARY KEY,
  account     text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  request     jsonb       NOT NULL
);

CREATE TABLE candle_chunks (
  -- Derived from the work itself; equal to the BullMQ job id that fetches the chunk.
  chunk_id        text        PRIMARY KEY,
  account         text        NOT NULL,
  instrument_key  text        NOT NULL,
  unit            text        NOT NULL,
  interval        integer     NOT NULL,
  source          text        NOT NULL CHECK (source IN ('historical', 'intraday')),
  from_date       date        NOT NULL,
  to_date         date        NOT NULL,
  -- pending: queued or running; done: stored and checked; empty: no candles and no trading
  -- day in the window; unavailable: never requested (before the history floor, or the
  -- future); suspect: stored but a session check failed; empty_trading_day: no candles
  -- although the calendar says the exchange traded; failed: a permanent error; partial:
  -- an intraday chunk of a session still in progress.
  state           text        NOT NULL CHECK (state IN ('pending', 'done', 'empty', 'unavailable', 'suspect',
                                                        'empty_trading_day', 'failed', 'partial')),
  rows_written    integer     NOT NULL DEFAULT 0,
  requests_made   integer     NOT NULL DEFAULT 0,
  detail          text,
  error_code      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX candle_chunks_instrument ON candle_chunks (instrument_key, unit, interval, from_date);
CREATE INDEX candle_chunks_open ON candle_chunks (state) WHERE state NOT IN ('done', 'empty', 'unavailable');

CREATE TABLE backfill_chunks (
  backfill_id  bigint NOT NULL REFERENCES backfills (id) ON DELETE CASCADE,
  chunk_id     text   NOT NULL REFERENCES candle_chunks (chunk_id),
  PRIMARY KEY (backfill_id, chunk_id)
);
CREATE INDEX backfill_chunks_chunk ON backfill_chunks (chunk_id);

-- The stored extent per instrument and interval; last_ts is the resume cursor.
CREATE TABLE candle_coverage (
  instrument_key  text        NOT NULL,
  interval        text        NOT NULL,
  first_ts        timestamptz NOT NULL,
  last_ts         timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (instrument_key, interval)
);
