import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { beginBulkWrite, endBulkWrite, openStore } from '../../src/store/open.js';
import { ingest } from '../../src/ingest/ingest.js';
import { tempDb } from '../helpers/paths.js';

const journalMode = (db: Database.Database) => db.pragma('journal_mode', { simple: true });

test('a bulk write alone on the store uses a rollback journal, durable per commit, and leaves the store in WAL', (t) => {
  const path = tempDb();
  const db = openStore(path);
  t.is(journalMode(db), 'wal');
  const timeout = db.pragma('busy_timeout', { simple: true });
  const bulk = beginBulkWrite(db);
  t.is(bulk.journal, 'rollback');
  t.is(journalMode(db), 'persist');
  t.is(db.pragma('synchronous', { simple: true }), 2); // FULL
  endBulkWrite(db, bulk);
  t.is(journalMode(db), 'wal');
  t.is(db.pragma('synchronous', { simple: true }), 1); // NORMAL
  t.is(db.pragma('busy_timeout', { simple: true }), timeout);
  db.close();
});

test('with a reader connected, a bulk write stays in WAL and checkpoints at the end', (t) => {
  const path = tempDb();
  const db = openStore(path);
  const reader = new Database(path, { readonly: true });
  reader.prepare('SELECT count(*) FROM events').get();
  const bulk = beginBulkWrite(db);
  t.is(bulk.journal, 'wal');
  t.is(journalMode(db), 'wal');
  t.is(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  endBulkWrite(db, bulk);
  t.is(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  reader.close();
  db.close();
});

test('an ingest with a reader open meanwhile completes, and the reader sees every event', async (t) => {
  const path = tempDb();
  const db = openStore(path);
  const reader = new Database(path, { readonly: true });
  const s = await ingest(db, ['logs/syslog-export/collector-2024-05-15.log', 'logs/antrea-node/np.log'], { batchLines: 2 });
  t.is(s.events, 14);
  t.is((reader.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 14);
  t.is(journalMode(db), 'wal');
  reader.close();
  db.close();
});

test('a reader that arrives during a bulk write keeps the store in rollback mode, and the ingest ends at once', (t) => {
  const path = tempDb();
  const db = openStore(path);
  const bulk = beginBulkWrite(db);
  t.is(bulk.journal, 'rollback');
  const reader = new Database(path, { readonly: true });
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM events').get(); // holds a shared lock
  const started = Date.now();
  endBulkWrite(db, bulk);
  t.true(Date.now() - started < 1000, 'did not wait for the reader');
  t.is(journalMode(db), 'persist');
  reader.exec('COMMIT');
  reader.close();
  db.close();
  // the next open puts it back in WAL
  const again = openStore(path);
  t.is(journalMode(again), 'wal');
  again.close();
});

test('an in-memory store needs no journal switch', (t) => {
  const db = openStore(':memory:');
  const bulk = beginBulkWrite(db);
  t.is(bulk.journal, 'memory');
  endBulkWrite(db, bulk);
  t.is(journalMode(db), 'memory');
});

test('a crash in the middle of a bulk-write batch leaves exactly the committed batches (the journal is rolled back)', async (t) => {
  const path = tempDb();
  // 150k rows of about 300 bytes: far more than the 16 MB page cache, so the open batch has
  // written pages into the database file before the crash
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/crash-mid-batch.ts', path, '150000'], { encoding: 'utf8' });
  t.is(child.signal, 'SIGKILL', child.stderr);
  t.is(child.stdout.trim(), 'rollback');
  t.true(existsSync(`${path}-journal`), 'a hot journal was left behind');
  t.true(statSync(path).size > 150_000 * 300 * 1.5, 'the open batch had spilled into the database file');
  const db = openStore(path);
  t.is(db.pragma('integrity_check', { simple: true }), 'ok');
  t.is((db.prepare('SELECT count(*) AS n, max(line) AS m FROM events').get() as { n: number; m: number }).n, 150_000);
  t.is((db.prepare('SELECT max(line) AS m FROM events').get() as { m: number }).m, 150_000);
  t.is(journalMode(db), 'wal');
  db.close();
});
