-- The trade P&L report per segment and financial year, and mutual funds.

-- Report rows have no id: a run replaces the whole report of one segment and year, and
-- `line_no` is the row's position in Upstox's report across pages.
CREATE TABLE account_pnl_trades (
  account         text        NOT NULL,
  segment         text        NOT NULL,
  financial_year  text        NOT NULL CHECK (financial_year ~ '^[0-9]{4}$'),
  line_no         integer     NOT NULL CHECK (line_no >= 1),
  isin            text,
  scrip_name      text,
  trade_type      text,
  quantity        numeric,
  buy_date        date,
  buy_average     numeric,
  buy_amount      numeric,
  sell_date       date,
  sell_average    numeric,
  sell_amount     numeric,
  fetched_at      timestamptz NOT NULL,
  raw             jsonb       NOT NULL,
  PRIMARY KEY (account, segment, financial_year, line_no)
);

-- The report's metadata (trade count, page size limit) and its charges breakdown.
CREATE TABLE account_pnl_summary (
  account                    text        NOT NULL,
  segment                    text        NOT NULL,
  financial_year             text        NOT NULL CHECK (financial_year ~ '^[0-9]{4}$'),
  trades_count               integer     NOT NULL,
  page_size_limit            integer     NOT NULL,
  total_charges              numeric,
  brokerage                  numeric,
  gst                        numeric,
  stt                        numeric,
  stamp_duty                 numeric,
  transaction_charges        numeric,
  clearing_charges           numeric,
  ipft_charges               numeric,
  other_charges              numeric,
  sebi_turnover_charges      numeric,
  demat_transaction_charges  numeric,
  fetched_at                 timestamptz NOT NULL,
  raw                        jsonb       NOT NULL,
  PRIMARY KEY (account, segment, financial_year)
);

-- A daily snapshot like equity holdings; a fund can be held in several folios. Units are
-- fractional, so quantities are numeric.
CREATE TABLE account_mf_holdings (
  account           text        NOT NULL,
  snapshot_date     date        NOT NULL,
  instrument_key    text        NOT NULL,
  folio             text        NOT NULL,
  fund              text,
  quantity          numeric,
  average_price     numeric,
  last_price        numeric,
  last_price_date   date,
  pnl               numeric,
  pledged_quantity  numeric,
  fetched_at        timestamptz NOT NULL,
  raw               jsonb       NOT NULL,
  PRIMARY KEY (account, snapshot_date, instrument_key, folio)
);

CREATE TABLE account_mf_orders (
  account            text        NOT NULL,
  order_id           text        NOT NULL,
  instrument_key     text,
  fund               text,
  folio              text,
  status             text        NOT NULL,
  status_message     text,
  transaction_type   text,
  variety            text,
  purchase_type      text,
  amount             numeric,
  quantity           numeric,
  price              numeric,
  average_price      numeric,
  last_price         numeric,
  last_price_date    date,
  exchange_order_id  text,
  settlement_id      text,
  order_ts           timestamptz,
  exchange_ts        timestamptz,
  fetched_at         timestamptz NOT NULL,
  raw                jsonb       NOT NULL,
  PRIMARY KEY (account, order_id)
);

CREATE TABLE account_mf_sips (
  account                text        NOT NULL,
  sip_id                 text        NOT NULL,
  sip_reg_number         text,
  instrument_key         text,
  fund                   text,
  dividend_type          text,
  status                 text,
  frequency              text,
  transaction_type       text,
  sip_type               text,
  instalments            integer,
  instalment_amount      numeric,
  instalment_day         integer,
  pending_instalments    integer,
  completed_instalments  integer,
  trigger_price          numeric,
  created_date           date,
  next_instalment_date   date,
  last_instalment_date   date,
  fetched_at             timestamptz NOT NULL,
  raw                    jsonb       NOT NULL,
  PRIMARY KEY (account, sip_id)
);
