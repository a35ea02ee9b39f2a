import type BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { nodeRequire } from '../runtime/node-require.js';
import { migrate, pendingMigrations } from './migrate.js';

// required, not imported: a CommonJS package (see node-require.ts)
const Database = nodeRequire('better-sqlite3') as typeof BetterSqlite3;

export type Db = BetterSqlite3.Database;

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
    upgradeIfBehind(path);
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

/** How long a read-only open waits for a writer before reading an older store as it is. */
const UPGRADE_BUSY_TIMEOUT_MS = 1000;

/**
 * A store written by an older dfwsim gets the migrations it lacks (0003: the indexes the diagnose
 * commands read realized rules by) before a read-only command reads it: otherwise they would
 * only arrive with the next ingest. When the file cannot be written (read-only file or folder,
 * an ingest holding the lock), the store is read as it is: slower, still correct.
 */
function upgradeIfBehind(path: string): void {
  const ro = new Database(path, { readonly: true, fileMustExist: true });
  let pending: number;
  try {
    pending = pendingMigrations(ro);
  } finally {
    ro.close();
  }
  if (pending === 0) return;
  let rw: Db | null = null;
  try {
    rw = new Database(path, { fileMustExist: true, timeout: UPGRADE_BUSY_TIMEOUT_MS });
    migrate(rw);
  } catch (e) {
    const code = String((e as { code?: string }).code ?? '');
    if (!/^SQLITE_(BUSY|LOCKED|READONLY|CANTOPEN|PERM|AUTH)/.test(code)) throw e;
  } finally {
    rw?.close();
  }
}

/** How an ingest writes (see beginBulkWrite): its journal, and the busy timeout to restore after. */
export interface BulkWrite {
  journal: 'rollback' | 'wal' | 'memory';
  busyTimeout: number;
}

/** How long a bulk write waits for a reader to finish before giving up (a reader holds a lock only while it reads). */
const BULK_BUSY_TIMEOUT_MS = 60_000;

/**
 * Bulk writes (ingest). The store lives in WAL mode, but WAL writes every page twice: into
 * the WAL, then into the database at the checkpoint. A bulk load appends, and a rollback
 * journal only saves pages that existed before the transaction, so appended pages are
 * written once. Measured on a 2M-line ingest: raw inserts 258-273k rows/s with a rollback
 * journal against 221-238k in WAL with one final checkpoint (the default 1000-page
 * autocheckpoint was slower still). synchronous=FULL keeps each batch durable across a
 * power loss (NORMAL is only proven safe with WAL); it measured within noise of NORMAL.
 *
 * Leaving WAL needs the only connection to the file: when another one (a `dfwsim query`)
 * is open, the ingest stays in WAL with no autocheckpoint and one checkpoint at the end.
 * While in rollback mode, readers that arrive wait for each commit (milliseconds), and a
 * commit waits up to a minute for a reader to finish.
 */
export function beginBulkWrite(db: Db): BulkWrite {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  if (db.memory) return { journal: 'memory', busyTimeout: timeout };
  let mode: unknown = 'wal';
  try {
    db.pragma('busy_timeout = 0');
    mode = db.pragma('journal_mode = PERSIST', { simple: true });
  } catch {
    // SQLITE_BUSY: another connection has the store open
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
  if (mode === 'persist') {
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${BULK_BUSY_TIMEOUT_MS}`);
    return { journal: 'rollback', busyTimeout: timeout };
  }
  db.pragma('wal_autocheckpoint = 0');
  return { journal: 'wal', busyTimeout: timeout };
}

/** Ends bulk writes: back to WAL (or checkpoint the WAL into the database and shrink it). */
export function endBulkWrite(db: Db, bulk: BulkWrite): void {
  if (bulk.journal === 'memory') return;
  if (bulk.journal === 'rollback') {
    db.pragma('synchronous = NORMAL');
    try {
      // without waiting: a reader that arrived meanwhile keeps the store in rollback mode
      // (consistent, only slower for readers) until the next open switches it back
      db.pragma('busy_timeout = 0');
      db.pragma('journal_mode = WAL');
    } catch {
      // SQLITE_BUSY, see above
    } finally {
      db.pragma(`busy_timeout = ${bulk.busyTimeout}`);
    }
    return;
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 1000');
}
