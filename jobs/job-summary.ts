/** What a job handler returns: the figures of its one-line log and of its `ingest_runs` row. */
export interface JobSummary {
  readonly requestsMade: number;
  readonly rowsWritten: number;
  /** The ledger state the job left its work in, such as `done` or `suspect`. */
  readonly state: string;
  readonly detail?: string;
}
