import test from 'ava';
import { compilePolicySet } from '../../src/engine/tiered/compile.js';
import { buildPolicySet, loadInventory, loadPolicyYaml } from '../../src/policy/index.js';
import { parsePolicyFiles } from '../../src/parse/policy-visitor.js';
import { shadowPolicySet } from '../../src/analysis/shadow-policy.js';

/** Three Namespaces, two Pods each: the inventory every YAML case runs on. */
const INVENTORY = `
apiVersion: v1
kind: List
items:
  - { apiVersion: v1, kind: Namespace, metadata: { name: web, labels: { app: web } } }
  - { apiVersion: v1, kind: Namespace, metadata: { name: db, labels: { app: db } } }
  - { apiVersion: v1, kind: Namespace, metadata: { name: sandbox, labels: { quarantine: "true" } } }
  - { apiVersion: v1, kind: Pod, metadata: { name: web-1, namespace: web, labels: { app: nginx } }, status: { podIP: 10.10.1.11 } }
  - { apiVersion: v1, kind: Pod, metadata: { name: web-2, namespace: web, labels: { app: nginx } }, status: { podIP: 10.10.1.12 } }
  - { apiVersion: v1, kind: Pod, metadata: { name: db-0, namespace: db, labels: { app: postgres } }, status: { podIP: 10.10.2.31 } }
  - { apiVersion: v1, kind: Pod, metadata: { name: db-1, namespace: db, labels: { app: postgres } }, status: { podIP: 10.10.2.32 } }
  - { apiVersion: v1, kind: Pod, metadata: { name: probe, namespace: sandbox, labels: { app: probe } }, status: { podIP: 10.10.3.7 } }
`;

function yamlSet(policies: string) {
  const frag = loadPolicyYaml(policies, 'p.yaml');
  const set = buildPolicySet([frag.value], frag.diagnostics);
  const inv = loadInventory(INVENTORY, 'inv.yaml').value;
  return shadowPolicySet(compilePolicySet(set, inv));
}

function dfwSet(text: string) {
  const doc = parsePolicyFiles([{ file: 'p.dfw', text }]).value;
  return shadowPolicySet(compilePolicySet(doc.policySet, doc.inventory));
}

const acnp = (name: string, tier: string, priority: number, appliedTo: string, ingress: string) => `
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: { name: ${name} }
spec:
  priority: ${priority}
  tier: ${tier}
  appliedTo: [${appliedTo}]
  ingress:
${ingress}
---`;

const k8s = (name: string, ns: string, pods: string, ingress: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: ${ns} }
spec:
  podSelector: { matchLabels: { ${pods} } }
  policyTypes: [Ingress]
  ingress:
${ingress}
---`;

const found = (r: ReturnType<typeof yamlSet>) => Object.fromEntries(r.items.map((i) => [i.ruleId, { kind: i.kind, by: i.coveredBy }]));

test('policy set: an Application rule shadowed across tiers by a SecurityOps drop', (t) => {
  const r = yamlSet(
    acnp('secops', 'SecurityOps', 1, '{ namespaceSelector: {} }', `    - { name: drop-sandbox, action: Drop, from: [{ namespaceSelector: { matchLabels: { quarantine: "true" } } }] }`) +
      acnp('app', 'Application', 1, '{ namespaceSelector: { matchLabels: { app: db } } }', `    - { name: allow-sandbox-pg, action: Allow, from: [{ namespaceSelector: { matchLabels: { quarantine: "true" } } }], ports: [{ protocol: TCP, port: 5432 }] }
    - { name: allow-web-pg, action: Allow, from: [{ namespaceSelector: { matchLabels: { app: web } } }], ports: [{ protocol: TCP, port: 5432 }] }`),
  );
  t.deepEqual(found(r), { 'app/allow-sandbox-pg': { kind: 'shadowed', by: ['secops/drop-sandbox'] } });
  const item = r.items[0]!;
  t.like(item, { filter: null, tier: 'Application', policy: 'app', position: 0, action: 'allow', source: 'p.yaml:20' });
});

test('policy set: a Pass covers the later Antrea tiers but hands its packets to K8s NP', (t) => {
  const r = yamlSet(
    acnp('secops', 'SecurityOps', 1, '{ namespaceSelector: {} }', `    - { name: pass-web, action: Pass, from: [{ namespaceSelector: { matchLabels: { app: web } } }] }`) +
      acnp('app', 'Application', 1, '{ namespaceSelector: { matchLabels: { app: db } } }', `    - { name: allow-web, action: Allow, from: [{ namespaceSelector: { matchLabels: { app: web } } }], ports: [{ protocol: TCP, port: 5432 }] }`) +
      k8s('db-allow-web', 'db', 'app: postgres', `    - from: [{ namespaceSelector: { matchLabels: { app: web } } }]\n      ports: [{ protocol: TCP, port: 5432 }]`),
  );
  t.deepEqual(found(r), { 'app/allow-web': { kind: 'shadowed', by: ['secops/pass-web'] } });
});

test('policy set: K8s NP rules are an unordered union: a rule inside a later, wider one is redundant; of two equal rules one is', (t) => {
  const r = yamlSet(
    k8s('narrow', 'db', 'app: postgres', `    - from: [{ namespaceSelector: { matchLabels: { app: web } } }]\n      ports: [{ protocol: TCP, port: 5432 }]`) +
      k8s('wide', 'db', 'app: postgres', `    - from: [{ namespaceSelector: {} }]`) +
      k8s('wide-again', 'db', 'app: postgres', `    - from: [{ namespaceSelector: {} }]`),
  );
  const ids = r.items.map((i) => String(i.ruleId)).sort();
  t.is(ids.length, 2, JSON.stringify(found(r)));
  t.true(ids[0]!.startsWith('db/narrow/'));
  t.true(ids[1]!.startsWith('db/wide'));
  t.true(r.items.every((i) => i.kind === 'redundant'));
});

test('policy set: baseline rules of an endpoint isolated by K8s NP are never reached', (t) => {
  const r = yamlSet(
    k8s('db-allow-web', 'db', 'app: postgres', `    - from: [{ namespaceSelector: { matchLabels: { app: web } } }]`) +
      acnp('base', 'Baseline', 1, '{ namespaceSelector: { matchLabels: { app: db } } }', `    - { name: deny-all, action: Drop, from: [{ namespaceSelector: {} }] }`) +
      acnp('base-web', 'Baseline', 2, '{ namespaceSelector: { matchLabels: { app: web } } }', `    - { name: deny-web, action: Drop, from: [{ namespaceSelector: {} }] }`),
  );
  t.deepEqual(found(r), { 'base/deny-all': { kind: 'redundant', by: ['K8sNetworkPolicy isolation'] } });
  t.is(r.items[0]!.notes.length, 1);
});

test('policy set: rules applied to different Pods do not cover each other', (t) => {
  const r = yamlSet(
    acnp('a', 'Application', 1, '{ podSelector: { matchLabels: { app: nginx } } }', `    - { name: drop-all, action: Drop, from: [{ namespaceSelector: {} }] }`) +
      acnp('b', 'Application', 2, '{ namespaceSelector: {} }', `    - { name: allow-pg, action: Allow, from: [{ namespaceSelector: {} }], ports: [{ protocol: TCP, port: 5432 }] }`) +
      acnp('c', 'Application', 3, '{ podSelector: { matchLabels: { app: nginx } } }', `    - { name: allow-http, action: Allow, from: [{ namespaceSelector: {} }], ports: [{ protocol: TCP, port: 80 }] }`),
  );
  t.deepEqual(found(r), { 'c/allow-http': { kind: 'shadowed', by: ['a/drop-all'] } });
});

test('policy set: an ipBlock peer covers bare IPs and the endpoints inside it', (t) => {
  const r = yamlSet(
    acnp('a', 'Application', 1, '{ namespaceSelector: {} }', `    - { name: drop-net, action: Drop, from: [{ ipBlock: { cidr: 10.10.0.0/16 } }] }`) +
      acnp('b', 'Application', 2, '{ namespaceSelector: {} }', `    - { name: allow-web, action: Allow, from: [{ namespaceSelector: { matchLabels: { app: web } } }] }
    - { name: allow-ext, action: Allow, from: [{ ipBlock: { cidr: 10.10.9.0/24 } }] }
    - { name: allow-far, action: Allow, from: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.10.0.0/16] } }] }`),
  );
  t.deepEqual(found(r), {
    'b/allow-web': { kind: 'shadowed', by: ['a/drop-net'] },
    'b/allow-ext': { kind: 'shadowed', by: ['a/drop-net'] },
  });
});

test('policy set: an FQDN peer covers nothing and is noted', (t) => {
  const r = yamlSet(
    acnp('a', 'Application', 1, '{ namespaceSelector: {} }', `    - { name: drop-fqdn, action: Drop, from: [{ fqdn: "*.example.com" }] }`) +
      acnp('b', 'Application', 2, '{ namespaceSelector: {} }', `    - { name: allow-all, action: Allow, from: [{ namespaceSelector: {} }] }`),
  );
  t.deepEqual(found(r), {});
  t.true(r.notes.some((n) => n.startsWith('a/drop-fqdn')), r.notes.join('\n'));
});

test('.dfw NSX categories: a jump-to-application Pass covers Environment rules, not Application ones', (t) => {
  const r = dfwSet(`model nsx
filter app-01 ip 10.20.1.11 labels { role: app }
filter app-02 ip 10.20.1.12 labels { role: app }
group app { labels { role: app } }
policy jump tier Infrastructure { rule 1 inout protocol tcp from any to addrset app port 443 pass; }
policy env tier Environment { rule 2 inout protocol tcp from any to addrset app port 443 drop; }
policy apps tier Application { rule 3 inout protocol tcp from any to addrset app port 443 accept; }
policy dflt tier Default { rule 1001 inout protocol any from any to any drop; }
`);
  t.deepEqual(found(r), { 'env/2': { kind: 'shadowed', by: ['jump/1'] } });
});

test('.dfw: in and out halves of one statement are reported once, when both are covered', (t) => {
  const r = dfwSet(`model nsx
filter a ip 10.0.0.1
filter b ip 10.0.0.2
policy p1 tier Application { rule 1 inout protocol tcp from any to any drop; }
policy p2 tier Application { rule 2 inout protocol tcp from ip 10.0.0.1 to ip 10.0.0.2 port 22 accept; }
`);
  t.deepEqual(found(r), { 'p2/2': { kind: 'shadowed', by: ['p1/1'] } });
});
