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
}
