/**
 * Where a store's events live (issue 11). No row: in this SQLite file's `events` table (every
 * store before this migration). One row: in another engine (ClickHouse), this file keeping the
 * catalogue (sources and their progress, filters, realized rules, rejected lines). `last_id` is
 * the last event id handed out there: ids are assigned here, in the same transaction as the
 * source's progress, so they are exactly the ids SQLite's `INTEGER PRIMARY KEY` would give the
 * same input in the same order (rowid = max + 1, no row ever deleted), and a batch lost in a crash
 * gives its ids again on resume.
 */
export const up = `
CREATE TABLE event_engine (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  kind      TEXT    NOT NULL CHECK (kind IN ('clickhouse')),
  location  TEXT    NOT NULL,
  database  TEXT    NOT NULL,
  last_id   INTEGER NOT NULL
);
`;
