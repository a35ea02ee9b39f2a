/**
 * Reachability-matrix benchmark: a synthetic 5,000-Pod cluster (100 Namespaces × 10
 * Deployments × 5 replicas) with 2,000 policies (ACNPs in SecurityOps / Application / Baseline,
 * ANNPs, K8s NetworkPolicies; selectors, Self, ipBlocks with except, named ports, Pass,
 * Reject), compiled once, then the full 5,000 × 5,000 matrix for TCP/80 (25M pairs) by
 * equivalence classes. The baseline is the naive per-pair evaluation (the same resolveSide,
 * no classes) timed on a random sample in the same run and extrapolated; the sample is also
 * cross-checked against the class matrix cell by cell.
 *
 * Run alone: `npx tsx bench/matrix.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { compilePolicySet } from '../src/engine/tiered/compile.js';
import { computeEndpointMatrix, computeEndpointMatrixNaive } from '../src/engine/tiered/matrix.js';
import type { ConnectionSpec } from '../src/engine/tiered/evaluate.js';
import { emptyAntreaPolicySet, matchAllSelector } from '../src/model/policy.js';
import type { Inventory, LabelSelector, Peer, Policy, PolicyRule, PortSpec, RuleAction } from '../src/model/policy.js';
import type { SourceSpan } from '../src/model/source-span.js';

/** Result of benchMatrix (seconds are wall time on this machine). */
export interface MatrixBench {
  pods: number;
  policies: number;
  pairs: number;
  /** full matrix by equivalence classes, compile excluded */
  seconds: number;
  naiveSecondsEstimate: number;
  /** naiveSecondsEstimate / seconds */
  ratio: number;
  compileSeconds: number;
  classes: { egress: { local: number; remote: number }; ingress: { local: number; remote: number } };
  sideEvaluations: number;
  naiveSamplePairs: number;
  /** sampled cells where the class matrix and the naive evaluation agree (must equal the sample) */
  crossChecked: number;
  verdicts: { Con: number; Drp: number; Rej: number };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SPAN: SourceSpan = { file: 'bench', offset: 0, line: 1, column: 1, length: 0 };
const sel = (labels: Record<string, string>): LabelSelector => ({ matchLabels: labels, matchExpressions: [] });

/** The synthetic cluster and policy set (deterministic). */
export function syntheticCluster(seed = 7): { inv: Inventory; policies: Policy[] } {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const APPS = Array.from({ length: 40 }, (_, i) => `app${i}`);
  const TIERS = ['web', 'api', 'db'] as const;
  const ENVS = ['prod', 'stage', 'dev'] as const;
  const inv: Inventory = { namespaces: [], pods: [], nodes: [], vms: [] };
  for (let n = 0; n < 100; n++) {
    const name = `ns${n}`;
    inv.namespaces.push({ name, labels: { team: `t${n % 10}`, env: ENVS[n % 3] ?? 'dev', 'kubernetes.io/metadata.name': name } });
    for (let d = 0; d < 10; d++) {
      const app = pick(APPS);
      const tier = pick(TIERS);
      for (let r = 0; r < 5; r++) {
        const i = inv.pods.length;
        inv.pods.push({
          namespace: name,
          name: `${app}-${d}-${r}`,
          labels: { app, tier, 'pod-template-hash': `h${n}-${d}` },
          ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          node: `node-${i % 20}`,
          serviceAccount: 'default',
          ports: [
            { port: tier === 'db' ? 5432 : 80, protocol: 'TCP', name: 'http' },
            { port: 8080, protocol: 'TCP', name: 'metrics' },
          ],
        });
      }
    }
  }
  const podPeer = (): Peer => {
    const r = rand();
    if (r < 0.35) return { kind: 'pods', pods: sel({ app: pick(APPS) }), namespaces: { kind: 'all' }, span: SPAN };
    if (r < 0.6) return { kind: 'pods', pods: matchAllSelector(), namespaces: { kind: 'selector', selector: sel({ team: `t${Math.floor(rand() * 10)}` }) }, span: SPAN };
    if (r < 0.75) return { kind: 'pods', pods: sel({ tier: pick(TIERS) }), namespaces: { kind: 'selector', selector: sel({ env: pick(ENVS) }) }, span: SPAN };
    if (r < 0.85) return { kind: 'pods', pods: sel({ tier: pick(TIERS) }), namespaces: { kind: 'self' }, span: SPAN };
    const third = Math.floor(rand() * 20);
    return { kind: 'ip-block', block: { cidr: `10.0.${third * 8}.0/21`, except: [`10.0.${third * 8}.0/24`] }, span: SPAN };
  };
  const ports = (): PortSpec[] => {
    const r = rand();
    if (r < 0.3) return [];
    if (r < 0.6) return [{ kind: 'l4', protocol: 'TCP', port: { kind: 'range', lo: 80, hi: 80 }, srcPorts: null, span: SPAN }];
    if (r < 0.8) return [{ kind: 'l4', protocol: 'TCP', port: { kind: 'named', name: 'http' }, srcPorts: null, span: SPAN }];
    return [{ kind: 'l4', protocol: 'TCP', port: { kind: 'range', lo: 8000, hi: 9000 }, srcPorts: null, span: SPAN }];
  };
  const rule = (i: number, action: RuleAction): PolicyRule => ({
    id: `r${i}`,
    name: `r${i}`,
    direction: rand() < 0.7 ? 'ingress' : 'egress',
    index: i,
    action,
    peers: [podPeer(), ...(rand() < 0.3 ? [podPeer()] : [])],
    ports: ports(),
    appliedTo: null,
    logging: false,
    logLabel: null,
    span: SPAN,
  });
  const policies: Policy[] = [];
  for (let p = 0; p < 2000; p++) {
    const kindRoll = rand();
    const nRules = 1 + Math.floor(rand() * 3);
    if (kindRoll < 0.5) {
      // ACNP
      const tier = pick(['securityops', 'application', 'application', 'application', 'baseline'] as const);
      const actions: RuleAction[] = tier === 'baseline' ? ['allow', 'drop'] : ['allow', 'allow', 'drop', 'reject', 'pass'];
      policies.push({
        kind: 'acnp',
        name: `acnp-${p}`,
        namespace: null,
        tier,
        priority: 1 + Math.floor(rand() * 50) / 4,
        appliedTo: [{ kind: 'pods', pods: sel({ app: pick(APPS) }), namespaces: { kind: 'selector', selector: sel({ env: pick(ENVS) }) }, span: SPAN }],
        rules: Array.from({ length: nRules }, (_, i) => rule(i, pick(actions))),
        span: SPAN,
      });
    } else if (kindRoll < 0.85) {
      const ns = `ns${Math.floor(rand() * 100)}`;
      policies.push({
        kind: 'annp',
        name: `annp-${p}`,
        namespace: ns,
        tier: pick(['securityops', 'application'] as const),
        priority: 1 + Math.floor(rand() * 20),
        appliedTo: [{ kind: 'pods', pods: sel({ tier: pick(TIERS) }), namespaces: { kind: 'name', name: ns }, span: SPAN }],
        rules: Array.from({ length: nRules }, (_, i) => rule(i, pick(['allow', 'drop', 'reject', 'pass'] as const))),
        span: SPAN,
      });
    } else {
      const ns = `ns${Math.floor(rand() * 100)}`;
      const rules = Array.from({ length: nRules }, (_, i) => ({ ...rule(i, 'allow'), direction: 'ingress' as const }));
      policies.push({
        kind: 'k8s-np',
        name: `np-${p}`,
        namespace: ns,
        tier: 'K8sNetworkPolicy',
        priority: 0,
        isolates: { ingress: true, egress: false },
        appliedTo: [{ kind: 'pods', pods: sel({ tier: pick(TIERS) }), namespaces: { kind: 'name', name: ns }, span: SPAN }],
        rules,
        span: SPAN,
      });
    }
  }
  return { inv, policies };
}

/** Run the benchmark. */
export async function benchMatrix(): Promise<MatrixBench> {
  const { inv, policies } = syntheticCluster();
  const set = emptyAntreaPolicySet();
  set.policies = policies;
  const conn: ConnectionSpec = { protocol: 'TCP', port: 80 };

  const t0 = performance.now();
  const compiled = compilePolicySet(set, inv);
  const t1 = performance.now();
  const all = compiled.endpoints.map((e) => e.index);
  const m = computeEndpointMatrix(compiled, all, all, conn);
  const t2 = performance.now();

  // Naive baseline on a random sample of pairs, timed, then extrapolated to every pair.
  const rand = rng(99);
  const sample: Array<[number, number]> = [];
  for (let k = 0; k < 20000; k++) {
    sample.push([Math.floor(rand() * all.length), Math.floor(rand() * all.length)]);
  }
  const t3 = performance.now();
  const naive = computeEndpointMatrixNaive(compiled, sample, conn);
  const t4 = performance.now();
  let agree = 0;
  sample.forEach(([s, d], k) => {
    if (m.cells[s * all.length + d] === naive[k]) agree++;
  });
  const verdicts = { Con: 0, Drp: 0, Rej: 0 };
  for (const v of m.cells) {
    if (v === 0) verdicts.Con++;
    else if (v === 1) verdicts.Drp++;
    else verdicts.Rej++;
  }
  const pairs = all.length * all.length;
  const seconds = (t2 - t1) / 1000;
  const naiveSecondsEstimate = ((t4 - t3) / 1000) * (pairs / sample.length);
  return {
    pods: inv.pods.length,
    policies: policies.length,
    pairs,
    seconds,
    naiveSecondsEstimate,
    ratio: naiveSecondsEstimate / seconds,
    compileSeconds: (t1 - t0) / 1000,
    classes: m.stats.classes,
    sideEvaluations: m.stats.sideEvaluations,
    naiveSamplePairs: sample.length,
    crossChecked: agree,
    verdicts,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchMatrix().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
