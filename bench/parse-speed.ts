/**
 * Parse-only speed of parseDfwpktlogLine against the regex baseline (bench/regex-baseline.ts)
 * on a mixed multi-variant input. Run: `npx tsx bench/parse-speed.ts [lines]`.
 */
import { pathToFileURL } from 'node:url';
import { parseDfwpktlogLine } from '../src/parse/dfwpktlog.js';
import type { LineContext } from '../src/parse/line-result.js';
import { regexScanLine } from './regex-baseline.js';

/**
 * One line per envelope / body variant of reference/dfwpktlog.md (the corpus lines and the
 * documented variants without a corpus sample). Weighted toward the common file forms.
 */
export const MIXED_LINES: readonly string[] = [
  '2016-09-17T09:41:50.979Z INET match DROP domain-c46/1005 OUT 78 UDP 10.2.5.10/137->10.2.5.255/137',
  '2016-09-17T10:34:55.004Z 7295 INET match DROP domain-c46/1005 OUT 78 UDP 10.2.5.10/137->10.2.5.255/137',
  '2017-10-19T22:38:08.723Z 58734 INET match PASS domain-c8/1006 OUT 60 TCP 172.18.8.121/36485->172.18.8.119/22 S RULE_TAG',
  '2017-10-19T22:38:05.586Z 58734 INET match PASS domain-c8/1006 OUT 84 ICMP 172.18.8.121->172.18.8.119 RULE_TAG',
  '2018-07-03T19:44:09.749Z b6507827 INET match PASS mainrs/1024 IN 52 TCP 192.168.4.3/49627->192.168.4.4/49153 SEW',
  '2018-07-06T18:15:49.647Z 028cd586 INET match DROP mainrs/1027 IN 36 PROTO 2 0.0.0.0->224.0.0.1',
  '2018-07-06T18:19:54.764Z 028cd586 INET6 match DROP mainrs/1027 OUT 143 UDP fe80:0:0:0:68c2:8472:2364:9be/546->ff02:0:0:0:0:0:1:2/547',
  '2026-03-03T00:02:11.678Z No(13) FIREWALL-PKTLOG[1069031]: 8b4a1980 INET match PASS 25577 OUT 84 ICMP 192.168.72.10->192.168.72.17',
  '<99>2020-05-16T08:08:12.974Z ip-10-23-254-72.ap-southeast-1.compute.internal FIREWALL_PKTLOG: f2c65dd5 INET match PASS 24414552 IN 71 UDP 10.123.13.171/61422->10.123.70.101/53',
  '2017-04-11T21:09:59.877Z ESXi_FQDN dfwpktlogs: 50047 INET TERM domain-c1/1001 IN TCP RST 10.1.2.3/33491->10.4.5.6/10001 22/14 7684/1070',
  '<13>1 2024-05-15T19:41:25.001Z globalhost.com FIREWALL-PKTLOG - - - INET TERM PASS 5096 OUT TCP RST 10.10.10.11/60517->10.10.10.10/443 9/8 1461/4677 DR-Allow',
  '6be61891 INET TERM PASS 5112 IN UDP 10.222.22.1/62824->10.222.29.255/1947 1/0 68/0 SZ-...',
  '7c11f001 INET match PASS 8225 OUT 73 UDP 10.10.10.10/42017->20.20.20.20/53 SZ-TRF_CATCH_ALL1111_TFRC6-6_Server_B',
  '<134>Sep 23 12:00:00 host01 dfwpktlogs: b6507827 INET match PASS mainrs/1024 IN 52 TCP 192.0.2.3/49627->192.0.2.4/49153 S',
  '<181>1 2020-09-21T22:14:12.080427+00:00 lur-svc.nsxedge-ob-16404613-1-gdefw NSX 2802 FIREWALL [nsx@6876 comp="nsx-edge" subcomp="datapathd.firewallpkt" level="INFO"] <1 55f1af2f487544e9:b0e059132ad7753d> INET reason-match PASS 1005 OUT 60 TCP 1.1.1.10/45120->91.189.92.38/443 S',
  '2021-08-19T02:37:29.031Z edge01.lab01.one NSX 5055 FIREWALL [nsx@6876 comp="nsx-edge" subcomp="datapathd" s2comp="firewallpkt" level="INFO"] <3 a91a35d4acea4843:8b0fb4b8b5fe50a4> INET reason-match DROP 1001 OUT 84 PROTO 1 172.16.20.10->172.16.5.1',
  'T01:29:48.363Z 28341 INET match PASS domain-c7/1795 IN 52 TCP 10.68.0.250/65448->10.68.145.170/22 S 12345_ADMIN',
  '{"sddc_id":"037c42e3-c198-47c1-956c-1e5867210c02","text":"<99>2020-05-15T09:08:27.965Z ip-10-23-254-72.ap-southeast-1.compute.internal FIREWALL_PKTLOG: f2c65dd5 INET TERM 24642815 IN UDP 10.23.150.100\\/53408->10.123.70.101\\/53 1\\/1 72\\/103","timestamp":1.589533710199E12}',
];

/** Builds `n` lines cycling through MIXED_LINES, varying ports and times so no two are equal strings. */
export function mixedInput(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = MIXED_LINES[i % MIXED_LINES.length] ?? '';
    // vary the milliseconds of the timestamp so that no two lines are the same string
    out.push(base.replace(/(\d\d:\d\d:\d\d\.\d)\d\d/, (_m, a: string) => `${a}${String(i % 100).padStart(2, '0')}`));
  }
  return out;
}

function timeIt(lines: readonly string[], fn: (l: string) => unknown, rounds: number): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const l of lines) if (fn(l) !== null) sink++;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  if (sink < 0) console.log(sink);
  return (lines.length * rounds) / (ns / 1e9);
}

/**
 * Lines per second of the regex baseline and of parseDfwpktlogLine on `lines` (best of a
 * few rounds each, after a warm-up, alternating so neither gets the warmer machine).
 */
export function measureParse(lines: string[]): { regexLinesPerSec: number; parseLinesPerSec: number } {
  const ctx: LineContext = { source: 'bench', line: 0, host: null };
  const parse = (l: string): unknown => {
    ctx.line++;
    return parseDfwpktlogLine(l, ctx);
  };
  timeIt(lines, regexScanLine, 2);
  timeIt(lines, parse, 2);
  let regexBest = 0;
  let parseBest = 0;
  for (let i = 0; i < 5; i++) {
    regexBest = Math.max(regexBest, timeIt(lines, regexScanLine, 1));
    parseBest = Math.max(parseBest, timeIt(lines, parse, 1));
  }
  return { regexLinesPerSec: Math.round(regexBest), parseLinesPerSec: Math.round(parseBest) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 200_000);
  const lines = mixedInput(n);
  const r = measureParse(lines);
  console.log(`lines: ${n} (${MIXED_LINES.length} variants)`);
  console.log(`regex baseline: ${r.regexLinesPerSec.toLocaleString('en')} lines/s`);
  console.log(`parseDfwpktlogLine: ${r.parseLinesPerSec.toLocaleString('en')} lines/s`);
  console.log(`ratio: ${(r.parseLinesPerSec / r.regexLinesPerSec).toFixed(2)}x`);
}
