import test from 'ava';
import { findDuplicates, type DuplicatesOptions, type DuplicatesReport } from '../../src/analysis/duplicates.js';
import type { PacketEvent } from '../../src/model/packet-event.js';
import { insertEvent, prepareEventInserts } from '../../src/store/events-repo.js';
import { openStore } from '../../src/store/open.js';
import { insertSource } from '../../src/store/sources-repo.js';
import { f5Store } from '../helpers/bundle.js';
import { packetEvent } from '../helpers/events.js';

const T0 = 1715731200000;

/** A record of one packet on one filter: `at` ms after T0, on host esx-1 unless given. */
function rec(filterHash: string, direction: 'IN' | 'OUT', packet: Partial<PacketEvent>, at = 0, over: Partial<PacketEvent> = {}): PacketEvent {
  return packetEvent({ filterHash, direction, tsMs: T0 + at, ts: new Date(T0 + at).toISOString(), ...packet, ...over });
}

function run(events: PacketEvent[], opts: Partial<DuplicatesOptions> = {}): DuplicatesReport {
  const db = openStore(':memory:');
  const sid = insertSource(db, { path: 'x.log', size: 0, sha256: 'x', format: 'dfwpktlog', host: null });
  const ins = prepareEventInserts(db);
  events.forEach((e, i) => insertEvent(ins, sid, { ...e, line: i + 1 }));
  const r = findDuplicates(db, { windowMs: 1000, limit: 50, ...opts });
  db.close();
  return r;
}

// VMs on esx-1: A 10.1.0.10 (filter a), B 10.1.0.20 (filter b), O 10.1.0.30 (filter o, the observer)
const AB = { protocol: 'tcp', src: '10.1.0.10', srcPort: 40000, dst: '10.1.0.20', dstPort: 443, tcpFlags: 'S' };
/** O sends from its own address once: that makes its ownership known (inferred) */
const O_OWN = rec('o', 'OUT', { protocol: 'udp', src: '10.1.0.30', srcPort: 5000, dst: '10.9.9.9', dstPort: 53, tcpFlags: null }, 50_000);
const A6B6: Partial<PacketEvent> = { af: 'INET6', protocol: 'tcp', src: '2001:db8::a', srcPort: 40000, dst: '2001:db8::b', dstPort: 22, tcpFlags: 'S' };

interface Case {
  name: string;
  events: PacketEvent[];
  opts?: Partial<DuplicatesOptions>;
  summary: Partial<DuplicatesReport['summary']>;
  /** [filter, verdict, flowsNotOwned, drops, rules] per observer */
  observers: [string, string, number, number, string[]][];
  roles?: string[][];
}

const CASES: Case[] = [
  {
    name: 'two VMs on one host talking normally: the expected pair (OUT on the sender, IN on the receiver), TERMs not grouped',
    events: [
      rec('a', 'OUT', AB), rec('b', 'IN', AB, 1),
      rec('a', 'OUT', AB, 9000, { reason: 'TERM', action: null, tcpFlags: null, closeReason: 'FIN' }),
      rec('b', 'IN', AB, 9000, { reason: 'TERM', action: null, tcpFlags: null, closeReason: 'FIN' }),
    ],
    summary: { records: 2, groups: 1, expectedPairs: 1, extraObserverGroups: 0, broadcast: 0 },
    observers: [],
  },
  {
    name: 'a REJECT on the receiver\'s own filter is its policy, not a duplicate problem',
    events: [rec('a', 'OUT', AB), rec('b', 'IN', AB, 0, { action: 'REJECT', ruleId: 1026 })],
    summary: { groups: 1, expectedPairs: 1, extraObserverGroups: 0 },
    observers: [],
  },
  {
    name: 'broadcast (limited, directed) and multicast (IPv4, IPv6) reach every vNIC: broadcast groups, not duplicates',
    events: [
      ...['255.255.255.255', '10.1.0.255', '224.0.0.251', 'ff02::fb'].flatMap((dst, i) => {
        const p: Partial<PacketEvent> = { af: dst.includes(':') ? 'INET6' : 'INET', protocol: 'udp', src: dst.includes(':') ? 'fe80::a' : '10.1.0.10', srcPort: 5353, dst, dstPort: 5353, tcpFlags: null };
        return [rec('a', 'OUT', p, i * 5000), rec('b', 'IN', p, i * 5000), rec('o', 'IN', p, i * 5000 + 2)];
      }),
      O_OWN,
    ],
    summary: { groups: 4, broadcast: 4, expectedPairs: 0, extraObserverGroups: 0 },
    observers: [],
  },
  {
    name: 'an extra observer that only passes traffic is still a promiscuous suspect (it caused no drops)',
    events: [rec('a', 'OUT', AB), rec('b', 'IN', AB), rec('o', 'IN', AB, 1, { ruleId: 7 }), O_OWN],
    summary: { groups: 1, expectedPairs: 0, extraObserverGroups: 1, promiscuousSuspects: 1 },
    observers: [['o', 'promiscuous-suspect', 1, 0, ['7 PASS x1']]],
    roles: [['sender', 'receiver', 'observer']],
  },
  {
    name: 'the F5 pattern: the observer passes the SYN, receives the SYN/ACK IN as well and rejects it',
    events: [
      rec('b', 'IN', AB), rec('o', 'IN', AB),
      rec('o', 'IN', { ...AB, src: AB.dst, srcPort: AB.dstPort, dst: AB.src, dstPort: AB.srcPort, tcpFlags: 'SA' }, 1, { action: 'REJECT', ruleId: 1026 }),
      O_OWN,
    ],
    summary: { groups: 1, extraObserverGroups: 1, promiscuousSuspects: 1 },
    observers: [['o', 'promiscuous-suspect', 2, 1, ['1 PASS x1', '1026 REJECT x1']]],
    roles: [['receiver', 'observer']],
  },
  {
    name: 'clock skew within the window: the copies 900 ms apart are one packet',
    events: [rec('a', 'OUT', AB), rec('b', 'IN', AB, 700), rec('o', 'IN', AB, 900), O_OWN],
    summary: { groups: 1, extraObserverGroups: 1 },
    observers: [['o', 'promiscuous-suspect', 1, 0, ['1 PASS x1']]],
    roles: [['sender', 'receiver', 'observer']],
  },
  {
    name: 'beyond the window (anchored at the first copy) the records are separate packets',
    events: [rec('a', 'OUT', AB), rec('b', 'IN', AB, 700), rec('o', 'IN', AB, 900), O_OWN],
    opts: { windowMs: 100 },
    summary: { groups: 0 },
    observers: [],
  },
  {
    name: 'IPv6: the pair and an extra observer',
    events: [rec('a', 'OUT', A6B6), rec('b', 'IN', A6B6), rec('o', 'IN', A6B6), O_OWN],
    summary: { groups: 1, extraObserverGroups: 1, expectedPairs: 0 },
    observers: [['o', 'promiscuous-suspect', 1, 0, ['1 PASS x1']]],
    roles: [['sender', 'receiver', 'observer']],
  },
  {
    name: 'the same packet on two hosts is the normal cross-host pair: never grouped',
    events: [rec('a', 'OUT', AB), rec('b', 'IN', AB, 3, { host: 'esx-2' })],
    summary: { records: 2, groups: 0 },
    observers: [],
  },
  {
    name: 'ownership unknown (two filters receive the address, neither ever sends): role unknown, not guessed',
    events: [rec('b', 'IN', AB), rec('o', 'IN', AB)],
    summary: { groups: 1, unknownGroups: 1, extraObserverGroups: 0, expectedPairs: 0 },
    observers: [],
    roles: [['unknown', 'unknown']],
  },
  {
    name: 'ownership declared by an inventory decides the roles',
    events: [rec('b', 'IN', AB), rec('o', 'IN', AB)],
    opts: { extraFilters: [{ hash: 'b', ips: ['10.1.0.20'] }, { hash: 'o', ips: ['10.1.0.30'] }] },
    summary: { groups: 1, extraObserverGroups: 1 },
    observers: [['o', 'promiscuous-suspect', 1, 0, ['1 PASS x1']]],
    roles: [['receiver', 'observer']],
  },
];

for (const c of CASES) {
  test(`duplicates: ${c.name}`, (t) => {
    const r = run(c.events, c.opts);
    for (const [k, v] of Object.entries(c.summary)) t.is(r.summary[k as keyof typeof r.summary], v, k);
    t.deepEqual(
      r.observers.map((o) => [o.filter, o.verdict, o.flowsNotOwned, o.drops, o.rules.map((u) => `${u.rule.replace(/^.*\//, '')} ${u.action} x${u.count}`).sort()]),
      c.observers.map(([f, v, n, d, rules]) => [f, v, n, d, [...rules].sort()]),
    );
    if (c.roles) t.deepEqual(r.groups.map((g) => g.records.map((x) => x.role)), c.roles);
    for (const o of r.observers) t.is(r.notes.some((n) => n.startsWith(`${o.filter} only passed`)), o.drops === 0);
  });
}

test('duplicates: on the bundled F5 sample, 53210 (f5-bigip-01 eth1) is the promiscuous suspect', async (t) => {
  const db = await f5Store();
  const r = findDuplicates(db, { windowMs: 1000, limit: 50 });
  db.close();
  t.like(r.summary, { groups: 5, expectedPairs: 1, broadcast: 1, extraObserverGroups: 3, unknownGroups: 0, observers: 1, promiscuousSuspects: 1 });
  const [o] = r.observers;
  t.like(o, { filter: '53210', vm: 'f5-bigip-01', host: 'esx101.lab.local', verdict: 'promiscuous-suspect', ownershipBasis: 'inferred', flowsNotOwned: 6, drops: 5 });
  t.deepEqual(o?.evidence, ['not-owned', 'both-directions-in']);
  t.deepEqual(o?.ownedAddresses, ['10.68.145.5']);
});
