import type { AnalyticsEngine, EngineSpec } from './analytics.js';
import { SqliteAnalytics } from './analytics-sqlite.js';
import type { Db } from './open.js';

/**
 * Opens the engine a spec names. `catalogue` is the open SQLite store: the SQLite engine reads
 * its events from it; the others only take the spec (their modules load here, on demand, so
 * commands that never use them do not pay for loading them).
 */
export async function openAnalytics(spec: EngineSpec, catalogue: Db): Promise<AnalyticsEngine> {
  switch (spec.kind) {
    case 'sqlite':
      return new SqliteAnalytics(catalogue);
    default:
      throw new Error(`engine ${spec.kind} is not built into this dfwsim`);
  }
}
