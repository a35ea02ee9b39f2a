/**
 * Every line of every packet-log corpus file, asserted field by field: shared/corpus/dfwpktlog,
 * the dfwpktlogs captures in shared/corpus/vsipioctl, and shared/corpus/antrea-np-log.
 * The expected objects are written out from reading each line (and the reference), not
 * taken from the parser's output. Only `raw`, `source` and `line` come from the input.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PacketEvent } from '../../src/model/packet-event.js';
import { parseDfwpktlogLine } from '../../src/parse/dfwpktlog.js';
import { parseAntreaNpLogLine } from '../../src/parse/antrea-np-log.js';
import type { LineResult } from '../../src/parse/line-result.js';

/** ava runs from the repository root; /work/shared is its sibling. */
const CORPUS = resolve(process.cwd(), '../shared/corpus');

function lines(rel: string): string[] {
  const text = readFileSync(resolve(CORPUS, rel), 'utf8');
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

type Fields = Partial<PacketEvent>;

/** Every PacketEvent field null (or its fixed value for a producer): the lines fill in the rest. */
const NONE: Omit<PacketEvent, 'source' | 'line' | 'raw' | 'producer'> = {
  ts: null, tsMs: null, host: null, filterHash: null, af: null, reason: null, action: null, ruleset: null,
  ruleId: null, direction: null, length: null, protocol: null, src: null, srcPort: null, dst: null,
  dstPort: null, tcpFlags: null, icmpType: null, icmpCode: null, closeReason: null, packetsIn: null,
  packetsOut: null, bytesIn: null, bytesOut: null, tag: null, envelope: null, vrf: null, interfaceId: null,
  policyRef: null, ruleName: null, table: null, ofPriority: null, appliedTo: null, dedupCount: null,
  dedupDuration: null,
};

/** ts as written, and tsMs from an independent clock (Date.parse of the same instant). */
function at(ts: string): Fields {
  return { ts, tsMs: Date.parse(ts) };
}

function expectEvent(file: string, n: number, raw: string, producer: PacketEvent['producer'], f: Fields): LineResult {
  return { kind: 'event', event: { ...NONE, producer, source: file, line: n, raw, ...f } };
}

function check(file: string, expected: ((raw: string, n: number) => LineResult)[], parse: typeof parseDfwpktlogLine): void {
  test(`${file}: every line`, (t) => {
    const ls = lines(file);
    t.is(ls.length, expected.length, 'line count');
    ls.forEach((raw, i) => {
      const want = expected[i];
      if (want === undefined) return;
      t.deepEqual(parse(raw, { source: file, line: i + 1, host: null }), want(raw, i + 1), `${file}:${i + 1}`);
    });
  });
}

const dfw = (file: string, f: Fields) => (raw: string, n: number) => expectEvent(file, n, raw, 'nsx-dfw', f);
const gw = (file: string, f: Fields) => (raw: string, n: number) => expectEvent(file, n, raw, 'nsx-gateway', f);

// ---- NSX-V <= 6.2.2, no hash (E1) ---------------------------------------------------------
{
  const file = 'dfwpktlog/nsxv-file-nohash.log';
  const c46 = (ts: string) => dfw(file, {
    ...at(ts), af: 'INET', reason: 'match', action: 'DROP', ruleset: 'domain-c46', ruleId: 1005, direction: 'OUT',
    length: 78, protocol: 'udp', src: '10.2.5.10', srcPort: 137, dst: '10.2.5.255', dstPort: 137, envelope: 'E1',
  });
  const c7 = (ts: string) => dfw(file, {
    ...at(ts), af: 'INET', reason: 'match', action: 'DROP', ruleset: 'domain-c7', ruleId: 1002, direction: 'IN',
    length: 242, protocol: 'udp', src: '192.168.110.10', srcPort: 138, dst: '192.168.110.255', dstPort: 138, envelope: 'E1',
  });
  check(file, [
    c46('2016-09-17T09:41:50.979Z'), c46('2016-09-17T09:41:50.979Z'), c46('2016-09-17T09:41:50.979Z'),
    c46('2016-09-17T09:41:51.026Z'), c46('2016-09-17T09:41:51.026Z'), c46('2016-09-17T09:41:51.026Z'),
    c46('2016-09-17T09:41:51.026Z'), c46('2016-09-17T09:41:51.089Z'), c46('2016-09-17T09:41:51.135Z'),
    c46('2016-09-17T09:41:51.792Z'), c46('2016-09-17T09:41:51.792Z'), c46('2016-09-17T09:41:51.792Z'),
    c46('2016-09-17T09:41:52.897Z'),
    c7('2015-03-10T03:22:22.671Z'), c7('2015-03-10T03:20:31.274Z'),
  ], parseDfwpktlogLine);
}

// ---- NSX-V 6.2.3+, decimal hash (E2) -------------------------------------------------------
const nsxvHash = (file: string) => (ts: string, hash: string, length: number) => dfw(file, {
  ...at(ts), filterHash: hash, af: 'INET', reason: 'match', action: 'DROP', ruleset: 'domain-c46', ruleId: 1005,
  direction: 'OUT', length, protocol: 'udp', src: '10.2.5.10', srcPort: 137, dst: '10.2.5.255', dstPort: 137, envelope: 'E2',
});
{
  const file = 'dfwpktlog/nsxv-file-hash.log';
  const h = nsxvHash(file);
  check(file, [
    h('2016-09-17T10:34:55.004Z', '7295', 78), h('2016-09-17T10:34:55.036Z', '3603', 96),
    h('2016-09-17T10:34:55.051Z', '7295', 78), h('2016-09-17T10:34:55.333Z', '3603', 78),
    h('2016-09-17T10:34:55.758Z', '7295', 78), h('2016-09-17T10:34:55.786Z', '3603', 96),
    h('2016-09-17T10:34:55.801Z', '7295', 78), h('2016-09-17T10:34:56.114Z', '3603', 78),
    h('2016-09-17T10:34:56.451Z', '3603', 78),
    dfw(file, {
      ...at('2017-10-19T22:38:05.586Z'), filterHash: '58734', af: 'INET', reason: 'match', action: 'PASS',
      ruleset: 'domain-c8', ruleId: 1006, direction: 'OUT', length: 84, protocol: 'icmp', src: '172.18.8.121',
      dst: '172.18.8.119', tag: 'RULE_TAG', envelope: 'E2',
    }),
    dfw(file, {
      ...at('2017-10-19T22:38:08.723Z'), filterHash: '58734', af: 'INET', reason: 'match', action: 'PASS',
      ruleset: 'domain-c8', ruleId: 1006, direction: 'OUT', length: 60, protocol: 'tcp', src: '172.18.8.121',
      srcPort: 36485, dst: '172.18.8.119', dstPort: 22, tcpFlags: 'S', tag: 'RULE_TAG', envelope: 'E2',
    }),
  ], parseDfwpktlogLine);
}

// ---- NSX-T file / CLI, 8-hex hash (E4) ----------------------------------------------------
{
  const file = 'dfwpktlog/nsxt-file.log';
  check(file, [
    dfw(file, {
      ...at('2018-07-03T19:44:09.749Z'), filterHash: 'b6507827', af: 'INET', reason: 'match', action: 'PASS',
      ruleset: 'mainrs', ruleId: 1024, direction: 'IN', length: 52, protocol: 'tcp', src: '192.168.4.3', srcPort: 49627,
      dst: '192.168.4.4', dstPort: 49153, tcpFlags: 'SEW', envelope: 'E4',
    }),
    dfw(file, {
      ...at('2018-07-03T19:46:02.338Z'), filterHash: '7396c504', af: 'INET', reason: 'match', action: 'DROP',
      ruleset: 'mainrs', ruleId: 1024, direction: 'OUT', length: 52, protocol: 'tcp', src: '192.168.4.3', srcPort: 49676,
      dst: '192.168.4.4', dstPort: 135, tcpFlags: 'SEW', envelope: 'E4',
    }),
    dfw(file, {
      ...at('2018-07-06T18:15:49.647Z'), filterHash: '028cd586', af: 'INET', reason: 'match', action: 'DROP',
      ruleset: 'mainrs', ruleId: 1027, direction: 'IN', length: 36, protocol: '2', src: '0.0.0.0', dst: '224.0.0.1', envelope: 'E4',
    }),
    dfw(file, {
      ...at('2018-07-17T18:41:20.708Z'), filterHash: 'f1007e48', af: 'INET', reason: 'match', action: 'PASS', ruleId: 2,
      direction: 'OUT', length: 84, protocol: 'icmp', src: '1.1.1.10', dst: '1.1.3.10', envelope: 'E4',
    }),
    dfw(file, {
      ...at('2018-07-17T18:41:20.716Z'), filterHash: 'a8de7313', af: 'INET', reason: 'match', action: 'PASS', ruleId: 2,
      direction: 'IN', length: 84, protocol: 'icmp', src: '1.1.1.10', dst: '1.1.3.10', envelope: 'E4',
    }),
  ], parseDfwpktlogLine);
}

{
  const file = 'dfwpktlog/ipv6.log';
  check(file, [
    dfw(file, {
      ...at('2018-07-06T18:19:54.764Z'), filterHash: '028cd586', af: 'INET6', reason: 'match', action: 'DROP',
      ruleset: 'mainrs', ruleId: 1027, direction: 'OUT', length: 143, protocol: 'udp', src: 'fe80:0:0:0:68c2:8472:2364:9be',
      srcPort: 546, dst: 'ff02:0:0:0:0:0:1:2', dstPort: 547, envelope: 'E4',
    }),
  ], parseDfwpktlogLine);
}

// ---- NSX 4 on ESXi 8, file form (E6) ------------------------------------------------------
const esxi8 = (file: string) => (hash: string, direction: 'IN' | 'OUT') => dfw(file, {
  ...at('2026-03-03T00:02:11.678Z'), filterHash: hash, af: 'INET', reason: 'match', action: 'PASS', ruleId: 25577,
  direction, length: 84, protocol: 'icmp', src: '192.168.72.10', dst: '192.168.72.17', envelope: 'E6',
});
{
  const file = 'dfwpktlog/nsx4-esxi8-file.log';
  const e = esxi8(file);
  check(file, [e('8b4a1980', 'OUT'), e('14b4051d', 'IN')], parseDfwpktlogLine);
}

// ---- E5, E8, E11 ----------------------------------------------------------------------------
{
  const file = 'dfwpktlog/nsxt-esxi-syslog.log';
  check(file, [
    dfw(file, {
      ...at('2020-05-16T08:08:12.974Z'), host: 'ip-10-23-254-72.ap-southeast-1.compute.internal', filterHash: 'f2c65dd5',
      af: 'INET', reason: 'match', action: 'PASS', ruleId: 24414552, direction: 'IN', length: 71, protocol: 'udp',
      src: '10.123.13.171', srcPort: 61422, dst: '10.123.70.101', dstPort: 53, envelope: 'E5',
    }),
  ], parseDfwpktlogLine);
}
{
  const file = 'dfwpktlog/vmc-graylog-json.log';
  check(file, [
    dfw(file, {
      ...at('2020-05-15T09:08:27.965Z'), host: 'ip-10-23-254-72.ap-southeast-1.compute.internal', filterHash: 'f2c65dd5',
      af: 'INET', reason: 'TERM', ruleId: 24642815, direction: 'IN', protocol: 'udp', src: '10.23.150.100', srcPort: 53408,
      dst: '10.123.70.101', dstPort: 53, packetsIn: 1, packetsOut: 1, bytesIn: 72, bytesOut: 103, envelope: 'json',
    }),
  ], parseDfwpktlogLine);
}
{
  const file = 'dfwpktlog/nsxt-bare-with-tag.log';
  check(file, [
    dfw(file, {
      filterHash: '7c11f001', af: 'INET', reason: 'match', action: 'PASS', ruleId: 8225, direction: 'OUT', length: 73,
      protocol: 'udp', src: '10.10.10.10', srcPort: 42017, dst: '20.20.20.20', dstPort: 53,
      tag: 'SZ-TRF_CATCH_ALL1111_TFRC6-6_Server_B', envelope: 'E11',
    }),
  ], parseDfwpktlogLine);
}

// ---- TERM records (E3, E7, E11) ------------------------------------------------------------
{
  const file = 'dfwpktlog/term.log';
  check(file, [
    dfw(file, {
      ...at('2017-04-11T21:09:59.877Z'), host: 'ESXi_FQDN', filterHash: '50047', af: 'INET', reason: 'TERM',
      ruleset: 'domain-c1', ruleId: 1001, direction: 'IN', protocol: 'tcp', closeReason: 'RST', src: '10.1.2.3',
      srcPort: 33491, dst: '10.4.5.6', dstPort: 10001, packetsIn: 22, packetsOut: 14, bytesIn: 7684, bytesOut: 1070,
      envelope: 'E3',
    }),
    dfw(file, {
      ...at('2024-05-15T19:41:25.001Z'), host: 'globalhost.com', af: 'INET', reason: 'TERM', action: 'PASS', ruleId: 5096,
      direction: 'OUT', protocol: 'tcp', closeReason: 'RST', src: '10.10.10.11', srcPort: 60517, dst: '10.10.10.10',
      dstPort: 443, packetsIn: 9, packetsOut: 8, bytesIn: 1461, bytesOut: 4677, tag: 'DR-Allow', envelope: 'E7',
    }),
    dfw(file, {
      filterHash: '6be61891', af: 'INET', reason: 'TERM', action: 'PASS', ruleId: 5112, direction: 'IN', protocol: 'udp',
      src: '10.222.22.1', srcPort: 62824, dst: '10.222.29.255', dstPort: 1947, packetsIn: 1, packetsOut: 0, bytesIn: 68,
      bytesOut: 0, tag: 'SZ-...', envelope: 'E11',
    }),
  ], parseDfwpktlogLine);
}

// ---- Edge gateway firewall (E9, E10) --------------------------------------------------------
{
  const file = 'dfwpktlog/gateway.log';
  const docHost = 'lur-svc.nsxedge-ob-16404613-1-gdefw';
  check(file, [
    gw(file, {
      ts: '2020-09-21T22:14:12.080Z', tsMs: Date.parse('2020-09-21T22:14:12.080Z'), host: docHost, af: 'INET',
      reason: 'reason-match', action: 'PASS', ruleId: 1005, direction: 'OUT', length: 60, protocol: 'tcp', src: '1.1.1.10',
      srcPort: 45120, dst: '91.189.92.38', dstPort: 443, tcpFlags: 'S', envelope: 'E9', vrf: 1,
      interfaceId: '55f1af2f487544e9:b0e059132ad7753d',
    }),
    gw(file, {
      ts: '2020-09-21T22:14:19.963Z', tsMs: Date.parse('2020-09-21T22:14:19.963Z'), host: docHost, af: 'INET',
      reason: 'TERM', action: 'PASS', ruleId: 1005, direction: 'OUT', protocol: 'tcp', src: '1.1.1.10', srcPort: 45120,
      dst: '91.189.92.38', dstPort: 443, envelope: 'E9', vrf: 1, interfaceId: '55f1af2f487544e9:b0e059132ad7753d',
    }),
    gw(file, {
      ...at('2021-08-19T02:37:29.031Z'), host: 'edge01.lab01.one', af: 'INET', reason: 'reason-match', action: 'DROP',
      ruleId: 1001, direction: 'OUT', length: 84, protocol: '1', src: '172.16.20.10', dst: '172.16.5.1', envelope: 'E10',
      vrf: 3, interfaceId: 'a91a35d4acea4843:8b0fb4b8b5fe50a4',
    }),
    gw(file, {
      ...at('2023-09-15T13:15:05.548Z'), host: 'edge321-3995b.sbg1a.pcc.ovh.net', af: 'INET', reason: 'reason-match',
      action: 'DROP', ruleId: 2312, direction: 'OUT', length: 84, protocol: '1', src: '192.168.211.169', dst: '8.8.8.8',
      envelope: 'E10', vrf: 30, interfaceId: 'd612293055f3431f:8b01687591afe36e',
    }),
    gw(file, {
      ...at('2020-05-03T16:55:50.820Z'), host: 'edge', af: 'INET', reason: 'TERM', action: 'PASS', ruleId: 17115424,
      direction: 'OUT', protocol: 'tcp', src: '10.23.150.120', srcPort: 54585, dst: '10.10.160.171', dstPort: 443,
      envelope: 'E9', vrf: 1, interfaceId: '596be8c6421d4422:9f49ede698645afa',
    }),
  ], parseDfwpktlogLine);
}

// ---- the non-native CSV rendering ----------------------------------------------------------
check('dfwpktlog/non-native.log', [
  () => ({
    kind: 'rejected', code: 'log/non-native', column: 40,
    reason: 'third-party CSV rendering of a dfwpktlog record (comma-separated fields at column 40), not the native NSX format: not parsed',
  }),
], parseDfwpktlogLine);

// ---- vsipioctl captures of dfwpktlogs ------------------------------------------------------
{
  const file = 'vsipioctl/dfwpktlogs-nsxv-1.txt';
  const c46 = (ts: string) => dfw(file, {
    ...at(ts), af: 'INET', reason: 'match', action: 'DROP', ruleset: 'domain-c46', ruleId: 1005, direction: 'OUT',
    length: 78, protocol: 'udp', src: '10.2.5.10', srcPort: 137, dst: '10.2.5.255', dstPort: 137, envelope: 'E1',
  });
  check(file, [
    () => ({ kind: 'foreign', reason: 'no dfwpktlog envelope (timestamp, <PRI>, filter hash or INET record) at the start of the line' }),
    c46('2016-09-17T09:41:50.979Z'), c46('2016-09-17T09:41:50.979Z'), c46('2016-09-17T09:41:50.979Z'),
    c46('2016-09-17T09:41:51.026Z'), c46('2016-09-17T09:41:51.026Z'), c46('2016-09-17T09:41:51.026Z'),
    c46('2016-09-17T09:41:51.026Z'), c46('2016-09-17T09:41:51.089Z'), c46('2016-09-17T09:41:51.135Z'),
    c46('2016-09-17T09:41:51.792Z'), c46('2016-09-17T09:41:51.792Z'), c46('2016-09-17T09:41:51.792Z'),
    c46('2016-09-17T09:41:52.897Z'),
  ], parseDfwpktlogLine);
}
{
  const file = 'vsipioctl/dfwpktlogs-nsxv-2.txt';
  const h = nsxvHash(file);
  check(file, [
    h('2016-09-17T10:34:55.004Z', '7295', 78), h('2016-09-17T10:34:55.036Z', '3603', 96),
    h('2016-09-17T10:34:55.051Z', '7295', 78), h('2016-09-17T10:34:55.333Z', '3603', 78),
    h('2016-09-17T10:34:55.758Z', '7295', 78), h('2016-09-17T10:34:55.786Z', '3603', 96),
    h('2016-09-17T10:34:55.801Z', '7295', 78), h('2016-09-17T10:34:56.114Z', '3603', 78),
    h('2016-09-17T10:34:56.451Z', '3603', 78),
  ], parseDfwpktlogLine);
}
{
  const file = 'vsipioctl/dfwpktlogs-nsx4-1.txt';
  const e = esxi8(file);
  check(file, [e('8b4a1980', 'OUT'), e('14b4051d', 'IN')], parseDfwpktlogLine);
}
// The flattened captures lost their line breaks: four (and two) records on one line. They
// are rejected as flattened, pointing at the second record, not parsed into a wrong tag.
check('vsipioctl/dfwpktlogs-nsxt-1.flattened.txt', [
  () => ({
    kind: 'rejected', code: 'input/flattened', column: 114,
    reason: 'more than one record on this line (line breaks lost in copying): another record starts at column 114',
  }),
], parseDfwpktlogLine);
check('vsipioctl/nsxcli-get-firewall-packetlog-nsxt-1.flattened.txt', [
  () => ({
    kind: 'rejected', code: 'input/flattened', column: 84,
    reason: 'more than one record on this line (line breaks lost in copying): another record starts at column 84',
  }),
], parseDfwpktlogLine);

// ---- Antrea np.log, formats A..F -----------------------------------------------------------
const np = (file: string, f: Fields) => (raw: string, n: number) => expectEvent(file, n, raw, 'antrea', { af: 'INET', ...f });
/** Go log time `YYYY/MM/DD HH:MM:SS.uuuuuu` written as ISO UTC with ms by hand */
const goAt = (iso: string): Fields => ({ ts: iso, tsMs: Date.parse(iso) });
{
  const file = 'antrea-np-log/format-A_v0.11-v1.3.log';
  check(file, [
    np(file, {
      ...goAt('2020-11-02T22:21:21.148Z'), table: 'AntreaPolicyAppTierIngressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      action: 'ALLOW', ofPriority: '61800', src: '10.0.0.4', dst: '10.0.0.5', length: 60, protocol: 'tcp', direction: 'IN', envelope: 'A',
    }),
    np(file, {
      ...goAt('2022-01-03T12:47:48.092Z'), table: 'EgressDefaultRule', policyRef: 'AntreaClusterNetworkPolicy:default-cluster-deny',
      action: 'REJECT', ofPriority: '170', src: '10.42.0.219', dst: '192.0.73.2', length: 60, protocol: 'tcp', direction: 'OUT', envelope: 'A',
    }),
  ], parseAntreaNpLogLine);
}
{
  const file = 'antrea-np-log/format-B_v1.4-v1.5.log';
  check(file, [
    np(file, {
      ...goAt('2020-11-02T22:21:21.148Z'), table: 'AntreaPolicyAppTierIngressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      action: 'ALLOW', ofPriority: '61800', src: '10.0.0.4', dst: '10.0.0.5', length: 60, protocol: 'tcp', direction: 'IN', envelope: 'B',
    }),
    np(file, {
      ...goAt('2021-06-24T23:56:41.346Z'), table: 'AntreaPolicyEgressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      action: 'DROP', ofPriority: '44900', src: '10.0.0.5', dst: '10.0.0.4', length: 60, protocol: 'tcp', direction: 'OUT',
      dedupCount: 3, dedupDuration: '1.011379442s', envelope: 'B',
    }),
  ], parseAntreaNpLogLine);
}
{
  const file = 'antrea-np-log/format-C_v1.6-v1.8.log';
  check(file, [
    np(file, {
      ...goAt('2020-11-02T22:21:21.148Z'), table: 'AntreaPolicyAppTierIngressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      action: 'ALLOW', ofPriority: '61800', src: '10.10.1.65', srcPort: 35402, dst: '10.0.0.5', dstPort: 80, protocol: 'tcp',
      length: 60, direction: 'IN', envelope: 'C',
    }),
    np(file, {
      ...goAt('2021-06-24T23:56:41.346Z'), table: 'AntreaPolicyEgressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      action: 'DROP', ofPriority: '44900', src: '10.10.1.65', srcPort: 35402, dst: '10.0.0.5', dstPort: 80, protocol: 'tcp',
      length: 60, direction: 'OUT', dedupCount: 3, dedupDuration: '1.011379442s', envelope: 'C',
    }),
    np(file, {
      ...goAt('2022-07-26T06:55:56.170Z'), table: 'IngressRule', policyRef: 'K8sNetworkPolicy:default/test-np-log', action: 'ALLOW',
      ofPriority: '190', src: '10.10.1.82', srcPort: 49518, dst: '10.10.1.84', dstPort: 80, protocol: 'tcp', length: 60,
      direction: 'IN', envelope: 'C',
    }),
    np(file, {
      ...goAt('2022-07-26T06:55:57.142Z'), table: 'IngressDefaultRule', policyRef: 'K8sNetworkPolicy', action: 'DROP',
      ofPriority: '-1', src: '10.10.1.83', srcPort: 38608, dst: '10.10.1.84', dstPort: 80, protocol: 'tcp', length: 60,
      direction: 'IN', envelope: 'C',
    }),
    np(file, {
      ...goAt('2022-07-08T22:41:36.346Z'), table: 'AntreaPolicyEgressRule', policyRef: 'AntreaClusterNetworkPolicy:test-rule',
      action: 'ALLOW', ofPriority: '54960', src: '10.111.2.20', srcPort: 42626, dst: '8.8.8.8', dstPort: 53, protocol: 'udp',
      length: 60, direction: 'OUT', envelope: 'C',
    }),
  ], parseAntreaNpLogLine);
}
{
  const file = 'antrea-np-log/format-D_v1.9-v1.11.log';
  check(file, [
    np(file, {
      ...goAt('2020-11-02T22:21:21.148Z'), table: 'AntreaPolicyAppTierIngressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      ruleName: 'test-rule', action: 'ALLOW', ofPriority: '61800', src: '10.10.1.65', srcPort: 35402, dst: '10.0.0.5', dstPort: 80,
      protocol: 'tcp', length: 60, direction: 'IN', envelope: 'D',
    }),
    np(file, {
      ...goAt('2021-06-24T23:56:41.346Z'), table: 'AntreaPolicyEgressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      ruleName: 'test-rule', action: 'DROP', ofPriority: '44900', src: '10.10.1.65', srcPort: 35402, dst: '10.0.0.5', dstPort: 80,
      protocol: 'tcp', length: 60, direction: 'OUT', dedupCount: 3, dedupDuration: '1.011379442s', envelope: 'D',
    }),
    np(file, {
      ...goAt('2022-09-20T02:21:25.879Z'), table: 'AntreaPolicyIngressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      ruleName: 'ingress-drop-1cffec1', action: 'DROP', ofPriority: '44900', src: '10.10.1.14', dst: '10.10.1.15',
      protocol: 'icmp', length: 84, direction: 'IN', envelope: 'D',
    }),
    np(file, {
      ...goAt('2022-07-26T06:55:56.170Z'), table: 'IngressRule', policyRef: 'K8sNetworkPolicy:default/test-np-log', action: 'ALLOW',
      ofPriority: '190', src: '10.10.1.82', srcPort: 49518, dst: '10.10.1.84', dstPort: 80, protocol: 'tcp', length: 60,
      direction: 'IN', envelope: 'D',
    }),
    np(file, {
      ...goAt('2022-07-26T06:55:57.142Z'), table: 'IngressDefaultRule', policyRef: 'K8sNetworkPolicy', action: 'DROP',
      src: '10.10.1.83', srcPort: 38608, dst: '10.10.1.84', dstPort: 80, protocol: 'tcp', length: 60, direction: 'IN', envelope: 'D',
    }),
  ], parseAntreaNpLogLine);
}
{
  const file = 'antrea-np-log/format-E_v1.12.log';
  check(file, [
    np(file, {
      ...goAt('2020-11-02T22:21:21.148Z'), table: 'AntreaPolicyAppTierIngressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      ruleName: 'test-rule', action: 'ALLOW', ofPriority: '61800', src: '10.10.1.65', srcPort: 35402, dst: '10.0.0.5', dstPort: 80,
      protocol: 'tcp', length: 60, tag: 'custom-log-label', direction: 'IN', envelope: 'E',
    }),
    np(file, {
      ...goAt('2021-06-24T23:56:41.346Z'), table: 'AntreaPolicyEgressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      ruleName: 'test-rule', action: 'DROP', ofPriority: '44900', src: '10.10.1.65', srcPort: 35402, dst: '10.0.0.5', dstPort: 80,
      protocol: 'tcp', length: 60, tag: 'custom-log-label', direction: 'OUT', dedupCount: 3, dedupDuration: '1.011379442s', envelope: 'E',
    }),
    np(file, {
      ...goAt('2023-03-29T02:21:25.879Z'), table: 'AntreaPolicyIngressRule', policyRef: 'AntreaNetworkPolicy:default/test-anp',
      ruleName: 'AllowFromFrontend', action: 'ALLOW', ofPriority: '44900', src: '10.10.1.14', dst: '10.10.1.15', protocol: 'icmp',
      length: 84, tag: 'frontend-allowed', direction: 'IN', envelope: 'E',
    }),
    np(file, {
      ...goAt('2022-07-26T06:55:56.170Z'), table: 'IngressRule', policyRef: 'K8sNetworkPolicy:default/test-np-log', action: 'ALLOW',
      ofPriority: '190', src: '10.10.1.82', srcPort: 49518, dst: '10.10.1.84', dstPort: 80, protocol: 'tcp', length: 60,
      direction: 'IN', envelope: 'E',
    }),
    np(file, {
      ...goAt('2022-07-26T06:55:57.142Z'), table: 'IngressDefaultRule', policyRef: 'K8sNetworkPolicy', action: 'DROP',
      src: '10.10.1.83', srcPort: 38608, dst: '10.10.1.84', dstPort: 80, protocol: 'tcp', length: 60, direction: 'IN', envelope: 'E',
    }),
  ], parseAntreaNpLogLine);
}
{
  const file = 'antrea-np-log/format-F_v1.13-current.log';
  check(file, [
    np(file, {
      ...goAt('2023-07-04T12:45:21.804Z'), table: 'IngressDefaultRule', policyRef: 'AntreaNetworkPolicy:default/reject-tcp-policy',
      ruleName: 'RejectTCPRequest', direction: 'IN', action: 'REJECT', ofPriority: '16', appliedTo: 'default/nettoolv3',
      src: '10.10.1.7', srcPort: 53646, dst: '10.10.1.14', dstPort: 80, protocol: 'tcp', length: 60, tag: 'tcp-log-label', envelope: 'F',
    }),
    np(file, {
      ...goAt('2023-07-03T23:24:36.422Z'), table: 'AntreaPolicyEgressRule', policyRef: 'AntreaNetworkPolicy:default/reject-icmp-policy',
      ruleName: 'RejectICMPRequest', direction: 'OUT', action: 'REJECT', ofPriority: '14500', appliedTo: 'default/nettool',
      src: '10.10.1.7', dst: '10.10.2.3', protocol: 'icmp', length: 84, tag: 'icmp-log-label', envelope: 'F',
    }),
    np(file, {
      ...goAt('2023-07-03T23:24:37.424Z'), table: 'AntreaPolicyEgressRule', policyRef: 'AntreaNetworkPolicy:default/reject-icmp-policy',
      ruleName: 'RejectICMPRequest', direction: 'OUT', action: 'REJECT', ofPriority: '14500', appliedTo: 'default/nettool',
      src: '10.10.1.7', dst: '10.10.2.3', protocol: 'icmp', length: 84, tag: 'icmp-log-label', dedupCount: 2,
      dedupDuration: '1.000855539s', envelope: 'F',
    }),
    np(file, {
      ...goAt('2023-07-04T12:31:02.801Z'), table: 'IngressRule', policyRef: 'K8sNetworkPolicy:default/allow-tcp-80', direction: 'IN',
      action: 'ALLOW', ofPriority: '190', appliedTo: 'default/nettool', src: '10.10.1.13', srcPort: 57050, dst: '10.10.1.7',
      dstPort: 80, protocol: 'tcp', length: 60, envelope: 'F',
    }),
    np(file, {
      ...goAt('2023-07-04T12:33:26.221Z'), table: 'IngressDefaultRule', policyRef: 'K8sNetworkPolicy', direction: 'IN',
      action: 'DROP', appliedTo: 'default/nettool', src: '10.10.1.13', dst: '10.10.1.7', protocol: 'icmp', length: 84, envelope: 'F',
    }),
  ], parseAntreaNpLogLine);
}
