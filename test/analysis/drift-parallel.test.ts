import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDiagnoseBundles } from '../../bench/gen-diagnose-store.js';
import { findDriftVia } from '../../src/analysis/drift.js';
import { findDriftParallel } from '../../src/analysis/drift-parallel.js';
import { loadOwnershipVia } from '../../src/analysis/ownership.js';
import { partitionHosts } from '../../src/analysis/replay-partitions.js';
import { ingest } from '../../src/ingest/ingest.js';
import { SqliteAnalytics } from '../../src/store/analytics-sqlite.js';
import { hostFilterLoads } from '../../src/store/events-repo.js';
import { openStore, type Db } from '../../src/store/open.js';

const HOSTS = 4;
let dir: string;
let path: string;
let db: Db;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dfwsim-drift-par-'));
  const root = join(dir, 'bundles');
  await generateDiagnoseBundles(root, 6000, HOSTS);
  path = join(dir, 'store.db');
  db = openStore(path);
  await ingest(db, [root]);
  // drift on every host: the most logged allow rule now drops, as if the capture were of a later rule generation
  const top = db.prepare(`SELECT rule_id FROM events WHERE action = 'PASS' AND rule_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`).pluck().all() as number[];
  db.prepare(`UPDATE rules SET action = 'drop' WHERE rule_id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(top));
});
test.after.always(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a replay split across workers by host reports the drift the sequential replay reports, byte for byte', async (t) => {
  const engine = new SqliteAnalytics(db);
  const sequential = await findDriftVia(engine, db, {}, { owners: await loadOwnershipVia(engine, db) });
  t.true(sequential.drifted > 100, `${sequential.drifted} drifted`);
  t.true(new Set(sequential.groups.map((g) => g.filter)).size >= HOSTS, 'drift on filters of every host');
  t.true(sequential.groups.some((g) => g.sampleEvents.length === 5));
  const loads = hostFilterLoads(db);
  for (const workers of [2, 3, HOSTS]) {
    const parallel = await findDriftParallel(path, { kind: 'sqlite', path }, loads, workers);
    t.not(parallel, null);
    t.is(JSON.stringify(parallel), JSON.stringify(sequential), `${workers} workers`);
  }
  t.is(await findDriftParallel(path, { kind: 'sqlite', path }, loads, 1), null, 'one worker: the caller replays it itself');
});

test('hosts that share a filter hash stay in one partition; partitions are balanced by events and keep the host order', (t) => {
  const loads = [
    { host: null, filterHash: '9', events: 5 },
    { host: 'a', filterHash: '1', events: 100 },
    { host: 'b', filterHash: '2', events: 60 },
    { host: 'c', filterHash: '1', events: 10 },
    { host: 'd', filterHash: '4', events: 50 },
    { host: 'e', filterHash: null, events: 40 },
  ];
  const { partitions, rank } = partitionHosts(loads, 3);
  t.deepEqual([...rank], [[null, 0], ['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]]);
  t.deepEqual(
    partitions.map((p) => [p.hosts, p.events]),
    [
      [['a', 'c'], 110],
      [[null, 'b'], 65],
      [['d', 'e'], 90],
    ],
  );
  t.is(partitionHosts(loads, 10).partitions.length, 5, 'never more partitions than host groups');
});
