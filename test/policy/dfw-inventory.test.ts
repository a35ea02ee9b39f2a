import test from 'ava';
import { dfwInventory, INVENTORY_SOURCE, parsePolicyFilesWithInventory } from '../../src/policy/dfw-inventory.js';
import type { DfwInventoryFilter } from '../../src/policy/realized-filter.js';

const INV: DfwInventoryFilter[] = [
  { name: 'nic-1-eth0-vmware-sfw.2', hash: '101', vmName: 'web-01', host: 'esx1', ips: ['10.0.0.1', 'not-an-ip'], rulesetName: 'domain-c7' },
  { name: 'nic-2-eth0-vmware-sfw.2', hash: '102', vmName: 'db-01', host: 'esx1', ips: [], rulesetName: null },
  { name: "it's quoted", hash: '103', vmName: null, host: 'esx1', ips: [], rulesetName: null },
];

test('store filters can be named by filter name, hash or VM name without being declared', (t) => {
  const r = parsePolicyFilesWithInventory([{ file: 'c.dfw', text: 'exclude web-01, 102, nic-2-eth0-vmware-sfw.2\n' }], INV);
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.value.excluded, ['nic-1-eth0-vmware-sfw.2', 'nic-2-eth0-vmware-sfw.2']);
  const web = r.value.filters.find((f) => f.hash === '101');
  t.deepEqual(web && [web.filterName, web.vmName, web.ips, web.span.file], ['nic-1-eth0-vmware-sfw.2', 'web-01', ['10.0.0.1'], INVENTORY_SOURCE]);
  // a name that cannot be quoted in the language is left out, not a parse error
  t.false(r.value.filters.some((f) => f.hash === '103'));
});

test('a filter the files declare keeps their declaration (no duplicate hash)', (t) => {
  const r = parsePolicyFilesWithInventory([{ file: 'c.dfw', text: 'filter web hash 101 ip 10.0.0.9\npolicy p applied-to web-01 { rule 1 inout protocol any from any to any drop; }\n' }], INV);
  t.deepEqual(r.diagnostics.map((d) => d.code), ['policy/unknown-reference'], 'web-01 is the inventory VM name of 101, which the file redeclared without it');
  t.deepEqual(r.value.filters.map((f) => [f.id, f.hash]), [['web', '101'], ['nic-2-eth0-vmware-sfw.2', '102']]);
});

test('dfwInventory takes the L3 ruleset name each filter has in the store, and one row per filter name', (t) => {
  const filter = (name: string, hash: string) => ({ name, hash, vmUuid: null, vmName: 'vm', vnicIndex: 0, host: 'h', worldId: null, portName: null, slot: 2, ips: [] });
  const inv = dfwInventory([filter('a', '1'), filter('a', '1'), filter('b', '2')], new Map([['1', { name: 'a', rulesets: [{ name: 'domain-c7_L2', layer: 'L2' as const }, { name: 'domain-c7', layer: 'L3' as const }] }]]));
  t.deepEqual(inv.map((i) => [i.name, i.rulesetName]), [['a', 'domain-c7'], ['b', null]]);
});
