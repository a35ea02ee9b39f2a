import type { ExportedSource } from './export-manifest.js';

/** What one `dfwsim export` run wrote. */
export interface ExportSummary {
  kind: 'parquet' | 'duckdb';
  target: string;
  /** the run id (Parquet: in the new files' names), null when nothing was written */
  run: string | null;
  /** the sources exported by this run, with the rows each wrote */
  sources: ExportedSource[];
  /** sources the target held before this run */
  alreadyExported: number;
  /** sources still being ingested, left for a later run */
  partial: number;
  rows: number;
  /** new files: Parquet files, or 0/1 for a DuckDB file (1 when it was created) */
  files: number;
  /** Parquet partitions (host=/day= folders) that received files */
  partitions: number;
  seconds: number;
  /** the replay outcomes beside the events (replay-target.ts); absent when the run was not asked for them (`audit --engine duckdb`) */
  replay?: ReplayExportSummary;
}

/** What the run did with the replay outcomes. */
export interface ReplayExportSummary {
  /**
   * `written`: the whole replay dataset was (re)written, its inputs having changed; `unchanged`:
   * the target's outcomes were computed from the same sources and rules, and were left as they
   * are; `skipped`: not written, `reason` says why (the target's outcomes, if any, are left as they are)
   */
  status: 'written' | 'unchanged' | 'skipped';
  /** outcome rows the target now holds (written or unchanged), 0 when skipped */
  rows: number;
  reason?: string;
  /** the inputs' fingerprint the target's outcomes are for (replay-inputs.ts), null when skipped */
  fingerprint: string | null;
  /** written: Parquet files and partitions (0 for a DuckDB file) */
  files?: number;
  partitions?: number;
}
