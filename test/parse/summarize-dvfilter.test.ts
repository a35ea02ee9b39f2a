/** parseSummarizeDvfilter on synthetic text: names with blanks, keys at any indent, grep cuts. */
import test from 'ava';
import { parseSummarizeDvfilter } from '../../src/parse/summarize-dvfilter.js';

const text = [
  'Fastpaths:',
  'agent: vmware-sfw, refCount: 2, rev: 0x1010000, apiRev: 0x1010000, module: nsx-vsip',
  '',
  'Slowpaths:',
  'slowPath: 1, agent vmware-sfw, refCount: 3, rev: 0x4, apiRev: 0x4, capabilities: csum,tso',
  '',
  'Filters:',
  "world 4242 vmm0:NSX Manager vcUuid:'50 19 37 10 7d 3b 25 9f-40 6f a4 bc 7e 0d af b8'",
  ' port 50331654 NSX Manager.eth1',
  '  vNic slot 2',
  '  name: nic-4242-eth1-vmware-sfw.2',
  ' agentName: vmware-sfw',
  '   failurePolicy: failClosed',
  '  vNic slot 1',
  '   name: nic-4242-eth1-dvfilter-generic-vmware-swsec.1',
  '   agentName: dvfilter-generic-vmware-swsec',
].join('\n');

test('VM and port names with blanks, keys read by name whatever the indent', (t) => {
  const r = parseSummarizeDvfilter(text, 's.txt');
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.value.agents, [{ name: 'vmware-sfw', refCount: 2, module: 'nsx-vsip' }]);
  t.deepEqual(r.value.filters, [{ name: 'nic-4242-eth1-vmware-sfw.2', hash: null, vmUuid: '50 19 37 10 7d 3b 25 9f-40 6f a4 bc 7e 0d af b8',
    vmName: 'NSX Manager', vnicIndex: 1, host: null, worldId: '4242', portName: 'NSX Manager.eth1', slot: 2, ips: [] }]);
  t.like(r.value.ports[0]?.slots[0], { kind: 'vNic', slot: 2, properties: { failurePolicy: 'failClosed' }, span: { line: 10, column: 3 } });
  t.is(r.value.ports[0]?.slots.length, 2);
});

test('grep output: -- separators, no slot lines, no indentation', (t) => {
  const r = parseSummarizeDvfilter('world 7 vmm0:A vcUuid:\'u\'\n port 1 A.eth0\n--\n   name: nic-7-eth0-vmware-sfw.2\n   agentName: vmware-sfw\n--\nport 2 B.eth0\nname: nic-8-eth0-vmware-sfw.2\n', 'g.txt');
  t.deepEqual(r.value.filters.map((f) => [f.name, f.vmName, f.portName, f.worldId, f.slot]), [
    ['nic-7-eth0-vmware-sfw.2', 'A', 'A.eth0', '7', 2],
    // the second port follows no world line of its own in this cut: the world id comes from the filter name
    ['nic-8-eth0-vmware-sfw.2', 'A', 'B.eth0', '7', 2],
  ]);
});

test('unknown lines warn and are skipped', (t) => {
  const r = parseSummarizeDvfilter('world 1 <no world>\n port 2 vmk0\n  vNic slot 0\n!!! garbage\n', 'u.txt');
  t.deepEqual(r.diagnostics.map((d) => [d.severity, d.span.line]), [['warning', 4]]);
});
