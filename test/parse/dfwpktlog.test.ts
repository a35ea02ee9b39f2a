/**
 * parseDfwpktlogLine beyond the corpus: the envelope and body variants of
 * reference/dfwpktlog.md that have no corpus sample, the edge-case checklist (section 7),
 * and the classification of what is not a record (foreign, rejected with a column).
 */
import test from 'ava';
import type { PacketEvent } from '../../src/model/packet-event.js';
import { parseDfwpktlogLine, sniffDfwpktlog } from '../../src/parse/dfwpktlog.js';
import type { LineContext, LineResult } from '../../src/parse/line-result.js';

const ctx: LineContext = { source: 'edge.log', line: 7, host: 'esx-fallback' };

function parse(line: string): LineResult {
  return parseDfwpktlogLine(line, ctx);
}

/** The event, or a failed assertion naming what came back instead. */
function event(t: { fail(m: string): void }, line: string): PacketEvent {
  const r = parse(line);
  if (r.kind !== 'event') {
    t.fail(`not an event: ${JSON.stringify(r)}`);
    throw new Error('not an event');
  }
  return r.event;
}

const NONE: Omit<PacketEvent, 'raw'> = {
  ts: null, tsMs: null, host: 'esx-fallback', filterHash: null, af: null, reason: null, action: null, ruleset: null,
  ruleId: null, direction: null, length: null, protocol: null, src: null, srcPort: null, dst: null, dstPort: null,
  tcpFlags: null, icmpType: null, icmpCode: null, closeReason: null, packetsIn: null, packetsOut: null, bytesIn: null,
  bytesOut: null, tag: null, source: 'edge.log', line: 7, producer: 'nsx-dfw', envelope: null, vrf: null,
  interfaceId: null, policyRef: null, ruleName: null, table: null, ofPriority: null, appliedTo: null, dedupCount: null,
  dedupDuration: null,
};

test('dateless file line (seeds/002): ts kept as T..Z, tsMs on 1970-01-01', (t) => {
  const line = 'T01:29:48.363Z 28341 INET match PASS domain-c7/1795 IN 52 TCP 10.68.0.250/65448->10.68.145.170/22 S 12345_ADMIN';
  t.deepEqual(event(t, line), {
    ...NONE, ts: 'T01:29:48.363Z', tsMs: ((1 * 60 + 29) * 60 + 48) * 1000 + 363, filterHash: '28341', af: 'INET',
    reason: 'match', action: 'PASS', ruleset: 'domain-c7', ruleId: 1795, direction: 'IN', length: 52, protocol: 'tcp',
    src: '10.68.0.250', srcPort: 65448, dst: '10.68.145.170', dstPort: 22, tcpFlags: 'S', tag: '12345_ADMIN',
    envelope: 'E2', raw: line,
  });
});

test('REJECT action with SA and R flags (seeds/002)', (t) => {
  const sa = event(t, 'T01:29:48.364Z 53210 INET match REJECT domain-c7/1026 IN 52 TCP 10.68.145.170/22->10.68.0.250/65448 SA default-deny');
  t.is(sa.action, 'REJECT');
  t.is(sa.tcpFlags, 'SA');
  t.is(sa.tag, 'default-deny');
  const r = event(t, 'T01:29:48.364Z 53210 INET match REJECT domain-c7/1026 IN 40 TCP 10.68.145.170/22->10.68.0.250/65448 R default-deny');
  t.is(r.tcpFlags, 'R');
  t.is(r.length, 40);
});

test('CRLF: the trailing \\r is not part of the last field nor of raw', (t) => {
  const body = '2018-07-03T19:44:09.749Z b6507827 INET match PASS 1024 IN 52 TCP 192.168.4.3/49627->192.168.4.4/49153 SEW';
  const e = event(t, `${body}\r`);
  t.is(e.tcpFlags, 'SEW');
  t.is(e.tag, null);
  t.is(e.raw, body);
  t.is(event(t, '7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017->20.20.20.20/53 my-tag\r').tag, 'my-tag');
});

test('a tag with spaces is the rest of the line', (t) => {
  const e = event(t, '2018-07-03T19:44:09.749Z b6507827 INET match PASS 1024 IN 52 TCP 192.168.4.3/49627->192.168.4.4/49153 SEW web tier  allow');
  t.is(e.tcpFlags, 'SEW');
  t.is(e.tag, 'web tier  allow');
  // a UDP record with a tag with spaces
  t.is(event(t, '7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017->20.20.20.20/53 DNS out (corp)').tag, 'DNS out (corp)');
});

test('a tag that looks like TCP flags is the tag on UDP, ICMP, PROTO and TERM records', (t) => {
  const udp = event(t, '7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017->20.20.20.20/53 SEW');
  t.is(udp.tcpFlags, null);
  t.is(udp.tag, 'SEW');
  const icmp = event(t, '2018-07-17T18:41:20.708Z f1007e48 INET match PASS 2 OUT 84 ICMP 1.1.1.10->1.1.3.10 FW');
  t.is(icmp.tcpFlags, null);
  t.is(icmp.tag, 'FW');
  const proto = event(t, '2018-07-06T18:15:49.647Z 028cd586 INET match DROP 1027 IN 36 PROTO 2 0.0.0.0->224.0.0.1 S');
  t.is(proto.tcpFlags, null);
  t.is(proto.tag, 'S');
  const term = event(t, '6be61891 INET TERM PASS 5112 IN TCP FIN 10.2.2.1/62824->10.2.2.2/443 3/2 300/200 SA');
  t.is(term.tcpFlags, null);
  t.is(term.closeReason, 'FIN');
  t.is(term.tag, 'SA');
  // on a TCP match record, flags and then a tag
  const tcp = event(t, '7c11f001 INET match PASS 8225 OUT 60 TCP 10.10.10.10/42017->20.20.20.20/443 S SEW');
  t.is(tcp.tcpFlags, 'S');
  t.is(tcp.tag, 'SEW');
});

test('INET6 with :: compression and an embedded IPv4 tail', (t) => {
  const line = '2018-07-06T18:19:54.764Z 028cd586 INET6 match DROP 1027 OUT 143 UDP fe80::68c2:8472:2364:9be/546->ff02::1:2/547';
  t.deepEqual(event(t, line), {
    ...NONE, ts: '2018-07-06T18:19:54.764Z', tsMs: Date.parse('2018-07-06T18:19:54.764Z'), filterHash: '028cd586',
    af: 'INET6', reason: 'match', action: 'DROP', ruleId: 1027, direction: 'OUT', length: 143, protocol: 'udp',
    src: 'fe80::68c2:8472:2364:9be', srcPort: 546, dst: 'ff02::1:2', dstPort: 547, envelope: 'E4', raw: line,
  });
  const e = event(t, '028cd586 INET6 match PASS 7 IN 60 TCP ::ffff:10.1.2.3/1234->::1/22 S');
  t.is(e.src, '::ffff:10.1.2.3');
  t.is(e.dst, '::1');
  t.is(e.tcpFlags, 'S');
});

test('RFC 3164 envelope (E3b): no year in the header, ts yearless, tsMs in 1970', (t) => {
  const line = '<134>Sep 23 12:00:00 host01 dfwpktlogs: b6507827 INET match PASS mainrs/1024 IN 52 TCP 192.0.2.3/49627->192.0.2.4/49153 S';
  t.deepEqual(event(t, line), {
    ...NONE, ts: '--09-23T12:00:00.000Z', tsMs: Date.UTC(1970, 8, 23, 12, 0, 0), host: 'host01', filterHash: 'b6507827',
    af: 'INET', reason: 'match', action: 'PASS', ruleset: 'mainrs', ruleId: 1024, direction: 'IN', length: 52,
    protocol: 'tcp', src: '192.0.2.3', srcPort: 49627, dst: '192.0.2.4', dstPort: 49153, tcpFlags: 'S', envelope: 'E3b', raw: line,
  });
  // without PRI, a space-padded day, and the SC4S-style decimal number in the hash position
  const e = event(t, 'Sep  3 07:05:09 esx01 dfwpktlogs: 1234 INET match PASS domain-c7/1001 IN 60 TCP 10.33.24.50/45926->10.33.24.9/8140 S');
  t.is(e.ts, '--09-03T07:05:09.000Z');
  t.is(e.tsMs, Date.UTC(1970, 8, 3, 7, 5, 9));
  t.is(e.host, 'esx01');
  t.is(e.filterHash, '1234');
  t.is(e.envelope, 'E3b');
});

test('RFC 5424 with a hash after the NIL fields (E7b)', (t) => {
  const line = '<13>1 2024-05-15T19:41:25.001Z vcf-esx05 FIREWALL-PKTLOG 2099 - - 8b4a1980 INET TERM PASS 5096 OUT TCP RST 10.10.10.11/60517->10.10.10.10/443 9/8 1461/4677 DR-Allow';
  t.deepEqual(event(t, line), {
    ...NONE, ts: '2024-05-15T19:41:25.001Z', tsMs: Date.parse('2024-05-15T19:41:25.001Z'), host: 'vcf-esx05',
    filterHash: '8b4a1980', af: 'INET', reason: 'TERM', action: 'PASS', ruleId: 5096, direction: 'OUT', protocol: 'tcp',
    closeReason: 'RST', src: '10.10.10.11', srcPort: 60517, dst: '10.10.10.10', dstPort: 443, packetsIn: 9, packetsOut: 8,
    bytesIn: 1461, bytesOut: 4677, tag: 'DR-Allow', envelope: 'E7b', raw: line,
  });
  // NILVALUE host: the context host is used
  t.is(event(t, '<13>1 2024-05-15T19:41:25.001Z - FIREWALL-PKTLOG - - - INET TERM PASS 5096 OUT UDP 10.0.0.1/1->10.0.0.2/2 1/0 60/0').host, 'esx-fallback');
});

test('E5b: FIREWALL-PKTLOG: and FIREWALL-PKTLOG[pid]: after <PRI>TS host, and without PRI', (t) => {
  const a = event(t, '<99>2024-04-30T08:08:12.974Z esx01 FIREWALL-PKTLOG: f2c65dd5 INET match PASS 24414552 IN 71 UDP 10.123.13.171/61422->10.123.70.101/53');
  t.is(a.envelope, 'E5b');
  t.is(a.host, 'esx01');
  const b = event(t, '<99>2024-04-30T08:08:12.974Z esx01 FIREWALL-PKTLOG[77]: f2c65dd5 INET match PASS 24414552 IN 71 UDP 10.123.13.171/61422->10.123.70.101/53');
  t.is(b.envelope, 'E5b');
  const c = event(t, '2020-05-16T08:08:12.974Z esx02 FIREWALL_PKTLOG: f2c65dd5 INET match DROP 24414552 IN 71 UDP 10.123.13.171/61422->10.123.70.101/53');
  t.is(c.envelope, 'E5');
  t.is(c.host, 'esx02');
  t.is(c.action, 'DROP');
});

test('timestamps: µs with +00:00 truncated to ms, other offsets converted to UTC, no fraction', (t) => {
  t.is(event(t, '2020-09-21T22:14:12.080927+00:00 f2c65dd5 INET match PASS 1 IN 71 UDP 10.1.1.1/1->10.1.1.2/2').ts, '2020-09-21T22:14:12.080Z');
  const e = event(t, '2020-09-21T22:14:12.080427+02:00 f2c65dd5 INET SpoofGuard DROP 1 IN 71 PROTO 17 10.1.1.1->10.1.1.2');
  t.is(e.ts, '2020-09-21T20:14:12.080Z');
  t.is(e.tsMs, Date.parse('2020-09-21T20:14:12.080Z'));
  t.is(e.reason, 'SpoofGuard');
  t.is(e.protocol, '17');
  t.is(event(t, '2020-09-21T22:14:12Z 7295 INET match PASS 1 IN 71 UDP 10.1.1.1/1->10.1.1.2/2').ts, '2020-09-21T22:14:12.000Z');
});

test('documented variants without a corpus sample: pf reasons, TIMEOUT, ICMP type/code, TERM without counters', (t) => {
  const pf = event(t, '2020-09-21T22:14:12.080Z 7396c504 INET state-mismatch DROP 1024 IN 40 TCP 1.2.3.4/5->6.7.8.9/10 A');
  t.is(pf.reason, 'state-mismatch');
  t.is(pf.tcpFlags, 'A');
  const to = event(t, '6be61891 INET TERM 5112 IN UDP TIMEOUT 10.2.2.1/53->10.2.2.2/53 1/1 70/90');
  t.is(to.closeReason, 'TIMEOUT');
  t.is(to.action, null);
  t.deepEqual([to.packetsIn, to.packetsOut, to.bytesIn, to.bytesOut], [1, 1, 70, 90]);
  // section 3 row 9b: SAP's grok accepts ICMP <type> <code>
  const icmp = event(t, '<99>2022-05-16T08:08:12.974Z h FIREWALL_PKTLOG: f2c65dd5 INET match PASS 7 IN 84 ICMP 8 0 10.1.1.1->10.1.1.2 sg-1');
  t.deepEqual([icmp.icmpType, icmp.icmpCode, icmp.src, icmp.dst, icmp.tag], [8, 0, '10.1.1.1', '10.1.1.2', 'sg-1']);
  const nopkt = event(t, '6be61891 INET TERM PASS 5112 IN TCP 10.2.2.1/62824->10.2.2.2/443');
  t.deepEqual([nopkt.packetsIn, nopkt.bytesOut, nopkt.closeReason], [null, null, null]);
});

test('malformed records are rejected with the column and what was expected there', (t) => {
  t.deepEqual(parse('2016-09-17T10:34:55.004Z 7295 INET match DROP domain-c46/1005 XX 78 UDP 10.2.5.10/137->10.2.5.255/137'), {
    kind: 'rejected', code: 'log/malformed', column: 63, reason: "expected IN or OUT after rule id at column 63, found 'XX'",
  });
  t.deepEqual(parse('2016-09-17T10:34:55.004Z 7295 INET match DROP domain-c46/1005 OUT 78 UDP 10.2.5.10/137->10.2.5.256/137'), {
    kind: 'rejected', code: 'log/malformed', column: 89, reason: "expected an IPv4 destination address (AF INET) at column 89, found '10.2.5.256'",
  });
  const noAction = parse('2018-07-03T19:44:09.749Z b6507827 INET match ALLOW 1024 IN 52 TCP 192.168.4.3/49627->192.168.4.4/49153 SEW');
  t.like(noAction, { kind: 'rejected', code: 'log/malformed', column: 46 });
  t.like(parse('7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017-20.20.20.20/53'), { kind: 'rejected', code: 'log/malformed', column: 59 });
  t.like(parse('7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/70000->20.20.20.20/53'), { kind: 'rejected', code: 'log/malformed', column: 54 });
  t.like(parse('7c11f001 INET match PASS 8225 OUT 73 PROTO 300 10.10.10.10->20.20.20.20'), { kind: 'rejected', code: 'log/malformed', column: 44 });
  t.like(parse('7c11f001 INET6 match PASS 8225 OUT 73 UDP 10.10.10.10/1->20.20.20.20/53'), { kind: 'rejected', code: 'log/malformed', column: 43 });
  t.like(parse('7c11f001 INET TERM PASS 8225 OUT UDP 10.1.1.1/1->10.1.1.2/2 1/0 x/0'), { kind: 'rejected', code: 'log/malformed', column: 65 });
  t.like(parse('2018-07-03T19:44:09.749Z b6507827 INET match'), { kind: 'rejected', code: 'log/malformed', column: 40 });
  // a firewall ident whose text is no record
  t.like(parse('<99>2020-05-16T08:08:12.974Z h FIREWALL_PKTLOG: hello world'), { kind: 'rejected', code: 'log/malformed', column: 49 });
  // an INET record behind an unknown ident: rejected at the ident, not skipped
  t.like(parse('2018-07-03T19:44:09.749Z somehost kernel: b6507827 INET match PASS 1024 IN 52 TCP 192.168.4.3/49627->192.168.4.4/49153 SEW'),
    { kind: 'rejected', code: 'log/malformed', column: 35 });
});

test('L2 records are rejected as unverified (layout undocumented)', (t) => {
  t.like(parse('2018-07-03T19:44:09.749Z b6507827 L2 match PASS 1024 IN ETHTYPE 0806'), { kind: 'rejected', code: 'semantics/unverified', column: 35 });
});

test('the CSV re-rendering is non-native, in any envelope', (t) => {
  t.like(parse('Jan 27 16:42:13 ORIGINNAME dfwpktlogs: PASS, domain-c100488/1279, IN, 48, TCP, 1.1.1.1, 64208, 2.2.2.2, 7,  S'),
    { kind: 'rejected', code: 'log/non-native', column: 40 });
  t.like(parse('<14>Jan 27 16:42:13 ORIGINNAME dfwpktlogs: 1234 DROP, domain-c1/1, OUT, 60, UDP, 1.1.1.1, 1, 2.2.2.2, 2'),
    { kind: 'rejected', code: 'log/non-native', column: 49 });
});

test('JSON wrapper: columns of a malformed text point into the raw line', (t) => {
  const line = '{"text":"2018-07-03T19:44:09.749Z b6507827 INET match PASS 1024 IN 52 TCP 192.168.4.3\\/49627-<192.168.4.4\\/49153","timestamp":1}';
  // the decoded text has '-<' at index 82; one `\/` escape before it adds 1; the text starts at index 9
  t.deepEqual(parse(line), {
    kind: 'rejected', code: 'log/malformed', column: 93,
    reason: "in the JSON \"text\" field: expected '->' after the source at column 93, found '-<192.168.4.4/49153'",
  });
  t.deepEqual(parse('{"sddc_id":"x","level":"info"}'), { kind: 'foreign', reason: 'a JSON document without a "text" field' });
  // a text without its own timestamp takes the wrapper's epoch ms
  const e = event(t, '{"text":"7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10\\/42017->20.20.20.20\\/53","timestamp":1.589533710199E12}');
  t.is(e.ts, '2020-05-15T09:08:30.199Z');
  t.is(e.tsMs, 1589533710199);
  t.is(e.envelope, 'json');
});

test('foreign lines: blank, whitespace, shell prompt, other programs, NSX FIREWALL rule events', (t) => {
  t.deepEqual(parse(''), { kind: 'foreign', reason: 'blank line' });
  t.deepEqual(parse('   \t '), { kind: 'foreign', reason: 'blank line' });
  t.deepEqual(parse('\r'), { kind: 'foreign', reason: 'blank line' });
  t.is(parse('[root@host-192-168-111-11:~] tail -f /var/log/dfwpktlogs.log').kind, 'foreign');
  t.is(parse('2018-01-17T01:27:59.812Z cpu3:65561)Net: 2524: connected f5-bigip-01.eth1 eth1 to Internal-PG, portID 0x400000c').kind, 'foreign');
  t.is(parse('2026-03-03T00:02:11.678Z In(166) Hostd[2099]: [Originator@6876 sub=Vimsvc] task done').kind, 'foreign');
  t.is(parse('<14>1 2024-05-15T19:41:25.001Z nsxmgr NSX 1234 FIREWALL [nsx@6876 comp="nsx-manager" level="INFO"] Section 12 updated').kind, 'foreign');
  t.is(parse('<14>1 2024-05-15T19:41:25.001Z esx01 vpxa 1234 - - hello').kind, 'foreign');
});

test('binary data is rejected as log/binary at the first control character', (t) => {
  t.deepEqual(parse('\u0000\u0001\u0002garbage'), {
    kind: 'rejected', code: 'log/binary', column: 1, reason: 'control character U+0000 at column 1: binary data, not a text log line',
  });
  t.like(parse('7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017->20.20.20.20/53 ta\u0007g'), { kind: 'rejected', code: 'log/binary', column: 78 });
  t.like(parse('\u001f\u008b\u0008\u0000gzip'), { kind: 'rejected', code: 'log/binary', column: 1 });
  t.like(parse('7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017->20.20.20.20/53 bad\ufffdbyte'), { kind: 'rejected', code: 'log/binary', column: 79 });
});

test('a 10 MB line is rejected as too long without being scanned', (t) => {
  const big = `7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017->20.20.20.20/53 ${'x'.repeat(10 * 1024 * 1024)}`;
  const t0 = process.hrtime.bigint();
  const r = parse(big);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  t.deepEqual(r, {
    kind: 'rejected', code: 'log/line-too-long', column: 1,
    reason: `line of ${big.length} characters is longer than any packet-log record (limit 65536): not parsed`,
  });
  t.true(ms < 50, `took ${ms} ms`);
});

test('non-ASCII in the tag is kept; in a token it is a parse error', (t) => {
  t.is(event(t, '7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017->20.20.20.20/53 règle-été').tag, 'règle-été');
  t.like(parse('7c11f001 INET match PASS 8225 ÖUT 73 UDP 10.10.10.10/42017->20.20.20.20/53'), { kind: 'rejected', code: 'log/malformed', column: 31 });
});

test('sniffDfwpktlog: records score high, other text zero', (t) => {
  t.is(sniffDfwpktlog(['2016-09-17T09:41:50.979Z INET match DROP domain-c46/1005 OUT 78 UDP 10.2.5.10/137->10.2.5.255/137']), 1);
  t.true(sniffDfwpktlog(['[root@h:~] tail -f /var/log/dfwpktlogs.log', '2016-09-17T09:41:50.979Z INET match DROP domain-c46/1005 OUT 78 UDP 10.2.5.10/137->10.2.5.255/137']) >= 0.5);
  t.is(sniffDfwpktlog(['2023/07/04 12:45:21.804416 IngressDefaultRule K8sNetworkPolicy <nil> Ingress Drop <nil> default/x 10.1.1.1 <nil> 10.1.1.2 <nil> ICMP 84 <nil>']), 0);
  t.is(sniffDfwpktlog(['hello', 'world']), 0);
  t.is(sniffDfwpktlog([]), 0);
});
