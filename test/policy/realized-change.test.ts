import test from 'ava';
import type { RealizedFilter } from '../../src/analysis/realized.js';
import { compileFilter } from '../../src/engine/compile.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { DiagnosticCode } from '../../src/model/diagnostics.js';
import { parsePolicyFilesWithInventory } from '../../src/policy/dfw-inventory.js';
import { applyDfwChange, removeRule, type RealizedChange } from '../../src/policy/realized-change.js';
import type { DfwInventoryFilter } from '../../src/policy/realized-filter.js';
import { dfwSource, f5Store, tcp } from './f5-realized.js';

let current: Map<string, RealizedFilter>;
let inventory: DfwInventoryFilter[];

test.before(async () => {
  ({ current, inventory } = await f5Store());
});

function change(text: string, file = 'change.dfw'): RealizedChange {
  const doc = parsePolicyFilesWithInventory([{ file, text }], inventory).value;
  return applyDfwChange(current, doc, inventory);
}

/** `id@at:action` of the L3 lines of one filter. */
function l3(r: RealizedChange, key: string): string[] {
  const rs = r.filters.get(key)?.rulesets.find((x) => x.layer === 'L3');
  return (rs?.rules ?? []).map((x) => `${x.ruleId}@${x.position}:${x.action}`);
}

const F5_BEFORE = ['1795@1:accept', '1031@2:accept', '1031@3:accept', '1030@4:accept', '1026@5:reject', '1003@6:accept', '1003@7:accept', '1002@8:accept', '1002@9:accept', '1001@10:accept'];
const SSH_BEFORE = ['1795@1:accept', '1030@2:accept', '1012@3:accept', '1003@4:accept', '1003@5:accept', '1002@6:accept', '1002@7:accept', '1001@8:drop'];

test('rules/f5-exclude.dfw on the store inventory excludes both vNIC filters of the F5 VM', (t) => {
  const doc = parsePolicyFilesWithInventory([dfwSource('rules/f5-exclude.dfw')], inventory);
  t.deepEqual(doc.diagnostics, []);
  const r = applyDfwChange(current, doc.value, inventory);
  t.deepEqual(r.excluded, ['53209', '53210']);
  t.deepEqual([...r.filters.keys()], ['28341']);
  t.is(r.filters.get('28341'), current.get('28341'), 'an untouched filter is passed through as is');
});

const cases: { name: string; text: string; want: Record<string, string[]> }[] = [
  {
    name: 'an existing id on the applied-to filter only is replaced in place',
    text: 'policy fix applied-to nic-11251234-eth1-vmware-sfw.2 { rule 1026 inout protocol any from any to any accept; }',
    want: { '53210': F5_BEFORE.map((x) => (x === '1026@5:reject' ? '1026@5:accept' : x)), '28341': SSH_BEFORE },
  },
  {
    name: 'applied-to by hash works the same',
    text: 'policy fix applied-to 53210 { rule 1026 inout protocol any from any to any accept; }',
    want: { '53210': F5_BEFORE.map((x) => (x === '1026@5:reject' ? '1026@5:accept' : x)), '28341': SSH_BEFORE },
  },
  {
    name: 'without applied-to an existing id is replaced on every filter that has it, exploded lines in place',
    text: `policy ssh {
      rule 1795 inout protocol tcp from addrset ip-securitygroup-31 to addrset ip-securitygroup-32 port 22 drop;
      rule 1795 inout protocol tcp from addrset ip-securitygroup-31 to addrset ip-securitygroup-32 port 2222 accept;
    }`,
    want: {
      '53210': ['1795@1:drop', '1795@2:accept', ...F5_BEFORE.slice(1).map((x) => x.replace(/@(\d+)/, (_, n) => `@${Number(n) + 1}`))],
      '28341': ['1795@1:drop', '1795@2:accept', ...SSH_BEFORE.slice(1).map((x) => x.replace(/@(\d+)/, (_, n) => `@${Number(n) + 1}`))],
    },
  },
  {
    name: 'a new id with at 2 is inserted at position 2 and the later lines move down',
    text: 'policy mgmt applied-to f5-bigip-01 { rule 2001 at 2 inout protocol tcp from any to any port 8443 accept; }',
    want: {
      '53210': ['1795@1:accept', '2001@2:accept', ...F5_BEFORE.slice(1).map((x) => x.replace(/@(\d+)/, (_, n) => `@${Number(n) + 1}`))],
      '28341': SSH_BEFORE,
    },
  },
  {
    name: 'a new id without at lands just before the default rules (1003, 1002, 1001), after the F5 catch-all 1026',
    text: 'policy mgmt { rule 2002 inout protocol tcp from any to any port 9000 accept; }',
    want: {
      '53210': [...F5_BEFORE.slice(0, 5), '2002@6:accept', ...F5_BEFORE.slice(5).map((x) => x.replace(/@(\d+)/, (_, n) => `@${Number(n) + 1}`))],
      '28341': [...SSH_BEFORE.slice(0, 3), '2002@4:accept', ...SSH_BEFORE.slice(3).map((x) => x.replace(/@(\d+)/, (_, n) => `@${Number(n) + 1}`))],
    },
  },
];

for (const c of cases) {
  test(`change: ${c.name}`, (t) => {
    const r = change(c.text);
    t.deepEqual(r.diagnostics, []);
    for (const [key, lines] of Object.entries(c.want)) t.deepEqual(l3(r, key), lines, key);
    // the source is never modified
    t.deepEqual(l3({ filters: current, excluded: [], notes: [], diagnostics: [] }, '53210'), F5_BEFORE);
  });
}

test('a replaced or inserted line is printed the way getrules prints it, with its new position', (t) => {
  const r = change('policy mgmt applied-to f5-bigip-01 { rule 2001 at 2 inout protocol tcp from any to any port 8443 allow with log; }');
  const rules = r.filters.get('53210')!.rulesets[0]!.rules;
  t.is(rules[1]!.text, 'rule 2001 at 2 inout protocol tcp from any to any port 8443 accept with log;');
  t.is(rules[1]!.section, 'Filter rules');
  t.is(rules[2]!.text, "rule 1031 at 3 inout protocol tcp from any to any port 443 accept with log tag 'f5-vip';".replace('any to any', 'any to addrset ip-securitygroup-40'));
  t.deepEqual(rules.map((x) => x.index), rules.map((_, i) => i));
});

test('replacing 1026 by an accept on 53210: the SYN/ACK the F5 rejected now passes, the admin SYN still passes by 1795', (t) => {
  const r = change('policy fix applied-to nic-11251234-eth1-vmware-sfw.2 { rule 1026 inout protocol any from any to any accept; }');
  const f = r.filters.get('53210')!;
  const compiled = compileFilter({ rulesets: f.rulesets, addrsets: f.addrsets });
  const synack = evaluate(compiled, tcp('10.68.145.170', 22, '10.68.0.250', 65448, 'SA'), 'IN');
  t.deepEqual([synack.verdict, synack.ruleId], ['allow', 1026]);
  const syn = evaluate(compiled, tcp('10.68.0.250', 65448, '10.68.145.170', 22, 'S'), 'IN');
  t.deepEqual([syn.verdict, syn.ruleId], ['allow', 1795]);
});

test('an ethertype rule goes to the L2 ruleset', (t) => {
  const r = change('policy l2 tier Ethernet applied-to 53210 { rule 2003 at 1 inout ethertype any from any to any drop; }');
  const l2 = r.filters.get('53210')!.rulesets.find((x) => x.layer === 'L2')!;
  t.deepEqual(l2.rules.map((x) => `${x.ruleId}@${x.position}:${x.action}`), ['2003@1:drop', '1004@2:accept']);
  t.deepEqual(l3(r, '53210'), F5_BEFORE);
});

test('names the change does not know are diagnostics with file:line:col', (t) => {
  const r = change('exclude f5-bigip-09\npolicy p applied-to nosuch-vm {\n  rule 1026 inout protocol any from any to any accept;\n}\n');
  const where = r.diagnostics.map((d) => [d.code, `${d.span.file}:${d.span.line}:${d.span.column}`]);
  t.deepEqual(where, [
    [DiagnosticCode.PolicyUnknownReference, 'change.dfw:2:21'],
    [DiagnosticCode.PolicyUnknownReference, 'change.dfw:1:9'],
  ]);
  // an applied-to whose only target is unknown touches no filter (never every filter)
  t.deepEqual(l3(r, '53210'), F5_BEFORE);
  t.deepEqual(r.excluded, []);
});

test('addrsets: undeclared names resolve to the filter\'s own; a group of the change replaces the addrset of that name', (t) => {
  const r = change(`group ip-securitygroup-31 { ip 10.99.0.0/16 }
policy ssh applied-to 53210 {
  rule 2004 at 1 inout protocol tcp from addrset ip-securitygroup-31 to addrset ip-securitygroup-32 port 2022 accept;
}`);
  t.deepEqual(r.diagnostics, [], 'ip-securitygroup-32 exists on the store filters: no unknown-addrset error');
  const sets = (key: string) => new Map(r.filters.get(key)!.addrsets.map((a) => [a.name, a.entries.map((e) => e.value)]));
  t.deepEqual(sets('53210').get('ip-securitygroup-31'), ['10.99.0.0/16']);
  t.deepEqual(sets('53210').get('ip-securitygroup-32'), ['10.68.145.170', '10.68.145.171']);
  // 28341 has the addrset too: the group replaces it there as well (its rules are unchanged)
  t.deepEqual(sets('28341').get('ip-securitygroup-31'), ['10.99.0.0/16']);
  t.deepEqual(l3(r, '28341'), SSH_BEFORE);
  const compiled = compileFilter(r.filters.get('53210')!);
  const d = evaluate(compiled, tcp('10.99.1.1', 40000, '10.68.145.171', 2022, 'S'), 'IN');
  t.deepEqual([d.verdict, d.ruleId], ['allow', 2004]);
});

test('an addrset name neither the change nor the store knows stays an error', (t) => {
  const r = change('policy p applied-to 53210 { rule 2005 inout protocol tcp from addrset nowhere to any port 1 accept; }');
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.span.line, d.span.column]), [[DiagnosticCode.RulesUnknownAddrset, 1, 71]]);
  t.true(r.notes.some((n) => /53210: addrset nowhere is not on this filter/.test(n)));
});

test('removeRule takes every line of an id off one filter (or all) and renumbers', (t) => {
  const one = removeRule(current, 1026, '53210');
  t.is(one.removed, 1);
  t.deepEqual(l3({ ...one, excluded: [], diagnostics: [] }, '53210'), [...F5_BEFORE.slice(0, 4), ...F5_BEFORE.slice(5).map((x) => x.replace(/@(\d+)/, (_, n) => `@${Number(n) - 1}`))]);
  const f = one.filters.get('53210')!;
  const synack = evaluate(compileFilter(f), tcp('10.68.145.170', 22, '10.68.0.250', 65448, 'SA'), 'IN');
  t.deepEqual([synack.verdict, synack.ruleId], ['allow', 1001]);
  const all = removeRule(current, 1003);
  t.is(all.removed, 4);
  t.is(removeRule(current, 4242).removed, 0);
  t.is(one.filters.get('28341'), current.get('28341'));
});
