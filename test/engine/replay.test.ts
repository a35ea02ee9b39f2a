import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredEvent } from '../../src/model/packet-event.js';
import type { ReplayResult } from '../../src/model/replay.js';
import { compileFilter, type CompiledFilter } from '../../src/engine/compile.js';
import { stateKey } from '../../src/engine/conntrack.js';
import { diffReplays, replay, Replayer } from '../../src/engine/replay.js';
import { parseGetrules } from '../../src/parse/getrules.js';
import { parseGetaddrsets } from '../../src/parse/getaddrsets.js';

function fixture(name: string): CompiledFilter {
  const base = join(process.cwd(), 'test', 'fixtures', name);
  const rules = parseGetrules(readFileSync(`${base}.getrules.txt`, 'utf8'), `${base}.getrules.txt`);
  const sets = parseGetaddrsets(readFileSync(`${base}.getaddrsets.txt`, 'utf8'), `${base}.getaddrsets.txt`);
  return compileFilter({ rulesets: rules.value.rulesets, addrsets: sets.value.addrsets });
}

const F28341 = fixture('f5-28341');
const F53210 = fixture('f5-53210');
const filters = new Map<string, CompiledFilter>([
  ['28341', F28341],
  ['53210', F53210],
]);

const T0 = Date.parse('2018-01-17T01:29:48.363Z');
let nextId = 1;

/** A dfwpktlog event with defaults; `line` is a compact `<filter> <reason> <action> <rule> <dir> <proto> <src>/<sp>-><dst>/<dp> <flags>`. */
function ev(msOffset: number, line: string, extra: Partial<StoredEvent> = {}): StoredEvent {
  const [filter, reason, action, rule, dir, proto, tuple, flags] = line.split(' ');
  const m = /^(.+)\/(\d+)->(.+)\/(\d+)$/.exec(tuple ?? '');
  if (m === null) throw new Error(`bad tuple ${tuple}`);
  return {
    id: nextId++,
    ts: new Date(T0 + msOffset).toISOString(),
    tsMs: T0 + msOffset,
    host: 'esx101',
    filterHash: filter ?? null,
    af: 'INET',
    reason: reason ?? null,
    action: action === '-' ? null : (action ?? null),
    ruleset: 'domain-c7',
    ruleId: Number(rule),
    direction: dir as 'IN' | 'OUT',
    length: 52,
    protocol: (proto ?? 'tcp').toLowerCase(),
    src: m[1] as string,
    srcPort: Number(m[2]),
    dst: m[3] as string,
    dstPort: Number(m[4]),
    tcpFlags: flags === undefined || flags === '-' ? null : flags,
    icmpType: null,
    icmpCode: null,
    closeReason: null,
    packetsIn: null,
    packetsOut: null,
    bytesIn: null,
    bytesOut: null,
    tag: null,
    source: 'test',
    line: nextId,
    producer: 'nsx-dfw',
    envelope: null,
    vrf: null,
    interfaceId: null,
    policyRef: null,
    ruleName: null,
    table: null,
    ofPriority: null,
    appliedTo: null,
    dedupCount: null,
    dedupDuration: null,
    raw: line,
    ...extra,
  };
}

const CLIENT = '10.68.0.250';
const SERVER = '10.68.145.170';

/** The seed's four log lines (seeds/002, S20), as events. */
function seedEvents(): StoredEvent[] {
  return [
    ev(0, `28341 match PASS 1795 IN TCP ${CLIENT}/65448->${SERVER}/22 S`, { tag: '12345_ADMIN' }),
    ev(0, `53210 match PASS 1795 IN TCP ${CLIENT}/65448->${SERVER}/22 S`, { tag: '12345_ADMIN' }),
    ev(1, `53210 match REJECT 1026 IN TCP ${SERVER}/22->${CLIENT}/65448 SA`, { tag: 'default-deny' }),
    ev(1, `53210 match REJECT 1026 IN TCP ${SERVER}/22->${CLIENT}/65448 R`, { tag: 'default-deny', length: 40 }),
  ];
}

function byId(r: ReplayResult, id: number) {
  const e = r.events.find((x) => x.eventId === id);
  if (e === undefined) throw new Error(`no result for event ${id}`);
  return e;
}

test('replay: the seed (F5 observer): SYN passes on both filters, SA hits REJECT 1026, R is a consequence', (t) => {
  const evs = seedEvents();
  const [syn28, syn53, sa, rst] = evs.map((e) => e.id) as [number, number, number, number];
  const r = replay(evs, filters);
  t.is(r.events.length, 4);

  const a = byId(r, syn28);
  t.is(a.agreement, 'reproduced');
  t.is(a.simulated?.ruleId, 1795);
  t.true(a.createdState);

  const b = byId(r, syn53);
  t.is(b.agreement, 'reproduced');
  t.true(b.createdState);

  const c = byId(r, sa);
  t.is(c.agreement, 'reproduced', c.notes.join('; '));
  t.is(c.simulated?.ruleId, 1026);
  t.is(c.simulated?.position, 7);
  t.is(c.simulated?.verdict, 'reject');
  t.is(c.simulated?.basis, 'rule', 'no state for IN B->A on the observer');
  t.is(c.simulated?.walkthrough, `domain-c7 rule 1026 at 7: REJECT (tag default-deny) -> TCP RST to ${SERVER}`);
  t.false(c.createdState);
  // the generated RST goes from the client address to the server, into the server's filter
  t.is(c.synthetic?.kind, 'tcp-rst');
  t.is(c.synthetic?.flow.src, CLIENT);
  t.is(c.synthetic?.flow.dst, SERVER);
  t.is(c.synthetic?.flow.tcpFlags, 'RA');
  t.is(c.synthetic?.injectedInto, '28341');
  t.is(c.synthetic?.decision?.basis, 'state');
  t.is(c.synthetic?.closedState, a.stateKey);

  const d = byId(r, rst);
  t.is(d.causedBy, sa);
  t.is(d.simulated?.ruleId, 1026);
  t.is(d.simulated?.rejectSends, 'none');
  t.is(d.synthetic, null);
  t.true(d.notes.some((n) => n.includes('an RST is never answered')));
  t.is(d.agreement, 'reproduced');

  const f53 = r.filters.find((f) => f.filterHash === '53210');
  t.true(f53?.observerSuspect);
  t.is(f53?.rejectsSent, 1);
  t.deepEqual(
    f53?.ruleHits.map((h) => [h.ruleId, h.count]),
    [
      [1795, 1],
      [1026, 2],
    ],
  );
  const f28 = r.filters.find((f) => f.filterHash === '28341');
  t.false(f28?.observerSuspect);
  t.is(f28?.sessions[0]?.end, 'reject-reset');
});

test('replay: excluding 53210 removes the reject and keeps the server session open', (t) => {
  const evs = seedEvents();
  const r = replay(evs, filters, { excluded: ['53210'] });
  const on53 = r.events.filter((e) => e.filterHash === '53210');
  t.is(on53.length, 3);
  for (const e of on53) {
    t.is(e.agreement, 'excluded');
    t.is(e.simulated?.verdict, 'allow');
    t.is(e.synthetic, null);
    t.false(e.createdState);
  }
  t.is(r.filters.find((f) => f.filterHash === '28341')?.sessions[0]?.end, 'open');
  t.is(r.filters.find((f) => f.filterHash === '53210')?.rejectsSent, 0);
});

test('replay: pf orientation, state from IN A->B matches OUT B->A but not IN B->A', (t) => {
  const evs = [
    ev(0, `28341 match PASS 1795 IN TCP ${CLIENT}/40001->${SERVER}/22 S`),
    // a reply OUT logged as a match line although the state exists: anomaly
    ev(5, `28341 match PASS 1795 OUT TCP ${SERVER}/22->${CLIENT}/40001 SA`),
    // the same reply arriving IN (as on an observer) finds no state and walks the rules
    ev(6, `28341 match DROP 1001 IN TCP ${SERVER}/22->${CLIENT}/40001 SA`),
    // a later packet of the original direction IN: state hit
    ev(7, `28341 match PASS 1795 IN TCP ${CLIENT}/40001->${SERVER}/22 A`),
  ];
  const r = replay(evs, filters);
  t.is(r.events[0]?.agreement, 'reproduced');
  t.is(r.events[1]?.agreement, 'state-hit');
  t.is(r.events[1]?.simulated?.basis, 'state');
  t.is(r.events[1]?.stateKey, r.events[0]?.stateKey);
  t.is(r.events[2]?.agreement, 'reproduced');
  t.is(r.events[2]?.simulated?.ruleId, 1001);
  t.not(r.events[2]?.stateKey, r.events[0]?.stateKey);
  t.is(r.events[3]?.agreement, 'state-hit');
});

test('replay: pf orientation, state from OUT A->B matches IN B->A but not IN A->B', (t) => {
  const A = SERVER;
  const B = '93.184.216.34';
  const evs = [
    ev(0, `28341 match PASS 1796 OUT TCP ${A}/50000->${B}/443 S`),
    ev(3, `28341 match PASS 1796 IN TCP ${B}/443->${A}/50000 SA`),
    ev(4, `28341 match DROP 1001 IN TCP ${A}/50000->${B}/443 S`),
  ];
  const r = replay(evs, filters);
  t.is(r.events[0]?.agreement, 'reproduced');
  t.true(r.events[0]?.createdState);
  t.is(r.events[1]?.agreement, 'state-hit');
  t.is(r.events[2]?.agreement, 'reproduced');
  t.is(r.events[2]?.simulated?.ruleId, 1001);
  t.is(stateKey({ af: 'inet', protocol: 6, src: B, dst: A, srcPort: 443, dstPort: 50000, tcpFlags: 'SA', icmpType: null, icmpCode: null }, 'IN'), r.events[0]?.stateKey ?? '');
});

test('replay: TERM closes the state it names; a packet within tcp_closed is state-uncertain; later ones walk the rules', (t) => {
  const evs = [
    ev(0, `28341 match PASS 1795 IN TCP ${CLIENT}/40002->${SERVER}/22 S`),
    ev(60_000, `28341 TERM - 1795 IN TCP ${CLIENT}/40002->${SERVER}/22 -`, { closeReason: 'RST', length: null }),
    ev(65_000, `28341 match PASS 1795 IN TCP ${CLIENT}/40002->${SERVER}/22 S`),
    ev(200_000, `28341 TERM - 1795 IN TCP ${CLIENT}/40002->${SERVER}/22 -`, { closeReason: 'FIN', length: null }),
    ev(300_000, `28341 match PASS 1795 IN TCP ${CLIENT}/40002->${SERVER}/22 S`),
  ];
  const r = replay(evs, filters);
  t.is(r.events[1]?.kind, 'term');
  t.is(r.events[1]?.agreement, 'reproduced');
  t.is(r.events[2]?.agreement, 'state-uncertain');
  t.true(r.events[2]?.createdState);
  t.is(r.events[3]?.agreement, 'reproduced');
  t.is(r.events[4]?.agreement, 'reproduced');
  const sessions = r.filters.find((f) => f.filterHash === '28341')?.sessions ?? [];
  t.deepEqual(
    sessions.map((s) => [s.end, s.closeReason]),
    [
      ['term', 'RST'],
      ['term', 'FIN'],
      ['open', null],
    ],
  );
});

test('replay: TERM with no known state is state-uncertain', (t) => {
  const r = replay([ev(0, `28341 TERM - 1795 IN TCP ${CLIENT}/40003->${SERVER}/22 -`, { closeReason: 'FIN' })], filters);
  t.is(r.events[0]?.agreement, 'state-uncertain');
});

test('replay: idle timers: hit before the earliest expiry, uncertain inside the interval, miss after the latest', (t) => {
  const flow = `${CLIENT}/40004->${SERVER}/22`;
  const evs = [
    ev(0, `28341 match PASS 1795 IN TCP ${flow} S`),
    ev(10_000, `28341 match PASS 1795 IN TCP ${flow} S`),
    ev(10_000 + 31_000, `28341 match PASS 1795 IN TCP ${flow} S`),
    ev(10_000 + 31_000 + 43_201_000, `28341 match PASS 1795 IN TCP ${flow} S`),
  ];
  const r = replay(evs, filters);
  t.is(r.events[1]?.agreement, 'state-hit');
  t.is(r.events[2]?.agreement, 'state-uncertain');
  t.is(r.events[2]?.simulated?.basis, 'state-uncertain');
  t.is(r.events[3]?.agreement, 'reproduced');
  t.true(r.events[3]?.createdState);
  t.true(r.events[3]?.notes.some((n) => n.includes('expired')));
});

test('replay: UDP pseudo-state uses the udp timers', (t) => {
  const evs = [
    ev(0, `28341 match PASS 1797 IN UDP 10.1.1.1/5000->${SERVER}/514 -`),
    ev(20_000, `28341 match PASS 1797 IN UDP 10.1.1.1/5000->${SERVER}/514 -`),
    ev(20_000 + 45_000, `28341 match PASS 1797 IN UDP 10.1.1.1/5000->${SERVER}/514 -`),
    ev(20_000 + 45_000 + 61_000, `28341 match PASS 1797 IN UDP 10.1.1.1/5000->${SERVER}/514 -`),
  ];
  const r = replay(evs, filters);
  t.deepEqual(
    r.events.map((e) => e.agreement),
    ['reproduced', 'state-hit', 'state-uncertain', 'reproduced'],
  );
});

test('replay: NSX-V mid-stream ACK skips 1795 (strict) and is dropped by the default, creating no state', (t) => {
  const r = replay([ev(0, `28341 match DROP 1001 IN TCP ${CLIENT}/40005->${SERVER}/22 A`)], filters);
  t.is(r.events[0]?.agreement, 'reproduced');
  t.is(r.events[0]?.simulated?.ruleId, 1001);
  t.true(r.events[0]?.simulated?.trace.some((n) => n.text.includes('state-mismatch candidate')) ?? false);
  t.false(r.events[0]?.createdState);
});

test('replay: a logged rule that disagrees with the simulation is drift; unknown filters are no-rules', (t) => {
  const evs = [ev(0, `28341 match PASS 1795 IN TCP ${CLIENT}/40006->10.99.9.9/22 S`), ev(1, `77777 match PASS 1795 IN TCP ${CLIENT}/40006->${SERVER}/22 S`)];
  const r = replay(evs, filters);
  t.is(r.events[0]?.agreement, 'drift');
  t.is(r.events[0]?.simulated?.ruleId, 1001);
  t.is(r.events[1]?.agreement, 'no-rules');
  t.is(r.events[1]?.simulated, null);
});

test('replay: REJECT of an OUT packet is delivered straight back into the VM', (t) => {
  const evs = [ev(0, `53210 match REJECT 1026 OUT TCP 10.68.145.10/40000->10.1.1.1/25 S`)];
  const r = replay(evs, filters);
  t.is(r.events[0]?.synthetic?.kind, 'tcp-rst');
  t.is(r.events[0]?.synthetic?.injectedInto, null);
  t.is(r.events[0]?.agreement, 'reproduced');
});

test('replay: UDP REJECT sends ICMP unreachable admin-prohibited', (t) => {
  const evs = [ev(0, `53210 match REJECT 1026 IN UDP 10.1.1.1/40000->10.68.145.10/53 -`)];
  const r = replay(evs, filters);
  const s = r.events[0]?.synthetic;
  t.is(s?.kind, 'icmp-unreachable');
  t.is(s?.flow.icmpType, 3);
  t.is(s?.flow.icmpCode, 13);
  t.is(s?.flow.dst, '10.1.1.1');
});

test('replay: events are ordered per host by time, file order for equal ms', (t) => {
  const late = ev(10, `28341 match PASS 1795 IN TCP ${CLIENT}/40007->${SERVER}/22 S`);
  const early = ev(0, `28341 match PASS 1795 IN TCP ${CLIENT}/40007->${SERVER}/22 S`);
  const r = replay([late, early], filters);
  t.deepEqual(
    r.events.map((e) => e.eventId),
    [early.id, late.id],
  );
  t.is(r.events[1]?.agreement, 'state-hit');
});

test('replay: whatif diff, excluding the observer changes the reject and removes the cause of the bare RST', (t) => {
  const evs = seedEvents();
  const [, syn53, sa, rst] = evs.map((e) => e.id) as [number, number, number, number];
  const before = replay(evs, filters);
  const after = replay(evs, filters, { excluded: ['53210'] });
  const changes = diffReplays(before, after);
  t.deepEqual(
    changes.map((c) => c.eventId),
    [syn53, sa, rst],
  );
  const c = changes.find((x) => x.eventId === sa);
  t.is(c?.before.verdict, 'reject');
  t.is(c?.before.synthetic, 'tcp-rst');
  t.is(c?.after.verdict, 'allow');
  t.is(c?.after.basis, 'excluded');
  t.true(changes.find((x) => x.eventId === rst)?.causeRemoved);
  t.false(changes.find((x) => x.eventId === syn53)?.causeRemoved);
  // same replay twice: no change
  t.deepEqual(diffReplays(before, replay(evs, filters)), []);
});

test('replay: every filter that saw a connection shares its direction-free connection key', (t) => {
  const r = replay(seedEvents(), filters);
  t.is(new Set(r.events.map((e) => e.connection)).size, 1);
  t.is(new Set(r.events.map((e) => e.stateKey)).size, 2, 'two orientations: A->B IN and B->A IN');
});

test('replay: gateway records are not replayed against vNIC filters', (t) => {
  const r = replay([ev(0, `28341 match PASS 1795 IN TCP ${CLIENT}/1->${SERVER}/22 S`, { producer: 'nsx-gateway' })], filters);
  t.is(r.events[0]?.agreement, 'no-rules');
  t.is(r.events[0]?.simulated, null);
});

test('replay: a UDP reject injected into the sender relates to its UDP state', (t) => {
  // the F5 (10.68.145.10) sends syslog to the server, which allows it IN (1797); the server's
  // reply is copied IN to the F5's own filter 53210, where 1026 rejects it: the ICMP unreachable
  // goes back to the server (owner given explicitly here) and relates to the server's UDP state
  const evs = [
    ev(0, `28341 match PASS 1797 IN UDP 10.68.145.10/5000->${SERVER}/514 -`),
    ev(1, `53210 match REJECT 1026 IN UDP ${SERVER}/514->10.68.145.10/5000 -`),
  ];
  const r = replay(evs, filters, { owners: new Map([['esx101|' + SERVER, '28341']]) });
  const s = r.events[1]?.synthetic;
  t.is(s?.kind, 'icmp-unreachable');
  t.is(s?.injectedInto, '28341');
  t.is(s?.decision?.basis, 'state', 'the ICMP error quotes the server reply, which rides the state created IN');
  t.is(s?.closedState, null);
});

test('Replayer: streaming one event at a time gives the same results as replay() over the array', (t) => {
  const evs = seedEvents();
  const whole = replay(evs, filters);
  const owners = new Map<string, string>([['esx101|' + SERVER, '28341']]);
  const r = new Replayer(filters, owners);
  const streamed = evs.map((e) => r.push(e));
  const strip = (x: ReplayResult['events'][number]) => ({ ...x, notes: x.notes.filter((n) => !n.includes('inferred from the logs')), synthetic: x.synthetic && { ...x.synthetic, notes: [] } });
  t.deepEqual(streamed.map(strip), whole.events.map(strip));
  const s = r.finish();
  t.deepEqual(s.filters.map((f) => [f.filterHash, f.byAgreement, f.rejectsSent, f.observerSuspect]), whole.filters.map((f) => [f.filterHash, f.byAgreement, f.rejectsSent, f.observerSuspect]));
  // the streaming replay keeps no session list: it would grow with the log
  t.deepEqual(s.filters.map((f) => f.sessions.length), [0, 0]);
});

test('Replayer: memory stays bounded: states of sessions that never log again are swept once certainly expired', (t) => {
  const r = new Replayer(filters, new Map());
  // 50,000 UDP syslog datagrams from distinct ports, one per 100 ms (5,000 s in all): each creates
  // a state on 28341 that no later record touches; UDP states are gone after 60 s at most
  const start = T0;
  let maxLive = 0;
  const table = () => (r as unknown as { ctxs: Map<string, { table: { size: number } }> }).ctxs.get('28341')?.table.size ?? 0;
  for (let i = 0; i < 50_000; i++) {
    const e = ev(0, `28341 match PASS 1797 IN UDP 10.68.0.9/${10_000 + (i % 50_000)}->${SERVER}/514`, { tsMs: start + i * 100, ts: new Date(start + i * 100).toISOString() });
    const res = r.push(e);
    if (i === 0) t.true(res.createdState, res.notes.join('; '));
    maxLive = Math.max(maxLive, table());
  }
  // at 10 records/s and a 60 s latest expiry, about 600 live states plus one sweep interval of slack
  t.true(maxLive < 600 + 2 * 2048, `live states peaked at ${maxLive}`);
  t.is(r.finish().filters[0]?.byAgreement.reproduced, 50_000);
});

test('Replayer: a filter that logs a few lines a second still has its tombstones and IN tuples swept (by log time)', (t) => {
  const r = new Replayer(filters, new Map());
  // 900 SSH sessions, one per 10 s (9,000 s of log, 1,800 records: never SWEEP_EVERY records on
  // the filter), each a SYN and a TERM FIN: every close leaves a 45 s tombstone, every SYN an IN tuple
  const held = () => {
    const c = (r as unknown as { ctxs: Map<string, { table: { size: number }; inTuples: Map<string, number> }> }).ctxs.get('28341');
    return (c?.table.size ?? 0) + (c?.inTuples.size ?? 0);
  };
  let maxHeld = 0;
  for (let i = 0; i < 900; i++) {
    const at = i * 10_000;
    const port = 20_000 + i;
    const syn = r.push(ev(0, `28341 match PASS 1795 IN TCP ${CLIENT}/${port}->${SERVER}/22 S`, { tsMs: T0 + at, ts: new Date(T0 + at).toISOString() }));
    t.true(syn.createdState);
    const term = r.push(ev(0, `28341 TERM - 1795 IN TCP ${CLIENT}/${port}->${SERVER}/22 -`, { tsMs: T0 + at + 2000, ts: new Date(T0 + at + 2000).toISOString(), closeReason: 'FIN', length: null }));
    t.is(term.agreement, 'reproduced');
    maxHeld = Math.max(maxHeld, held());
  }
  // one sweep interval (300 s) of sessions: about 30 tombstones and 30 tuples, plus the horizon's 12 tuples
  t.true(maxHeld < 120, `held ${maxHeld} entries`);
});
