import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EVENT_SELECT_LIST, eventsTableDdl } from './columns.js';
import { createInstance, sqlString, type DuckDBConnection, type DuckDBInstance, type DuckDbLimits } from './driver.js';

/** A path that is neither a DuckDB file with an `events` table nor a Parquet tree. */
export class DuckDbSourceError extends Error {}

/**
 * The glob a Parquet tree is read by: the files of its `host=/day=` partitions, and nothing else
 * (not an export's staging folder, export-parquet.ts).
 */
export const parquetGlob = (dir: string) => join(resolve(dir), 'host=*', 'day=*', '*.parquet');

/**
 * Events in DuckDB, read-only: a view `events` with exactly the SQLite events columns, in an
 * in-memory instance (so no source is ever written, and per-connection temp state stays there).
 */
export interface DuckDbSource {
  readonly kind: 'file' | 'parquet';
  readonly path: string;
  readonly instance: DuckDBInstance;
  /** a new connection: DuckDB runs one streaming result per connection at a time */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/**
 * Opens a DuckDB source: a folder is a Parquet tree written by `dfwsim export --parquet`
 * (`host=<host>/day=<YYYY-MM-DD>/*.parquet`), a file is a DuckDB database with a table `events`
 * (`dfwsim export --duckdb`), attached READ_ONLY.
 *
 * Parquet: the partition values come from the folder names (`hive_partitioning`), typed VARCHAR
 * (`hive_types`: without it DuckDB would guess, and a host named `1234` would turn into a
 * number). DuckDB reads `__HIVE_DEFAULT_PARTITION__` as NULL, the Hive convention export.ts
 * writes a NULL host with, and percent-decodes the values it percent-encoded. `day` is derived
 * from ts_ms and is not an events column, so the view leaves it out.
 */
export async function openDuckDbSource(path: string, limits: DuckDbLimits = {}): Promise<DuckDbSource> {
  if (!existsSync(path)) throw new DuckDbSourceError(`no DuckDB file or Parquet folder at ${path} (run 'dfwsim export --duckdb FILE' or '--parquet DIR' first)`);
  const isDir = statSync(path).isDirectory();
  const instance = await createInstance(limits);
  const setup = await instance.connect();
  try {
    if (isDir) {
      const glob = sqlString(parquetGlob(path));
      const files = Number((await setup.runAndReadAll(`SELECT count(*) FROM glob(${glob})`)).getRows()[0]?.[0] ?? 0);
      // an exported empty store is an empty tree: an empty table, not a read_parquet error
      if (files === 0) await setup.run(eventsTableDdl('events'));
      else
        await setup.run(`CREATE VIEW events AS SELECT ${EVENT_SELECT_LIST}
          FROM read_parquet(${glob}, hive_partitioning = true, hive_types = {'host': VARCHAR, 'day': VARCHAR})`);
    } else {
      try {
        await setup.run(`ATTACH ${sqlString(resolve(path))} AS src (READ_ONLY)`);
      } catch (e) {
        throw new DuckDbSourceError(`cannot open DuckDB file ${path}: ${(e as Error).message}`);
      }
      const has = (await setup.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE database_name = 'src' AND schema_name = 'main' AND table_name = 'events'`)).getRows()[0]?.[0];
      if (Number(has) !== 1) throw new DuckDbSourceError(`${path} has no events table (write it with 'dfwsim export --duckdb ${path}')`);
      await setup.run(`CREATE VIEW events AS SELECT ${EVENT_SELECT_LIST} FROM src.main.events`);
    }
  } catch (e) {
    setup.closeSync();
    instance.closeSync();
    throw e;
  }
  setup.closeSync();
  return {
    kind: isDir ? 'parquet' : 'file',
    path,
    instance,
    connect: () => instance.connect(),
    close: () => instance.closeSync(),
  };
}
