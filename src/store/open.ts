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
  db.pragma('cache_size = -65536');
  migrate(db);
  return db;
}
