/**
 * The reusable rule-statement grammar on its own (grammar/rule-line + src/parse/getrules-visitor):
 * one table row per syntactic form of reference/vsipioctl.md 4.2, asserting the model fields.
 */
import test from 'ava';
import { Lexer } from 'chevrotain';
import { RuleLineParser } from '../../grammar/rule-line/parser.js';
import { ruleLineTokens } from '../../grammar/rule-line/tokens.js';
import type { RuleStatementCstNode } from '../../grammar/generated/rule-line.js';
import { ruleStatementFields, type RuleStatementFields } from '../../src/parse/getrules-visitor.js';

const lexer = new Lexer(ruleLineTokens, { positionTracking: 'onlyOffset' });
const parser = new RuleLineParser();

function parse(line: string): { fields: RuleStatementFields | null; errors: string[] } {
  const lexed = lexer.tokenize(line);
  if (lexed.errors.length > 0) return { fields: null, errors: lexed.errors.map((e) => e.message) };
  parser.input = lexed.tokens;
  const cst = parser.ruleStatement() as RuleStatementCstNode;
  if (parser.errors.length > 0) return { fields: null, errors: parser.errors.map((e) => e.message) };
  const r = ruleStatementFields(cst, line);
  return { fields: r.fields, errors: r.issues.map((i) => i.message) };
}

const base: RuleStatementFields = {
  ruleId: 1, position: 1, internal: false, direction: 'inout', af: null, protocol: 'any', ethertype: null,
  strict: false, stateless: false, icmpType: null, icmpCode: null, src: { kind: 'any' }, srcPorts: null,
  dst: { kind: 'any' }, dstPorts: null, extensions: [], action: 'accept', log: false, alg: null, tag: null,
};

const cases: Array<[string, string, Partial<RuleStatementFields>]> = [
  ['minimal any/any', 'rule 1 at 1 inout protocol any from any to any accept;', {}],
  ['NSX-V addrset names with digits and dashes', 'rule 1048 at 1 inout protocol any from addrset src1048 to addrset ip-virtualwire-1 accept;',
    { ruleId: 1048, src: { kind: 'addrset', name: 'src1048' }, dst: { kind: 'addrset', name: 'ip-virtualwire-1' } }],
  ['# internal # ALG twin', '# internal # rule 1014 at 22 inout protocol tcp from any to any port 135 accept;',
    { ruleId: 1014, position: 22, internal: true, protocol: 'tcp', dstPorts: [{ lo: 135, hi: 135 }] }],
  ['as ALG', 'rule 1014 at 21 inout protocol tcp from any to any port 135 accept as dcerpc;',
    { ruleId: 1014, position: 21, protocol: 'tcp', dstPorts: [{ lo: 135, hi: 135 }], alg: 'dcerpc' }],
  ['with log as ALG', 'rule 4525 at 5791 inout protocol tcp from any to any port 135 accept with log as dcerpc;',
    { ruleId: 4525, position: 5791, protocol: 'tcp', dstPorts: [{ lo: 135, hi: 135 }], log: true, alg: 'dcerpc' }],
  ['as before with log (any order)', 'rule 1 at 1 inout protocol tcp from any to any port 21 accept as ftp with log;',
    { protocol: 'tcp', dstPorts: [{ lo: 21, hi: 21 }], alg: 'ftp', log: true }],
  ['direction in', 'rule 1 at 1 in protocol any from any to any drop;', { direction: 'in', action: 'drop' }],
  ['direction out', 'rule 1 at 1 out protocol any from any to any reject;', { direction: 'out', action: 'reject' }],
  ['inet', 'rule 5132 at 3 inout inet protocol icmp from any to any accept;', { ruleId: 5132, position: 3, af: 'inet', protocol: 'icmp' }],
  ['inet6 + icmptype', 'rule 3 at 10 inout inet6 protocol ipv6-icmp icmptype 136 from any to any accept;',
    { ruleId: 3, position: 10, af: 'inet6', protocol: 'ipv6-icmp', icmpType: 136 }],
  ['strict', 'rule 10216 at 1 inout protocol tcp strict from any to any port 22 accept;',
    { ruleId: 10216, protocol: 'tcp', strict: true, dstPorts: [{ lo: 22, hi: 22 }] }],
  ['strict stateless', 'rule 1 at 1 inout protocol tcp strict stateless from any to any accept;', { protocol: 'tcp', strict: true, stateless: true }],
  ['icmptype', 'rule 1037 at 10 inout protocol icmp icmptype 8 from any to any accept with log;',
    { ruleId: 1037, position: 10, protocol: 'icmp', icmpType: 8, log: true }],
  ['typecode N:M', 'rule 1 at 1 inout protocol icmp typecode 3:4 from any to any accept;', { protocol: 'icmp', icmpType: 3, icmpCode: 4 }],
  ['braced modifiers (dfwoptimizer form)', 'rule 1 at 1 inout protocol icmp with {stateless, icmptype 8} from any to any accept;',
    { protocol: 'icmp', stateless: true, icmpType: 8 }],
  ['protocol by number', 'rule 1 at 1 inout protocol 240 from any to any accept;', { protocol: '240' }],
  ['protocol ip (a keyword elsewhere)', 'rule 1 at 1 inout protocol ip from any to any accept;', { protocol: 'ip' }],
  ['protocol names gre / ipv6-crypt', 'rule 1 at 1 inout protocol ipv6-crypt from any to any accept;', { protocol: 'ipv6-crypt' }],
  ['ethertype any', 'rule 1004 at 1 inout ethertype any from any to any accept;', { ruleId: 1004, protocol: null, ethertype: 'any' }],
  ['ethertype any stateless', 'rule 1 at 1 inout ethertype any stateless from any to any accept;', { protocol: null, ethertype: 'any', stateless: true }],
  ['ethertype hex', 'rule 1 at 1 inout ethertype 0x0806 from any to any drop;', { protocol: null, ethertype: '0x0806', action: 'drop' }],
  ['port range', 'rule 4525 at 5785 inout protocol tcp from any to any port 49152-65535 accept;',
    { ruleId: 4525, position: 5785, protocol: 'tcp', dstPorts: [{ lo: 49152, hi: 65535 }] }],
  ['port set', 'rule 4 at 12 inout protocol udp from any to any port {67, 68} accept;',
    { ruleId: 4, position: 12, protocol: 'udp', dstPorts: [{ lo: 67, hi: 67 }, { lo: 68, hi: 68 }] }],
  ['port set with a range', 'rule 1 at 1 inout protocol tcp from any to any port {80, 8000-8080} accept;',
    { protocol: 'tcp', dstPorts: [{ lo: 80, hi: 80 }, { lo: 8000, hi: 8080 }] }],
  ['source port', 'rule 1 at 1 inout protocol udp from any port 1024-65535 to any port 53 accept;',
    { protocol: 'udp', srcPorts: [{ lo: 1024, hi: 65535 }], dstPorts: [{ lo: 53, hi: 53 }] }],
  ['UUID addrset starting with a digit', 'rule 10219 at 8 inout protocol any from addrset 7a87cbca-ca80-4042-9507-558bb69b94c8 to any accept;',
    { ruleId: 10219, position: 8, src: { kind: 'addrset', name: '7a87cbca-ca80-4042-9507-558bb69b94c8' } }],
  ['not addrset', 'rule 1 at 1 inout protocol any from not addrset ip-ipset-3 to any drop;',
    { src: { kind: 'not', of: { kind: 'addrset', name: 'ip-ipset-3' } }, action: 'drop' }],
  ['not ip CIDR', 'rule 1 at 1 inout protocol any from any to not ip 10.0.0.0/8 drop;',
    { dst: { kind: 'not', of: { kind: 'ip', value: '10.0.0.0/8' } }, action: 'drop' }],
  ['ip host / IPv6 CIDR', 'rule 1 at 1 inout protocol any from ip 192.168.5.3 to ip 2001:db8::/32 accept;',
    { src: { kind: 'ip', value: '192.168.5.3' }, dst: { kind: 'ip', value: '2001:db8::/32' } }],
  ['ip IPv4 range', 'rule 1 at 1 inout protocol any from ip 10.0.0.1-10.0.0.9 to any accept;',
    { src: { kind: 'ip', value: '10.0.0.1-10.0.0.9' } }],
  ['inline addrset', 'rule 1 at 1 inout protocol any from any to addrset {192.168.72.2, 10.0.0.0/24, fe80::1} accept;',
    { dst: { kind: 'inline', entries: ['192.168.72.2', '10.0.0.0/24', 'fe80::1'] } }],
  ['with extended src', 'rule 16360 at 1 inout protocol any from any to any with extended src ba9e01bc-5779-4eb2-813e-4c5b8e3ff1bf drop;',
    { ruleId: 16360, extensions: ['with extended src ba9e01bc-5779-4eb2-813e-4c5b8e3ff1bf'], action: 'drop' }],
  ['with attribute addrset', 'rule 1 at 1 inout protocol tcp from any to any with attribute addrset attr_1092_1_APP_ID accept;',
    { protocol: 'tcp', extensions: ['with attribute addrset attr_1092_1_APP_ID'] }],
  ['with attribute profile + unknown with clause', 'rule 1 at 1 inout protocol tcp from any to any with attribute profile web-prof with fqdn example.com 42 punt;',
    { protocol: 'tcp', extensions: ['with attribute profile web-prof', 'with fqdn example.com 42'], action: 'punt' }],
  ['reject with log tag', "rule 2 at 3 inout protocol any from any to any reject with log tag 'debug';",
    { ruleId: 2, position: 3, action: 'reject', log: true, tag: 'debug' }],
  ['tag with blanks and punctuation', "rule 1 at 1 inout protocol any from any to any drop tag 'deny all; (v2)';",
    { action: 'drop', tag: 'deny all; (v2)' }],
  ['no at (nsxcli views / policy rules)', 'rule 1031 inout protocol any from any to any accept;', { ruleId: 1031, position: null }],
  ['extra blanks', '  rule   7  at  2   inout protocol  tcp  from any  to any port  {1,2}  accept ;', { ruleId: 7, position: 2, protocol: 'tcp', dstPorts: [{ lo: 1, hi: 1 }, { lo: 2, hi: 2 }] }],
];

for (const [name, line, expected] of cases) {
  test(`rule-line: ${name}`, (t) => {
    const r = parse(line);
    t.deepEqual(r.errors, []);
    t.deepEqual(r.fields, { ...base, ...expected });
  });
}

const bad: Array<[string, string]> = [
  ['missing semicolon', 'rule 1 at 1 inout protocol any from any to any accept'],
  ['missing from', 'rule 1 at 1 inout protocol any to any accept;'],
  ['unknown action', 'rule 1 at 1 inout protocol any from any to any allow;'],
  ['port set without closing brace', 'rule 1 at 1 inout protocol tcp from any to any port {1, 2 accept;'],
  ['typecode without code', 'rule 1 at 1 inout protocol icmp typecode 3 from any to any accept;'],
  ['unterminated tag', "rule 1 at 1 inout protocol any from any to any accept tag 'x;"],
  ['port out of range', 'rule 1 at 1 inout protocol tcp from any to any port 65536 accept;'],
];
for (const [name, line] of bad) {
  test(`rule-line rejects: ${name}`, (t) => {
    const r = parse(line);
    t.true(r.errors.length > 0);
  });
}

test('rule-line: keywords only match whole words (attribute is not at+tribute, src1048 is a name)', (t) => {
  const toks = lexer.tokenize('attribute src1048 ip-ipset-3 inet6 inout mainrs_L2').tokens.map((x) => x.tokenType.name);
  t.deepEqual(toks, ['Attribute', 'Name', 'Name', 'Inet6', 'Inout', 'Name']);
});

test('rule-line: MAC, IPv6 and typecode are lexed apart', (t) => {
  const toks = lexer.tokenize('00:50:56:8c:12:a4 fe80::250:56ff:fe99:1461 3:4').tokens.map((x) => x.tokenType.name);
  t.deepEqual(toks, ['MacAddress', 'IPv6', 'Integer', 'Colon', 'Integer']);
});
