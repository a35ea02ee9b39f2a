import test from 'ava';
import Database from 'better-sqlite3';
import { migrate, MigrationHistoryError } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import { tempDb } from '../helpers/paths.js';

test('migrations apply once, in order, and are recorded', (t) => {
  const db = new Database(':memory:');
  const first = migrate(db);
  t.deepEqual(first.map((r) => r.status), migrations.map(() => 'applied'));
  const again = migrate(db);
  t.deepEqual(again.map((r) => r.status), migrations.map(() => 'already-applied'));
  const names = (db.prepare('SELECT name FROM schema_migrations ORDER BY rowid').all() as { name: string }[]).map((r) => r.name);
  t.deepEqual(names, migrations.map((m) => m.name));
});

test('a database whose history is not a prefix of ours is refused, untouched', (t) => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`);
  db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run('0001-something-else', 'x');
  t.throws(() => migrate(db), { instanceOf: MigrationHistoryError, message: /0001-something-else/ });
  t.is((db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'`).get() as { n: number }).n, 0);
});

test('a failing migration rolls back whole and is not recorded', (t) => {
  const db = new Database(':memory:');
  const list = [
    { name: 'a', up: 'CREATE TABLE a (x INTEGER);' },
    { name: 'b', up: 'CREATE TABLE b (x INTEGER); CREATE TABLE a (y INTEGER);' },
  ];
  t.throws(() => migrate(db, list), { any: true, message: /already exists/ });
  const names = (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name);
  t.deepEqual(names, ['a']);
  t.is((db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'`).get() as { n: number }).n, 0);
});

test('a file store is opened in WAL mode', (t) => {
  const db = openStore(tempDb());
  t.is(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});
