-- Pipeline state: one row per job run, raw bodies that failed validation, and alerts.

CREATE TABLE ingest_runs (
  id             bigserial PRIMARY KEY,
  job_id         text        NOT NULL,
  job_name       text        NOT NULL,
  queue          text        NOT NULL,
  account        text        NOT NULL,
  attempt        integer     NOT NULL,
  inputs         jsonb       NOT NULL,
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz NOT NULL,
  duration_ms    integer     NOT NULL,
  requests_made  integer     NOT NULL DEFAULT 0,
  rows_written   bigint      NOT NULL DEFAULT 0,
  -- completed: done; retrying: failed, another attempt follows; failed: no attempt follows;
  -- deferred: sent back to wait without using an attempt (rate limit, paused account).
  outcome        text        NOT NULL CHECK (outcome IN ('completed', 'retrying', 'failed', 'deferred')),
  error_code     text,
  error_message  text,
  error          jsonb
);
CREATE INDEX ingest_runs_job_id ON ingest_runs (job_id);
CREATE INDEX ingest_runs_finished_at ON ingest_runs (finished_at DESC);
CREATE INDEX ingest_runs_failures ON ingest_runs (finished_at DESC) WHERE outcome IN ('failed', 'retrying');

CREATE TABLE quarantine (
  id            bigserial PRIMARY KEY,
  received_at   timestamptz NOT NULL DEFAULT now(),
  account       text        NOT NULL,
  job_id        text,
  request_path  text        NOT NULL,
  http_status   integer,
  reason        text        NOT NULL,
  issues        jsonb       NOT NULL DEFAULT '[]',
  raw_body      text        NOT NULL
);
CREATE INDEX quarantine_received_at ON quarantine (received_at DESC);

-- An alert stays open until resolved; the partial unique index keeps one open alert per
-- account, kind and subject, so a storm of identical failures raises it once.
CREATE TABLE alerts (
  id           bigserial PRIMARY KEY,
  account      text        NOT NULL,
  kind         text        NOT NULL,
  subject      text        NOT NULL DEFAULT '',
  message      text        NOT NULL,
  details      jsonb       NOT NULL DEFAULT '{}',
  raised_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at  timestamptz
);
CREATE UNIQUE INDEX alerts_open_once ON alerts (account, kind, subject) WHERE resolved_at IS NULL;
