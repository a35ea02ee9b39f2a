import test from 'ava';
import { explainContext, explainStore } from '../../src/analysis/explain-store.js';
import type { Explanation } from '../../src/analysis/explain.js';
import type { ConnectionSelector } from '../../src/store/events-repo.js';
import type { Db } from '../../src/store/open.js';
import { bundleStore, f5Store, type BundleFilter } from '../helpers/bundle.js';

function explainAll(db: Db, sel: ConnectionSelector = { kind: 'reject-or-reset' }): Explanation[] {
  const out: Explanation[] = [];
  explainStore(db, {}, sel, (x) => out.push(x), explainContext(db));
  return out;
}

const SSH = (n: number) => `tcp 10.68.0.250:${n} -> 10.68.145.170:22`;

test('explain: the F5 case from the bundled logs: the observer rejects the reverse-direction SYN/ACK, and both fixes are checked', async (t) => {
  const db = await f5Store();
  const all = explainAll(db);
  db.close();
  const ssh = all.find((x) => x.flow.text === SSH(65448));
  t.truthy(ssh, all.map((x) => x.flow.text).join(', '));
  if (ssh === undefined) return;
  t.is(ssh.flow.host, 'esx101.lab.local');
  t.deepEqual(
    ssh.observations.map((o) => [o.filter, o.vm, o.role, o.decision.source, o.decision.verdict, o.decision.ruleId]),
    [
      ['28341', 'app-ssh-01', 'owner', 'replay', 'allow', 1795],
      ['53210', 'f5-bigip-01', 'extra', 'replay', 'reject', 1026],
    ],
  );
  t.is(ssh.cause.kind, 'observer-reverse-direction');
  const f5 = ssh.observations[1];
  const synAck = f5?.events.find((e) => e.packet === 'SYN/ACK');
  t.is(ssh.cause.decidingEvent, synAck?.eventId ?? -1);
  t.deepEqual(f5?.events.map((e) => [e.direction, e.packet, e.logged.action, e.simulated?.verdict, e.agreement, e.causedBy]), [
    ['IN', 'SYN', 'PASS', 'allow', 'reproduced', null],
    ['IN', 'SYN/ACK', 'REJECT', 'reject', 'reproduced', null],
    ['IN', 'bare RST', 'REJECT', 'reject', 'reproduced', synAck?.eventId],
  ]);
  t.is(
    ssh.cause.text,
    'SYN passed rule 1795 on 28341 (app-ssh-01, owner) and rule 1795 on 53210 (f5-bigip-01, extra observer); ' +
      'the SYN/ACK reached 53210 in the reverse direction (IN again), matched no state there (the state from the SYN covers replies going OUT, not IN) ' +
      'and hit REJECT rule 1026 (default-deny) -> session reset; the later bare RST on 53210, TERM (RST) on 28341 are consequences',
  );
  t.deepEqual(
    ssh.fixes.map((f) => [f.kind, f.filter, f.ruleId, f.effect.before.reject, f.effect.after.reject, f.effect.resolves, f.command]),
    [
      ['exclude-filter', '53210', null, 2, 0, true, 'dfwsim whatif --exclude-filter 53210'],
      ['narrow-applied-to', '53210', 1026, 2, 0, true, 'dfwsim whatif --remove-rule 1026 --filter 53210'],
    ],
  );
  // the server's TERM RST on 28341 would not happen once the F5 no longer resets the session
  const term = ssh.observations[0]?.events.find((e) => e.packet === 'TERM (RST)');
  t.is(term?.causedBy, synAck?.eventId);
  t.true(ssh.fixes[0]?.effect.changes.some((c) => c.eventId === term?.eventId && c.causeRemoved));
  t.deepEqual(ssh.drift, []);
});

// a plain host: an app server (owner of 10.1.0.20) rejecting SSH from outside by its own policy
const appServer = (rules: string[]): BundleFilter => ({ hash: '40001', vm: 'app-01', world: 2001, vnic: 0, rules });
const REJECT_SSH = [
  'rule 2001 at 1 inout protocol tcp from any to any port 443 accept with log;',
  'rule 2002 at 2 inout protocol tcp from any to any port 22 reject with log tag \'no-ssh\';',
  'rule 1001 at 3 inout protocol any from any to any accept;',
];

test('explain: a REJECT on the owner\'s own filter is a policy decision, with no exclusion proposed', async (t) => {
  const db = await bundleStore('esx7.lab', [appServer(REJECT_SSH)], [
    '2024-01-01T10:00:00.000Z 40001 INET match PASS domain-c7/2001 OUT 60 TCP 10.1.0.20/40000->10.9.9.9/443 S',
    '2024-01-01T10:00:01.000Z 40001 INET match REJECT domain-c7/2002 IN 60 TCP 10.9.9.1/50000->10.1.0.20/22 S no-ssh',
  ]);
  const [x, ...rest] = explainAll(db);
  db.close();
  t.is(rest.length, 0);
  t.is(x?.cause.kind, 'policy-deny');
  t.deepEqual(x?.observations.map((o) => [o.filter, o.role, o.decision.verdict, o.decision.ruleId]), [['40001', 'owner', 'reject', 2002]]);
  t.regex(x?.cause.text ?? '', /^the SYN hit REJECT rule 2002 \(no-ssh\) on 40001 \(app-01, owner\) -> session reset: the policy denies this connection/);
  t.deepEqual(x?.fixes.map((f) => [f.kind, f.effect.after.reject, f.effect.resolves]), [['narrow-applied-to', 0, true]]);
});

test('explain: an IPv6 observer case reads the same as the IPv4 one', async (t) => {
  const obsRules = [
    'rule 3001 at 1 inout protocol tcp from any to any port 22 accept with log;',
    'rule 3009 at 2 inout protocol any from any to any reject with log tag \'lb-deny\';',
  ];
  const db = await bundleStore('esx6.lab', [
    { hash: '50001', vm: 'web-01', world: 3001, vnic: 0, rules: ['rule 3001 at 1 inout protocol tcp from any to any port 22 accept with log;', 'rule 1001 at 2 inout protocol any from any to any drop with log;'] },
    { hash: '50002', vm: 'lb-01', world: 3002, vnic: 1, rules: obsRules },
  ], [
    '2024-01-01T10:00:00.000Z 50001 INET6 match PASS domain-c7/1001 OUT 72 TCP 2001:db8::20/40000->2001:db8::99/443 S',
    '2024-01-01T10:00:00.100Z 50002 INET6 match PASS domain-c7/3009 OUT 72 TCP 2001:db8::5/40001->2001:db8::20/9 S',
    '2024-01-01T10:00:01.000Z 50001 INET6 match PASS domain-c7/3001 IN 80 TCP 2001:db8::1/50000->2001:db8::20/22 S',
    '2024-01-01T10:00:01.000Z 50002 INET6 match PASS domain-c7/3001 IN 80 TCP 2001:db8::1/50000->2001:db8::20/22 S',
    '2024-01-01T10:00:01.001Z 50002 INET6 match REJECT domain-c7/3009 IN 80 TCP 2001:db8::20/22->2001:db8::1/50000 SA lb-deny',
  ]);
  const all = explainAll(db);
  db.close();
  const x = all.find((e) => e.flow.text === 'tcp [2001:db8::1]:50000 -> [2001:db8::20]:22');
  t.truthy(x, all.map((e) => e.flow.text).join(', '));
  t.is(x?.cause.kind, 'observer-reverse-direction');
  t.deepEqual(x?.observations.map((o) => [o.filter, o.role]), [['50001', 'owner'], ['50002', 'extra']]);
  t.true(x?.fixes.find((f) => f.kind === 'exclude-filter')?.effect.resolves);
});

test('explain: without realized rules the decisions come from the log, and say so', async (t) => {
  const db = await bundleStore('esx5.lab', [{ hash: '60001', vm: 'db-01', world: 4001, vnic: 0 }], [
    '2024-01-01T10:00:00.000Z 60001 INET match PASS domain-c7/9 OUT 60 TCP 10.2.0.7/40000->10.9.9.9/443 S',
    '2024-01-01T10:00:01.000Z 60001 INET match REJECT domain-c7/77 IN 60 TCP 10.9.9.1/50000->10.2.0.7/5432 S deny-pg',
  ]);
  const [x] = explainAll(db);
  db.close();
  t.deepEqual(x?.observations.map((o) => [o.filter, o.decision.source, o.decision.basis, o.decision.verdict, o.decision.ruleId, o.decision.tag]), [['60001', 'log', 'logged', 'reject', 77, 'deny-pg']]);
  t.is(x?.cause.kind, 'policy-deny');
  t.true(x?.notes.some((n) => n.includes('decisions are the logged ones')));
  t.false(x?.fixes.some((f) => f.effect.checked));
});

test('explain: a logged REJECT the stored rules do not give is drift, named in the cause', async (t) => {
  const db = await bundleStore('esx4.lab', [appServer(REJECT_SSH)], [
    '2024-01-01T10:00:00.000Z 40001 INET match PASS domain-c7/2001 OUT 60 TCP 10.1.0.20/40000->10.9.9.9/443 S',
    // the stored rules accept 443; the log says a rule 2005 rejected it (another ruleset generation)
    '2024-01-01T10:00:01.000Z 40001 INET match REJECT domain-c7/2005 IN 60 TCP 10.9.9.1/50000->10.1.0.20/443 S',
  ]);
  const [x] = explainAll(db);
  db.close();
  t.is(x?.cause.kind, 'drift');
  t.deepEqual(x?.drift.map((d) => [d.logged.action, d.logged.ruleId, d.simulated?.verdict, d.simulated?.ruleId]), [['REJECT', 2005, 'allow', 2001]]);
  t.deepEqual([x?.observations[0]?.decision.eventId, x?.cause.decidingEvent], [x?.drift[0]?.eventId, x?.drift[0]?.eventId]);
  t.regex(x?.cause.text ?? '', /^the SYN was logged as REJECT rule 2005 on 40001 \(app-01, owner\), but the stored rules decide passed rule 2001/);
});

test('explain: by flow and by event id select the same connection', async (t) => {
  const db = await f5Store();
  const rst = (db.prepare("SELECT id FROM events WHERE filter_hash = '53210' AND tcp_flags = 'R' ORDER BY id LIMIT 1").get() as { id: number }).id;
  const byEvent = explainAll(db, { kind: 'event', id: rst });
  const byFlow = explainAll(db, { kind: 'flow', protocol: 'tcp', src: '10.68.0.250', dst: '10.68.145.170', dstPort: 22 });
  db.close();
  t.deepEqual(byEvent.map((x) => x.flow.text), [SSH(65448)]);
  t.deepEqual(byFlow.map((x) => x.flow.text), [SSH(61002), SSH(65448), SSH(65451)]);
  t.is(byFlow[0]?.cause.kind, 'not-denied');
});
