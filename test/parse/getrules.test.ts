/**
 * parseGetrules on synthetic documents: structure, spans, sections, indices, prompts, and error
 * recovery (one bad line = one diagnostic; every other rule still parses).
 */
import test from 'ava';
import { FRAGMENT_RULESET, parseGetrules } from '../../src/parse/getrules.js';
import { parsePrompt } from '../../src/parse/getrules-prompt.js';

const doc = [
  '[root@esx-01:~] vsipioctl getrules -f nic-1-eth0-vmware-sfw.2', //  1
  'ruleset mainrs {', //                                                2
  '  # generation number: 0', //                                        3
  '  # realization time : 2025-06-23T18:55:56', //                      4
  '  # PRE_FILTER rules', //                                            5
  '  rule 10216 at 1 inout protocol tcp strict from any to any port 22 accept;', // 6
  '  # FILTER (APP Category) rules', //                                 7
  ' rule 10217 at 1 inout protocol icmp from any to any accept;', //   8 (1 blank)
  'rule 2 at 2 inout protocol any from any to any reject with log tag \'debug\';', // 9 (0 blanks)
  '}', //                                                               10
  'ruleset mainrs_L2 {', //                                             11
  '  # FILTER rules', //                                                12
  '  rule 1 at 1 inout ethertype any stateless from any to any accept;', // 13
  '}', //                                                               14
  '[root@esx-01:~] ', //                                                15
].join('\n');

test('structure: rulesets, layers, headers, sections, index and position', (t) => {
  const r = parseGetrules(doc, 'cap.txt');
  t.deepEqual(r.diagnostics, []);
  t.is(r.value.filter, 'nic-1-eth0-vmware-sfw.2');
  const [l3, l2] = r.value.rulesets;
  t.truthy(l3 && l2);
  if (!l3 || !l2) return;
  t.like(l3, { name: 'mainrs', layer: 'L3', generation: '0', realizationTime: '2025-06-23T18:55:56' });
  t.like(l2, { name: 'mainrs_L2', layer: 'L2', generation: null, realizationTime: null });
  t.deepEqual(l3.rules.map((x) => [x.ruleId, x.position, x.index, x.section]), [
    [10216, 1, 0, 'PRE_FILTER rules'],
    [10217, 1, 1, 'FILTER (APP Category) rules'],
    [2, 2, 2, 'FILTER (APP Category) rules'],
  ]);
  t.deepEqual(l2.rules.map((x) => [x.ruleId, x.ruleset, x.section, x.ethertype, x.stateless]), [[1, 'mainrs_L2', 'FILTER rules', 'any', true]]);
});

test('spans: 0-based offset, 1-based line/column of the statement, trimmed text', (t) => {
  const r = parseGetrules(doc, 'cap.txt');
  const rule = r.value.rulesets[0]?.rules[1];
  const text = ' rule 10217 at 1 inout protocol icmp from any to any accept;';
  t.is(rule?.text, text.trim());
  t.deepEqual(rule?.span, { file: 'cap.txt', offset: doc.indexOf(text) + 1, line: 8, column: 2, length: text.length - 1 });
  t.is(doc.slice(rule?.span.offset, (rule?.span.offset ?? 0) + (rule?.span.length ?? 0)), text.trim());
  const rs = r.value.rulesets[1];
  t.deepEqual(rs?.span, { file: 'cap.txt', offset: doc.indexOf('ruleset mainrs_L2'), line: 11, column: 1,
    length: doc.indexOf('}', doc.indexOf('ruleset mainrs_L2')) + 1 - doc.indexOf('ruleset mainrs_L2') });
});

test('CRLF line endings keep columns and text', (t) => {
  const r = parseGetrules(doc.replace(/\n/g, '\r\n'), 'crlf.txt');
  t.deepEqual(r.diagnostics, []);
  t.is(r.value.rulesets[0]?.rules.length, 3);
  t.is(r.value.rulesets[0]?.rules[2]?.text, "rule 2 at 2 inout protocol any from any to any reject with log tag 'debug';");
  t.is(r.value.rulesets[0]?.rules[2]?.span.line, 9);
});

test('error recovery: a malformed rule line gives file:line:col + expected tokens; the others still parse', (t) => {
  const lines = [
    'ruleset domain-c7 {',
    '  # Filter rules',
    '  rule 1489 at 1 inout protocol tcp from addrset ip-securitygroup-23 to addrset ip-securitygroup-24 port 1433 accept with log;',
    '  rule 1003 at 2 inout protocol ipv6-icmp icmptype 136 from any to any acept;',
    '  rule 1002 at 3 inout protocol udp from any to any port 67 accept',
    '  rule 1002 at 4 inout protocol udp from any to any port 68 accept;',
    '  rule 1001 at 5 inout protocol any from any to any drop with log;',
    '}',
  ];
  const r = parseGetrules(lines.join('\n'), 'bad.txt');
  t.deepEqual(r.value.rulesets[0]?.rules.map((x) => [x.ruleId, x.position, x.index]), [[1489, 1, 0], [1002, 4, 1], [1001, 5, 2]]);
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  t.is(errs.length, 2);
  const l4 = lines[3] ?? '';
  const l5 = lines[4] ?? '';
  t.like(errs[0], { code: 'parse/no-viable-alt', span: { file: 'bad.txt', line: 4, column: l4.indexOf('acept') + 1, length: 5 }, text: l4.trim() });
  t.is(errs[0]?.span.offset, lines.slice(0, 3).join('\n').length + 1 + l4.indexOf('acept'));
  t.regex(errs[0]?.message ?? '', /'accept'.*'drop'.*'reject'.*'punt'/);
  t.regex(errs[0]?.message ?? '', /found 'acept'/);
  // the error is just after the last character of the line (chevrotain's EOF token has no position)
  t.like(errs[1], { code: 'parse/mismatched-token', span: { line: 5, column: l5.length + 1, length: 0 } });
  t.regex(errs[1]?.message ?? '', /';'/);
  t.regex(errs[1]?.message ?? '', /end of the line/);
});

test('lexer errors are reported at their column and the line is skipped', (t) => {
  const bad = 'rule 1 at 1 inout protocol tcp from any to any port 22 accept; ¤';
  const r = parseGetrules(`ruleset mainrs {\n${bad}\nrule 2 at 2 inout protocol any from any to any accept;\n}\n`, 'lex.txt');
  t.deepEqual(r.value.rulesets[0]?.rules.map((x) => x.ruleId), [2]);
  t.like(r.diagnostics[0], { code: 'lex/unexpected-char', severity: 'error', span: { line: 2, column: bad.indexOf('¤') + 1, length: 1 } });
});

test('values out of range are errors and are not stored', (t) => {
  const r = parseGetrules('ruleset mainrs {\nrule 1 at 1 inout protocol tcp from any to any port 70000 accept;\n}\n', 'range.txt');
  t.is(r.value.rulesets[0]?.rules.length, 0);
  t.like(r.diagnostics[0], { severity: 'error', span: { line: 2, column: 53, length: 5 } });
});

test('rule lines outside a ruleset are a fragment ruleset (info, not an error)', (t) => {
  const r = parseGetrules('  rule 8196 at 1 inout protocol tcp from addrset ip-ipset-24029 to addrset ip-securitygroup-6920 port 22 accept with log;\n', 'frag.txt');
  t.is(r.value.rulesets.length, 1);
  t.is(r.value.rulesets[0]?.name, FRAGMENT_RULESET);
  t.is(r.value.rulesets[0]?.rules[0]?.position, 1);
  t.deepEqual(r.diagnostics.map((d) => d.severity), ['info']);
});

test('an unclosed ruleset keeps its rules and warns', (t) => {
  const r = parseGetrules('ruleset domain-c7 {\n  rule 1001 at 1 inout protocol any from any to any accept;\n', 'cut.txt');
  t.is(r.value.rulesets[0]?.rules.length, 1);
  t.deepEqual(r.diagnostics.map((d) => [d.severity, d.code]), [['warning', 'parse/early-exit']]);
});

test('a rule without `at` gets its order as position and a warning', (t) => {
  const r = parseGetrules('ruleset mainrs {\nrule 1031 inout protocol any from any to any accept;\n}\n', 'noat.txt');
  t.is(r.value.rulesets[0]?.rules[0]?.position, 1);
  t.is(r.diagnostics[0]?.severity, 'warning');
});

test('Central CLI prompt gives the filter; a flattened line is rejected with input/flattened', (t) => {
  const a = parseGetrules('nsxmgr01> show dfw host host-10 filter nic-689859-eth0-vmware-sfw.2 rules\nruleset domain-c7 {\n}\n', 'cli.txt');
  t.is(a.value.filter, 'nic-689859-eth0-vmware-sfw.2');
  const b = parseGetrules('ruleset mainrs { # generation number: 0 rule 1 at 1 inout protocol any from any to any accept; rule 2 at 2 inout protocol any from any to any accept; }\n', 'flat.txt');
  t.is(b.value.rulesets.length, 0);
  t.like(b.diagnostics[0], { code: 'input/flattened', severity: 'error', span: { line: 1, column: 1 } });
});

test('two rule statements on one line are a flattened line, not a parse error', (t) => {
  const r = parseGetrules('ruleset mainrs {\nrule 1 at 1 inout protocol any from any to any accept; rule 2 at 2 inout protocol any from any to any drop;\n}\n', 'two.txt');
  t.is(r.value.rulesets[0]?.rules.length, 0);
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.span.line]), [['input/flattened', 2]]);
  t.regex(r.diagnostics[0]?.message ?? '', /2 rule statement/);
});

test('prompt lines: ESXi, Central CLI, nsxcli, `~ #`; header comments are not prompts', (t) => {
  const cases: Array<[string, ReturnType<typeof parsePrompt>]> = [
    ['[root@ESXi-04:~] vsipioctl getrules -f nic-36445-eth0-vmware-sfw.2', { command: 'vsipioctl getrules -f nic-36445-eth0-vmware-sfw.2', kind: 'getrules', filter: 'nic-36445-eth0-vmware-sfw.2', hostId: null }],
    ['[root@ESXi-04:~] ', { command: '', kind: 'none', filter: null, hostId: null }],
    ['nsxmgr01> show dfw host host-10 filter nic-689859-eth0-vmware-sfw.2 addrsets ', { command: 'show dfw host host-10 filter nic-689859-eth0-vmware-sfw.2 addrsets', kind: 'getaddrsets', filter: 'nic-689859-eth0-vmware-sfw.2', hostId: 'host-10' }],
    ['~ # vsipioctl getfwrules -f  nic-35662-eth0-vmware-sfw.2 -s', { command: 'vsipioctl getfwrules -f  nic-35662-eth0-vmware-sfw.2 -s', kind: 'other', filter: 'nic-35662-eth0-vmware-sfw.2', hostId: null }],
    ['# vsipioctl getfilters', { command: 'vsipioctl getfilters', kind: 'getfilters', filter: null, hostId: null }],
    ["[root@esxnuc03:~] summarize-dvfilter | grep -A16 WinClientA0001", { command: 'summarize-dvfilter | grep -A16 WinClientA0001', kind: 'summarize-dvfilter', filter: null, hostId: null }],
    ['# Filter rules', null],
    ['  # realization time : 2025-06-23T18:55:56', null],
    ['# internal # rule 1014 at 22 inout protocol tcp from any to any port 135 accept;', null],
    ['world 0 <no world>', null],
  ];
  for (const [line, expected] of cases) t.deepEqual(parsePrompt(line), expected, line);
});
