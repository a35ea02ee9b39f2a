import type { EngineSpec } from '../store/analytics.js';
import type { EventSink } from '../store/event-sink.js';
import { eventEngine } from '../store/event-engine-repo.js';
import type { Db } from '../store/open.js';
import { UsageError } from './io.js';

/** `--engine`, `--url`, `--database` as a command got them. */
export interface EngineArgs {
  engine?: string | undefined;
  url?: string | undefined;
  database: string;
}

/**
 * Where a command's event queries run: `--engine` when given, else where the store's events
 * are (its own table, or the ClickHouse it was ingested into, event_engine in the catalogue).
 * Null: the store itself (SQLite). Checked before anything is ingested, so a wrong choice
 * costs nothing.
 */
export function chooseEngine(db: Db, a: EngineArgs): EngineSpec | null {
  const stored = eventEngine(db);
  const kind = a.engine ?? stored?.kind ?? 'sqlite';
  switch (kind) {
    case 'sqlite':
      if (a.url !== undefined) throw new UsageError('--url is for --engine duckdb or clickhouse');
      if (stored !== null) throw new UsageError(`this store's events are in ClickHouse (${stored.location}, database ${stored.database}): use --engine clickhouse`);
      return null;
    case 'duckdb':
      if (a.url === undefined) throw new UsageError('--engine duckdb needs --url: a Parquet folder or a DuckDB file (dfwsim export)');
      if (stored !== null) throw new UsageError(`this store's events are in ClickHouse (${stored.location}): they cannot be exported to DuckDB from it; use --engine clickhouse`);
      return { kind: 'duckdb', path: a.url };
    case 'clickhouse': {
      const url = a.url ?? stored?.location;
      if (url === undefined) throw new UsageError('--engine clickhouse needs --url (the HTTP URL of each shard, comma-separated)');
      return { kind: 'clickhouse', url, database: stored?.database ?? a.database };
    }
    default:
      throw new UsageError(`--engine must be sqlite, duckdb or clickhouse; got '${kind}'`);
  }
}

/** The ClickHouse sink for ingest (its module and the client load only for this engine). */
export async function clickHouseSink(db: Db, url: string, database: string): Promise<EventSink & { batchLines: number; close(): Promise<void> }> {
  const { ClickHouseEventSink, EventEngineMismatch } = await import('../store/clickhouse/sink.js');
  try {
    return await ClickHouseEventSink.open(db, url, database);
  } catch (e) {
    if (e instanceof EventEngineMismatch) throw new UsageError(e.message);
    const code = (e as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') throw new UsageError(`cannot reach ClickHouse at ${url}: ${(e as Error).message}`);
    throw e;
  }
}
