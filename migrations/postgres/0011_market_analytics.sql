-- Market analytics, fundamentals, corporate actions and news. Upstox's OpenAPI document leaves
-- most of these bodies loosely typed, so each table types what keys and filters the rows and
-- keeps the body (or the item) as jsonb. Every key is natural: re-fetching the same thing
-- updates its row in place.

-- One body per endpoint, parameter set and as-of date. `as_of_date` is the request's `date`
-- parameter (PCR, OI, change in OI, max pain) or the IST date of the fetch (FII, DII,
-- smartlists), so a second fetch on the same day replaces the first.
CREATE TABLE market_analytics (
  kind            text        NOT NULL CHECK (kind IN ('pcr', 'oi', 'change-oi', 'max-pain', 'fii', 'dii',
                                                       'smartlist-futures', 'smartlist-options', 'smartlist-mtf')),
  -- The request's parameters except `date`, as name=value pairs sorted by name, joined with &.
  params_key      text        NOT NULL,
  as_of_date      date        NOT NULL,
  underlying_key  text,
  expiry          date,
  params          jsonb       NOT NULL,
  -- The body's `data` as sent; NULL when the body had none.
  data            jsonb,
  fetched_at      timestamptz NOT NULL,
  PRIMARY KEY (kind, params_key, as_of_date)
);
CREATE INDEX market_analytics_underlying ON market_analytics (underlying_key, expiry, as_of_date) WHERE underlying_key IS NOT NULL;

-- One snapshot per company, kind, report type, time period and IST day of the fetch.
CREATE TABLE fundamentals (
  kind            text        NOT NULL CHECK (kind IN ('profile', 'key-ratios', 'balance-sheet', 'income-statement',
                                                       'cash-flow', 'share-holdings', 'competitors')),
  -- The ISIN of the path; for competitors, the instrument key of the path.
  subject         text        NOT NULL,
  isin            text        NOT NULL,
  -- consolidated or standalone for statements, else empty.
  report_type     text        NOT NULL DEFAULT '',
  -- yearly or quarterly for the income statement, else empty.
  time_period     text        NOT NULL DEFAULT '',
  as_of_date      date        NOT NULL,
  units_in        text,
  full_statement  boolean,
  data            jsonb,
  fetched_at      timestamptz NOT NULL,
  PRIMARY KEY (kind, subject, report_type, time_period, as_of_date)
);
CREATE INDEX fundamentals_isin ON fundamentals (isin, kind, as_of_date DESC);

-- One row per corporate action. The ex-date is the day prices adjust, so it is what to join
-- daily candles on (trade_date = ex_date).
CREATE TABLE corporate_actions (
  isin               text        NOT NULL,
  -- As Upstox names it: Dividend, Bonus, Split, Rights and so on.
  action_type        text        NOT NULL,
  ex_date            date        NOT NULL,
  -- The Purpose event detail, such as Final Dividend; empty when the action has none.
  purpose            text        NOT NULL DEFAULT '',
  record_date        date,
  announcement_date  date,
  -- Rupees per share, for dividends.
  amount             numeric,
  -- As sent, such as 1:1 for a bonus or 1:5 for a split.
  ratio              text,
  raw                jsonb       NOT NULL,
  fetched_at         timestamptz NOT NULL,
  PRIMARY KEY (isin, action_type, ex_date, purpose)
);
CREATE INDEX corporate_actions_ex_date ON corporate_actions (ex_date);

-- One row per article. Upstox gives no id, so `id` hashes the link and publication time.
CREATE TABLE news (
  id             text        PRIMARY KEY,
  title          text,
  summary        text,
  url            text,
  thumbnail_url  text,
  published_at   timestamptz NOT NULL,
  -- Every instrument key the article was listed under, across fetches.
  instruments    text[]      NOT NULL DEFAULT '{}',
  raw            jsonb       NOT NULL,
  fetched_at     timestamptz NOT NULL
);
CREATE INDEX news_published_at ON news (published_at DESC);
CREATE INDEX news_instruments ON news USING gin (instruments);
