import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a mixed multi-variant dfwpktlog file: every envelope of reference/dfwpktlog.md
 * (NSX-V with and without hash, NSX-T files, ESXi 8 file form, RFC 5424, RFC 3164,
 * FIREWALL_PKTLOG syslog, JSON-wrapped VMC, Edge gateway, bare), match and TERM records,
 * TCP/UDP/ICMP/PROTO n, IPv6, tags, plus a few foreign and malformed lines, the way a syslog
 * export mixes them. Deterministic (seeded), so runs compare.
 */
export async function generateMixedLog(path: string, lines: number): Promise<void> {
  // mulberry32: an LCG's low bits cycle, which starved some line kinds of the mix
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
  const ip = () => `10.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`;
  const hex8 = () => (0x10000000 + rnd(0x7fffffff)).toString(16).slice(-8);
  const ts = (i: number) => new Date(Date.UTC(2024, 4, 15) + i * 3).toISOString();
  const bodies = [
    (i: number) => `${hex8()} INET match PASS ${5000 + rnd(200)} ${rnd(2) ? 'IN' : 'OUT'} 60 TCP ${ip()}/${1024 + rnd(60000)}->${ip()}/${[22, 80, 443, 8443][rnd(4)]} S DR-Allow-${i % 7}`,
    () => `${hex8()} INET match DROP ${5000 + rnd(200)} IN 78 UDP ${ip()}/137->${ip()}/137`,
    () => `${hex8()} INET TERM PASS ${5000 + rnd(200)} OUT TCP RST ${ip()}/${1024 + rnd(60000)}->${ip()}/443 ${rnd(50)}/${rnd(50)} ${rnd(90000)}/${rnd(90000)} SZ-tag`,
    () => `${hex8()} INET match PASS ${rnd(30000)} OUT 84 ICMP ${ip()}->${ip()}`,
    () => `${hex8()} INET6 match DROP ${rnd(3000)} OUT 143 UDP fe80:0:0:0:68c2:8472:2364:9be/546->ff02:0:0:0:0:0:1:2/547`,
    () => `${rnd(60000)} INET match REJECT domain-c7/${1000 + rnd(900)} IN 52 TCP ${ip()}/22->${ip()}/${1024 + rnd(60000)} SA default-deny`,
    () => `${hex8()} INET match DROP ${rnd(3000)} IN 36 PROTO 2 0.0.0.0->224.0.0.1`,
    () => `${hex8()} INET TERM ${rnd(30000000)} IN UDP ${ip()}/${1024 + rnd(60000)}->${ip()}/53 1/1 72/103`,
  ];
  const envelopes = [
    (t: string, b: string) => `${t} ${b}`,
    (t: string, b: string) => `<13>1 ${t} esx-${rnd(40)}.corp.example FIREWALL-PKTLOG - - - ${b}`,
    (t: string, b: string) => `${t} No(13) FIREWALL-PKTLOG[1069031]: ${b}`,
    (t: string, b: string) => `<99>${t} ip-10-23-254-${rnd(200)}.compute.internal FIREWALL_PKTLOG: ${b}`,
    (t: string, b: string) => `${t} esx-${rnd(40)} dfwpktlogs: ${b}`,
    (_t: string, b: string) => b,
    (t: string, b: string) =>
      `{"sddc_id":"037c42e3-c198-47c1-956c-1e5867210c02","text":"<99>${t} ip-10-23-254-72 FIREWALL_PKTLOG: ${b.replaceAll('/', '\\/')}","timestamp":1.589533710199E12}`,
  ];
  const gateway = (t: string) =>
    `<181>1 ${t} edge01 NSX 2802 FIREWALL [nsx@6876 comp="nsx-edge" subcomp="datapathd" s2comp="firewallpkt" level="INFO"] <1 55f1af2f487544e9:b0e059132ad7753d> INET reason-match PASS 1005 OUT 60 TCP ${ip()}/45120->${ip()}/443 S`;
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const t = ts(i);
    const k = rnd(100);
    let line: string;
    if (k === 0) line = `<166>${t} esx-1 vmkernel: cpu2:2097634)NetPort: 1780: disabled port 0x2000008`;
    else if (k === 1) line = `${t} 7295 INET match PASS domain-c7/1795 XX 52 TCP 10.0.0.1/1->10.0.0.2/22 S`;
    else if (k < 6) line = gateway(t);
    else {
      const env = envelopes[rnd(envelopes.length)]!;
      line = env(t, bodies[rnd(bodies.length)]!(i));
    }
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}
