-- Orders and trades, keyed by their own ids, so fetching them again updates rows and never
-- adds any. Ids are text: exchange order ids exceed 2^53. Times are UTC instants read from
-- Upstox's IST wall-clock times.

CREATE TABLE account_orders (
  account             text        NOT NULL,
  order_id            text        NOT NULL,
  exchange_order_id   text,
  parent_order_id     text,
  instrument_key      text,
  trading_symbol      text,
  exchange            text,
  product             text,
  order_type          text,
  transaction_type    text,
  validity            text,
  variety             text,
  status              text        NOT NULL,
  status_message      text,
  status_message_raw  text,
  price               numeric,
  trigger_price       numeric,
  average_price       numeric,
  quantity            bigint,
  filled_quantity     bigint,
  pending_quantity    bigint,
  disclosed_quantity  bigint,
  tag                 text,
  guid                text,
  placed_by           text,
  is_amo              boolean,
  order_request_id    text,
  order_ref_id        text,
  order_ts            timestamptz,
  exchange_ts         timestamptz,
  fetched_at          timestamptz NOT NULL,
  raw                 jsonb       NOT NULL,
  PRIMARY KEY (account, order_id)
);
CREATE INDEX account_orders_order_ts ON account_orders (account, order_ts);

-- One row per state transition; `seq` is the position in Upstox's list, oldest first.
CREATE TABLE account_order_history (
  account             text        NOT NULL,
  order_id            text        NOT NULL,
  seq                 integer     NOT NULL CHECK (seq >= 1),
  exchange_order_id   text,
  parent_order_id     text,
  instrument_key      text,
  trading_symbol      text,
  exchange            text,
  product             text,
  order_type          text,
  transaction_type    text,
  validity            text,
  variety             text,
  status              text        NOT NULL,
  status_message      text,
  price               numeric,
  trigger_price       numeric,
  average_price       numeric,
  quantity            bigint,
  filled_quantity     bigint,
  disclosed_quantity  bigint,
  tag                 text,
  placed_by           text,
  is_amo              boolean,
  order_request_id    text,
  order_ts            timestamptz,
  exchange_ts         timestamptz,
  fetched_at          timestamptz NOT NULL,
  raw                 jsonb       NOT NULL,
  PRIMARY KEY (account, order_id, seq)
);

-- Trades of the current day. Exchange trade numbers restart per exchange and day, so the
-- order id is part of the key.
CREATE TABLE account_trades (
  account            text        NOT NULL,
  order_id           text        NOT NULL,
  trade_id           text        NOT NULL,
  exchange_order_id  text,
  instrument_key     text,
  trading_symbol     text,
  exchange           text,
  product            text,
  order_type         text,
  transaction_type   text,
  quantity           bigint,
  average_price      numeric,
  order_ref_id       text,
  order_ts           timestamptz,
  exchange_ts        timestamptz,
  fetched_at         timestamptz NOT NULL,
  raw                jsonb       NOT NULL,
  PRIMARY KEY (account, order_id, trade_id)
);
CREATE INDEX account_trades_exchange_ts ON account_trades (account, exchange_ts);

-- Trades of the last three financial years. The body has no order id, so the key is the
-- segment, exchange, date, trade number and side.
CREATE TABLE account_historical_trades (
  account           text        NOT NULL,
  segment           text        NOT NULL,
  exchange          text        NOT NULL,
  trade_date        date        NOT NULL,
  trade_id          text        NOT NULL,
  transaction_type  text        NOT NULL,
  instrument_key    text,
  isin              text,
  symbol            text,
  scrip_name        text,
  option_type       text,
  strike_price      numeric,
  expiry            date,
  quantity          bigint,
  price             numeric,
  amount            numeric,
  fetched_at        timestamptz NOT NULL,
  raw               jsonb       NOT NULL,
  PRIMARY KEY (account, segment, exchange, trade_date, trade_id, transaction_type)
);
CREATE INDEX account_historical_trades_date ON account_historical_trades (account, trade_date);
