import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { migrate } from './migrate.js';

export type Db = Database.Database;

/** The default store file, relative to the working directory (DESIGN.md section 7). */
export const DEFAULT_DB = './dfwsim.db';

/** Thrown when a read-only open finds no database. */
export class StoreMissingError extends Error {}

/**
 * Opens (creating and migrating when writable) the store. `:memory:` works for both.
 * WAL lets readers (`dfwsim query`) run while an ingest writes; synchronous=NORMAL is safe
 * with WAL (a crash loses at most the last transactions, never consistency).
 */
export function openStore(path: string, opts: { readonly?: boolean } = {}): Db {
  if (opts.readonly && path !== ':memory:') {
    if (!existsSync(path)) throw new StoreMissingError(`no database at ${path} (run 'dfwsim ingest' first, or pass --db)`);
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    return db;
  }
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // 16 MiB page cache: inserts append, so a bigger cache buys nothing and costs resident memory
  db.pragma('cache_size = -16384');
  migrate(db);
  return db;
}

/**
 * Bulk writes: no automatic WAL checkpoints while a long ingest appends (one checkpoint at the
 * end copies the pages once, sequentially; measured +12% rows/s over the default 1000-page
 * autocheckpoint). A crash in between leaves a long WAL that SQLite replays on the next open.
 */
export function beginBulkWrite(db: Db): void {
  db.pragma('wal_autocheckpoint = 0');
}

/** Ends bulk writes: checkpoint the WAL into the database file and shrink it, restore the default. */
export function endBulkWrite(db: Db): void {
  if (db.memory) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 1000');
}
