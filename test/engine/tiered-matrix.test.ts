import test from 'ava';
import { compilePolicySet } from '../../src/engine/tiered/compile.js';
import { computeEndpointMatrix, computeEndpointMatrixNaive } from '../../src/engine/tiered/matrix.js';
import type { Inventory, PodInfo, Policy, PolicySet } from '../../src/model/policy.js';
import { emptyAntreaPolicySet } from '../../src/model/policy.js';
import { ALL, compileYaml } from '../policy/fixtures.js';

/**
 * The equivalence-class matrix must equal per-pair evaluation exactly. Checked on the fixture
 * with policies that exercise every class feature (Self, sameLabels, named ports, ipBlock,
 * isolation, Pass), and on a random cluster.
 */

const YAML = `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: self}
spec:
  tier: securityops
  priority: 2
  appliedTo: [{namespaceSelector: {matchLabels: {ns: y}}}]
  ingress:
  - {action: Pass, name: pass-same, from: [{namespaces: {match: Self}}]}
  - {action: Drop, name: drop-other, from: [{namespaceSelector: {}}], ports: [{protocol: TCP, port: serve-80}]}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: ipb}
spec:
  priority: 3
  appliedTo: [{podSelector: {matchLabels: {pod: b}}}]
  egress:
  - {action: Reject, name: rej, to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.3.0/24]}}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: iso, namespace: z}
spec:
  podSelector: {matchLabels: {pod: c}}
  ingress: [{from: [{podSelector: {}}]}]
`;

test('class matrix equals per-pair evaluation on the fixture for several probes', (t) => {
  const { compiled } = compileYaml(YAML);
  const idx = ALL.map((k) => compiled.endpointByKey.get(k) ?? -1);
  for (const conn of [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 81 }, { protocol: 'UDP', port: 80 }]) {
    const m = computeEndpointMatrix(compiled, idx, idx, conn);
    const pairs: Array<[number, number]> = idx.flatMap((s) => idx.map((d) => [s, d] as [number, number]));
    const naive = computeEndpointMatrixNaive(compiled, pairs, conn);
    t.deepEqual(Array.from(m.cells), Array.from(naive), JSON.stringify(conn));
    t.true(m.cells.some((v) => v !== 0), 'the probe must not be trivially all-connected');
  }
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('class matrix equals per-pair evaluation on a random cluster', (t) => {
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const nss = ['n0', 'n1', 'n2', 'n3'];
  const inv: Inventory = { namespaces: nss.map((name, i) => ({ name, labels: { team: String(i % 2), 'kubernetes.io/metadata.name': name } })), pods: [], nodes: [], vms: [] };
  for (let i = 0; i < 60; i++) {
    const pod: PodInfo = {
      namespace: pick(nss),
      name: `p${i}`,
      labels: { app: pick(['web', 'api', 'db']), tier: pick(['1', '2']) },
      ip: `10.1.${i >> 8}.${i & 255}`,
      node: null,
      serviceAccount: 'default',
      ports: [{ port: 80, protocol: 'TCP', name: pick(['http', 'web']) }],
    };
    inv.pods.push(pod);
  }
  const span = { file: 'r', offset: 0, line: 1, column: 1, length: 0 };
  const set: PolicySet = emptyAntreaPolicySet();
  const tiers = ['securityops', 'application', 'baseline'];
  for (let i = 0; i < 40; i++) {
    const tier = pick(tiers);
    const action = tier === 'baseline' ? pick(['allow', 'drop'] as const) : pick(['allow', 'drop', 'reject', 'pass'] as const);
    const p: Policy = {
      kind: 'acnp',
      name: `pol${i}`,
      namespace: null,
      tier,
      priority: Math.floor(rand() * 5) + 1,
      appliedTo: [{ kind: 'pods', pods: { matchLabels: { app: pick(['web', 'api', 'db']) }, matchExpressions: [] }, namespaces: { kind: 'all' }, span }],
      rules: [
        {
          id: `r${i}`, name: `r${i}`, direction: pick(['ingress', 'egress'] as const), index: Math.floor(rand() * 2), action,
          peers: [
            pick([
              { kind: 'pods', pods: { matchLabels: { tier: pick(['1', '2']) }, matchExpressions: [] }, namespaces: { kind: 'selector', selector: { matchLabels: { team: pick(['0', '1']) }, matchExpressions: [] } }, span },
              { kind: 'pods', pods: { matchLabels: {}, matchExpressions: [] }, namespaces: { kind: 'self' }, span },
              { kind: 'pods', pods: { matchLabels: {}, matchExpressions: [] }, namespaces: { kind: 'same-labels', keys: ['team'] }, span },
              { kind: 'ip-block', block: { cidr: '10.1.0.0/26', except: ['10.1.0.16/28'] }, span },
            ] as const),
          ],
          ports: rand() < 0.5 ? [] : [{ kind: 'l4', protocol: 'TCP', port: pick([{ kind: 'named', name: 'http' }, { kind: 'range', lo: 80, hi: 80 }] as const), srcPorts: null, span }],
          appliedTo: null, logging: false, logLabel: null, span,
        },
      ],
      span,
    };
    set.policies.push(p);
  }
  for (const ns of ['n1', 'n2']) {
    set.policies.push({
      kind: 'k8s-np', name: 'np', namespace: ns, tier: 'K8sNetworkPolicy', priority: 0, isolates: { ingress: true, egress: ns === 'n2' },
      appliedTo: [{ kind: 'pods', pods: { matchLabels: { tier: '1' }, matchExpressions: [] }, namespaces: { kind: 'name', name: ns }, span }],
      rules: [{ id: 'k', name: null, direction: 'ingress', index: 0, action: 'allow', peers: [{ kind: 'pods', pods: { matchLabels: { app: 'web' }, matchExpressions: [] }, namespaces: { kind: 'all' }, span }], ports: [], appliedTo: null, logging: false, logLabel: null, span }],
      span,
    });
  }
  const c = compilePolicySet(set, inv);
  const idx = c.endpoints.map((e) => e.index);
  const conn = { protocol: 'TCP', port: 80 };
  const m = computeEndpointMatrix(c, idx, idx, conn);
  const pairs: Array<[number, number]> = idx.flatMap((s) => idx.map((d) => [s, d] as [number, number]));
  const naive = computeEndpointMatrixNaive(c, pairs, conn);
  t.deepEqual(Array.from(m.cells), Array.from(naive));
  const counts = [0, 0, 0];
  for (const v of m.cells) counts[v] = (counts[v] ?? 0) + 1;
  t.true((counts[0] ?? 0) > 0 && (counts[1] ?? 0) > 0 && (counts[2] ?? 0) > 0, `mixed verdicts ${counts.join('/')}`);
});
