import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTopology, generateDiagnoseBundles } from '../../bench/gen-diagnose-store.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore, type Db } from '../../src/store/open.js';
import { loadOwnership, type Ownership } from '../../src/analysis/ownership.js';
import { replayStore } from '../../src/analysis/replay-store.js';
import { changedFilters, whatif, type WhatifResult } from '../../src/analysis/whatif.js';
import { buildWhatifScenarios, type WhatifRequest } from '../../src/analysis/whatif-scenario.js';

/**
 * The incremental whatif (the `after` replayer fed only the affected filters) against the
 * reference that feeds both replayers every record, on a generated store with several hosts,
 * promiscuous observers and REJECT rules whose responses are injected into the senders' filters.
 */
const HOSTS = 3;
let db: Db;
let owners: Ownership;
/** injections seen in the plain replay: from filter -> into filters */
const injections = new Map<string, Set<string>>();
/** allow rules with hits, per filter */
const allowHits = new Map<string, { ruleId: number; count: number }[]>();

test.before(async () => {
  const root = join(mkdtempSync(join(tmpdir(), 'dfwsim-whatif-inc-')), 'bundles');
  await generateDiagnoseBundles(root, 12000, HOSTS);
  db = openStore(':memory:');
  await ingest(db, [root]);
  rmSync(root, { recursive: true, force: true });
  owners = loadOwnership(db);
  const r = replayStore(db, {}, { owners }, (x) => {
    const into = x.synthetic?.injectedInto;
    if (into == null) return;
    let s = injections.get(x.filterHash);
    if (s === undefined) injections.set(x.filterHash, (s = new Set()));
    s.add(into);
  });
  for (const f of r.summary.filters) allowHits.set(f.filterHash, f.ruleHits.filter((h) => h.verdict === 'allow').map((h) => ({ ruleId: h.ruleId, count: h.count })).sort((a, b) => b.count - a.count));
});

test.after.always(() => db?.close());

function both(req: Partial<WhatifRequest>): { inc: WhatifResult; full: WhatifResult; changed: Set<string> } {
  const s = buildWhatifScenarios(db, { exclude: [], removeRules: [], changeFiles: [], policyFiles: [], ...req });
  if (s.unknownRules.length > 0) throw new Error(`unknown rules ${s.unknownRules.join(', ')}`);
  return {
    inc: whatif(db, {}, s.before, s.after, owners),
    full: whatif(db, {}, s.before, s.after, owners, { incremental: false }),
    changed: changedFilters(s.before, s.after),
  };
}

const observers = buildTopology(HOSTS).observers.map((o) => o.hash);

test('the store has REJECT responses injected into other filters (else this test proves nothing)', (t) => {
  const targets = new Set([...injections.values()].flatMap((x) => [...x]));
  t.true(targets.size >= 3, JSON.stringify([...injections]));
});

test('exclusions and a removed rule on several filters: the incremental whatif equals the two full replays', (t) => {
  const rejecter = [...injections.keys()].sort()[0] as string;
  const [quiet, other] = [...allowHits.keys()].filter((h) => !injections.has(h) && !observers.includes(h)).sort() as [string, string];
  const rule = (allowHits.get(other) ?? [])[0];
  t.truthy(rule);
  const { inc, full, changed } = both({ exclude: [rejecter, quiet], removeRules: [{ ruleId: rule!.ruleId, filter: other }] });
  t.true(full.changed.some((c) => c.filter === other));
  t.deepEqual(inc, full);
  t.true(full.summary.changedEvents > 0);
  // records change on filters the request does not name: the REJECTs into them are gone
  t.true(full.changed.some((c) => !changed.has(c.filter) && c.causeRemoved), JSON.stringify(full.summary.byFilterRule.slice(0, 5)));
});

test('a removed allow rule above a reject-all: new REJECTs whose responses reach unchanged filters', (t) => {
  const obs = observers.find((h) => (allowHits.get(h) ?? []).length > 0) as string;
  const rule = (allowHits.get(obs) ?? [])[0];
  t.truthy(rule);
  const { inc, full } = both({ removeRules: [{ ruleId: rule!.ruleId, filter: obs }] });
  t.deepEqual(inc, full);
  t.true(full.summary.newlyDenied > 0, JSON.stringify(full.summary));
});

test('removing a rule on every filter (the general path) gives the same with both replays', (t) => {
  const rule = (allowHits.get(observers[0] as string) ?? [])[0];
  const quiet = [...allowHits.keys()].filter((h) => !injections.has(h)).sort()[0] as string;
  const { inc, full, changed } = both({ removeRules: [{ ruleId: rule!.ruleId, filter: null }], exclude: [quiet] });
  t.true(changed.size > 1);
  t.deepEqual(inc, full);
  t.true(full.summary.changedEvents > 0);
});

test('a rule removed on a filter that unchanged filters inject REJECT responses into: those injections reach the after replay too', (t) => {
  const targets = [...new Set([...injections.values()].flatMap((x) => [...x]))].sort();
  let checked = 0;
  for (const y of targets.slice(0, 3)) {
    const rule = (allowHits.get(y) ?? [])[1] ?? (allowHits.get(y) ?? [])[0];
    if (rule === undefined) continue;
    const { inc, full } = both({ removeRules: [{ ruleId: rule.ruleId, filter: y }] });
    t.deepEqual(inc, full, y);
    checked++;
  }
  t.true(checked > 0);
});
