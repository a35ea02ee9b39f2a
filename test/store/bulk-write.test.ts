import test from 'ava';
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
