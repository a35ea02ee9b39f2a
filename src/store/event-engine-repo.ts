import type { Db } from './open.js';

/** Where a store's events are kept (migration 0004): null = this SQLite file's `events` table. */
export interface EventEngineRow {
  kind: 'clickhouse';
  location: string;
  database: string;
  lastId: number;
}

export function eventEngine(db: Db): EventEngineRow | null {
  const r = db.prepare(`SELECT kind, location, database, last_id AS lastId FROM event_engine WHERE id = 1`).get() as EventEngineRow | undefined;
  return r ?? null;
}

/** Whether this SQLite file holds any event row (one index probe). */
export function hasSqliteEvents(db: Db): boolean {
  return db.prepare(`SELECT 1 FROM events LIMIT 1`).get() !== undefined;
}

/**
 * Records that this store's events go to `kind` at `location`/`database` (once; the first
 * ingest into an engine). The last id starts at the SQLite events' max id, 0 for a new store.
 */
export function claimEventEngine(db: Db, kind: 'clickhouse', location: string, database: string): EventEngineRow {
  db.prepare(
    `INSERT INTO event_engine (id, kind, location, database, last_id)
     SELECT 1, ?, ?, ?, coalesce((SELECT max(id) FROM events), 0) WHERE NOT EXISTS (SELECT 1 FROM event_engine)`,
  ).run(kind, location, database);
  return eventEngine(db)!;
}

/** Sets the last event id handed out; run inside the batch's transaction (it rolls back with it). */
export function prepareLastEventId(db: Db): (lastId: number) => void {
  const st = db.prepare(`UPDATE event_engine SET last_id = ? WHERE id = 1`);
  return (lastId) => void st.run(lastId);
}
