import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decision } from '../../src/model/decision.js';
import type { Flow } from '../../src/model/flow.js';
import type { ProductGeneration } from '../../src/model/replay.js';
import type { AddrSet, Ruleset } from '../../src/model/rule.js';
import { compileFilter, type CompiledFilter } from '../../src/engine/compile.js';
import { evaluate, evaluateNaive } from '../../src/engine/evaluate.js';
import { parseGetrules } from '../../src/parse/getrules.js';
import { parseGetaddrsets } from '../../src/parse/getaddrsets.js';
import { flows, synthesize } from '../../bench/engine.js';

const CORPUS = join(process.cwd(), '..', 'shared', 'corpus', 'vsipioctl');
const corpusDir = (() => {
  for (const d of [CORPUS, '/work/shared/corpus/vsipioctl']) {
    try {
      readFileSync(join(d, 'getrules-nsx9-3.txt'));
      return d;
    } catch {
      /* try the next */
    }
  }
  throw new Error('corpus not found');
})();

interface Loaded {
  rulesets: Ruleset[];
  addrsets: AddrSet[];
  compiled: CompiledFilter;
}

function loadText(rules: string, addrsets: string | null, name = 'inline'): Loaded {
  const r = parseGetrules(rules, name);
  const a = addrsets === null ? [] : parseGetaddrsets(addrsets, `${name}.addrsets`).value.addrsets;
  return { rulesets: r.value.rulesets, addrsets: a, compiled: compileFilter({ rulesets: r.value.rulesets, addrsets: a }) };
}

const cache = new Map<string, Loaded>();
function load(rulesFile: string, addrsetsFile: string | null = null): Loaded {
  const k = `${rulesFile}+${addrsetsFile ?? ''}`;
  let l = cache.get(k);
  if (l === undefined) {
    const rules = readFileSync(join(corpusDir, rulesFile), 'utf8');
    const sets = addrsetsFile === null ? null : readFileSync(join(corpusDir, addrsetsFile), 'utf8');
    l = loadText(rules, sets, rulesFile);
    cache.set(k, l);
  }
  return l;
}

function tcp(src: string, sport: number, dst: string, dport: number, flags: string | null = 'S'): Flow {
  return { af: src.includes(':') ? 'inet6' : 'inet', protocol: 6, src, dst, srcPort: sport, dstPort: dport, tcpFlags: flags, icmpType: null, icmpCode: null };
}
function udp(src: string, sport: number, dst: string, dport: number): Flow {
  return { af: src.includes(':') ? 'inet6' : 'inet', protocol: 17, src, dst, srcPort: sport, dstPort: dport, tcpFlags: null, icmpType: null, icmpCode: null };
}
function icmp(src: string, dst: string, type: number, code = 0): Flow {
  const v6 = src.includes(':');
  return { af: v6 ? 'inet6' : 'inet', protocol: v6 ? 58 : 1, src, dst, srcPort: null, dstPort: null, tcpFlags: null, icmpType: type, icmpCode: code };
}

interface Case {
  name: string;
  rules: string;
  addrsets?: string;
  flow: Flow;
  dir?: 'IN' | 'OUT';
  generation?: ProductGeneration;
  expect: Partial<Pick<Decision, 'verdict' | 'basis' | 'ruleset' | 'ruleId' | 'position' | 'isDefault' | 'rejectSends'>>;
  /** substrings the trace must contain */
  trace?: string[];
  walkthrough?: string;
}

const cases: Case[] = [
  // NSX 9 port set `{67, 68}` and the rules before it
  { name: 'nsx9 DHCP server port in {67, 68}', rules: 'getrules-nsx9-3.txt', flow: udp('0.0.0.0', 68, '255.255.255.255', 67), expect: { ruleId: 5102, position: 5, verdict: 'allow', basis: 'rule' } },
  { name: 'nsx9 DHCP client port 68 in {67, 68}', rules: 'getrules-nsx9-3.txt', flow: udp('10.0.0.1', 67, '10.0.0.9', 68), expect: { ruleId: 5102, position: 5 } },
  { name: 'nsx9 DHCPv6 547 in {546, 547}', rules: 'getrules-nsx9-3.txt', flow: udp('fe80::1', 546, 'ff02::1:2', 547), expect: { ruleId: 5103, position: 6 } },
  // unknown addrset (no getaddrsets for this filter): 5104 may match first, 5105 certainly matches
  {
    name: 'nsx9 unknown addrset before the catch-all -> unknown',
    rules: 'getrules-nsx9-3.txt',
    flow: udp('10.1.1.1', 5000, '10.1.1.2', 69),
    expect: { ruleId: 5105, position: 8, verdict: 'allow', basis: 'unknown', isDefault: false },
    trace: ['may match mainrs rule 5104 at 7', 'ba52d50f-55b3-453b-bff2-b2dd72beca3c not defined'],
  },
  // strict: 13288 (strict) vs 13289 (no strict), NSX 9
  { name: 'strict rule takes the initial SYN', rules: 'getrules-nsx9-3.txt', flow: tcp('10.1.1.1', 40000, '10.1.1.2', 443, 'S'), expect: { ruleId: 13288, position: 1 } },
  {
    name: 'mid-stream ACK skips strict 13288, matches non-strict 13289',
    rules: 'getrules-nsx9-3.txt',
    flow: tcp('10.1.1.1', 40000, '10.1.1.2', 443, 'A'),
    expect: { ruleId: 13289, position: 2, basis: 'rule' },
    trace: ['skip mainrs rule 13288 at 1', 'state-mismatch candidate'],
  },
  { name: 'SYN/ACK is not an initial SYN', rules: 'getrules-nsx9-3.txt', flow: tcp('10.1.1.1', 40000, '10.1.1.2', 443, 'SA'), expect: { ruleId: 13289, position: 2 } },
  // same ACK on NSX-T 2.0 semantics: every stateful TCP rule is strict -> both skipped
  {
    name: 'NSX-T 2.0: mid-stream ACK skips every stateful TCP rule',
    rules: 'getrules-nsx9-3.txt',
    flow: tcp('10.1.1.1', 40000, '10.1.1.2', 443, 'A'),
    generation: 'nsxt2',
    expect: { ruleId: 5105, basis: 'unknown' },
    trace: ['skip mainrs rule 13289 at 2'],
  },
  // icmptype 135 / 136 (NSX 9 VPC defaults; 10216 exploded into two lines)
  { name: 'ipv6-icmp icmptype 135', rules: 'getrules-nsx9-1.txt', flow: icmp('fe80::1', 'ff02::1:ff00:2', 135), expect: { ruleId: 10216, position: 5 } },
  { name: 'ipv6-icmp icmptype 136', rules: 'getrules-nsx9-1.txt', flow: icmp('fe80::2', 'fe80::1', 136), expect: { ruleId: 10216, position: 4 } },
  { name: 'strict drop on port 80 still drops mid-stream (drop ignores flags)', rules: 'getrules-nsx9-1.txt', flow: tcp('10.0.0.1', 5555, '10.0.0.2', 80, 'PA'), expect: { ruleId: 12268, position: 1, verdict: 'drop' } },
  // NSX-V exploded rule 1014 with `as dcerpc` and its `# internal #` twin
  { name: 'NSX-V dcerpc 135 SYN -> 1014 at 3 (as dcerpc)', rules: 'getrules-nsxv-10.txt', flow: tcp('10.0.0.5', 50000, '10.0.0.6', 135, 'S'), expect: { ruleId: 1014, position: 3 } },
  { name: 'NSX-V 1014 port set {25, 42, ...}', rules: 'getrules-nsxv-10.txt', flow: tcp('10.0.0.5', 50000, '10.0.0.6', 3269, 'S'), expect: { ruleId: 1014, position: 2 } },
  {
    name: 'NSX-V mid-stream 135 skips 1014 at 3 and its internal twin at 4 -> default 1001',
    rules: 'getrules-nsxv-10.txt',
    flow: tcp('10.0.0.5', 50000, '10.0.0.6', 135, 'A'),
    expect: { ruleId: 1001, position: 9, isDefault: true, basis: 'rule' },
    trace: ['skip domain-c26 rule 1014 at 3', 'skip domain-c26 rule 1014 at 4 (internal)'],
  },
  // addrsets from the matching getaddrsets file
  { name: 'addrset ip-ipset-3 CIDR member -> 1038 at 7', rules: 'getrules-nsxv-1.txt', addrsets: 'getaddrsets-nsxv-1.txt', flow: tcp('10.20.1.5', 40000, '10.10.10.11', 22), expect: { ruleId: 1038, position: 7 } },
  { name: 'addrset 3389 exploded line -> 1038 at 8', rules: 'getrules-nsxv-1.txt', addrsets: 'getaddrsets-nsxv-1.txt', flow: tcp('10.30.2.77', 40000, '10.10.10.11', 3389), expect: { ruleId: 1038, position: 8 } },
  {
    name: 'source outside ip-ipset-3 -> default 1007',
    rules: 'getrules-nsxv-1.txt',
    addrsets: 'getaddrsets-nsxv-1.txt',
    flow: tcp('10.99.0.1', 40000, '10.10.10.11', 22),
    expect: { ruleId: 1007, position: 15, isDefault: true, basis: 'rule' },
    trace: ['skip domain-c28 rule 1038 at 7: src 10.99.0.1 not in addrset ip-ipset-3'],
  },
  { name: 'src1048 IPv6 member -> 1048 at 1', rules: 'getrules-nsxv-1.txt', addrsets: 'getaddrsets-nsxv-1.txt', flow: tcp('fe80::250:56ff:fe99:5662', 1, 'fe80::9', 2), expect: { ruleId: 1048, position: 1 } },
  { name: 'ip-virtualwire-1 to port 80 -> 1045 at 2', rules: 'getrules-nsxv-1.txt', addrsets: 'getaddrsets-nsxv-1.txt', flow: tcp('192.168.1.1', 1, '10.10.10.12', 80), expect: { ruleId: 1045, position: 2 } },
  { name: 'icmp echo reply -> 1037 at 9', rules: 'getrules-nsxv-1.txt', addrsets: 'getaddrsets-nsxv-1.txt', flow: icmp('192.168.1.1', '10.1.1.1', 0), expect: { ruleId: 1037, position: 9 } },
  { name: 'filled security groups -> 1489', rules: 'getrules-nsxv-5.txt', addrsets: 'getaddrsets-nsxv-4.txt', flow: tcp('10.29.5.138', 50000, '10.29.5.127', 1433), expect: { ruleId: 1489, position: 1, basis: 'rule' } },
  // empty sets are known-empty (not unknown)
  { name: 'empty security groups match nothing -> default 1001', rules: 'getrules-nsxv-5.txt', addrsets: 'getaddrsets-nsxv-2.txt', flow: tcp('10.29.5.138', 50000, '10.29.5.127', 1433), expect: { ruleId: 1001, position: 6, basis: 'rule', isDefault: true } },
  { name: 'no getaddrsets at all -> unknown', rules: 'getrules-nsxv-5.txt', flow: tcp('10.29.5.138', 50000, '10.29.5.127', 1433), expect: { ruleId: 1001, basis: 'unknown' }, trace: ['may match domain-c7 rule 1489 at 1'] },
  // reject: TCP vs UDP vs ICMP (NSX 4 default rule 2 rejects)
  {
    name: 'reject TCP -> RST',
    rules: 'getrules-nsx4-6.txt',
    flow: tcp('192.168.12.5', 40000, '192.168.12.6', 80),
    expect: { ruleId: 2, position: 3, verdict: 'reject', rejectSends: 'tcp-rst', isDefault: true },
    walkthrough: 'mainrs rule 2 at 3: REJECT (tag debug) -> TCP RST to 192.168.12.5',
  },
  { name: 'reject UDP -> ICMP unreachable', rules: 'getrules-nsx4-6.txt', flow: udp('192.168.12.5', 40000, '192.168.12.6', 53), expect: { ruleId: 2, verdict: 'reject', rejectSends: 'icmp-unreachable' } },
  { name: 'reject TCP RST -> nothing', rules: 'getrules-nsx4-6.txt', flow: tcp('192.168.12.5', 40000, '192.168.12.6', 80, 'R'), expect: { ruleId: 2, verdict: 'reject', rejectSends: 'none' } },
  {
    name: 'reject ICMP echo behind an unknown addrset -> unknown, lower bound reject',
    rules: 'getrules-nsx4-6.txt',
    flow: icmp('192.168.12.5', '192.168.12.6', 8),
    expect: { ruleId: 2, verdict: 'reject', basis: 'unknown', rejectSends: 'icmp-unreachable' },
  },
  { name: 'reject ICMP error -> nothing', rules: 'getrules-nsx4-6.txt', flow: icmp('192.168.12.5', '192.168.12.6', 3, 3), expect: { verdict: 'reject', rejectSends: 'none' } },
  // IDFW `with extended src`: cannot be evaluated -> unknown, 14316/2 decide
  { name: 'IDFW extended src is unknown', rules: 'getrules-nsx4-9.txt', flow: tcp('10.0.0.1', 1, '10.0.0.2', 2), expect: { ruleId: 2, basis: 'unknown' }, trace: ['with extended src'] },
  // the F5 fixture: SYN/ACK arriving IN on the observer hits REJECT 1026 (not the default)
  {
    name: 'seed: SA IN on 53210 -> REJECT 1026 at 7',
    rules: 'fixture:f5-53210',
    flow: tcp('10.68.145.170', 22, '10.68.0.250', 65448, 'SA'),
    expect: { ruleId: 1026, position: 7, verdict: 'reject', rejectSends: 'tcp-rst', isDefault: false },
    walkthrough: 'domain-c7 rule 1026 at 7: REJECT (tag default-deny) -> TCP RST to 10.68.145.170',
  },
  { name: 'seed: SYN IN on 53210 -> 1795', rules: 'fixture:f5-53210', flow: tcp('10.68.0.250', 65448, '10.68.145.170', 22, 'S'), expect: { ruleId: 1795, position: 1, verdict: 'allow' } },
  { name: 'direction out rule does not match IN', rules: 'fixture:f5-28341', flow: tcp('10.68.145.170', 5000, '1.2.3.4', 443, 'S'), dir: 'IN', expect: { ruleId: 1001, verdict: 'drop' }, trace: ['direction out, packet IN'] },
  { name: 'direction out rule matches OUT', rules: 'fixture:f5-28341', flow: tcp('10.68.145.170', 5000, '1.2.3.4', 443, 'S'), dir: 'OUT', expect: { ruleId: 1796, position: 2 } },
];

function loadCase(c: Case): Loaded {
  if (c.rules.startsWith('fixture:')) {
    const base = join(process.cwd(), 'test', 'fixtures', c.rules.slice('fixture:'.length));
    return loadText(readFileSync(`${base}.getrules.txt`, 'utf8'), readFileSync(`${base}.getaddrsets.txt`, 'utf8'), base);
  }
  return load(c.rules, c.addrsets ?? null);
}

for (const c of cases) {
  test(`engine: ${c.name}`, (t) => {
    const l = loadCase(c);
    const opts = c.generation !== undefined ? { generation: c.generation } : {};
    const d = evaluate(l.compiled, c.flow, c.dir ?? 'IN', opts);
    for (const [k, v] of Object.entries(c.expect)) t.is(d[k as keyof Decision], v as never, `${k} (${d.walkthrough})`);
    const text = d.trace.map((n) => n.text).join('\n');
    for (const s of c.trace ?? []) t.true(text.includes(s), `trace lacks "${s}":\n${text}`);
    if (c.walkthrough !== undefined) t.is(d.walkthrough, c.walkthrough);
    // the naive scan agrees on the outcome
    const n = evaluateNaive(l.rulesets, l.addrsets, c.flow, c.dir ?? 'IN', opts);
    t.deepEqual(outcome(n), outcome(d));
  });
}

function outcome(d: Decision): unknown {
  return [d.verdict, d.basis, d.ruleset, d.ruleId, d.position, d.isDefault, d.rejectSends];
}

test('engine: L2 rulesets are evaluated before L3 even when listed after; an L2 drop ends the walk', (t) => {
  const l = loadText(
    ['ruleset mainrs {', '# FILTER (APP Category) rules', 'rule 2 at 1 inout protocol any from any to any accept;', '}', 'ruleset mainrs_L2 {', '# FILTER rules', 'rule 1 at 1 inout ethertype any stateless from any to any drop;', '}'].join('\n'),
    null,
  );
  const d = evaluate(l.compiled, tcp('10.0.0.1', 1, '10.0.0.2', 2), 'IN');
  t.is(d.ruleset, 'mainrs_L2');
  t.is(d.ruleId, 1);
  t.is(d.verdict, 'drop');
  t.false(d.trace.some((n) => n.rule?.ruleset === 'mainrs'));
  const l3only = evaluate(l.compiled, tcp('10.0.0.1', 1, '10.0.0.2', 2), 'IN', { layers: ['L3'] });
  t.is(l3only.ruleId, 2);
  t.is(l3only.verdict, 'allow');
});

test('engine: L2 allow is recorded as a pass node, L3 decides', (t) => {
  const l = load('getrules-nsxv-1.txt', 'getaddrsets-nsxv-1.txt');
  const d = evaluate(l.compiled, tcp('10.20.1.5', 40000, '10.10.10.11', 22), 'IN');
  t.is(d.trace[0]?.kind, 'pass');
  t.is(d.trace[0]?.rule?.ruleset, 'domain-c28_L2');
  t.is(d.ruleset, 'domain-c28');
});

test('engine: internal twin is kept as a rule with its own position', (t) => {
  const l = load('getrules-nsxv-10.txt');
  const rules = l.compiled.rulesets[0]?.rules ?? [];
  const twin = rules.find((r) => r.position === 4);
  t.is(twin?.ruleId, 1014);
  t.true(twin?.internal);
  t.is(rules.find((r) => r.position === 3)?.alg, 'dcerpc');
});

test('engine: skip list is capped on a large ruleset but keeps near misses', (t) => {
  const lines = ['ruleset domain-c7 {', '# Filter rules'];
  for (let i = 1; i <= 300; i++) lines.push(`rule ${5000 + i} at ${i} inout protocol udp from any to any port ${1000 + i} accept;`);
  lines.push('rule 9999 at 301 inout protocol tcp from any to any port 2000 accept;');
  lines.push('rule 1001 at 302 inout protocol any from any to any drop;', '}');
  const l = loadText(lines.join('\n'), null);
  // udp 1250: rule 5250 matches at 250; 249 earlier udp rules fail only on port (near misses)
  const d = evaluate(l.compiled, udp('10.0.0.1', 1, '10.0.0.2', 1250), 'IN');
  t.is(d.ruleId, 5250);
  const skips = d.trace.filter((n) => n.kind === 'skip');
  t.true(skips.length <= 40, `${skips.length} skip nodes`);
  t.true(skips.some((n) => n.text.includes('nearly matched')));
  t.true(d.trace.some((n) => n.kind === 'info' && /more rules of domain-c7 skipped/.test(n.text)));
});

// ---- property test: compiled and naive agree on random flows ----

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('engine: compiled and naive evaluators agree on 6000 random flows over corpus rule sets', (t) => {
  const sets: Loaded[] = [
    load('getrules-nsxv-1.txt', 'getaddrsets-nsxv-1.txt'),
    load('getrules-nsxv-9.txt'),
    load('getrules-nsxv-10.txt'),
    load('getrules-nsx9-1.txt'),
    load('getrules-nsx9-3.txt'),
    load('getrules-nsx4-6.txt'),
    load('getrules-nsxv-5.txt', 'getaddrsets-nsxv-4.txt'),
    loadCase({ name: '', rules: 'fixture:f5-53210', flow: tcp('1.1.1.1', 1, '1.1.1.2', 2), expect: {} }),
    loadCase({ name: '', rules: 'fixture:f5-28341', flow: tcp('1.1.1.1', 1, '1.1.1.2', 2), expect: {} }),
  ];
  const r = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const v4 = ['10.10.10.11', '10.10.10.200', '10.20.1.5', '10.30.2.1', '172.18.128.199', '10.29.5.138', '10.29.5.127', '10.68.145.170', '10.68.0.250', '10.68.145.10', '8.8.8.8', '10.10.20.12'];
  const v6 = ['fe80::250:56ff:fe99:1461', 'fe80::250:56ff:fe99:5662', 'fe80::1', '2001:db8::1'];
  const ports = [22, 53, 67, 68, 80, 88, 123, 135, 137, 389, 443, 445, 514, 1433, 3268, 3389, 8080, 8443, 8887, 9389, 161, 547, 60000];
  let checked = 0;
  for (let i = 0; i < 6000; i++) {
    const l = pick(sets);
    const six = r() < 0.2;
    const src = six ? pick(v6) : pick(v4);
    const dst = six ? pick(v6) : pick(v4);
    const kind = r();
    let flow: Flow;
    if (kind < 0.5) flow = tcp(src, pick(ports), dst, pick(ports), pick(['S', 'SA', 'A', 'R', 'FA', 'PA', null]));
    else if (kind < 0.8) flow = udp(src, pick(ports), dst, pick(ports));
    else flow = icmp(src, dst, six ? pick([128, 129, 135, 136, 1]) : pick([0, 8, 3, 11]));
    const dir = r() < 0.5 ? 'IN' : 'OUT';
    const gen = pick<ProductGeneration | undefined>([undefined, 'nsxv', 'nsxt2', 'nsxt3+']);
    const opts = gen === undefined ? {} : { generation: gen };
    const c = evaluate(l.compiled, flow, dir, opts);
    const n = evaluateNaive(l.rulesets, l.addrsets, flow, dir, opts);
    if (JSON.stringify(outcome(c)) !== JSON.stringify(outcome(n))) {
      t.fail(`disagree on ${JSON.stringify(flow)} ${dir} ${gen}: ${c.walkthrough} vs ${n.walkthrough}`);
      return;
    }
    checked++;
  }
  t.is(checked, 6000);
});

test('engine: compiled (with its protocol, port and destination indexes) agrees with naive on a synthetic 2,000-rule NSX-V filter', (t) => {
  const syn = synthesize(2000, 3);
  const l = loadText(syn.rules, syn.addrsets, 'synthetic');
  t.is(l.compiled.ruleCount, 2000);
  let n = 0;
  for (const f of flows(400, syn.members, 5)) {
    const c = evaluate(l.compiled, f.flow, f.dir, { trace: 'minimal' });
    const v = evaluateNaive(l.rulesets, l.addrsets, f.flow, f.dir);
    t.deepEqual(outcome(c), outcome(v), JSON.stringify(f));
    n++;
  }
  t.is(n, 400);
});
