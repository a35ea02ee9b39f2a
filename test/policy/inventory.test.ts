import test from 'ava';
import { loadInventory, vmInventory } from '../../src/policy/inventory.js';

test('inventory from kubectl get pods,namespaces -A -o json', (t) => {
  const json = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { ns: 'x', 'kubernetes.io/metadata.name': 'x' } } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'a-5d8f', namespace: 'x', labels: { app: 'a' }, uid: 'u1' },
        spec: { nodeName: 'n1', serviceAccountName: 'sa1', containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 53, protocol: 'UDP' }] }] },
        status: { podIP: '10.0.0.5', phase: 'Running' },
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'w' }, spec: { containers: [] }, status: {} },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'a' } }, status: { addresses: [{ type: 'InternalIP', address: '192.168.1.1' }, { type: 'Hostname', address: 'n1' }] } },
    ],
  });
  const r = loadInventory(json, 'pods.json');
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.value.pods[0], {
    namespace: 'x', name: 'a-5d8f', labels: { app: 'a' }, ip: '10.0.0.5', node: 'n1', serviceAccount: 'sa1',
    ports: [{ port: 80, protocol: 'TCP', name: 'http' }, { port: 53, protocol: 'UDP', name: null }],
  });
  t.is(r.value.pods[1]?.ip, null);
  t.is(r.value.pods[1]?.serviceAccount, 'default');
  // a Namespace only known from a Pod gets the automatic name label
  t.deepEqual(r.value.namespaces.map((n) => [n.name, n.labels['kubernetes.io/metadata.name']]), [['x', 'x'], ['w', 'w']]);
  t.deepEqual(r.value.nodes, [{ name: 'n1', ips: ['192.168.1.1'], labels: { zone: 'a' } }]);
});

test('inventory from YAML (kubectl -o yaml) and from a cluster: block', (t) => {
  const r = loadInventory(
    `cluster:
  namespaces:
  - {name: y, labels: {team: blue}}
  pods:
  - {namespace: y, name: b, labels: {pod: b}, ip: 10.0.0.6, ports: [{port: 8080, protocol: TCP, name: web}]}
  vms:
  - {name: vm1, filterHash: b6507827, ips: [10.9.0.1], labels: {tier: db}}
`,
    'cluster.yaml',
  );
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.value.namespaces[0]?.labels, { team: 'blue', 'kubernetes.io/metadata.name': 'y' });
  t.deepEqual(r.value.pods[0]?.ports, [{ port: 8080, protocol: 'TCP', name: 'web' }]);
  t.deepEqual(r.value.vms, [{ name: 'vm1', filterHash: 'b6507827', filterName: null, ips: ['10.9.0.1'], labels: { tier: 'db' } }]);
});

test('inventory errors carry positions', (t) => {
  const r = loadInventory('cluster:\n  pods:\n  - {name: nons}\n', 'bad.yaml');
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.span.line, d.span.column]), [['policy/invalid', 3, 5]]);
});

test('VM / filter inventory hook', (t) => {
  const inv = vmInventory({ vms: [{ name: 'web-01', filterHash: '53210', filterName: 'nic-1-eth0-vmware-sfw.2', ips: ['10.1.1.1'] }] });
  t.deepEqual(inv.vms, [{ name: 'web-01', filterHash: '53210', filterName: 'nic-1-eth0-vmware-sfw.2', ips: ['10.1.1.1'], labels: {} }]);
  t.deepEqual(inv.pods, []);
});
