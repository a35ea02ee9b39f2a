/** parseGetfilters: NSX-V and NSX-T field sets, name fallbacks, unknown lines. */
import test from 'ava';
import { filterNameParts, parseGetfilters } from '../../src/parse/getfilters.js';

test('NSX-T / NSX 4 field set (the CLI guide fields, one per line)', (t) => {
  const text = [
    'Filter Name              : nic-279709-eth1-vmware-sfw.2',
    'VM UUID                  : 2f 0e e6 c6 37 bb 43 d1-b9 26 b6 d9 9b 0b fc 19',
    'VNIC Index               : 1',
    'VNIC UUID                : 2f0ee6c6-37bb-43d1-b926-b6d99b0bfc19.001',
    'VIF ID                   : e446f58a-3993-4015-bd9c-f4635b565278',
    'LSP ID                   : c142f928-4e20-47a7-9c06-1b1175e339de',
    'Service Profile          : --NOT SET--',
    'Filter Rule Config       : configured',
    'Filter Hash              : 45228',
  ].join('\n');
  const r = parseGetfilters(text, 't.txt');
  t.deepEqual(r.diagnostics, []);
  t.like(r.value[0], {
    name: 'nic-279709-eth1-vmware-sfw.2', vmUuid: '2f 0e e6 c6 37 bb 43 d1-b9 26 b6 d9 9b 0b fc 19', vnicIndex: 1,
    vnicUuid: '2f0ee6c6-37bb-43d1-b926-b6d99b0bfc19.001', vifId: 'e446f58a-3993-4015-bd9c-f4635b565278',
    lspId: 'c142f928-4e20-47a7-9c06-1b1175e339de', serviceProfile: '--NOT SET--', ruleConfig: 'configured', hash: '45228',
    worldId: '279709', slot: 2, vmName: null, host: null, ips: [], span: { line: 1, column: 1 },
  });
});

test('without VNIC Index the index comes from the filter name; blocks split at Filter Name', (t) => {
  const r = parseGetfilters('\nFilter Name : nic-5-eth3-vmware-sfw.2\nVM UUID : x\n\nFilter Name : nic-6-eth0-vmware-sfw.2\nFilter Hash : 12\n', 'n.txt');
  t.deepEqual(r.value.map((f) => [f.name, f.vnicIndex, f.worldId, f.hash]), [['nic-5-eth3-vmware-sfw.2', 3, '5', null], ['nic-6-eth0-vmware-sfw.2', 0, '6', '12']]);
});

test('fields before any Filter Name and non key/value lines warn; unknown keys are info', (t) => {
  const r = parseGetfilters('VM UUID : x\nFilter Name : nic-1-eth0-vmware-sfw.2\nNew Field : y\nrandom text\n', 'w.txt');
  t.is(r.value.length, 1);
  t.deepEqual(r.diagnostics.map((d) => [d.severity, d.span.line]), [['warning', 1], ['info', 3], ['warning', 4]]);
});

test('filterNameParts', (t) => {
  t.deepEqual(filterNameParts('nic-36445-eth0-dvfilter-generic-vmware-swsec.1'), { worldId: '36445', vnicIndex: 0, agent: 'dvfilter-generic-vmware-swsec', slot: 1 });
  t.is(filterNameParts('8-sw10 8d 19 50.dvfilter-generic-vmware.0'), null);
});
