import type { Database } from 'better-sqlite3';
import { migrations as known, type Migration } from './migrations/index.js';

export interface MigrationResult {
  name: string;
  status: 'applied' | 'already-applied';
}

/** Thrown when the database was written by a newer or different dfwsim (history is not a prefix of ours). */
export class MigrationHistoryError extends Error {}

/**
 * Runs every pending migration, each in its own transaction, recording it in
 * `schema_migrations`. Refuses to touch a database whose applied history is not a prefix of
 * the known list (it was made by another version), the way Kysely guards its history.
 */
export function migrate(db: Database, list: readonly Migration[] = known): MigrationResult[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`);
  const applied = (db.prepare('SELECT name FROM schema_migrations ORDER BY rowid').all() as { name: string }[]).map(
    (r) => r.name,
  );
  applied.forEach((name, i) => {
    if (list[i]?.name !== name) {
      throw new MigrationHistoryError(
        `database schema history does not match this dfwsim: applied migration #${i + 1} is '${name}', expected '${list[i]?.name ?? '(none)'}'`,
      );
    }
  });
  const record = db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  return list.map((m, i) => {
    if (i < applied.length) return { name: m.name, status: 'already-applied' as const };
    db.transaction(() => {
      db.exec(m.up);
      record.run(m.name, new Date().toISOString());
    })();
    return { name: m.name, status: 'applied' as const };
  });
}

/**
 * How many known migrations a database has not applied yet: 0 when it is current, and also when
 * its history is not a prefix of ours or it has none at all (not a dfwsim store: `migrate` is
 * the one to refuse those). Reads only.
 */
export function pendingMigrations(db: Database, list: readonly Migration[] = known): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  if (table === undefined) return 0;
  const applied = (db.prepare('SELECT name FROM schema_migrations ORDER BY rowid').all() as { name: string }[]).map((r) => r.name);
  if (applied.length === 0 || applied.some((name, i) => list[i]?.name !== name)) return 0;
  return list.length - applied.length;
}
