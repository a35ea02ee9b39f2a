/**
 * The fast getrules / getaddrsets scanner against the chevrotain grammar: on every line of every
 * vsipioctl corpus capture and fixture, the scanner either hands the line over (null) or gives
 * exactly the grammar's value; whole documents (rules, rulesets, addrsets, spans, diagnostics) are
 * identical with and without it.
 */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RULE_LINE_KEYWORDS } from '../../grammar/rule-line/patterns.js';
import { ruleLineKeywords } from '../../grammar/rule-line/tokens.js';
import { parseGetaddrsetsLines } from '../../src/parse/getaddrsets.js';
import { parseGetrulesLines } from '../../src/parse/getrules.js';
import { splitLines, type SourceLine } from '../../src/parse/getrules-prompt.js';
import { grammarAddrsetLine, grammarGetrulesLine } from '../../src/parse/vsip-line-grammar.js';
import { grammarOnly } from '../../src/parse/vsip-line-reader.js';
import { fastAddrsetLine, fastRuleLine, scanAddrsetLine, scanGetrulesLine, walkAddrsetLine, walkGetrulesLine } from '../../src/parse/vsip-line-scan.js';
import { prng } from '../helpers/prng.js';

const CORPUS = path.resolve(process.cwd(), '../shared/corpus/vsipioctl');
const FIXTURES = path.resolve(process.cwd(), 'test/fixtures');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every corpus capture (all kinds: lines of other outputs must be handed over alike) and every vsipioctl fixture. */
const CAPTURES = [
  ...filesUnder(CORPUS).filter((f) => f.endsWith('.txt')),
  ...filesUnder(FIXTURES).filter((f) => /getrules|getaddrsets|captures\//.test(f)),
].sort();

const linesOf = (f: string): SourceLine[] => splitLines(readFileSync(f, 'utf8'));
const RULE_LINE = /^\s*(?:# internal # )?rule \d+ at \d+ /;

test('the captures are there (corpus and fixtures)', (t) => {
  t.true(CAPTURES.filter((f) => /getrules/.test(path.basename(f))).length >= 30);
  t.true(CAPTURES.filter((f) => /getaddrsets/.test(path.basename(f))).length >= 7);
  t.true(CAPTURES.some((f) => f.startsWith(FIXTURES)));
});

test('every line: the scanner gives the grammar value or hands the line over', (t) => {
  let ruleLines = 0;
  let ruleLinesScanned = 0;
  let entries = 0;
  for (const f of CAPTURES) {
    for (const line of linesOf(f)) {
      const r = scanGetrulesLine(line.text);
      if (r !== null) t.deepEqual(r, grammarGetrulesLine(line, f), `${f}:${line.line}: ${line.text}`);
      if (RULE_LINE.test(line.text)) {
        ruleLines++;
        if (r !== null) ruleLinesScanned++;
      }
      const a = scanAddrsetLine(line.text);
      if (a !== null) {
        t.deepEqual(a, grammarAddrsetLine(line, f), `${f}:${line.line}: ${line.text}`);
        if (a.kind === 'entry') entries++;
      }
    }
  }
  // the scanner must really be the fast path: it reads nearly every real rule line itself
  t.true(ruleLines > 200, `${ruleLines} rule lines`);
  t.true(ruleLinesScanned >= 0.95 * ruleLines, `${ruleLinesScanned} of ${ruleLines} rule lines scanned`);
  t.true(entries >= 30, `${entries} addrset entries scanned`);
});

test('whole documents: identical rulesets, rules, spans and diagnostics with and without the scanner', (t) => {
  for (const f of CAPTURES) {
    const lines = linesOf(f);
    t.deepEqual(parseGetrulesLines(lines, f), parseGetrulesLines(lines, f, grammarOnly.getrules), `getrules ${f}`);
    t.deepEqual(parseGetaddrsetsLines(lines, f), parseGetaddrsetsLines(lines, f, grammarOnly.getaddrsets), `getaddrsets ${f}`);
  }
});

/** Lines from reference/vsipioctl.md 4-5 and 7 (secondary forms) plus lexical corner cases. */
const HANDED_OVER = [
  // inline set (NSX 9 Edge), braced modifiers and typecode (dfwoptimizer), attribute clauses
  'rule 5 at 1 inout protocol any from addrset {10.0.0.1, 10.0.0.2} to any accept;',
  'rule 5 at 1 inout protocol icmp with {stateless, icmptype 8} from any to any accept;',
  'rule 5 at 1 inout protocol icmp typecode 3:4 from any to any accept;',
  'rule 5 at 1 inout protocol tcp from any to any with attribute profile attr_1092_1_APP_ID accept;',
  'rule 5 at 1 inout protocol tcp from any to any with attribute addrset attr_1092_1_APP_ID accept;',
  'rule 5 at 1 inout ethertype 0x0806 from any to any accept;',
  // no `at` (nsxcli views): the grammar path warns
  'rule 5 inout protocol tcp from any to any accept;',
  // values the model cannot hold: the grammar path reports them
  'rule 5 at 1 inout protocol tcp from any to any port 70000 accept;',
  'rule 5 at 1 inout protocol 300 from any to any accept;',
  'rule 5 at 1 inout protocol icmp icmptype 256 from any to any accept;',
  // errors: missing `;`, unknown action, redundant input, unterminated tag, odd characters
  'rule 5 at 1 inout protocol tcp from any to any accept',
  'rule 5 at 1 inout protocol tcp from any to any allow;',
  'rule 5 at 1 inout protocol tcp from any to any accept; rule',
  "rule 5 at 1 inout protocol tcp from any to any accept tag 'x;",
  'rule 5 at 1 inout protocol tcp from any to any port 80 - 90 accept;',
  'rule 5 at 1 inout protocol tcp from ip 10.0.0.0/245 to any accept;',
  'rule 5 at 1 inout protocol tcp from ip 1abc to any accept;',
  'rule 5 at 1 inout protocol tcp from addrset any to any accept;',
  // a UUID is a token of its own, never a Name (protocols and ALGs are names)
  'rule 5 at 1 inout protocol deadbeef-1111-2222-3333-444455556666 from any to any accept;',
  'rule 5 at 1 inout protocol tcp from any to any accept as abcdef01-1111-2222-3333-444455556666;',
  'rule 5 at 1 inout protocol tcp\tfrom any to any accept;\r',
  'ruleset domain-c7 { rule',
  '} }',
  'ruleset {',
  'addrset ip-ipset-3 { ip 10.0.0.1, }',
  'ip 10.0.0.1,,',
  'ip 0x0a000001,',
];

/** Lines the scanner takes; each must equal the grammar's value (checked below). */
const SCANNED = [
  'ruleset domain-c7 {',
  '  ruleset mainrs_L2 {',
  ' }',
  '# realization time : 2020-07-13T06:29:59',
  '# FILTER (APP Category) rules',
  '  rule 1014 at 21 inout protocol tcp from any to any port 135 accept as dcerpc;',
  '  # internal # rule 1014 at 22 inout protocol tcp from any to any port 135 accept;',
  '#internal#rule 1014 at 22 inout protocol tcp from any to any port 135 accept;',
  'rule 1002 at 3 inout protocol udp from any to any port {67, 68} accept;',
  'rule 1003 at 3 inout inet6 protocol ipv6-icmp icmptype 135 from any to any accept;',
  'rule 13288 at 1 inout protocol tcp strict from addrset 3f2b1c4d-1111-2222-3333-444455556666 to addrset rdst1234 port 49152-65535 accept with log tag \'a b\';',
  'rule 7 at 2 out protocol TCP stateless from not ip 10.1.0.0/16 port {1024, 2000-3000} to not addrset ip-securitygroup-31 reject with log;',
  'rule 8 at 1 in inet protocol ip from ip fe80::250:56ff:fe99:1461 to ip 00:50:56:8c:12:a4 drop;',
  'rule 9 at 1 inout protocol 240 from ip 10.0.0.1-10.0.0.9 to ip deadbeef drop as ftp tag \'t\' with log;',
  'rule 10 at 4 inout protocol any from any to any with extended src ba9e0000-1111-2222-3333-444455556666 drop;',
  'rule 1004 at 1 inout ethertype any stateless from any to any accept;',
  'rule 1 at 1 inout ethertype ARP from any to any punt;',
  'rule 11 at 1 inout protocol icmp icmptype 8 icmptype 0 strict from any to any accept;',
  'addrset ip-securitygroup-23 {',
  'ip 10.68.145.170,',
  'ip fe80::250:56ff:fe99:1461,',
  'mac 00:50:56:8c:12:a4,',
  'ip 10.1.1.0/24',
  '}',
];

const at = (text: string): SourceLine => ({ text, offset: 100, line: 7 });

test('odd forms are handed to the grammar, which reads or diagnoses them', (t) => {
  for (const text of HANDED_OVER) {
    t.is(scanGetrulesLine(text), null, text);
    t.is(scanAddrsetLine(text), null, text);
  }
  // getaddrsets has no header comments
  t.is(scanAddrsetLine('# a header in an addrset output'), null);
  // and through the document reader the grammar's value (diagnostics included) comes out
  for (const text of HANDED_OVER) {
    const lines = [at('ruleset domain-c7 {'), { ...at(text), offset: 120, line: 8 }, { ...at('}'), offset: 200, line: 9 }];
    t.deepEqual(parseGetrulesLines(lines, 'odd.txt'), parseGetrulesLines(lines, 'odd.txt', grammarOnly.getrules), text);
  }
});

test('regular forms are scanned, with exactly the grammar value', (t) => {
  for (const text of SCANNED) {
    const r = scanGetrulesLine(text);
    const a = scanAddrsetLine(text);
    t.true(r !== null || a !== null, text);
    if (r !== null) t.deepEqual(r, grammarGetrulesLine(at(text), 'x'), text);
    if (a !== null) t.deepEqual(a, grammarAddrsetLine(at(text), 'x'), text);
  }
});

test('the scanner keyword list is the grammar keyword list', (t) => {
  const grammarWords = ruleLineKeywords.map((k) => String(k.PATTERN).replace(/^\/(\w+)\(.*$/, '$1')).sort();
  t.deepEqual([...RULE_LINE_KEYWORDS].sort(), grammarWords);
});


/**
 * Rule lines in the printed layout with values at every edge the fast path must hand over:
 * keywords and UUIDs as names, numbers past their range, IPv4 values the walk splits, modifiers.
 */
function generatedRuleLines(n: number): string[] {
  const r = prng(12);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const names = ['ip-ipset-3', 'tcp', 'TCP', 'ipv6-icmp', '_x', 'x.y-z', 'deadbeef-1111-2222-3333-444455556666', 'deadbeef-1111-2222-3333-44445555666',
    ...RULE_LINE_KEYWORDS, 'ruleset', 'mac', 'rules'];
  const nums = ['0', '7', '080', '255', '256', '999', '65535', '65536', '99999', '123456789012345', '1234567890123456'];
  const ips = ['10.1.1.1', '10.1.1.0/24', '10.1.1.0/33', '999.1.1.1', '10.0.0.1-10.0.0.9', 'fe80::1', '00:50:56:8c:12:a4'];
  const ep = (): string => { const x = r(); return x < 0.2 ? 'any' : x < 0.3 ? `not ${ep()}` : x < 0.7 ? `addrset ${pick(names)}` : `ip ${pick(ips)}`; };
  const port = () => (r() < 0.7 ? pick(nums) : `${pick(nums)}-${pick(nums)}`);
  const ports = () => (r() < 0.5 ? port() : `{${Array.from({ length: 1 + Math.floor(r() * 3) }, port).join(', ')}}`);
  return Array.from({ length: n }, () => {
    const mods = Array.from({ length: Math.floor(r() * 3) }, () => ` ${pick(['strict', 'stateless', `icmptype ${pick(nums)}`])}`).join('');
    const proto = r() < 0.6 ? pick(['tcp', 'udp', 'any', 'ip', 'icmp']) : r() < 0.5 ? pick(names) : pick(nums);
    return `${pick(['', '  ', '\t'])}${r() < 0.2 ? '# internal # ' : ''}rule ${pick(nums)} at ${pick(nums)} ${pick(['inout', 'in', 'out'])} ` +
      `${r() < 0.2 ? pick(['inet ', 'inet6 ']) : ''}protocol ${proto}${mods} from ${ep()}${r() < 0.3 ? ` port ${ports()}` : ''} to ${ep()}` +
      `${r() < 0.6 ? ` port ${ports()}` : ''} ${pick(['accept', 'drop', 'reject', 'punt'])}${r() < 0.4 ? ' with log' : ''}` +
      `${r() < 0.2 ? ` as ${pick(names)}` : ''}${r() < 0.2 ? ` tag '${pick(['a b', '', 'x;y', '#z'])}'` : ''};${pick(['', ' ', '\t'])}`;
  });
}

test('the fast path gives the token walk value for every line it takes, and takes the usual lines', (t) => {
  const lines = [...CAPTURES.flatMap((f) => linesOf(f).map((l) => l.text)), ...SCANNED, ...HANDED_OVER, ...generatedRuleLines(20_000)];
  let fast = 0;
  let handedBack = 0;
  for (const text of lines) {
    const r = fastRuleLine(text);
    if (r !== null) {
      fast++;
      t.deepEqual(r, walkGetrulesLine(text), text);
    } else if (RULE_LINE.test(text) && walkGetrulesLine(text) !== null) handedBack++;
    const a = fastAddrsetLine(text);
    if (a !== null) t.deepEqual(a, walkAddrsetLine(text), text);
  }
  // the corpus rule lines the walk reads, nearly all by the fast path
  let corpusRules = 0;
  let corpusFast = 0;
  for (const f of CAPTURES) {
    for (const l of linesOf(f)) {
      if (!RULE_LINE.test(l.text) || walkGetrulesLine(l.text) === null) continue;
      corpusRules++;
      if (fastRuleLine(l.text) !== null) corpusFast++;
    }
  }
  t.true(corpusFast >= 0.9 * corpusRules, `${corpusFast} of ${corpusRules} corpus rule lines by the fast path`);
  t.true(fast > 1000 && handedBack > 1000, `${fast} fast, ${handedBack} handed back to the walk`);
});
