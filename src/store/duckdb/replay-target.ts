import type { ReplayExportSummary } from './export-summary.js';
import type { OutcomeSink } from './replay-columns.js';

/** The inputs an export target's replay outcomes were computed from (replay-inputs.ts). */
export interface ReplayRecord {
  /** the replay run: in the Parquet files' names (`replay-<run>-<n>.parquet`) */
  run: string;
  at: string;
  fingerprint: string;
  sourcesHash: string;
  rulesHash: string;
  /** complete sources replayed */
  sources: number;
  rows: number;
}

/**
 * Where an export keeps its replay outcomes: a Parquet tree's `replay/` folder
 * (export-replay-parquet.ts) or a DuckDB file's `replay_outcomes` table (export-replay-duckdb.ts).
 * The outcomes are always rewritten whole (the replay is stateful across all sources), never appended.
 */
export interface ReplayTarget {
  /** what the target's outcomes were computed from, or null when it has none */
  readonly current: ReplayRecord | null;
  /**
   * Replaces the target's outcomes with the rows `fill` appends, crash-safe: a run that dies
   * leaves the previous outcomes (and their record) as they were.
   */
  rewrite(inputs: Omit<ReplayRecord, 'run' | 'at' | 'rows'>, fill: (sink: OutcomeSink) => Promise<void>): Promise<{ record: ReplayRecord; files: number; partitions: number }>;
}

/** The replay part of an export, given the target once its events are written (src/analysis/replay-export.ts). */
export type ReplayStep = (target: ReplayTarget) => Promise<ReplayExportSummary>;
