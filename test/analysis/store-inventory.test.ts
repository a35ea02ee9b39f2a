import test from 'ava';
import { openStore } from '../../src/store/open.js';
import { ingest } from '../../src/ingest/ingest.js';
import { inventoryFromStore } from '../../src/analysis/policy-eval.js';

test('inventory from ingested vsipioctl data: one VM per filter, addresses inferred from the logs, observers own nothing', async (t) => {
  const db = openStore(':memory:');
  await ingest(db, ['logs/f5-promiscuous']);
  const { inventory, notes } = inventoryFromStore(db);
  db.close();
  const byName = new Map(inventory.vms.map((v) => [v.name, v]));
  t.deepEqual([...byName.keys()].sort(), ['nic-11240904-eth0-vmware-sfw.2', 'nic-11251234-eth0-vmware-sfw.2', 'nic-11251234-eth1-vmware-sfw.2']);
  const ssh = byName.get('nic-11240904-eth0-vmware-sfw.2')!;
  t.is(ssh.filterHash, '28341');
  t.deepEqual(ssh.labels, { vm: 'app-ssh-01', 'filter-hash': '28341' });
  t.deepEqual(ssh.ips, ['10.68.145.170']);
  // 53210 sees both directions of other VMs' connections: it is never taken as their owner
  t.deepEqual(byName.get('nic-11251234-eth1-vmware-sfw.2')!.ips, []);
  t.regex(notes[0] ?? '', /inferred from logged traffic/);
});
