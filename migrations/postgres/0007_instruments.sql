-- The Upstox instruments master: one version row per load of a file, the active master, the
-- change history, and the staging table a load fills before it switches versions.

-- One row per load that changed the master. A load whose file has the checksum of the
-- file's active version adds no row. At most one version per file is active.
CREATE TABLE instrument_versions (
  id             bigserial   PRIMARY KEY,
  file           text        NOT NULL,   -- complete, NSE, BSE or MCX
  url            text        NOT NULL,
  checksum       text        NOT NULL,   -- SHA-256 of the compressed bytes, hex
  bytes          bigint      NOT NULL,   -- compressed size
  row_count      integer     NOT NULL,
  new_count      integer     NOT NULL,
  changed_count  integer     NOT NULL,
  gone_count     integer     NOT NULL,
  loaded_at      timestamptz NOT NULL,
  active         boolean     NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX instrument_versions_one_active ON instrument_versions (file) WHERE active;
CREATE INDEX instrument_versions_file ON instrument_versions (file, loaded_at DESC);

-- The active master: the rows of every file's active version. A key belongs to the file
-- that loaded it last, so loading both complete and an exchange file does not repeat it.
CREATE TABLE instruments (
  instrument_key     text        PRIMARY KEY,
  file               text        NOT NULL,
  -- The version that added the row or last changed its values.
  version_id         bigint      NOT NULL REFERENCES instrument_versions (id),
  segment            text        NOT NULL,   -- as given, also for segments added after this code
  exchange           text,
  instrument_type    text,
  trading_symbol     text,
  name               text,
  short_name         text,
  isin               text,
  exchange_token     text,
  lot_size           integer,
  minimum_lot        integer,
  freeze_quantity    numeric,
  tick_size          numeric,                -- rupees; the file states paise
  qty_multiplier     numeric,
  strike_price       numeric,                -- null where the file gives 0 (futures, spot rows)
  expiry             date,                   -- IST calendar date of expiry_at
  expiry_at          timestamptz,            -- 23:59:59 IST of the expiry day, as the file gives it
  last_trading_date  date,                   -- IST calendar date
  weekly             boolean,
  underlying_key     text,
  underlying_symbol  text,
  underlying_type    text,
  asset_key          text,
  asset_symbol       text,
  asset_type         text,
  raw                jsonb       NOT NULL    -- the row as Upstox sent it
);
CREATE INDEX instruments_file ON instruments (file);
CREATE INDEX instruments_segment_symbol ON instruments (segment, trading_symbol);
CREATE INDEX instruments_underlying_expiry ON instruments (underlying_key, expiry) WHERE underlying_key IS NOT NULL;

-- What each version changed. `fields` lists the fields whose values differ, `before` and
-- `after` hold those fields' values; a gone row keeps its whole last row in `before`.
CREATE TABLE instrument_changes (
  version_id      bigint NOT NULL REFERENCES instrument_versions (id),
  instrument_key  text   NOT NULL,
  change          text   NOT NULL CHECK (change IN ('new', 'changed', 'gone')),
  fields          text[],
  before          jsonb,
  after           jsonb,
  PRIMARY KEY (version_id, instrument_key)
);
CREATE INDEX instrument_changes_key ON instrument_changes (instrument_key, version_id);

-- Rows of loads in progress, under the version id the load reserved. Unlogged, because a
-- crash only loses a load that runs again; a load deletes its rows when it ends. It has no
-- key, which makes inserts about half as costly; a load looks for repeated keys once, at
-- the end.
CREATE UNLOGGED TABLE instrument_staging (
  load_id            bigint      NOT NULL,
  staged_at          timestamptz NOT NULL DEFAULT now(),
  instrument_key     text        NOT NULL,
  segment            text        NOT NULL,
  exchange           text,
  instrument_type    text,
  trading_symbol     text,
  name               text,
  short_name         text,
  isin               text,
  exchange_token     text,
  lot_size           integer,
  minimum_lot        integer,
  freeze_quantity    numeric,
  tick_size          numeric,
  qty_multiplier     numeric,
  strike_price       numeric,
  expiry             date,
  expiry_at          timestamptz,
  last_trading_date  date,
  weekly             boolean,
  underlying_key     text,
  underlying_symbol  text,
  underlying_type    text,
  asset_key          text,
  asset_symbol       text,
  asset_type         text,
  raw                jsonb       NOT NULL
);
