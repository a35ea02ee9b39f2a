import test from 'ava';
import type { ExecutionContext } from 'ava';
import { compilePolicySet } from '../../src/engine/tiered/compile.js';
import { evaluateConnection } from '../../src/engine/tiered/evaluate.js';
import type { ConnectionSpec, ConnVerdict } from '../../src/engine/tiered/evaluate.js';
import type { RejectResponse } from '../../src/model/decision.js';
import { matchAllSelector, nsxCategoryTiers } from '../../src/model/policy.js';
import type { Peer, Policy, PolicyRule, PolicySet } from '../../src/model/policy.js';
import { ALL, compileYaml, fixtureInventory, ipOf } from '../policy/fixtures.js';

/**
 * Table-driven engine tests (STYLE habit 14): each case states the resources, one probe, the
 * verdict of every pair by default, and the exceptions. The full 9×9 truth table of the
 * fixture is checked cell by cell through evaluateConnection (the per-pair path).
 */
interface Case {
  name: string;
  yaml: string;
  probe: ConnectionSpec;
  default: ConnVerdict;
  /** [from, to, verdict]; `*` in from/to = every Pod (applied in order, later wins) */
  exceptions: Array<[string, string, ConnVerdict]>;
  /** walkthrough lines that must appear for a pair: [from, to, substring] */
  walk?: Array<[string, string, string]>;
}

const ns = (n: string): string[] => ALL.filter((p) => p.startsWith(`${n}/`));
const expand = (s: string): string[] =>
  s === '*' ? ALL : s.endsWith('/*') ? ns(s.slice(0, -2)) : s.startsWith('*/') ? ALL.filter((p) => p.endsWith(s.slice(1))) : [s];

function truthTable(c: Case): Map<string, ConnVerdict> {
  const m = new Map<string, ConnVerdict>();
  for (const f of ALL) for (const t of ALL) m.set(`${f}>${t}`, c.default);
  for (const [from, to, v] of c.exceptions) for (const f of expand(from)) for (const t of expand(to)) m.set(`${f}>${t}`, v);
  // self traffic is never policed (antrea.md §0.0a)
  for (const p of ALL) m.set(`${p}>${p}`, 'Con');
  return m;
}

function runCases(t: ExecutionContext, c: Case): void {
  const { compiled } = compileYaml(c.yaml);
  const expected = truthTable(c);
  const wrong: string[] = [];
  for (const f of ALL) {
    for (const to of ALL) {
      const [fn = '', fp = ''] = f.split('/');
      const [tn = '', tp = ''] = to.split('/');
      const r = evaluateConnection(compiled, { kind: 'pod', namespace: fn, name: fp }, { kind: 'pod', namespace: tn, name: tp }, c.probe);
      const e = expected.get(`${f}>${to}`);
      if (r.verdict !== e) wrong.push(`${f} -> ${to}: expected ${e}, got ${r.verdict} (${r.walkthrough})`);
    }
  }
  t.deepEqual(wrong, [], c.name);
  for (const [f, to, text] of c.walk ?? []) {
    const [fn = '', fp = ''] = f.split('/');
    const [tn = '', tp = ''] = to.split('/');
    const r = evaluateConnection(compiled, { kind: 'pod', namespace: fn, name: fp }, { kind: 'pod', namespace: tn, name: tp }, c.probe);
    t.true(r.walkthrough.includes(text), `${c.name}: walkthrough "${r.walkthrough}" should contain "${text}"`);
  }
}

const TCP80: ConnectionSpec = { protocol: 'TCP', port: 80 };

const acnp = (name: string, body: string): string => `---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: {name: ${name}}
spec:
${body}`;

const k8sDenyIngress = (n: string): string => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: ${n}}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;

const cases: Case[] = [
  {
    name: 'no policy: everything connects',
    yaml: '',
    probe: TCP80,
    default: 'Con',
    exceptions: [],
    walk: [['x/a', 'y/a', 'egress x/a: [default] Allow | ingress y/a: [default] Allow']],
  },
  {
    name: 'tier order beats policy priority (SecurityOps prio 100 Drop over Application prio 1 Allow)',
    yaml:
      acnp('sec-drop', `  tier: securityops
  priority: 100
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Drop, name: drop-y, from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
`) +
      acnp('app-allow', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: allow-y, from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [['y/*', 'x/a', 'Drp']],
    walk: [['y/b', 'x/a', '[SecurityOps] Drop (sec-drop/drop-y)'], ['y/b', 'x/b', '[Application] Allow (app-allow/allow-y)']],
  },
  {
    name: 'float priorities: 1.25 Drop beats 1.5 Allow, 1.5 Allow beats 1.75 Drop',
    yaml:
      acnp('p150', `  priority: 1.5
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: a, from: [{namespaceSelector: {matchLabels: {ns: z}}}]}]
`) +
      acnp('p125', `  priority: 1.25
  appliedTo: [{podSelector: {matchLabels: {pod: a}}}]
  ingress: [{action: Drop, name: d, from: [{namespaceSelector: {matchLabels: {ns: z}}}]}]
`) +
      acnp('p175', `  priority: 1.75
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Drop, name: d, from: [{namespaceSelector: {}}]}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [
      ['*', 'x/*', 'Drp'],
      ['z/*', 'x/*', 'Con'],
      ['z/*', '*/a', 'Drp'],
    ],
    walk: [['z/a', 'x/b', '[Application] Allow (p150/a)'], ['y/a', 'x/c', '[Application] Drop (p175/d)']],
  },
  {
    name: 'same-priority policies interleave rules by position (rule 0 of either beats rule 1 of both)',
    yaml:
      acnp('first', `  priority: 5
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress:
  - {action: Allow, name: r0-allow-z, from: [{namespaceSelector: {matchLabels: {ns: z}}}]}
  - {action: Allow, name: r1-allow-y, from: [{namespaceSelector: {matchLabels: {ns: y}}}]}
`) +
      acnp('second', `  priority: 5
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress:
  - {action: Drop, name: r0-drop-y, from: [{namespaceSelector: {matchLabels: {ns: y}}}]}
  - {action: Drop, name: r1-drop-z, from: [{namespaceSelector: {matchLabels: {ns: z}}}]}
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [['y/*', 'x/*', 'Drp']],
    walk: [['y/a', 'x/a', 'second/r0-drop-y'], ['z/a', 'x/a', 'first/r0-allow-z']],
  },
  {
    name: 'Pass to K8s NP: passed traffic is decided by K8s NP (allow or isolation drop); Application-tier Allow is skipped',
    yaml:
      acnp('pass-y', `  tier: securityops
  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Pass, name: pass-y, from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
`) +
      acnp('allow-y', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: allow-all, from: [{namespaceSelector: {}}]}]
`) +
      `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-ya, namespace: x}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: a}}}]}]
`,
    probe: TCP80,
    default: 'Con',
    exceptions: [
      ['y/b', 'x/*', 'Drp'],
      ['y/c', 'x/*', 'Drp'],
    ],
    walk: [
      ['y/a', 'x/b', '[SecurityOps] Pass (pass-y/pass-y) -> [K8s NP] Allow (x/allow-ya/ingress-allow-'],
      ['y/b', 'x/b', '[SecurityOps] Pass (pass-y/pass-y) -> [K8s NP] Drop (isolation)'],
      ['z/a', 'x/b', '[Application] Allow (allow-y/allow-all)'],
    ],
  },
  {
    name: 'Pass to baseline: passed traffic skips lower tiers and reaches the baseline Drop',
    yaml:
      acnp('pass-y', `  tier: securityops
  priority: 1
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Pass, name: pass-y, from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
`) +
      acnp('app-allow-yb', `  priority: 1
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: allow-yb, from: [{podSelector: {matchLabels: {pod: b}}}]}]
`) +
      acnp('baseline-drop', `  tier: baseline
  priority: 1
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Drop, name: drop-all}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [
      ['*', 'x/a', 'Drp'],
      ['x/b', 'x/a', 'Con'],
      ['z/b', 'x/a', 'Con'],
    ],
    walk: [
      ['y/b', 'x/a', '[SecurityOps] Pass (pass-y/pass-y) -> [Baseline] Drop (baseline-drop/drop-all)'],
      ['z/b', 'x/a', '[Application] Allow (app-allow-yb/allow-yb)'],
    ],
  },
  {
    name: 'Pass with nothing below: allowed',
    yaml: acnp('pass-all', `  tier: emergency
  priority: 1
  appliedTo: [{namespaceSelector: {}}]
  ingress: [{action: Pass, name: pass-everything}]
  egress: [{action: Pass, name: pass-everything-out}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [],
    walk: [['x/a', 'y/a', 'egress x/a: [Emergency] Pass (pass-all/pass-everything-out) -> [default] Allow']],
  },
  {
    name: 'K8s NP isolation cannot be re-allowed by baseline; Antrea Allow above K8s NP can',
    yaml:
      k8sDenyIngress('x') +
      acnp('baseline-allow', `  tier: baseline
  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: allow-all}]
`) +
      acnp('app-allow-zc', `  priority: 3
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: allow-zc, from: [{podSelector: {matchLabels: {pod: c}}, namespaceSelector: {matchLabels: {ns: z}}}]}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [
      ['*', 'x/*', 'Drp'],
      ['z/c', 'x/*', 'Con'],
    ],
    walk: [['y/a', 'x/a', 'ingress x/a: [K8s NP] Drop (isolation)']],
  },
  {
    name: 'Reject over TCP answers with RST (mark Rej)',
    yaml: acnp('rej', `  priority: 1
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Reject, name: rej, ports: [{protocol: TCP, port: 80}, {protocol: UDP, port: 80}]}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [['*', 'x/a', 'Rej']],
  },
  {
    name: 'Reject over UDP (ICMP unreachable, mark Rej); rule ports do not match SCTP',
    yaml: acnp('rej', `  priority: 1
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Reject, name: rej, ports: [{protocol: UDP, port: 80}]}]
`),
    probe: { protocol: 'UDP', port: 80 },
    default: 'Con',
    exceptions: [['*', 'x/a', 'Rej']],
  },
  {
    name: 'ipBlock except: excepted addresses fall through to a lower-priority rule',
    yaml:
      acnp('drop-all-but-ya', `  priority: 1
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  egress: [{action: Drop, name: drop-cidr, to: [{ipBlock: {cidr: 10.0.0.0/16, except: ['${ipOf('y/a')}/32']}}]}]
`) +
      acnp('reject-y', `  priority: 2
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  egress: [{action: Reject, name: reject-y, to: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [
      ['x/a', '*', 'Drp'],
      ['x/a', 'y/a', 'Rej'],
    ],
    walk: [['x/a', 'y/a', '[Application] Reject (reject-y/reject-y)']],
  },
  {
    name: 'port range 8080-8085 matches 8082',
    yaml: acnp('range', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: y}}}]
  ingress: [{action: Drop, name: drop-range, ports: [{protocol: TCP, port: 8080, endPort: 8085}]}]
`),
    probe: { protocol: 'TCP', port: 8082 },
    default: 'Con',
    exceptions: [['*', 'y/*', 'Drp']],
  },
  {
    name: 'port range 8080-8085 does not match 8086 or 80',
    yaml: acnp('range', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: y}}}]
  ingress: [{action: Drop, name: drop-range, ports: [{protocol: TCP, port: 8080, endPort: 8085}]}]
`),
    probe: { protocol: 'TCP', port: 8086 },
    default: 'Con',
    exceptions: [],
  },
  {
    name: 'named port resolves on the destination Pod (serve-81 = TCP 81) over K8s default deny',
    yaml:
      k8sDenyIngress('x') +
      acnp('named', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: allow-81, from: [{namespaceSelector: {matchLabels: {ns: y}}}], ports: [{protocol: TCP, port: serve-81}]}]
`),
    probe: { protocol: 'TCP', port: 81 },
    default: 'Con',
    exceptions: [
      ['*', 'x/*', 'Drp'],
      ['y/*', 'x/*', 'Con'],
    ],
  },
  {
    name: 'named port does not match another port number',
    yaml:
      k8sDenyIngress('x') +
      acnp('named', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: allow-81, from: [{namespaceSelector: {matchLabels: {ns: y}}}], ports: [{protocol: TCP, port: serve-81}]}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [['*', 'x/*', 'Drp']],
  },
  {
    name: 'named port needs the protocol to match too (serve-81 is TCP; UDP rule does not match)',
    yaml: acnp('named-udp', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Drop, name: drop-81-udp, ports: [{protocol: UDP, port: serve-81}]}]
`),
    probe: { protocol: 'TCP', port: 81 },
    default: 'Con',
    exceptions: [],
  },
  {
    name: 'egress and ingress must both allow: source egress Allow, destination ingress Drop',
    yaml:
      acnp('egress-allow', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  egress: [{action: Allow, name: allow-out}]
`) +
      acnp('ingress-drop', `  priority: 2
  appliedTo: [{namespaceSelector: {matchLabels: {ns: y}}}]
  ingress: [{action: Drop, name: drop-x, from: [{namespaceSelector: {matchLabels: {ns: x}}}]}]
`) +
      acnp('egress-drop', `  priority: 3
  appliedTo: [{namespaceSelector: {matchLabels: {ns: z}}}]
  egress: [{action: Drop, name: drop-to-y, to: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
`) +
      acnp('ingress-allow', `  priority: 4
  appliedTo: [{namespaceSelector: {matchLabels: {ns: y}}}]
  ingress: [{action: Allow, name: allow-z, from: [{namespaceSelector: {matchLabels: {ns: z}}}]}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [
      ['x/*', 'y/*', 'Drp'],
      ['z/*', 'y/*', 'Drp'],
    ],
    walk: [
      ['x/a', 'y/a', 'egress x/a: [Application] Allow (egress-allow/allow-out) | ingress y/a: [Application] Drop (ingress-drop/drop-x)'],
      ['z/a', 'y/a', 'ingress y/a: not reached'],
    ],
  },
  {
    name: 'rule-level appliedTo scopes each rule',
    yaml: acnp('per-rule', `  priority: 1
  ingress:
  - action: Drop
    name: to-xa
    appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
    from: [{namespaceSelector: {matchLabels: {ns: y}}}]
  - action: Drop
    name: to-zc
    appliedTo: [{podSelector: {matchLabels: {pod: c}}, namespaceSelector: {matchLabels: {ns: z}}}]
    from: [{namespaceSelector: {matchLabels: {ns: x}}}]
`),
    probe: TCP80,
    default: 'Con',
    exceptions: [
      ['y/*', 'x/a', 'Drp'],
      ['x/*', 'z/c', 'Drp'],
    ],
  },
  {
    name: 'namespaces match Self in baseline: cross-Namespace ingress dropped',
    yaml: acnp('isolate', `  tier: baseline
  priority: 1
  appliedTo: [{namespaceSelector: {}}]
  ingress:
  - {action: Allow, name: same-ns, from: [{namespaces: {match: Self}}]}
  - {action: Drop, name: others, from: [{namespaceSelector: {}}]}
`),
    probe: TCP80,
    default: 'Drp',
    exceptions: [
      ['x/*', 'x/*', 'Con'],
      ['y/*', 'y/*', 'Con'],
      ['z/*', 'z/*', 'Con'],
    ],
  },
];

for (const c of cases) test(`engine: ${c.name}`, (t) => runCases(t, c));

test('engine: Reject sends TCP RST for TCP and ICMP unreachable otherwise', (t) => {
  const { compiled } = compileYaml(
    acnp('rej', `  priority: 1
  appliedTo: [{podSelector: {matchLabels: {pod: a}}, namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Reject, name: rej}]
`),
  );
  const xa = { kind: 'pod', namespace: 'x', name: 'a' } as const;
  const yb = { kind: 'pod', namespace: 'y', name: 'b' } as const;
  const cases: Array<[ConnectionSpec, RejectResponse]> = [
    [{ protocol: 'TCP', port: 80 }, 'tcp-rst'],
    [{ protocol: 'UDP', port: 80 }, 'icmp-unreachable'],
    [{ protocol: 'SCTP', port: 80 }, 'icmp-unreachable'],
    [{ protocol: 'ICMP', icmpType: 8, icmpCode: 0 }, 'icmp-unreachable'],
  ];
  for (const [conn, sends] of cases) {
    const r = evaluateConnection(compiled, yb, xa, conn);
    t.is(r.verdict, 'Rej');
    t.is(r.ingress?.rejectSends, sends, JSON.stringify(conn));
    t.is(r.ingress?.ruleId, 'rej');
    t.is(r.ingress?.policy, 'rej');
    t.is(r.ingress?.tier, 'application');
    t.false(r.ingress?.isDefault);
  }
});

test('engine: decisions carry default basis, isolation and the K8s tier', (t) => {
  const { compiled } = compileYaml(k8sDenyIngress('x'));
  const r = evaluateConnection(compiled, { kind: 'pod', namespace: 'y', name: 'a' }, { kind: 'pod', namespace: 'x', name: 'a' }, TCP80);
  t.is(r.verdict, 'Drp');
  t.is(r.egress?.basis, 'default');
  t.is(r.egress?.verdict, 'allow');
  t.is(r.ingress?.basis, 'default');
  t.is(r.ingress?.tier, 'K8sNetworkPolicy');
  t.true(r.ingress?.isDefault);
  t.is(r.ingress?.walkthrough, '[K8s NP] Drop (isolation)');
});

test('engine: bare IP endpoints are matched by ipBlock and are not policed themselves', (t) => {
  const { compiled } = compileYaml(
    acnp('ext', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  egress: [{action: Drop, name: no-internet, to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]
  ingress: [{action: Drop, name: no-ext, from: [{ipBlock: {cidr: 203.0.113.0/24}}]}]
`),
  );
  const xa = { kind: 'pod', namespace: 'x', name: 'a' } as const;
  t.is(evaluateConnection(compiled, xa, { kind: 'ip', ip: '8.8.8.8' }, TCP80).verdict, 'Drp');
  t.is(evaluateConnection(compiled, xa, { kind: 'ip', ip: '10.9.9.9' }, TCP80).verdict, 'Con');
  t.is(evaluateConnection(compiled, { kind: 'ip', ip: '203.0.113.7' }, xa, TCP80).verdict, 'Drp');
  t.is(evaluateConnection(compiled, { kind: 'ip', ip: '198.51.100.7' }, xa, TCP80).verdict, 'Con');
  // an IP that belongs to a Pod is that Pod
  const r = evaluateConnection(compiled, { kind: 'ip', ip: ipOf('x/b') }, { kind: 'ip', ip: '8.8.4.4' }, TCP80);
  t.is(r.verdict, 'Drp');
});

test('engine: same (tier, priority, rule index) with different actions is flagged nondeterministic', (t) => {
  const { compiled } = compileYaml(
    acnp('one', `  priority: 7
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Allow, name: allow-y, from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
`) +
      acnp('two', `  priority: 7
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Drop, name: drop-y, from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
`),
  );
  const r = evaluateConnection(compiled, { kind: 'pod', namespace: 'y', name: 'a' }, { kind: 'pod', namespace: 'x', name: 'a' }, TCP80);
  t.deepEqual(r.conflicts, ['two/drop-y']);
  const q = evaluateConnection(compiled, { kind: 'pod', namespace: 'z', name: 'a' }, { kind: 'pod', namespace: 'x', name: 'a' }, TCP80);
  t.deepEqual(q.conflicts, []);
});

test('engine: NSX-style categories on VMs: inout rules, Pass jumps to Application', (t) => {
  const span = { file: 'nsx.dfw', offset: 0, line: 1, column: 1, length: 0 };
  const vm = (name: string): Peer => ({ kind: 'vms', selector: { matchLabels: { name }, matchExpressions: [] }, span });
  const rule = (id: string, index: number, action: PolicyRule['action'], peers: Peer[]): PolicyRule => ({
    id, name: id, direction: 'inout', index, action, peers, ports: [{ kind: 'l4', protocol: 'TCP', port: { kind: 'range', lo: 443, hi: 443 }, srcPorts: null, span }],
    appliedTo: null, logging: false, logLabel: null, span,
  });
  const policy = (name: string, tier: string, rules: PolicyRule[]): Policy => ({
    kind: 'nsx', stateful: true, name, namespace: null, tier, priority: 1,
    appliedTo: [{ kind: 'vms', selector: matchAllSelector(), span }], rules, span,
  });
  const set: PolicySet = {
    tiers: nsxCategoryTiers(),
    policies: [
      policy('env', 'Environment', [rule('jump-web', 0, 'pass', [vm('web')]), rule('deny-any', 1, 'drop', [])]),
      policy('infra', 'Infrastructure', [rule('reject-db', 0, 'reject', [vm('db')])]),
      policy('app', 'Application', [rule('allow-web', 0, 'allow', [vm('web')])]),
      policy('default', 'Default', [rule('default-deny', 0, 'drop', [])]),
    ],
    groups: [],
    diagnostics: [],
  };
  const inv = fixtureInventory();
  inv.pods = [];
  inv.namespaces = [];
  for (const [name, ip] of [['web', '10.1.0.1'], ['app', '10.1.0.2'], ['db', '10.1.0.3']] as const) {
    inv.vms.push({ name, filterHash: null, filterName: null, ips: [ip], labels: { name } });
  }
  const c = compilePolicySet(set, inv);
  const https: ConnectionSpec = { protocol: 'TCP', port: 443 };
  const v = (a: string, b: string) => evaluateConnection(c, { kind: 'vm', name: a }, { kind: 'vm', name: b }, https);
  // traffic to db is rejected in Infrastructure before Environment runs (peer = the far side)
  t.is(v('app', 'db').verdict, 'Rej');
  t.is(v('app', 'db').egress?.rejectSends, 'tcp-rst');
  // db -> app: reject-db's peer is not the far side (app): Environment deny-any decides
  t.is(v('db', 'app').verdict, 'Drp');
  // web -> web is self; web -> app: egress of web: peer app -> Environment deny-any
  t.is(v('web', 'app').verdict, 'Drp');
  // app -> web: egress of app peer web: Pass jumps to Application, allow-web; ingress of web peer app: deny-any
  const r = v('app', 'web');
  t.is(r.egress?.walkthrough, '[Environment] Pass (env/jump-web) -> [Application] Allow (app/allow-web)');
  t.is(r.verdict, 'Drp');
  t.is(r.ingress?.ruleId, 'deny-any');
});

test('engine: sourcePort rules match a known port, or an ephemeral range they fully cover', (t) => {
  const { compiled } = compileYaml(
    acnp('src-port', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress: [{action: Drop, name: from-ephemeral, ports: [{protocol: TCP, port: 80, sourcePort: 32768, sourceEndPort: 60999}]}]
`),
  );
  const ya = { kind: 'pod', namespace: 'y', name: 'a' } as const;
  const xa = { kind: 'pod', namespace: 'x', name: 'a' } as const;
  const cases: Array<[ConnectionSpec, ConnVerdict]> = [
    [{ protocol: 'TCP', port: 80, srcPort: 40000 }, 'Drp'],
    [{ protocol: 'TCP', port: 80, srcPort: 1000 }, 'Con'],
    [{ protocol: 'TCP', port: 80, srcPortRange: { lo: 32768, hi: 60999 } }, 'Drp'],
    [{ protocol: 'TCP', port: 80, srcPortRange: { lo: 1024, hi: 65535 } }, 'Con'],
    [{ protocol: 'TCP', port: 80 }, 'Con'],
  ];
  for (const [conn, v] of cases) t.is(evaluateConnection(compiled, ya, xa, conn).verdict, v, JSON.stringify(conn));
});

test('engine: explain keeps skipped rules with the reason (Batfish-style trace)', (t) => {
  const { compiled } = compileYaml(
    acnp('p', `  priority: 1
  appliedTo: [{namespaceSelector: {matchLabels: {ns: x}}}]
  ingress:
  - {action: Drop, name: only-z, from: [{namespaceSelector: {matchLabels: {ns: z}}}]}
  - {action: Drop, name: only-443, ports: [{protocol: TCP, port: 443}]}
  - {action: Reject, name: rest}
`),
  );
  const ya = { kind: 'pod', namespace: 'y', name: 'a' } as const;
  const xa = { kind: 'pod', namespace: 'x', name: 'a' } as const;
  const r = evaluateConnection(compiled, ya, xa, TCP80, { explain: true });
  t.deepEqual(
    r.ingress?.trace.map((n) => [n.kind, n.rule?.ruleId ?? null]),
    [['skip', 'only-z'], ['skip', 'only-443'], ['match', 'rest']],
  );
  t.regex(r.ingress?.trace[0]?.text ?? '', /peer/);
  t.regex(r.ingress?.trace[1]?.text ?? '', /port/);
  t.is(r.ingress?.trace[2]?.span?.line, 11); // the rule's line (the helper starts with ---)
  // without explain only the deciding branch is kept
  t.deepEqual(evaluateConnection(compiled, ya, xa, TCP80).ingress?.trace.map((n) => n.kind), ['match']);
});
