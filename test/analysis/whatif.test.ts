import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOwnership } from '../../src/analysis/ownership.js';
import { whatif, whatifFlow } from '../../src/analysis/whatif.js';
import { buildWhatifScenarios } from '../../src/analysis/whatif-scenario.js';
import { outcomeText } from '../../src/report/whatif.js';
import type { Db } from '../../src/store/open.js';
import { f5Store } from '../helpers/bundle.js';

function run(db: Db, change: { excluded?: string[]; remove?: { id: number; filter: string | null }; changeFiles?: string[]; policyFiles?: string[] }) {
  const s = buildWhatifScenarios(db, {
    exclude: change.excluded ?? [],
    removeRules: change.remove ? [{ ruleId: change.remove.id, filter: change.remove.filter }] : [],
    changeFiles: change.changeFiles ?? [],
    policyFiles: change.policyFiles ?? [],
  });
  if (s.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(s.diagnostics));
  return whatif(db, {}, s.before, s.after, loadOwnership(db));
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
  t.is(r.summary.causeRemoved, 1);
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

test('whatif --change rules/f5-exclude.dfw equals --exclude-filter of both F5 vNICs', async (t) => {
  const db = await f5Store();
  const byFile = run(db, { changeFiles: ['rules/f5-exclude.dfw'] });
  const byFlag = run(db, { excluded: ['53209', '53210'] });
  db.close();
  t.deepEqual(rows(byFile), rows(byFlag));
  t.is(byFile.summary.newlyAllowed, 3);
});

test('whatif --policy rules/f5-promiscuous.dfw: the .dfw rendering of the captured rules changes nothing; with the exclusion overlay it is the fix', async (t) => {
  const db = await f5Store();
  const same = run(db, { policyFiles: ['rules/f5-promiscuous.dfw'] });
  const fixed = run(db, { policyFiles: ['rules/f5-promiscuous.dfw', 'rules/f5-exclude.dfw'] });
  const byFlag = run(db, { excluded: ['53209', '53210'] });
  db.close();
  t.deepEqual(rows(same), []);
  t.is(same.summary.events, 24);
  t.deepEqual(rows(fixed), rows(byFlag));
});

test('whatif --change: rule 1026 replaced by an accept on the F5 only turns its REJECTs into passes by 1026', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dfwsim-change-'));
  const file = join(dir, 'accept.dfw');
  writeFileSync(file, "policy f5-open applied-to f5-bigip-01 {\n  rule 1026 at 5 inout protocol any from any to any accept with log tag 'opened';\n}\n");
  const db = await f5Store();
  const r = run(db, { changeFiles: [file] });
  db.close();
  t.true(r.changed.length > 0);
  for (const c of r.changed.filter((x) => !x.causeRemoved)) {
    t.is(c.filter, '53210');
    t.deepEqual([c.before.verdict, c.before.ruleId, c.after.verdict, c.after.ruleId], ['reject', 1026, 'allow', 1026]);
  }
  t.is(r.summary.newlyDenied, 0);
});
