import test from 'ava';
import { runAudit } from '../../src/analysis/audit.js';
import { bucketWidth } from '../../src/analysis/audit-traffic.js';
import { auditJson } from '../../src/report/audit.js';
import { bundleStore, f5Store } from '../helpers/bundle.js';

const opts = { limit: 20, windowMs: 1000 };

// web-01 (50001) logs rules 3001 (allow ssh, logged), 3002 (allow https, logged, never hit),
// 3003 (allow dns, not logged), 1001 (deny, logged); db-01 (50002) has rules and logs nothing.
const filters = [
  {
    hash: '50001', vm: 'web-01', world: 3001, vnic: 0,
    rules: [
      'rule 3001 at 1 inout protocol tcp from any to any port 22 accept with log;',
      'rule 3002 at 2 inout protocol tcp from any to any port 443 accept with log;',
      'rule 3003 at 3 inout protocol udp from any to any port 53 accept;',
      'rule 1001 at 4 inout protocol any from any to any drop with log;',
    ],
  },
  { hash: '50002', vm: 'db-01', world: 3002, vnic: 0, rules: ['rule 4001 at 1 inout protocol tcp from any to any port 5432 accept with log;'] },
];
const log = [
  '2024-01-01T10:00:00.000Z 50001 INET match PASS domain-c7/3001 IN 60 TCP 10.9.9.1/50000->10.1.0.20/22 S',
  '2024-01-01T10:00:30.000Z 50001 INET match DROP domain-c7/1001 IN 60 TCP 10.9.9.1/50001->10.1.0.20/3389 S',
  '2024-01-01T10:01:10.000Z 50001 INET match DROP domain-c7/1001 IN 60 TCP 10.9.9.1/50002->10.1.0.20/445 S',
  '2024-01-01T10:02:00.000Z 50001 INET TERM PASS domain-c7/3001 IN TCP FIN 10.9.9.1/50000->10.1.0.20/22 5/4 600/500',
];

test('rule usage: a logged rule never hit is unused, a rule without logging is not-logged, a silent filter is not judged', async (t) => {
  const db = await bundleStore('esx01.lab', filters, log);
  const r = await runAudit(db, opts);
  const rows = r.unusedRules.map((u) => [u.filter, u.ruleId, u.status]);
  // 1004 is the L2 rule every bundle filter has (accept, no log)
  t.deepEqual(rows, [['50001', 3002, 'unused'], ['50001', 3003, 'not-logged'], ['50001', 1004, 'not-logged']]);
  t.false(r.unusedRules.some((u) => u.filter === '50002'), 'db-01 logged nothing: its rules are not counted');
  t.true(r.notes.some((n) => n.includes('50002')));
  const hits = new Map(r.rules.filter((x) => x.filter === '50001').map((x) => [x.ruleId, x.hits]));
  t.is(hits.get(3001), 1, 'the TERM record is a session summary, not a hit');
  t.is(hits.get(1001), 2);
  t.is(r.rules.find((x) => x.filter === '50002')?.hits, null);
  t.is(r.summary.unusedRules, 1);
  t.is(r.summary.notLoggedRules, 2);
});

test('traffic: actions, TERM apart, top denied flows with their distinct count, a time series over the whole span', async (t) => {
  const db = await bundleStore('esx01.lab', filters, log);
  const r = await runAudit(db, opts);
  t.is(r.traffic.packets, 3);
  t.is(r.traffic.sessionEnds, 1);
  t.deepEqual(r.traffic.byAction, [{ action: 'DROP', events: 2 }, { action: 'PASS', events: 1 }]);
  t.is(r.traffic.distinctDeniedFlows, 2, 'two destination ports: two flows (the ephemeral source port is not part of a flow)');
  t.is(r.traffic.topDenied.length, 2);
  t.deepEqual(r.traffic.byFilter.map((f) => [f.filter, f.name, f.events, f.denied]), [['50001', 'nic-3001-eth0-vmware-sfw.2', 3, 2]]);
  const ts = r.traffic.timeSeries;
  t.is(ts.bucketMs, 5000, '120 s of log in at most 60 buckets: 5 s');
  t.is(ts.buckets[0]?.start, '2024-01-01T10:00:00.000Z');
  t.is(ts.buckets.length, 25, 'the axis spans the whole log, 10:00:00 to the TERM at 10:02:00');
  t.deepEqual(ts.buckets.at(-1), { start: '2024-01-01T10:02:00.000Z', counts: {} }, 'TERM records are not in the packet series');
  t.deepEqual(ts.buckets[14], { start: '2024-01-01T10:01:10.000Z', counts: { DROP: 1 } });
  t.is(ts.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((a, c) => a + c, 0), 0), 3);
  t.is(r.inputs.timeSpan.first, '2024-01-01T10:00:00.000Z');
  t.is(r.inputs.timeSpan.last, '2024-01-01T10:02:00.000Z');
});

test('a listing limit cuts lists, never the counts', async (t) => {
  const db = await bundleStore('esx01.lab', filters, log);
  const r = await runAudit(db, { ...opts, limit: 1 });
  t.is(r.traffic.topDenied.length, 1);
  t.is(r.traffic.distinctDeniedFlows, 2);
  t.is(r.traffic.byRule.length, 1);
  t.is(r.traffic.distinctRules, 2);
});

test('rule counts against the per-vNIC and per-host limits', async (t) => {
  const db = await bundleStore('esx01.lab', filters, log);
  const r = await runAudit(db, { ...opts, ruleLimits: { perFilter: 4, perHost: 5 } });
  t.deepEqual(r.ruleCounts.filters.map((f) => [f.filter, f.lines, f.over]), [['50001', 5, true], ['50002', 2, false]]);
  t.deepEqual(r.ruleCounts.hosts.map((h) => [h.host, h.lines, h.over]), [['esx01.lab', 7, true]]);
  t.is(r.summary.filtersOverLimit, 1);
});

test('the F5 bundle: explanations, the promiscuous suspect, no drift, the contract keys in order', async (t) => {
  const db = await f5Store();
  const r = await runAudit(db, opts);
  t.is(r.summary.explanations.connections, 4);
  t.deepEqual(r.summary.explanations.causes[0], { kind: 'observer-reverse-direction', filter: '53210', ruleId: 1026, connections: 2, fix: 'dfwsim whatif --exclude-filter 53210' });
  t.deepEqual(r.duplicates.observers.map((o) => [o.filter, o.verdict]), [['53210', 'promiscuous-suspect']]);
  t.is(r.drift.drifted, 0);
  t.true(r.drift.compared > 0);
  t.deepEqual(Object.keys(auditJson(r)).slice(0, 7), ['inputs', 'traffic', 'explanations', 'duplicates', 'unusedRules', 'shadowedRules', 'drift']);
  t.is(r.summary.findings.duplicate, 3);
  t.true(r.summary.findings.reject > 0);
});

test('bucket widths are round units with at most 60 buckets', (t) => {
  t.is(bucketWidth(0), 1000);
  t.is(bucketWidth(59_000), 1000);
  t.is(bucketWidth(60_000), 5000);
  t.is(bucketWidth(3599_000), 60_000);
  t.is(bucketWidth(3600_000), 300_000, 'an hour in 1-minute buckets is 61 buckets, one too many');
  t.is(bucketWidth(30 * 86400_000), 86400_000);
  t.true(365 * 86400_000 / bucketWidth(365 * 86400_000) <= 60);
});

async function fileStore(): Promise<{ db: import('../../src/store/open.js').Db; path: string }> {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openStore } = await import('../../src/store/open.js');
  const { ingest } = await import('../../src/ingest/ingest.js');
  const path = join(mkdtempSync(join(tmpdir(), 'dfwsim-audit-')), 'a.db');
  const db = openStore(path);
  await ingest(db, ['logs/f5-promiscuous']);
  return { db, path };
}

test('on a store file, the rule sections run in a worker thread and the report is the inline one', async (t) => {
  const { db, path } = await fileStore();
  const steps: string[] = [];
  const inWorker = await runAudit(db, { ...opts, storePath: path, onStep: (i, name) => steps.push(`${i}:${name}`) });
  const inline = await runAudit(db, opts);
  t.deepEqual(auditJson(inWorker), auditJson(inline));
  t.true(inWorker.drift.compared > 0);
  t.true(inWorker.summary.explanations.connections > 0);
  // every step reported once, numbered in the order they started
  t.deepEqual(steps.map((s) => s.split(':')[1]).sort(), ['drift', 'duplicates', 'explanations', 'inputs', 'rule usage', 'shadowed rules', 'traffic']);
  t.deepEqual(steps.map((s) => Number(s.split(':')[0])), [0, 1, 2, 3, 4, 5, 6]);
  db.close();
});

test('a rules worker that runs out of its heap: the sections run on the main thread, same report, and a note says so', async (t) => {
  const { db, path } = await fileStore();
  const starved = await runAudit(db, { ...opts, storePath: path, rulesHeapMb: 2 });
  const inline = await runAudit(db, opts);
  t.true(starved.notes.some((n) => /shadowed rules and drift ran on the main thread: the rules worker ran out of its 2 MB heap/.test(n)), starved.notes.join('\n'));
  t.deepEqual({ ...auditJson(starved), notes: [] }, { ...auditJson(inline), notes: [] });
  t.deepEqual(starved.notes.filter((n) => !/ran on the main thread/.test(n)), inline.notes);
  db.close();
});

test('lint of filters with the same rules: analysed once, each finding attributed to its own filter and capture line', async (t) => {
  const { lintStore } = await import('../../src/analysis/lint.js');
  const rules = ['rule 3001 at 1 inout protocol udp from any to any port 53 accept with log;', 'rule 3002 at 2 inout protocol udp from any to any port 53 drop with log;'];
  const db = await bundleStore('esx01.lab', [
    { hash: '70001', vm: 'a', world: 5001, vnic: 0, rules },
    { hash: '70002', vm: 'b', world: 5002, vnic: 0, rules },
  ], []);
  const items = lintStore(db).shadowedRules.map((i) => [i.filter, i.ruleId, i.kind, i.source?.replace(/^.*\//, '')]);
  t.deepEqual(items, [
    ['nic-5001-eth0-vmware-sfw.2', 3002, 'shadowed', 'vsipioctl-getrules.txt:5'],
    ['nic-5002-eth0-vmware-sfw.2', 3002, 'shadowed', 'vsipioctl-getrules.txt:17'],
  ]);
});
