import test from 'ava';
import { compileFilter } from '../../src/engine/compile.js';
import { evaluate } from '../../src/engine/evaluate.js';
import type { CompileInput } from '../../src/engine/compile.js';
import { parseGetaddrsets } from '../../src/parse/getaddrsets.js';
import { parseGetrules } from '../../src/parse/getrules.js';
import { shadowRealized } from '../../src/analysis/shadow-realized.js';
import { flows, synthesize } from '../../bench/engine.js';

/** A filter from rule lines (`rule ... ;`, ids and positions written out) and addrset blocks. */
function filter(lines: string[], opts: { ruleset?: string; addrsets?: string } = {}): CompileInput {
  const text = `ruleset ${opts.ruleset ?? 'mainrs'} {\n${lines.join('\n')}\n}\n`;
  const rules = parseGetrules(text, 'case.txt');
  if (rules.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(rules.diagnostics));
  const sets = opts.addrsets !== undefined ? parseGetaddrsets(opts.addrsets, 'sets.txt').value.addrsets : [];
  return { rulesets: rules.value.rulesets, addrsets: sets };
}

/** Expected finding per rule id (the rule's only line), absent = reachable. */
interface Case {
  name: string;
  lines: string[];
  ruleset?: string;
  addrsets?: string;
  expect: Record<number, { kind: 'shadowed' | 'redundant'; by: number[] }>;
  /** a note mentioning this text is expected */
  note?: string;
}

const cases: Case[] = [
  {
    name: 'covered only by the union of two earlier rules: shadowed, both named',
    lines: [
      'rule 1 at 1 inout protocol tcp from any to ip 10.0.0.0/25 port 80 drop;',
      'rule 2 at 2 inout protocol tcp from any to ip 10.0.0.128/25 port 80 reject;',
      'rule 3 at 3 inout protocol tcp from any to ip 10.0.0.0/24 port 80 accept;',
    ],
    expect: { 3: { kind: 'shadowed', by: [1, 2] } },
  },
  {
    name: 'covered by one earlier rule with the same action: redundant',
    lines: ['rule 1 at 1 inout protocol udp from any to ip 10.1.0.0/16 port 53 accept;', 'rule 2 at 2 inout protocol udp from ip 10.9.9.9 to ip 10.1.2.3 port 53 accept;'],
    expect: { 2: { kind: 'redundant', by: [1] } },
  },
  {
    name: 'partially covered: neither',
    lines: ['rule 1 at 1 inout protocol tcp from any to ip 10.0.0.0/25 port 80 drop;', 'rule 2 at 2 inout protocol tcp from any to ip 10.0.0.0/24 port 80 accept;'],
    expect: {},
  },
  {
    name: 'only the rules that take packets are named (a disjoint earlier rule is not)',
    lines: [
      'rule 1 at 1 inout protocol udp from any to any port 53 drop;',
      'rule 2 at 2 inout protocol tcp from any to any drop;',
      'rule 3 at 3 inout protocol tcp from any to ip 10.0.0.1 port 22 accept;',
    ],
    expect: { 3: { kind: 'shadowed', by: [2] } },
  },
  {
    name: 'IPv6: two /33 halves cover the /32; an inet-only rule leaves IPv6 open',
    lines: [
      'rule 1 at 1 inout inet6 protocol any from any to ip 2001:db8::/33 drop;',
      'rule 2 at 2 inout inet6 protocol any from any to ip 2001:db8:8000::/33 drop;',
      'rule 3 at 3 inout protocol any from any to ip 2001:db8::/32 drop;',
      'rule 4 at 4 inout inet protocol any from any to any drop;',
      'rule 5 at 5 inout protocol any from any to any drop;',
    ],
    expect: { 3: { kind: 'redundant', by: [1, 2] } },
  },
  {
    name: 'IPv6 addrset members inside an earlier CIDR',
    addrsets: 'addrset v6-hosts {\nip fe80::1,\nip fe80::100/120,\n}\n',
    lines: ['rule 1 at 1 inout protocol tcp from ip fe80::/64 to any port 22 reject;', 'rule 2 at 2 inout protocol tcp from addrset v6-hosts to any port 22 accept;'],
    expect: { 2: { kind: 'shadowed', by: [1] } },
  },
  {
    name: 'port sets: the same set in another order is redundant; a wider range is not covered',
    lines: [
      'rule 1 at 1 inout protocol tcp from any to any port {80, 443} accept;',
      'rule 2 at 2 inout protocol tcp from any to any port {443, 80} accept;',
      'rule 3 at 3 inout protocol tcp from any to any port 79-81 accept;',
    ],
    expect: { 2: { kind: 'redundant', by: [1] } },
  },
  {
    name: 'port ranges: the union of two ranges covers a set',
    lines: [
      'rule 1 at 1 inout protocol tcp from any to any port 1-1000 drop;',
      'rule 2 at 2 inout protocol tcp from any to any port 1001-65535 drop;',
      'rule 3 at 3 inout protocol tcp from any to any port {22, 5000} drop;',
      'rule 4 at 4 inout protocol tcp from any to any port 0-10 drop;',
    ],
    expect: { 3: { kind: 'redundant', by: [1, 2] } },
  },
  {
    name: 'source ports are a dimension of their own',
    lines: ['rule 1 at 1 inout protocol tcp from any port 1024-65535 to any port 443 accept;', 'rule 2 at 2 inout protocol tcp from any to any port 443 drop;'],
    expect: {},
  },
  {
    name: 'in + out cover inout',
    lines: ['rule 1 at 1 in protocol tcp from any to any drop;', 'rule 2 at 2 out protocol tcp from any to any drop;', 'rule 3 at 3 inout protocol tcp from any to any port 22 drop;'],
    expect: { 3: { kind: 'redundant', by: [1, 2] } },
  },
  {
    name: 'not: a set and its negation cover everything',
    lines: [
      'rule 1 at 1 inout protocol any from not ip 10.0.0.0/8 to any drop;',
      'rule 2 at 2 inout protocol any from ip 10.0.0.0/8 to any drop;',
      'rule 3 at 3 inout protocol udp from ip 192.168.1.1 to any port 161 accept;',
    ],
    expect: { 3: { kind: 'shadowed', by: [1] } },
  },
  {
    name: 'ICMP type: a specific type is covered by all ICMP, not the reverse',
    lines: [
      'rule 1 at 1 inout protocol icmp icmptype 8 from any to any accept;',
      'rule 2 at 2 inout protocol icmp from any to any drop;',
      'rule 3 at 3 inout protocol icmp icmptype 0 from any to any accept;',
    ],
    expect: { 3: { kind: 'shadowed', by: [2] } },
  },
  {
    name: 'ports do not match ICMP: a tcp/udp pair does not cover protocol any',
    lines: ['rule 1 at 1 inout protocol tcp from any to any drop;', 'rule 2 at 2 inout protocol udp from any to any drop;', 'rule 3 at 3 inout protocol any from any to any drop;'],
    expect: {},
  },
  {
    name: 'NSX-V: a TCP allow skips non-SYN first packets, so a later TCP drop is still reached',
    ruleset: 'domain-c7',
    lines: ['rule 1 at 1 inout protocol tcp from any to any accept;', 'rule 2 at 2 inout protocol tcp from any to any port 22 drop;'],
    expect: {},
  },
  {
    name: 'NSX-T 3+: a TCP allow without strict takes every TCP packet',
    lines: ['rule 1 at 1 inout protocol tcp from any to any accept;', 'rule 2 at 2 inout protocol tcp from any to any port 22 drop;'],
    expect: { 2: { kind: 'shadowed', by: [1] } },
  },
  {
    name: 'NSX-T 3+: a strict TCP allow leaves the non-SYN packets to the next rules',
    lines: [
      'rule 1 at 1 inout protocol tcp strict from any to any accept;',
      'rule 2 at 2 inout protocol tcp from any to any port 22 drop;',
      'rule 3 at 3 inout protocol any from any to any reject;',
      'rule 4 at 4 inout protocol tcp from any to any port 22 drop;',
    ],
    expect: { 4: { kind: 'shadowed', by: [1, 2] } },
  },
  {
    name: 'an addrset with unknown members covers nothing (noted)',
    lines: ['rule 1 at 1 inout protocol any from addrset missing-set to any drop;', 'rule 2 at 2 inout protocol tcp from ip 10.0.0.1 to any accept;'],
    expect: {},
    note: 'missing-set',
  },
  {
    name: 'a rule on an unknown addrset is covered only when everything it might match is',
    lines: ['rule 1 at 1 inout protocol tcp from any to any port 22 drop;', 'rule 2 at 2 inout protocol tcp from addrset missing-set to any port 22 accept;'],
    expect: { 2: { kind: 'shadowed', by: [1] } },
  },
  {
    name: 'addrset members resolve like the engine',
    addrsets: 'addrset web {\nip 10.1.1.1,\nip 10.1.1.2,\n}\naddrset all-web {\nip 10.1.1.0/24,\n}\n',
    lines: ['rule 1 at 1 inout protocol tcp from any to addrset all-web port 443 accept;', 'rule 2 at 2 inout protocol tcp from any to addrset web port 443 accept;'],
    expect: { 2: { kind: 'redundant', by: [1] } },
  },
];

for (const c of cases) {
  test(`shadow realized: ${c.name}`, (t) => {
    const r = shadowRealized('f', filter(c.lines, { ...(c.ruleset !== undefined ? { ruleset: c.ruleset } : {}), ...(c.addrsets !== undefined ? { addrsets: c.addrsets } : {}) }));
    const got: Record<number, { kind: string; by: (number | string)[] }> = {};
    for (const i of r.items) got[i.ruleId as number] = { kind: i.kind, by: i.coveredBy };
    t.deepEqual(got, c.expect);
    for (const i of r.items) t.is(i.filter, 'f');
    if (c.note !== undefined) t.true(r.notes.some((n) => n.includes(c.note as string)), r.notes.join('\n'));
  });
}

test('shadow realized: every item carries the contract keys', (t) => {
  const r = shadowRealized('nic-1', filter(cases[0]!.lines));
  const item = r.items[0]!;
  t.like(item, { filter: 'nic-1', ruleId: 3, position: 3, kind: 'shadowed', coveredBy: [1, 2] });
  t.deepEqual(item.coverers.map((c) => c.action), ['drop', 'reject']);
  t.is(item.source, 'case.txt:4');
});

test('shadow realized: no logged-style flow is ever decided by a rule reported unreachable (2,000 synthetic rules)', (t) => {
  const syn = synthesize(2000, 3);
  const input: CompileInput = { rulesets: parseGetrules(syn.rules, 'r').value.rulesets, addrsets: parseGetaddrsets(syn.addrsets, 'a').value.addrsets };
  const r = shadowRealized('bench', input);
  t.true(r.items.length > 0);
  const dead = new Set(r.items.map((i) => `${i.ruleset}|${i.ruleId}|${i.position}`));
  const compiled = compileFilter(input);
  let decided = 0;
  for (const { flow, dir } of flows(20_000, syn.members, 5)) {
    const d = evaluate(compiled, flow, dir, { trace: 'minimal' });
    if (d.ruleId === null) continue;
    decided++;
    t.false(dead.has(`${d.ruleset}|${d.ruleId}|${d.position}`), `${d.ruleset} rule ${d.ruleId} at ${d.position} decided ${JSON.stringify(flow)}`);
  }
  t.true(decided > 10_000);
});
