import test from 'ava';
import { loadOwnership } from '../../src/analysis/ownership.js';
import { compileRealized, loadRealizedFilters } from '../../src/analysis/realized.js';
import { recompileChanged, removeRuleScenario, whatif, whatifFlow } from '../../src/analysis/whatif.js';
import { outcomeText } from '../../src/report/whatif.js';
import type { Db } from '../../src/store/open.js';
import { f5Store } from '../helpers/bundle.js';

function run(db: Db, change: { excluded?: string[]; remove?: { id: number; filter: string | null } }) {
  const realized = loadRealizedFilters(db);
  const filters = compileRealized(realized);
  let after = realized;
  if (change.remove) after = removeRuleScenario(realized, change.remove.id, change.remove.filter).realized;
  return whatif(db, {}, { filters, excluded: [] }, { filters: recompileChanged(after, realized, filters), excluded: change.excluded ?? [] }, loadOwnership(db));
}

const rows = (r: ReturnType<typeof run>) => r.changed.map((c) => [c.filter, c.flow.text, outcomeText(c.before), outcomeText(c.after), c.events, c.causeRemoved]);

test('whatif --exclude-filter 53210: only the F5\'s REJECTs and the resets they caused change', async (t) => {
  const db = await f5Store();
  const r = run(db, { excluded: ['53210'] });
  db.close();
  t.deepEqual(rows(r), [
    // the TERM RSTs on the SSH server's filter would not occur: no reset from the F5
    ['28341', 'tcp 10.68.0.250 -> 10.68.145.170:22', 'ALLOW state-uncertain', 'ALLOW state (1795)', 2, true],
    ['53210', 'tcp 10.68.145.170:22 -> 10.68.0.250', 'REJECT domain-c7/1026', 'ALLOW excluded', 2, false],
    // ... nor would the server's bare RSTs that answered the F5's reset
    ['53210', 'tcp 10.68.145.170:22 -> 10.68.0.250', 'REJECT domain-c7/1026', 'ALLOW excluded', 2, true],
    ['53210', 'udp 10.68.145.170 -> 10.68.0.53:53', 'REJECT domain-c7/1026', 'ALLOW excluded', 1, false],
    ['53210', 'udp 10.68.145.170:137 -> 10.68.145.255:137', 'REJECT domain-c7/1026', 'ALLOW excluded', 1, false],
  ]);
  t.is(r.summary.newlyDenied, 0);
  t.is(r.summary.newlyAllowed, 3);
  t.is(r.summary.causeRemoved, 2);
  // the F5's passes stay passes: excluded now, but nothing changes in what gets through
  t.is(r.summary.unchangedOnExcluded, 5);
});

test('whatif --remove-rule 1795 --filter 28341: the admin SSH becomes newly denied by the default drop', async (t) => {
  const db = await f5Store();
  const r = run(db, { remove: { id: 1795, filter: '28341' } });
  db.close();
  const ssh = r.changed.filter((c) => c.filter === '28341' && c.before.ruleId === 1795 && c.before.basis === 'rule');
  t.true(ssh.length > 0);
  for (const c of ssh) t.deepEqual([c.after.verdict, c.after.ruleId], ['drop', 1001]);
  t.is(r.summary.newlyDenied, 1, JSON.stringify(r.summary));
  t.false(r.changed.some((c) => c.filter === '53210'), 'rule 1795 stays on 53210');
});

test('whatif flows: the ephemeral port is left out, IPv6 endpoints are bracketed', (t) => {
  const e = { protocol: 'tcp', src: '10.0.0.1', srcPort: 50000, dst: '10.0.0.2', dstPort: 22 };
  t.is(whatifFlow(e as never).text, 'tcp 10.0.0.1 -> 10.0.0.2:22');
  t.is(whatifFlow({ ...e, src: '10.0.0.2', srcPort: 22, dst: '10.0.0.1', dstPort: 50000 } as never).text, 'tcp 10.0.0.2:22 -> 10.0.0.1');
  t.is(whatifFlow({ ...e, src: '2001:db8::1', dst: '2001:db8::2' } as never).text, 'tcp 2001:db8::1 -> [2001:db8::2]:22');
  t.is(whatifFlow({ protocol: 'icmp', src: 'a', srcPort: null, dst: 'b', dstPort: null } as never).text, 'icmp a -> b');
});
