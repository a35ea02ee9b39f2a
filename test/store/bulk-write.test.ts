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
  t.is(beginBulkWrite(db), 'rollback');
  t.is(journalMode(db), 'persist');
  t.is(db.pragma('synchronous', { simple: true }), 2); // FULL
  endBulkWrite(db, 'rollback');
  t.is(journalMode(db), 'wal');
  t.is(db.pragma('synchronous', { simple: true }), 1); // NORMAL
  db.close();
});

test('with a reader connected, a bulk write stays in WAL and checkpoints at the end', (t) => {
  const path = tempDb();
  const db = openStore(path);
  const reader = new Database(path, { readonly: true });
  reader.prepare('SELECT count(*) FROM events').get();
  t.is(beginBulkWrite(db), 'wal');
  t.is(journalMode(db), 'wal');
  t.is(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  endBulkWrite(db, 'wal');
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

test('an in-memory store needs no journal switch', (t) => {
  const db = openStore(':memory:');
  t.is(beginBulkWrite(db), 'memory');
  endBulkWrite(db, 'memory');
  t.is(journalMode(db), 'memory');
});
