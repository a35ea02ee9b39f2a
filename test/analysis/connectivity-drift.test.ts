import test from 'ava';
import { compileIntent } from '../../src/analysis/connectivity-compile.js';
import { intentDrift } from '../../src/analysis/connectivity-drift.js';
import type { Filter } from '../../src/model/filter.js';
import { parseGetrules } from '../../src/parse/getrules.js';
import { importNsxJson } from '../../src/policy/nsx-import.js';

/** Intent (NSX export) vs realized (getrules) on the same VM's filter. */

const exportJson = JSON.stringify({
  virtual_machines: [{ display_name: 'web-1', external_id: '501e027b-b088-0547-c2ed-dd922293121d' }, { display_name: 'db-1', external_id: 'db' }],
  domains: [{ display_name: 'default', resources: {
    groups: [{ path: 'web', vm_members: [{ id: '501e027b-b088-0547-c2ed-dd922293121d' }] }, { path: 'db', vm_members: [{ id: 'db' }] }],
    security_policies: [
      { display_name: 'env', category: 'Environment', rules: [{ rule_id: 10, action: 'DROP', source_groups: ['web'], destination_groups: ['db'], services: ['ANY'] }] },
      { display_name: 'app', category: 'Application', rules: [
        { rule_id: 20, action: 'ALLOW', source_groups: ['ANY'], destination_groups: ['web'], services: ['ANY'] },
        { rule_id: 21, action: 'ALLOW', source_groups: ['web'], destination_groups: ['ANY'], services: ['ANY'] },
        { rule_id: 22, action: 'DROP', source_groups: ['db'], destination_groups: ['db'], services: ['ANY'] },
        { rule_id: 2, action: 'DROP', source_groups: ['ANY'], destination_groups: ['ANY'], services: ['ANY'] },
      ] },
    ],
  } }],
});

const getrules = `ruleset mainrs {
  rule 21 at 1 inout protocol any from any to any accept;
  rule 20 at 2 inout protocol any from any to any accept;
  rule 30 at 3 inout protocol any from any to any accept;
  rule 2 at 4 inout protocol any from any to any reject;
}
ruleset mainrs_L2 {
  rule 1 at 1 inout ethertype any from any to any accept;
}
`;

const filter = (over: Partial<Filter>): Filter => ({
  name: 'nic-1-eth0-vmware-sfw.2', hash: null, vmUuid: null, vmName: null, vnicIndex: 0, host: null, worldId: null, portName: null, slot: 2, ips: [], ...over,
});

test('missing, extra, action and order differences on a VM matched by UUID', (t) => {
  const c = compileIntent(importNsxJson(exportJson, 'x.json').value, 'nsx');
  const rulesets = parseGetrules(getrules, 'g.txt').value.rulesets;
  const r = intentDrift(c, [{ filter: filter({ vmUuid: '50 1e 02 7b b0 88 05 47-c2 ed dd 92 22 93 12 1d' }), rulesets }]);
  t.deepEqual(r.compared, [{ filter: 'nic-1-eth0-vmware-sfw.2', vm: 'web-1' }]);
  t.deepEqual(r.items.map((i) => `${i.kind} ${i.ruleId}`).sort(), ['action 2', 'extra 30', 'missing 10', 'order 20'].sort());
  const action = r.items.find((i) => i.kind === 'action');
  t.deepEqual([action?.intent?.action, action?.realized?.action], ['DROP', 'REJECT']);
  t.false(r.items.some((i) => i.ruleId === 22), 'rule 22 applies to db-1 only');
});

test('a filter of no VM of the export is listed as unmatched, not compared', (t) => {
  const c = compileIntent(importNsxJson(exportJson, 'x.json').value, 'nsx');
  const r = intentDrift(c, [{ filter: filter({ vmName: 'other' }), rulesets: [] }]);
  t.deepEqual(r.unmatched, ['nic-1-eth0-vmware-sfw.2']);
  t.deepEqual(r.items, []);
});
