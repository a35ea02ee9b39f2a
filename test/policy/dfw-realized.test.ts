import test from 'ava';
import { compileFilter } from '../../src/engine/compile.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { DiagnosticCode } from '../../src/model/diagnostics.js';
import type { Flow } from '../../src/model/flow.js';
import type { RealizedRule } from '../../src/model/rule.js';
import { parsePolicyFile } from '../../src/parse/policy-visitor.js';
import { parsePolicyFilesWithInventory } from '../../src/policy/dfw-inventory.js';
import { realizeDfwPolicySet } from '../../src/policy/dfw-realized.js';
import type { DfwInventoryFilter } from '../../src/policy/realized-filter.js';
import { FILTER_NAMES, dfwSource, f5Captures, f5Store, tcp, udp } from './f5-realized.js';

/** The fields of a line getrules shows (span and source text aside). */
function shown(r: RealizedRule) {
  const { span: _span, ...rest } = r;
  return rest;
}

async function realizedF5(extra: string[] = []) {
  const { inventory } = await f5Store();
  const doc = parsePolicyFilesWithInventory([dfwSource('rules/f5-promiscuous.dfw'), ...extra.map(dfwSource)], inventory);
  return { inventory, doc: doc.value, result: realizeDfwPolicySet(doc.value, inventory) };
}

test('rules/f5-promiscuous.dfw realizes exactly the getrules and getaddrsets captures of 28341 and 53210', async (t) => {
  const { doc, result } = await realizedF5();
  t.deepEqual(doc.policySet.diagnostics.filter((d) => d.severity === 'error'), []);
  const captures = f5Captures();
  for (const [hash, name] of Object.entries(FILTER_NAMES)) {
    const got = result.filters.get(hash);
    const want = captures.rulesets.get(name);
    if (got === undefined || want === undefined) return t.fail(`no rules for ${hash}`);
    t.is(got.name, name);
    t.deepEqual(got.rulesets.map((r) => [r.name, r.layer]), want.map((r) => [r.name, r.layer]), `${hash} rulesets`);
    got.rulesets.forEach((rs, i) => {
      // every field of every line, the printed text and the 1..N positions included
      t.deepEqual(rs.rules.map(shown), want[i]!.rules.map(shown), `${hash} ${rs.name}`);
    });
    const sets = (xs: { name: string; entries: unknown[] }[]) => xs.map((a) => ({ name: a.name, entries: a.entries }));
    t.deepEqual(sets(got.addrsets), sets(captures.addrsets.get(name) ?? []), `${hash} addrsets`);
  }
  t.deepEqual(result.excluded, []);
});

test('the F5 eth0 (no rules in the store) takes the ruleset name its neighbours share; an option forces mainrs', async (t) => {
  const { inventory, doc, result } = await realizedF5();
  t.deepEqual(result.filters.get('53209')?.rulesets.map((r) => r.name), ['domain-c7', 'domain-c7_L2']);
  const nsxt = realizeDfwPolicySet(doc, inventory, { rulesetName: 'mainrs' });
  t.deepEqual(nsxt.filters.get('53210')?.rulesets.map((r) => r.name), ['mainrs', 'mainrs_L2']);
  t.deepEqual(nsxt.filters.get('53210')?.rulesets[0]?.rules.map((r) => r.section), Array(10).fill('FILTER (APP Category) rules'));
});

test('with rules/f5-exclude.dfw the F5 filters are excluded and get no rulesets', async (t) => {
  const { result } = await realizedF5(['rules/f5-exclude.dfw']);
  t.deepEqual(result.excluded, ['53209', '53210']);
  t.deepEqual([...result.filters.keys()], ['28341']);
});

// The seed flows of the write-up, and neighbours: the realized set must decide each exactly as the
// capture does when both go through compileFilter + evaluate.
const FLOWS: { name: string; hash: '28341' | '53210'; dir: 'IN' | 'OUT'; flow: Flow; verdict: string; rule: number }[] = [
  { name: 'admin SYN to SSH IN on the F5', hash: '53210', dir: 'IN', flow: tcp('10.68.0.250', 65448, '10.68.145.170', 22, 'S'), verdict: 'allow', rule: 1795 },
  { name: 'SSH SYN/ACK IN on the F5 (reverse direction)', hash: '53210', dir: 'IN', flow: tcp('10.68.145.170', 22, '10.68.0.250', 65448, 'SA'), verdict: 'reject', rule: 1026 },
  { name: 'admin SYN IN on the SSH server', hash: '28341', dir: 'IN', flow: tcp('10.68.0.250', 65448, '10.68.145.170', 22, 'S'), verdict: 'allow', rule: 1795 },
  { name: 'VIP https IN on the F5', hash: '53210', dir: 'IN', flow: tcp('192.0.2.7', 40000, '10.68.145.10', 443, 'S'), verdict: 'allow', rule: 1031 },
  { name: 'VIP http IN on the F5 (second exploded line)', hash: '53210', dir: 'IN', flow: tcp('192.0.2.7', 40000, '10.68.145.10', 80, 'S'), verdict: 'allow', rule: 1031 },
  { name: 'pool 8443 OUT from the F5 self IP', hash: '53210', dir: 'OUT', flow: tcp('10.68.145.5', 50000, '10.68.145.171', 8443, 'S'), verdict: 'allow', rule: 1030 },
  { name: 'DNS OUT from the SSH server', hash: '28341', dir: 'OUT', flow: udp('10.68.145.170', 5353, '10.68.1.1', 53), verdict: 'allow', rule: 1012 },
  { name: 'DHCP on the SSH server', hash: '28341', dir: 'OUT', flow: udp('10.68.145.170', 68, '10.68.1.1', 67), verdict: 'allow', rule: 1002 },
  { name: 'anything else on the SSH server', hash: '28341', dir: 'IN', flow: tcp('192.0.2.7', 40000, '10.68.145.170', 80, 'S'), verdict: 'drop', rule: 1001 },
];

test('compiled and evaluated, the realized F5 set decides the seed flows exactly like the capture', async (t) => {
  const { result } = await realizedF5();
  const captures = f5Captures();
  for (const c of FLOWS) {
    const got = result.filters.get(c.hash)!;
    const realized = evaluate(compileFilter({ rulesets: got.rulesets, addrsets: got.addrsets }), c.flow, c.dir);
    const name = FILTER_NAMES[c.hash];
    const capture = evaluate(compileFilter({ rulesets: captures.rulesets.get(name)!, addrsets: captures.addrsets.get(name)! }), c.flow, c.dir);
    t.deepEqual([realized.verdict, realized.ruleId, realized.position], [capture.verdict, capture.ruleId, capture.position], c.name);
    t.deepEqual([realized.verdict, realized.ruleId], [c.verdict, c.rule], c.name);
  }
});

// ---- order, applied-to, exclusion on a small set ----

const ORDER = `
model nsx
filter web hash 101 ip 10.0.0.1 labels { app: web }
filter db  hash 102 ip 10.0.0.2 labels { app: db }
filter jump hash 103 vm jump-01 ip 10.0.0.3
group webs { labels { app: web } }
exclude jump-01
policy defaults tier Default { rule 1 inout protocol any from any to any drop; }
policy app-late tier Application priority 20 { rule 30 inout protocol tcp from any to any port 443 accept; }
policy app-early tier Application priority 10 applied-to webs {
  rule 20 inout protocol tcp from any to any port 80 accept;
  rule 21 inout protocol tcp from any to any port 81 accept;
}
policy app-same-a tier Application priority 30 { rule 40 inout protocol udp from any to any port 53 accept; }
policy app-same-b tier Application priority 30 { rule 41 inout protocol udp from any to any port 54 accept; }
policy stop tier Emergency applied-to db { rule 10 inout protocol tcp from any to any port 22 reject; }
policy l2 tier Ethernet { rule 2 inout ethertype any from any to any accept; }
`;

const orderCases: { hash: string; l3: number[]; l2: number[] }[] = [
  // Emergency before Application before Default; priority 10 before 20; equal priorities keep file order
  { hash: '101', l3: [20, 21, 30, 40, 41, 1], l2: [2] },
  { hash: '102', l3: [10, 30, 40, 41, 1], l2: [2] },
];

test('rules are ordered by category, policy priority, file order and rule order; applied-to picks filters; excluded filters get nothing', (t) => {
  const doc = parsePolicyFile(ORDER, 'order.dfw').value;
  const r = realizeDfwPolicySet(doc, [], { rulesetName: 'domain-c9' });
  for (const c of orderCases) {
    const f = r.filters.get(c.hash);
    if (f === undefined) return t.fail(`no filter ${c.hash}`);
    t.deepEqual(f.rulesets.map((rs) => rs.name), ['domain-c9', 'domain-c9_L2']);
    t.deepEqual(f.rulesets[0]!.rules.map((x) => x.ruleId), c.l3, `${c.hash} L3`);
    t.deepEqual(f.rulesets[0]!.rules.map((x) => x.position), c.l3.map((_, i) => i + 1), `${c.hash} at`);
    t.deepEqual(f.rulesets[1]!.rules.map((x) => x.ruleId), c.l2, `${c.hash} L2`);
  }
  t.deepEqual(r.excluded, ['103']);
  t.false(r.filters.has('103'));
});

test('NSX-T layout: Emergency rules under PRE_FILTER, Application and Default under FILTER (APP Category), at restarting per section', (t) => {
  const doc = parsePolicyFile(ORDER, 'order.dfw').value;
  const f = realizeDfwPolicySet(doc).filters.get('102')!;
  const l3 = f.rulesets[0]!;
  t.is(l3.name, 'mainrs');
  t.deepEqual(l3.rules.map((x) => [x.section, x.ruleId, x.position]), [
    ['PRE_FILTER rules', 10, 1],
    ['FILTER (APP Category) rules', 30, 1],
    ['FILTER (APP Category) rules', 40, 2],
    ['FILTER (APP Category) rules', 41, 3],
    ['FILTER (APP Category) rules', 1, 4],
  ]);
  t.is(l3.rules[1]!.text, 'rule 30 at 1 inout protocol tcp from any to any port 443 accept;');
  t.deepEqual(f.rulesets[1]!.rules.map((x) => [x.section, x.ruleset]), [['FILTER rules', 'mainrs_L2']]);
});

test('an inventory filter the file does not declare gets the rules applied to any', (t) => {
  const doc = parsePolicyFile(ORDER, 'order.dfw').value;
  const inv: DfwInventoryFilter[] = [{ name: 'nic-9-eth0-vmware-sfw.2', hash: '999', vmName: 'other', host: 'esx1', ips: [], rulesetName: 'domain-c7' }];
  const f = realizeDfwPolicySet(doc, inv).filters.get('999');
  t.deepEqual(f?.rulesets[0]?.rules.map((x) => x.ruleId), [30, 40, 41, 1]);
  t.is(f?.rulesets[0]?.name, 'domain-c7');
  t.is(f?.host, 'esx1');
});

test('addrsets: member filters resolve to their ips, except is subtracted, unknown members leave the addrset out (engine: unknown)', (t) => {
  const text = `
filter a hash 1 vm vm-a ip 10.1.0.1
filter b hash 2 vm vm-b
group by-member { members vm-a }
group no-ip { members vm-b }
group carved { ip 10.2.0.0/24 except 10.2.0.128/25 }
policy p applied-to a {
  rule 5 inout protocol tcp from addrset by-member to addrset carved port 22 accept;
  rule 6 inout protocol tcp from addrset no-ip to any port 23 accept;
  rule 7 inout protocol any from any to any drop;
}`;
  const r = realizeDfwPolicySet(parsePolicyFile(text, 'sets.dfw').value);
  const f = r.filters.get('1')!;
  t.deepEqual(f.addrsets.map((a) => [a.name, a.entries.map((e) => e.value)]), [
    ['by-member', ['10.1.0.1']],
    ['carved', ['10.2.0.0/25']],
  ]);
  t.true(r.notes.some((n) => /addrset no-ip has unknown members/.test(n)));
  const compiled = compileFilter({ rulesets: f.rulesets, addrsets: f.addrsets });
  t.deepEqual(compiled.unknownAddrsets, ['no-ip']);
  t.is(evaluate(compiled, tcp('10.9.9.9', 1000, '10.1.0.1', 23, 'S'), 'IN').basis, 'unknown');
  const inCarved = evaluate(compiled, tcp('10.1.0.1', 1000, '10.2.0.5', 22, 'S'), 'OUT');
  t.deepEqual([inCarved.verdict, inCarved.ruleId], ['allow', 5]);
  const carvedOut = evaluate(compiled, tcp('10.1.0.1', 1000, '10.2.0.200', 22, 'S'), 'OUT');
  t.deepEqual([carvedOut.verdict, carvedOut.ruleId], ['drop', 7]);
  // filter b is in no applied-to: it gets empty rulesets
  t.deepEqual(r.filters.get('2')?.rulesets.map((rs) => rs.rules.length), [0, 0]);
});

test('a pass rule has no realized form: left out with an error at its line', (t) => {
  const text = `filter a hash 1\npolicy env tier Environment {\n  rule 9 inout protocol any from any to any pass;\n}\n`;
  const r = realizeDfwPolicySet(parsePolicyFile(text, 'pass.dfw').value);
  t.deepEqual(r.filters.get('1')?.rulesets[0]?.rules, []);
  const d = r.diagnostics.find((x) => x.code === DiagnosticCode.PolicyUnsupportedField && x.severity === 'error');
  t.deepEqual(d && [d.span.file, d.span.line, d.span.column], ['pass.dfw', 3, 3]);
});
