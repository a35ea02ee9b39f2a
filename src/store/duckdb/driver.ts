import type * as DuckDb from '@duckdb/node-api';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

export type DuckDbModule = typeof DuckDb;
export type DuckDBInstance = DuckDb.DuckDBInstance;
export type DuckDBConnection = DuckDb.DuckDBConnection;

let loaded: Promise<DuckDbModule> | null = null;

/**
 * Loads `@duckdb/node-api` (a 70 MB native library) on first use only: `dfwsim --help`, ingest and
 * every SQLite command never pay for it (start-up is a bench row). Only the DuckDB engine and
 * `dfwsim export` call this.
 */
export function loadDuckDb(): Promise<DuckDbModule> {
  loaded ??= import('@duckdb/node-api');
  return loaded;
}

/** Resource limits of one DuckDB instance. */
export interface DuckDbLimits {
  /** DuckDB's `memory_limit` (buffer pool: sorts, hash tables, appends spill past it) */
  memoryLimit?: string | undefined;
  threads?: number | undefined;
}

/**
 * The defaults: DuckDB's own default memory_limit is 80% of RAM, too much on a machine shared by
 * other tools; 1 GB holds the audit's GROUP BYs over millions of rows, and anything bigger (the
 * streams' ORDER BY, a big export) spills to `temp_directory`. DFWSIM_DUCKDB_MEMORY overrides it.
 */
export function defaultLimits(): { memoryLimit: string; threads: number } {
  return { memoryLimit: process.env['DFWSIM_DUCKDB_MEMORY'] || '1GB', threads: Math.max(1, availableParallelism()) };
}

/**
 * An in-memory DuckDB instance (the events are reached through a view or an attached file, so
 * the instance itself holds no data) with the settings every query relies on:
 * - `default_null_order = 'nulls_first_on_asc_last_on_desc'`: SQLite's NULL order (NULL is the
 *   smallest value: first ascending, last descending; DuckDB sorts NULLs last by default), so
 *   the same ORDER BY gives the same rows in the same order (src/store/analytics.ts contract);
 * - strings compare as bytes: DuckDB's default collation is binary, as SQLite's is (no
 *   `default_collation` is set);
 * - spills go to a private folder under the OS temp dir (DuckDB's default for an in-memory
 *   database is `.tmp` in the working directory).
 */
export async function createInstance(limits: DuckDbLimits = {}): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await loadDuckDb();
  const d = defaultLimits();
  return DuckDBInstance.create(':memory:', {
    memory_limit: limits.memoryLimit ?? d.memoryLimit,
    threads: String(limits.threads ?? d.threads),
    temp_directory: join(tmpdir(), `dfwsim-duckdb-${process.pid}`),
    default_null_order: 'nulls_first_on_asc_last_on_desc',
  });
}

/** Quotes a text as a SQL string literal (paths in ATTACH / read_parquet, which take no parameters). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Runs `work` in one transaction (rolled back if it throws), then checkpoints the WAL into the
 * database file: readers, and copies of the file, need no WAL beside it. An export's run that
 * dies leaves the file as it was, since DuckDB does not replay an uncommitted transaction.
 */
export async function commitToFile<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  let result: T;
  try {
    result = await work();
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  await conn.run('CHECKPOINT');
  return result;
}
