-- A job can now end without running: an account-data job while the account's account APIs
-- are disabled (the request came from an unregistered IP), or a job due while its exchange
-- is closed.
ALTER TABLE ingest_runs DROP CONSTRAINT ingest_runs_outcome_check;
ALTER TABLE ingest_runs ADD CONSTRAINT ingest_runs_outcome_check
  CHECK (outcome IN ('completed', 'retrying', 'failed', 'deferred', 'skipped'));
