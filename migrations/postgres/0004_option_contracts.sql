-- Option contracts (reference data) from GET /v2/option/contract, keyed by instrument key.
-- tick_size is in rupees: the API sends paise (5 = ₹0.05) and the job converts. raw keeps the
-- fields that have no column. fetched_at is when the contract was last seen in a response.

CREATE TABLE option_contracts (
  instrument_key     text        PRIMARY KEY,
  underlying_key     text        NOT NULL,
  underlying_symbol  text,
  underlying_type    text,
  name               text,
  segment            text        NOT NULL,
  exchange           text,
  expiry             date        NOT NULL,
  instrument_type    text        NOT NULL CHECK (instrument_type IN ('CE', 'PE')),
  strike_price       numeric     NOT NULL,
  exchange_token     text,
  trading_symbol     text,
  tick_size          numeric,
  lot_size           integer,
  minimum_lot        integer,
  freeze_quantity    numeric,
  weekly             boolean,
  raw                jsonb       NOT NULL DEFAULT '{}',
  fetched_at         timestamptz NOT NULL
);
CREATE INDEX option_contracts_underlying ON option_contracts (underlying_key, expiry, strike_price);
