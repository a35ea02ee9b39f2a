import test from 'ava';
import Database from 'better-sqlite3';
import { loadRealizedFilter, loadRealizedFilters } from '../../src/analysis/realized.js';
import { ingest } from '../../src/ingest/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import { filterNamesWithRules, loadAddrsets, loadRulesets, streamRealizedRulesets } from '../../src/store/realized-repo.js';
import { tempDb } from '../helpers/paths.js';

const indexes = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('rules_ruleset', 'rulesets_filter') ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

test('0003 applies to a store made before it, also when a read-only command opens it first', (t) => {
  const path = tempDb();
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  migrate(old, migrations.slice(0, 2));
  old.prepare(`INSERT INTO sources (path, size, sha256, format, host, status, ingested_at) VALUES ('x', 1, 'h', 'getrules', NULL, 'complete', 'now')`).run();
  old.close();
  const check = new Database(path, { readonly: true });
  t.deepEqual(indexes(check), []);
  check.close();
  const ro = openStore(path, { readonly: true });
  t.deepEqual(indexes(ro), ['rules_ruleset', 'rulesets_filter']);
  t.deepEqual((ro.prepare('SELECT name FROM schema_migrations ORDER BY rowid').all() as { name: string }[]).map((r) => r.name), migrations.map((m) => m.name));
  // the data is untouched, and the connection is still read-only
  t.is((ro.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n, 1);
  t.throws(() => ro.prepare(`DELETE FROM sources`).run(), { any: true, message: /readonly/i });
  ro.close();
});

test('the one-pass reader gives every filter the rulesets and addrsets the per-filter reads give', async (t) => {
  const db = openStore(':memory:');
  await ingest(db, ['logs/f5-promiscuous']);
  const names = filterNamesWithRules(db);
  t.true(names.length >= 2);
  const streamed = new Map([...streamRealizedRulesets(db)].map((f) => [f.filterName, f.rulesets]));
  t.deepEqual([...streamed.keys()].sort(), names);
  for (const name of names) t.deepEqual(streamed.get(name), loadRulesets(db, name), name);
  const all = loadRealizedFilters(db);
  for (const [key, f] of all) {
    t.deepEqual(f.addrsets, loadAddrsets(db, f.name));
    t.deepEqual(loadRealizedFilter(db, key), f, key);
  }
  t.is(loadRealizedFilter(db, 'no-such-filter'), undefined);
  db.close();
});
