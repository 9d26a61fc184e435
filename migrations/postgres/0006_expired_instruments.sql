-- Expired derivatives (an Upstox Plus feature): the past expiry dates of each underlying and
-- the contracts of each expiry. Their candles go to the QuestDB candle tables with
-- source = 'expired'.

-- Upstox lists only about six months of past expiries, so rows are kept after they drop out
-- of that window.
CREATE TABLE expired_expiries (
  underlying_key  text NOT NULL,
  expiry          date NOT NULL,
  PRIMARY KEY (underlying_key, expiry)
);

-- Keyed by the expired instrument key (NSE_FO|47983|17-04-2025): exchanges reuse a token
-- after its contract expires, so the token alone does not identify a contract.
CREATE TABLE expired_instruments (
  instrument_key     text    PRIMARY KEY,
  underlying_key     text    NOT NULL,
  expiry             date    NOT NULL,
  instrument_type    text    NOT NULL,
  name               text,
  segment            text,
  exchange           text,
  exchange_token     text,
  trading_symbol     text,
  -- Rupees; null for futures.
  strike_price       numeric,
  -- Paise, as Upstox sends it: 5 is 0.05 rupees.
  tick_size_paise    numeric,
  lot_size           integer,
  minimum_lot        integer,
  freeze_quantity    numeric,
  underlying_type    text,
  underlying_symbol  text,
  weekly             boolean,
  raw                jsonb   NOT NULL
);
CREATE INDEX expired_instruments_underlying ON expired_instruments (underlying_key, expiry);
