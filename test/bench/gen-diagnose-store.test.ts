import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTopology, generateDiagnoseBundles, FILTERS_PER_HOST, type GenStats } from '../../bench/gen-diagnose-store.js';
import { ingest, type IngestSummary } from '../../src/ingest/ingest.js';
import { openStore, type Db } from '../../src/store/open.js';
import { queryEvents } from '../../src/store/events-repo.js';
import { listFilters, loadRulesets } from '../../src/store/realized-repo.js';
import { bothDirectionsInFilters } from '../../src/store/ownership-repo.js';
import { replayStore } from '../../src/analysis/replay-store.js';

/** 4 hosts, not the bench's 20: the captures (about 1,000 lines per filter) dominate ingest time */
const HOSTS = 4;
const topo = buildTopology(HOSTS);
let db: Db;
let summary: IngestSummary;
let gen: GenStats;

test.before(async () => {
  const root = join(mkdtempSync(join(tmpdir(), 'dfwsim-diag-')), 'bundles');
  gen = await generateDiagnoseBundles(root, 4000, HOSTS);
  db = openStore(':memory:');
  summary = await ingest(db, [root]);
  rmSync(root, { recursive: true, force: true });
});

test('every generated line ingests: packet lines as events, captures as filters and rules, none rejected', (t) => {
  t.is(summary.rejected, 0, JSON.stringify(summary.problems));
  t.is(summary.events, gen.events);
  t.true(gen.events >= 4000 && gen.events < 4100);
  const filters = listFilters(db);
  t.is(new Set(filters.map((f) => f.hash)).size, HOSTS * FILTERS_PER_HOST);
  for (const f of filters) t.is(f.host, topo.hostNames[topo.vms.find((v) => v.hash === f.hash)?.host ?? -1] ?? null, f.name); // from the bundle path
  for (const v of [topo.vms[0], topo.observers[0]]) {
    const l3 = loadRulesets(db, v!.filterName).find((r) => r.layer === 'L3');
    t.truthy(l3);
    t.true(l3!.rules.length >= 200, `${l3!.rules.length} rules`);
    const last = l3!.rules[l3!.rules.length - 1]!;
    t.deepEqual([last.ruleId, last.protocol, last.action], [1001, 'any', 'drop']); // the default rule closes the ruleset
  }
});

test('a same-host VM-to-VM first packet is logged on exactly the sender OUT and the receiver IN (plus IN copies on observers)', (t) => {
  const observers = new Set(topo.observers.map((o) => o.hash));
  const groups = new Map<string, { filter: string; dir: string }[]>();
  for (const e of queryEvents(db, {})) {
    if (e.reason !== 'match' || e.action !== 'PASS' || e.src === null || e.dst === null) continue;
    const a = topo.byIp.get(e.src);
    const b = topo.byIp.get(e.dst);
    if (a === undefined || b === undefined || a.host !== b.host) continue;
    const k = `${e.protocol}|${e.src}|${e.srcPort}|${e.dst}|${e.dstPort}|${e.tcpFlags}`;
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = []));
    g.push({ filter: e.filterHash ?? '', dir: e.direction ?? '' });
  }
  t.true(groups.size > 100, `${groups.size} same-host connections`);
  let observed = 0;
  for (const [k, g] of groups) {
    const [, src, , dst] = k.split('|');
    const sender = topo.byIp.get(src!)!;
    const receiver = topo.byIp.get(dst!)!;
    const ends = g.filter((x) => !observers.has(x.filter)).map((x) => `${x.filter} ${x.dir}`).sort();
    t.deepEqual(ends, [`${sender.hash} OUT`, `${receiver.hash} IN`].sort(), k);
    const copies = g.filter((x) => observers.has(x.filter));
    if (copies.length > 0) observed++;
    for (const c of copies) t.is(c.dir, 'IN', k);
  }
  t.true(observed > 0, 'some same-host connections are copied to an observer');
});

test('the promiscuous observers are exactly the filters that receive both directions of a connection IN', (t) => {
  t.is(topo.observers.length, 1);
  t.is(buildTopology().observers.length, 3); // the bench's 20 hosts
  t.deepEqual(bothDirectionsInFilters(db), topo.observers.map((o) => o.hash).sort());
});

test('the stateful replay reproduces the generated log (the rules decide what is logged)', (t) => {
  const counts: Record<string, number> = {};
  const { summary: s } = replayStore(db, {}, {}, (r) => void (counts[r.agreement] = (counts[r.agreement] ?? 0) + 1));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  t.is(total, gen.events);
  t.is(counts['drift'] ?? 0, 0, JSON.stringify(counts));
  t.is(counts['state-hit'] ?? 0, 0, JSON.stringify(counts));
  t.true((counts['reproduced'] ?? 0) / total > 0.97, JSON.stringify(counts));
  t.deepEqual(s.filters.filter((f) => f.observerSuspect).map((f) => f.filterHash).sort(), topo.observers.map((o) => o.hash).sort());
});
