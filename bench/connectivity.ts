/**
 * NSX intent connectivity benchmark (issue 10): a synthetic NSX Manager export with 1,000 VMs
 * (50 applications x 4 tiers x 5 VMs on 4 segments), 286 groups (application, tier, application
 * tier, environment, 10 ad-hoc groups of random VMs, 20 IPAddress groups), 200 security policies and 2,000 rules over the five categories (JUMP_TO_APPLICATION
 * in Environment, REJECT, IN/OUT/IN_OUT, rule and policy scope, exclusion, port ranges, ICMP,
 * IP blocks), imported from JSON, compiled, and the full connectivity map (every ordered VM pair
 * plus the external blocks) computed symbolically with walks memoised by capturing-rule list.
 * The baseline is the same symbolic walk per pair without memoisation (evaluatePair), timed
 * on a random sample of pairs in the same run and extrapolated; the sample is also checked
 * cell by cell against the map.
 *
 * Run alone: `npx tsx bench/connectivity.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { compileIntent } from '../src/analysis/connectivity-compile.js';
import { evaluatePair } from '../src/analysis/connectivity.js';
import { connectivityMap } from '../src/analysis/connectivity-map.js';
import { connEquals, type ConnSet } from '../src/analysis/connectivity-set.js';
import { importNsxJson } from '../src/policy/nsx-import.js';

export interface ConnectivityBench {
  vms: number;
  policies: number;
  rules: number;
  pairs: number;
  rows: number;
  importSeconds: number;
  compileSeconds: number;
  /** the map, import and compile excluded */
  seconds: number;
  naiveSecondsEstimate: number;
  ratio: number;
  classes: number;
  distinctWalks: number;
  naiveSamplePairs: number;
  crossChecked: number;
  rssMB: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The synthetic export as JSON text (deterministic). */
export function syntheticExport(vmCount = 1000, policyCount = 200, rulesPerPolicy = 10, seed = 11, adhocGroups = 10): string {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const vms = Array.from({ length: vmCount }, (_, i) => ({ display_name: `vm-${i}`, external_id: `id-${i}`, tags: [{ scope: 'app', tag: `app${i % 40}` }] }));
  const vifs = vms.map((v, i) => ({ owner_vm_id: v.external_id, lport_attachment_id: `att-${i}`, ip_address_info: [{ ip_addresses: [`10.${Math.floor(i / 250)}.${i % 250}.10`] }] }));
  // groups as operators build them: per application (50), tier (4), application tier (200) and
  // environment (2), 10 ad-hoc groups of random VMs, and 20 IPAddress groups
  const groups: object[] = [];
  const vmsOf = (pred: (i: number) => boolean) => vms.flatMap((v, i) => (pred(i) ? [{ id: v.external_id }] : []));
  const app = (i: number) => Math.floor(i / 20) % 50;
  const tier = (i: number) => Math.floor(i / 5) % 4;
  for (let a = 0; a < 50; a++) groups.push({ path: `/infra/domains/default/groups/app${a}`, display_name: `app${a}`, vm_members: vmsOf((i) => app(i) === a) });
  for (let t = 0; t < 4; t++) groups.push({ path: `/infra/domains/default/groups/tier${t}`, display_name: `tier${t}`, vm_members: vmsOf((i) => tier(i) === t) });
  for (let a = 0; a < 50; a++) for (let t = 0; t < 4; t++) groups.push({ path: `/infra/domains/default/groups/app${a}-tier${t}`, display_name: `app${a}-tier${t}`, vm_members: vmsOf((i) => app(i) === a && tier(i) === t) });
  for (let e = 0; e < 2; e++) groups.push({ path: `/infra/domains/default/groups/env${e}`, display_name: `env${e}`, vm_members: vmsOf((i) => app(i) % 2 === e) });
  for (let g = 0; g < adhocGroups; g++) {
    const members = new Set<number>();
    while (members.size < 10) members.add(Math.floor(rand() * vmCount));
    groups.push({ path: `/infra/domains/default/groups/adhoc${g}`, display_name: `adhoc${g}`, vm_members: [...members].map((i) => ({ id: `id-${i}` })) });
  }
  for (let g = 0; g < 20; g++) {
    groups.push({ path: `/infra/domains/default/groups/ip${g}`, display_name: `ip${g}`, group_type: ['IPAddress'], ips_members: [`${100 + g}.0.0.0/16`, `10.${g % 4}.${g * 10}.0/24`] });
  }
  const groupPaths = groups.map((g) => (g as { path: string }).path);
  const services = Array.from({ length: 30 }, (_, s) => ({
    path: `/infra/services/svc${s}`,
    display_name: `svc${s}`,
    service_entries: s % 10 === 9
      ? [{ resource_type: 'ICMPTypeServiceEntry', protocol: 'ICMPv4', icmp_type: 8 }]
      : [{ resource_type: 'L4PortSetServiceEntry', l4_protocol: s % 3 === 0 ? 'UDP' : 'TCP', destination_ports: [String(1000 + s * 7), `${2000 + s * 50}-${2000 + s * 50 + 20}`] }],
  }));
  const cats = ['Emergency', 'Infrastructure', 'Environment', 'Environment', 'Application', 'Application', 'Application', 'Application'];
  const ref = () => (rand() < 0.08 ? ['ANY'] : Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(groupPaths)));
  const policies = Array.from({ length: policyCount }, (_, p) => {
    const category = p === policyCount - 1 ? 'Application' : pick(cats);
    const rules = Array.from({ length: rulesPerPolicy }, (_, r) => {
      const last = p === policyCount - 1 && r === rulesPerPolicy - 1;
      const x = rand();
      const action = last ? 'DROP' : category === 'Environment' && x < 0.5 ? 'JUMP_TO_APPLICATION' : x < 0.6 ? 'ALLOW' : x < 0.9 ? 'DROP' : 'REJECT';
      return {
        rule_id: 1000 + p * rulesPerPolicy + r,
        display_name: `r${p}-${r}`,
        action,
        direction: last ? 'IN_OUT' : pick(['IN_OUT', 'IN_OUT', 'IN', 'OUT']),
        source_groups: last ? ['ANY'] : ref(),
        destination_groups: last ? ['ANY'] : ref(),
        sources_excluded: !last && rand() < 0.03,
        services: last || rand() < 0.2 ? ['ANY'] : [pick(services).path, ...(rand() < 0.3 ? [pick(services).path] : [])],
        service_entries: rand() < 0.1 ? [{ resource_type: 'L4PortSetServiceEntry', l4_protocol: 'TCP', source_ports: ['1024-65535'], destination_ports: ['8000-8999'] }] : [],
        scope: !last && rand() < 0.1 ? [pick(groupPaths)] : ['ANY'],
        sequence_number: r * 10,
      };
    });
    return { id: `p${p}`, display_name: `p${p}`, category, sequence_number: p, scope: p % 25 === 3 ? [pick(groupPaths)] : ['ANY'], rules };
  });
  // VMs sit on segments (one per /16 of their addresses), as in a real export
  const segments = Array.from({ length: Math.ceil(vmCount / 250 / 1) }, (_, k) => ({
    path: `/infra/segments/seg${k}`,
    display_name: `seg${k}`,
    subnets: [{ network: `10.${k}.0.0/16` }],
    segment_ports: vifs.filter((_, i) => Math.floor(i / 250) === k).map((v) => ({ attachment: { id: v.lport_attachment_id } })),
  }));
  return JSON.stringify({ services, virtual_machines: vms, virtual_network_interface: vifs, segments, domains: [{ id: 'default', display_name: 'default', resources: { groups, security_policies: policies } }] });
}

export function benchConnectivity(vmCount = 1000, policyCount = 200, rulesPerPolicy = 10, sample = 2000, adhocGroups = 10): ConnectivityBench {
  const text = syntheticExport(vmCount, policyCount, rulesPerPolicy, 11, adhocGroups);
  let t = performance.now();
  const imported = importNsxJson(text, 'bench.json');
  const importSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const c = compileIntent(imported.value, 'nsx');
  const compileSeconds = (performance.now() - t) / 1000;
  const cells = new Map<string, ConnSet>();
  t = performance.now();
  let rssMB = 0;
  const run = connectivityMap(c, (r) => {
    if (r.src.index < 64 && r.dst.index < 64) cells.set(`${r.src.index}>${r.dst.index}`, r.permitted);
  });
  const seconds = (performance.now() - t) / 1000;
  rssMB = process.memoryUsage().rss / 1e6;
  // baseline: the same walk per pair, no memo, on a random sample (VM pairs among the first 64, so they can be cross-checked)
  const rand = rng(5);
  const n = c.endpoints.length;
  let checked = 0;
  t = performance.now();
  const pairs: [number, number][] = Array.from({ length: sample }, () => [Math.floor(rand() * 64), Math.floor(rand() * 64)]);
  for (const [s, d] of pairs) {
    if (s === d) {
      checked++;
      continue;
    }
    const r = evaluatePair(c, s, d, c.universe);
    const want = cells.get(`${s}>${d}`);
    if (want ? connEquals(want, r.permitted) : r.permitted.tcp.length + r.permitted.udp.length + r.permitted.icmp.length + r.permitted.icmp6.length + r.permitted.proto.length === 0) checked++;
  }
  const perPair = (performance.now() - t) / 1000 / sample;
  const naiveSecondsEstimate = perPair * run.stats.pairs;
  void n;
  return {
    vms: vmCount,
    policies: policyCount,
    rules: policyCount * rulesPerPolicy,
    pairs: run.stats.pairs,
    rows: run.stats.rows,
    importSeconds,
    compileSeconds,
    seconds,
    naiveSecondsEstimate,
    ratio: naiveSecondsEstimate / seconds,
    classes: run.stats.classes,
    distinctWalks: run.stats.distinctWalks,
    naiveSamplePairs: sample,
    crossChecked: checked,
    rssMB,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // BENCH_ADHOC_GROUPS=300: mostly random membership (almost every VM its own class), the worst case
  process.stdout.write(`${JSON.stringify(benchConnectivity(1000, 200, 10, 2000, Number(process.env['BENCH_ADHOC_GROUPS'] ?? 10)), null, 2)}\n`);
}
