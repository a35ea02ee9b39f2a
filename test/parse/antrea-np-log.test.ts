/**
 * parseAntreaNpLogLine beyond the corpus (corpus-logs.test.ts has every sample line):
 * IPv6, `<nil>` handling, telling the generations apart, and what is rejected or foreign.
 */
import test from 'ava';
import type { PacketEvent } from '../../src/model/packet-event.js';
import { parseAntreaNpLogLine, sniffAntreaNpLog } from '../../src/parse/antrea-np-log.js';
import type { LineContext, LineResult } from '../../src/parse/line-result.js';

const ctx: LineContext = { source: 'np.log', line: 3, host: 'node-1' };

function parse(line: string): LineResult {
  return parseAntreaNpLogLine(line, ctx);
}

function event(t: { fail(m: string): void }, line: string): PacketEvent {
  const r = parse(line);
  if (r.kind !== 'event') {
    t.fail(`not an event: ${JSON.stringify(r)}`);
    throw new Error('not an event');
  }
  return r.event;
}

const F_IPV6 = '2024/02/29 23:59:59.999999 AntreaPolicyIngressRule AntreaClusterNetworkPolicy:acnp-v6 allow-ping Ingress Allow 14000 ns1/pod-a fd00:10:244::5 <nil> fd00:10:244:1::7 <nil> IPv6-ICMP 104 ping-v6';

test('format F over IPv6 with IPv6-ICMP: every field', (t) => {
  t.deepEqual(event(t, F_IPV6), {
    ts: '2024-02-29T23:59:59.999Z', tsMs: Date.parse('2024-02-29T23:59:59.999Z'), host: 'node-1', filterHash: null,
    af: 'INET6', reason: null, action: 'ALLOW', ruleset: null, ruleId: null, direction: 'IN', length: 104,
    protocol: 'ipv6-icmp', src: 'fd00:10:244::5', srcPort: null, dst: 'fd00:10:244:1::7', dstPort: null, tcpFlags: null,
    icmpType: null, icmpCode: null, closeReason: null, packetsIn: null, packetsOut: null, bytesIn: null, bytesOut: null,
    tag: 'ping-v6', source: 'np.log', line: 3, producer: 'antrea', envelope: 'F', vrf: null, interfaceId: null,
    policyRef: 'AntreaClusterNetworkPolicy:acnp-v6', ruleName: 'allow-ping', table: 'AntreaPolicyIngressRule',
    ofPriority: '14000', appliedTo: 'ns1/pod-a', dedupCount: null, dedupDuration: null, raw: F_IPV6,
  });
});

test('CRLF is stripped; raw has no \\r', (t) => {
  const e = event(t, `${F_IPV6}\r`);
  t.is(e.tag, 'ping-v6');
  t.is(e.raw, F_IPV6);
});

test('F with <nil> direction takes it from the table; <nil> appliedTo and label are null', (t) => {
  const e = event(t, '2023/07/04 12:33:26.221413 EgressDefaultRule K8sNetworkPolicy <nil> <nil> Drop <nil> <nil> 10.10.1.13 <nil> 10.10.1.7 <nil> ICMP 84 <nil>');
  t.is(e.direction, 'OUT');
  t.is(e.appliedTo, null);
  t.is(e.tag, null);
  t.is(e.ofPriority, null);
  t.is(e.ruleName, null);
  t.is(e.envelope, 'F');
});

test('actions Pass and Redirect, SCTP, and a dedup duration in ms', (t) => {
  const pass = event(t, '2024/01/01 00:00:00.000001 AntreaPolicyEgressRule AntreaClusterNetworkPolicy:p r1 Egress Pass 1000 ns/p 10.0.0.1 1000 10.0.0.2 2000 SCTP 60 l [4 packets in 999.5ms]');
  t.deepEqual([pass.action, pass.protocol, pass.direction, pass.dedupCount, pass.dedupDuration], ['PASS', 'sctp', 'OUT', 4, '999.5ms']);
  t.is(pass.ts, '2024-01-01T00:00:00.000Z');
  const redirect = event(t, '2024/01/01 00:00:00.000001 AntreaPolicyIngressRule AntreaNetworkPolicy:ns/l7 r2 Ingress Redirect 1000 ns/p 10.0.0.1 40000 10.0.0.2 80 TCP 60 <nil>');
  t.is(redirect.action, 'REDIRECT');
});

test('an empty table (the \\S* of the README regex) still parses, with a null table', (t) => {
  const e = event(t, '2021/06/24 23:56:41.346165  AntreaNetworkPolicy:default/test-anp Drop 44900 10.0.0.5 10.0.0.4 60 TCP');
  t.is(e.table, null);
  t.is(e.direction, null);
  t.is(e.envelope, 'B');
});

test('a bad action is rejected at its column, naming the vocabulary', (t) => {
  // format F by count, field 5 is not an action
  t.deepEqual(parse('2023/07/04 12:45:21.804416 IngressDefaultRule AntreaNetworkPolicy:default/x Rule1 Ingress Block 16 default/p 10.10.1.7 53646 10.10.1.14 80 TCP 60 l'), {
    kind: 'rejected', code: 'log/malformed', column: 91,
    reason: "expected an action (Allow, Drop, Reject, Pass, Redirect) as field 5 (format F) at column 91, found 'Block'",
  });
  // format F with a direction outside the vocabulary
  t.like(parse('2023/07/04 12:45:21.804416 IngressDefaultRule AntreaNetworkPolicy:default/x Rule1 Inbound Drop 16 default/p 10.10.1.7 53646 10.10.1.14 80 TCP 60 l'),
    { kind: 'rejected', code: 'log/malformed', column: 83 });
});

test('a wrong field count, a bad address, a bad port, a bad dedup suffix', (t) => {
  t.deepEqual(parse('2023/07/04 12:45:21.804416 IngressRule K8sNetworkPolicy:default/x Allow'), {
    kind: 'rejected', code: 'log/malformed', column: 28,
    reason: 'expected 8 (format B), 10 (A, C), 11 (D), 12 (E) or 14 (F) space-separated fields after the timestamp at column 28, found 3',
  });
  t.like(parse('2021/06/24 23:56:41.346165 AntreaPolicyEgressRule AntreaNetworkPolicy:default/test-anp Drop 44900 10.0.0.500 10.0.0.4 60 TCP'),
    { kind: 'rejected', code: 'log/malformed', column: 99 });
  t.like(parse('2022/07/26 06:55:56.170456 IngressRule K8sNetworkPolicy:default/test-np-log Allow 190 10.10.1.82 99999 10.10.1.84 80 TCP 60'),
    { kind: 'rejected', code: 'log/malformed', column: 98 });
  t.like(parse('2021/06/24 23:56:41.346165 AntreaPolicyEgressRule AntreaNetworkPolicy:default/test-anp Drop 44900 10.0.0.5 10.0.0.4 60 TCP [3 pkts]'),
    { kind: 'rejected', code: 'log/malformed', column: 124 });
});

test('format A needs SRC: and DEST:; 10 fields without them is format C', (t) => {
  t.is(event(t, '2020/11/02 22:21:21.148395 AntreaPolicyAppTierIngressRule AntreaNetworkPolicy:default/test-anp Allow 61800 SRC: 10.0.0.4 DEST: 10.0.0.5 60 TCP').envelope, 'A');
  t.is(event(t, '2020/11/02 22:21:21.148395 AntreaPolicyAppTierIngressRule AntreaNetworkPolicy:default/test-anp Allow 61800 10.10.1.65 35402 10.0.0.5 80 TCP 60').envelope, 'C');
});

test('foreign, binary and too-long lines', (t) => {
  t.deepEqual(parse(''), { kind: 'foreign', reason: 'blank line' });
  t.is(parse('I0704 12:45:21.804416       1 agent.go:123] Starting Antrea agent').kind, 'foreign');
  t.is(parse('2023-07-04T12:45:21.804Z INET match PASS 1 IN 60 TCP 1.1.1.1/1->2.2.2.2/2').kind, 'foreign');
  t.like(parse('2023/07/04 12:45:21.804416 Ingress\u0000Rule'), { kind: 'rejected', code: 'log/binary', column: 35 });
  t.like(parse(`2023/07/04 12:45:21.804416 ${'x'.repeat(70000)}`), { kind: 'rejected', code: 'log/line-too-long', column: 1 });
  t.like(parse('2023/07/04 12:45:21.804416'), { kind: 'rejected', code: 'log/malformed', column: 27 });
});

test('sniffAntreaNpLog', (t) => {
  t.is(sniffAntreaNpLog([F_IPV6, '']), 1);
  t.is(sniffAntreaNpLog(['2016-09-17T09:41:50.979Z INET match DROP domain-c46/1005 OUT 78 UDP 10.2.5.10/137->10.2.5.255/137']), 0);
  t.is(sniffAntreaNpLog([]), 0);
});
