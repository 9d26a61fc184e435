-- The nightly completeness report: per schedule and IST date, the runs the schedule and the
-- exchange calendar called for, the runs that completed, and the slots that are missing.
CREATE TABLE completeness_reports (
  report_date    date        NOT NULL,
  schedule_id    text        NOT NULL,
  job_name       text        NOT NULL,
  expected       integer     NOT NULL,
  received       integer     NOT NULL,
  failed         integer     NOT NULL,
  missing        integer     NOT NULL,
  -- The scheduled times (UTC, ISO 8601) with no completed run, at most the first 100.
  missing_slots  jsonb       NOT NULL DEFAULT '[]',
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (report_date, schedule_id)
);
