import type { AnalyticsEngine, EngineSpec } from './analytics.js';
import { SqliteAnalytics } from './analytics-sqlite.js';
import type { Db } from './open.js';

/**
 * Opens the engine a spec names. `catalogue` is the open SQLite store: the SQLite engine reads
 * its events from it; the others only take the spec. Their modules (and native drivers) load
 * here, on demand, so commands that never use them do not pay for loading them.
 */
/** The engine's events cannot be reached: no such Parquet folder or DuckDB file, a server that does not answer. */
export class EngineUnavailable extends Error {}

export async function openAnalytics(spec: EngineSpec, catalogue: Db): Promise<AnalyticsEngine> {
  switch (spec.kind) {
    case 'sqlite':
      return new SqliteAnalytics(catalogue);
    case 'duckdb': {
      const { DuckDbAnalytics } = await import('./duckdb/analytics.js');
      const { DuckDbSourceError } = await import('./duckdb/source.js');
      try {
        return await DuckDbAnalytics.open(spec.path);
      } catch (e) {
        throw e instanceof DuckDbSourceError ? new EngineUnavailable(e.message) : e;
      }
    }
    case 'clickhouse': {
      const { ClickHouseAnalytics } = await import('./clickhouse/analytics.js');
      try {
        return await ClickHouseAnalytics.open(spec.url, spec.database);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET') throw new EngineUnavailable(`cannot reach ClickHouse at ${spec.url}: ${(e as Error).message}`);
        throw e;
      }
    }
  }
}
