import test from 'ava';
import { DiagnosticCode } from '../../src/model/diagnostics.js';
import { loadPolicyYaml } from '../../src/policy/antrea-yaml.js';
import { buildPolicySet } from '../../src/policy/policy-set.js';
import { markers } from './fixtures.js';

/**
 * YAML loader tests. Diagnostics are asserted on `code` and span (line, column) marked inline
 * with `<|…|>` (STYLE habit 14), never on prose.
 */

function diagAt(t: import('ava').ExecutionContext, marked: string, code: string): void {
  const { text, spans } = markers(marked);
  const r = loadPolicyYaml(text, 'p.yaml');
  const got = r.diagnostics.filter((d) => d.code === code).map((d) => ({ line: d.span.line, column: d.span.column }));
  t.deepEqual(got, spans.map((s) => ({ line: s.line, column: s.column })));
  for (const d of r.diagnostics.filter((x) => x.code === code)) t.is(d.span.file, 'p.yaml');
}

const ACNP_HEAD = `apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata:
  name: p
spec:
  priority: 1
  appliedTo:
  - podSelector: {}
`;

test('unsupported fields are reported by name at their key: fqdn, toServices, l7Protocols, a typo', (t) => {
  diagAt(
    t,
    `${ACNP_HEAD}  egress:
  - action: Allow
    to:
    - <|fqdn|>: "*.example.com"
  - action: Drop
    <|toServices|>:
    - {name: svc, namespace: x}
  - action: Allow
    <|l7Protocols|>: [{http: {path: /admin}}]
    to: [{<|podSelectr|>: {}}]
`,
    DiagnosticCode.PolicyUnsupportedField,
  );
});

test('unsupported fields: the messages name the field and the rule keeps its meaning', (t) => {
  const r = loadPolicyYaml(
    `${ACNP_HEAD}  egress:
  - action: Allow
    name: dns
    to: [{fqdn: "*.example.com"}]
`,
    'p.yaml',
  );
  const d = r.diagnostics.find((x) => x.code === DiagnosticCode.PolicyUnsupportedField);
  t.truthy(d);
  t.regex(d?.message ?? '', /fqdn/);
  t.is(d?.severity, 'warning');
  // the FQDN peer matches nothing (never "any")
  t.is(r.value.policies[0]?.rules[0]?.peers[0]?.kind, 'none');
});

test('appliedTo nodeSelector / service and igmp protocols are reported', (t) => {
  diagAt(
    t,
    `apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: node-np}
spec:
  priority: 1
  appliedTo:
  - <|nodeSelector|>: {matchLabels: {role: db}}
  - <|service|>: {name: svc, namespace: x}
  ingress:
  - action: Drop
    protocols:
    - <|igmp|>: {igmpType: 17}
`,
    DiagnosticCode.PolicyUnsupportedField,
  );
});

test('multi-document file: Tier, ClusterGroup, ACNP, ANNP, Group, K8s NP all load', (t) => {
  const r = loadPolicyYaml(
    `apiVersion: crd.antrea.io/v1beta1
kind: Tier
metadata: {name: mytier}
spec: {priority: 10, description: mine}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterGroup
metadata: {name: cg}
spec:
  namespaceSelector: {matchLabels: {ns: y}}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: c1}
spec:
  tier: mytier
  priority: 2.5
  appliedTo: [{group: cg}]
  ingress: [{action: Drop, from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: 8080, endPort: 8090}]}]
---
apiVersion: crd.antrea.io/v1beta1
kind: NetworkPolicy
metadata: {name: a1, namespace: x}
spec:
  tier: SecurityOps
  priority: 1
  appliedTo: [{podSelector: {matchLabels: {pod: a}}}]
  egress: [{action: Reject, name: r, to: [{group: g}], ports: [{protocol: UDP, port: dns, sourcePort: 1000, sourceEndPort: 2000}]}]
---
apiVersion: crd.antrea.io/v1beta1
kind: Group
metadata: {name: g, namespace: x}
spec: {podSelector: {matchLabels: {pod: b}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: k, namespace: z}
spec:
  podSelector: {}
  egress: [{}]
`,
    'multi.yaml',
  );
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.value.tiers.map((x) => [x.name, x.priority]), [['mytier', 10]]);
  t.deepEqual(r.value.groups.map((g) => [g.name, g.namespace]), [['cg', null], ['g', 'x']]);
  t.deepEqual(r.value.policies.map((p) => [p.kind, p.name, p.tier, p.priority]), [
    ['acnp', 'c1', 'mytier', 2.5],
    ['annp', 'a1', 'securityops', 1],
    ['k8s-np', 'k', 'K8sNetworkPolicy', 0],
  ]);
  const c1 = r.value.policies[0];
  t.deepEqual(c1?.rules[0]?.ports, [{ kind: 'l4', protocol: 'TCP', port: { kind: 'range', lo: 8080, hi: 8090 }, srcPorts: null, span: c1?.rules[0]?.ports[0]?.span }]);
  t.regex(c1?.rules[0]?.id ?? '', /^ingress-drop-[0-9a-f]{7}$/);
  const a1 = r.value.policies[1];
  t.deepEqual(a1?.appliedTo[0]?.kind === 'pods' ? a1.appliedTo[0].namespaces : null, { kind: 'name', name: 'x' });
  const port = a1?.rules[0]?.ports[0];
  t.deepEqual(port?.kind === 'l4' ? [port.port, port.srcPorts] : null, [{ kind: 'named', name: 'dns' }, { lo: 1000, hi: 2000 }]);
  const k = r.value.policies[2];
  // K8s defaulting: Ingress always, Egress because egress rules exist
  t.deepEqual(k?.kind === 'k8s-np' ? k.isolates : null, { ingress: true, egress: true });
  const set = buildPolicySet([r.value]);
  t.deepEqual(set.diagnostics, []);
  t.true(set.tiers.findIndex((x) => x.name === 'mytier') < set.tiers.findIndex((x) => x.name === 'emergency'));
});

test('kind: List is unpacked', (t) => {
  const r = loadPolicyYaml(
    `apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: one, namespace: x}
  spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: two, namespace: y}
  spec: {podSelector: {matchExpressions: [{key: pod, operator: NotIn, values: [a]}]}}
`,
    'list.yaml',
  );
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.value.policies.map((p) => `${p.namespace}/${p.name}`), ['x/one', 'y/two']);
  const two = r.value.policies[1];
  t.deepEqual(two?.kind === 'k8s-np' ? two.isolates : null, { ingress: true, egress: false });
});

test('invalid policies are refused with positions: Deny action, Pass in baseline, no priority', (t) => {
  const { text, spans } = markers(`apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: docs-example}
spec:
  priority: 1
  appliedTo: [{podSelector: {}}]
  ingress: [{action: <|Deny|>}]
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: base}
spec:
  tier: baseline
  priority: 1
  appliedTo: [{podSelector: {}}]
  egress: [{action: <|Pass|>}]
`);
  const r = loadPolicyYaml(text, 'bad.yaml');
  const invalid = r.diagnostics.filter((d) => d.code === DiagnosticCode.PolicyInvalid && !d.message.includes('not loaded'));
  t.deepEqual(invalid.map((d) => [d.span.line, d.span.column]), spans.map((s) => [s.line, s.column]));
  t.is(r.value.policies.length, 0);
  t.is(r.diagnostics.filter((d) => d.message.includes('not loaded')).length, 2);
});

test('YAML syntax errors become diagnostics with file:line:col', (t) => {
  const r = loadPolicyYaml('apiVersion: v1\nkind: List\nitems: [\n  {a: 1\n', 'broken.yaml');
  t.true(r.diagnostics.length > 0);
  const d = r.diagnostics[0];
  t.is(d?.code, DiagnosticCode.PolicyInvalid);
  t.is(d?.span.file, 'broken.yaml');
  t.true((d?.span.line ?? 0) >= 3);
});

test('custom Tier priorities: reserved and overlapping priorities are refused; unknown tier drops the policy', (t) => {
  const r = loadPolicyYaml(
    `apiVersion: crd.antrea.io/v1beta1
kind: Tier
metadata: {name: too-high}
spec: {priority: 251}
---
apiVersion: crd.antrea.io/v1beta1
kind: Tier
metadata: {name: clash}
spec: {priority: 100}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: orphan}
spec: {tier: nowhere, priority: 1, appliedTo: [{podSelector: {}}], ingress: [{action: Drop}]}
`,
    't.yaml',
  );
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.span.line]), [[DiagnosticCode.PolicyInvalid, 4]]);
  const set = buildPolicySet([r.value], r.diagnostics);
  t.deepEqual(set.diagnostics.map((d) => d.span.line), [4, 6, 11]);
  t.is(set.policies.length, 0);
});

test('upstream objects: v1alpha2 ClusterNetworkPolicy, ANP and BANP map to their tiers and actions', (t) => {
  const r = loadPolicyYaml(
    `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: cnp}
spec:
  tier: Admin
  priority: 5
  subject: {namespaces: {matchLabels: {ns: x}}}
  ingress:
  - name: deny-weird
    action: Deny
    from: [{unknownPeer: {}}]
    protocols: [{tcp: {destinationPort: {range: {start: 80, end: 81}}}}]
  egress:
  - {name: acc, action: Accept, to: [{networks: [10.0.0.0/8, 192.168.0.0/16]}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: anp}
spec:
  priority: 3
  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {pod: a}}}}
  ingress: [{name: p, action: Pass, from: [{namespaces: {}}], ports: [{portNumber: {protocol: UDP, port: 53}}]}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress: [{name: d, action: Deny, from: [{namespaces: {}}]}]
`,
    'up.yaml',
  );
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.span.line]), [[DiagnosticCode.PolicyUnsupportedField, 11]]);
  t.deepEqual(r.value.policies.map((p) => [p.kind, p.tier, p.priority]), [
    ['cnp', 'cnp-admin', 5],
    ['anp', 'admin-network-policy', 3],
    ['banp', 'baseline-admin-network-policy', 1],
  ]);
  const cnp = r.value.policies[0];
  // a Deny peer with no recognized field fails closed: matches everything (antrea.md §1.1)
  t.is(cnp?.rules[0]?.peers[0]?.kind, 'any');
  t.deepEqual(cnp?.rules[1]?.peers.map((p) => (p.kind === 'ip-block' ? p.block.cidr : p.kind)), ['10.0.0.0/8', '192.168.0.0/16']);
  t.is(cnp?.rules[1]?.action, 'allow');
  t.is(r.value.policies[1]?.rules[0]?.action, 'pass');
});

test('K8s NP rules of a type missing from policyTypes are ignored and flagged semantics/unverified', (t) => {
  const { text, spans } = markers(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: odd, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  <|ingress|>: [{from: [{podSelector: {}}]}]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
`);
  const r = loadPolicyYaml(text, 'odd.yaml');
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.span.line, d.span.column]), [[DiagnosticCode.Unverified, spans[0]?.line, spans[0]?.column]]);
  const p = r.value.policies[0];
  t.deepEqual(p?.kind === 'k8s-np' ? p.isolates : null, { ingress: false, egress: true });
  t.deepEqual(p?.rules.map((x) => x.direction), ['egress']);
});
