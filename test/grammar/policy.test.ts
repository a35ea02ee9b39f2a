/**
 * The `.dfw` grammar on its own (grammar/policy): the token order that matters, the declarations,
 * recovery, and the generated CST types being up to date.
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCstDts, Lexer } from 'chevrotain';
import { PolicyParser } from '../../grammar/policy/parser.js';
import { policyTokens } from '../../grammar/policy/tokens.js';
import type { PolicyFileCstNode } from '../../grammar/policy/generated/policy.js';

const lexer = new Lexer(policyTokens, { positionTracking: 'full' });
const parser = new PolicyParser();

/** Token type names of a text (skipped tokens excluded). */
function kinds(text: string): string[] {
  const r = lexer.tokenize(text);
  if (r.errors.length > 0) throw new Error(`lex errors: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

function parse(text: string): { cst: PolicyFileCstNode; errors: string[] } {
  const lexed = lexer.tokenize(text);
  parser.input = lexed.tokens;
  const cst = parser.policyFile() as PolicyFileCstNode;
  return { cst, errors: [...lexed.errors.map((e) => e.message), ...parser.errors.map((e) => e.name)] };
}

test('# internal # is a rule prefix; every other # starts a comment', (t) => {
  t.deepEqual(kinds('# internal # rule 1 # trailing comment\n# Filter rules\n'), [
    'InternalMarker:# internal #',
    'Rule:rule',
    'Integer:1',
  ]);
});

test('a decimal priority is one token, an IPv4 address stays an address', (t) => {
  t.deepEqual(kinds('priority 1.5 ip 10.68.0.0/24 10.1.2.3'), [
    'Priority:priority',
    'Decimal:1.5',
    'Ip:ip',
    'IPv4:10.68.0.0/24',
    'IPv4:10.1.2.3',
  ]);
});

test('policy keywords match whole words only', (t) => {
  t.deepEqual(kinds('tier tier-1 policy policy.x applied-to applied pass passive'), [
    'Tier:tier',
    'Name:tier-1',
    'Policy:policy',
    'Name:policy.x',
    'AppliedTo:applied-to',
    'Name:applied',
    'Pass:pass',
    'Name:passive',
  ]);
});

test('an NSX-T hash that starts with a digit lexes as Integer + Name (the visitor joins them)', (t) => {
  t.deepEqual(kinds('hash 8b4a1980 hash b6507827'), ['Hash:hash', 'Integer:8', 'Name:b4a1980', 'Hash:hash', 'Name:b6507827']);
  t.deepEqual(parse('filter a hash 8b4a1980 name x').errors, []);
});

test('every declaration form parses', (t) => {
  const text = `
model nsx
tier Quarantine priority 75
filter app-ssh-01 hash 28341 name nic-11240904-eth0-vmware-sfw.2 vm 'app ssh 01' ip 10.68.145.170, fe80::1 labels { app: ssh, tier: web, 'k8s.io/name': x }
group admins { ip 10.68.0.0/24 except 10.68.0.1, 10.69.0.0/16; labels { } members f5-bigip-01, 53210 }
exclude f5-bigip-01, 53210, 'NSX Manager'
policy 'admin ssh' tier SecurityOps priority 1.5 applied-to any, admins {
  rule 1795 at 1 inout protocol tcp from addrset admins to addrset ssh-servers port 22 accept with log tag 'x';
  # internal # rule 1014 at 22 inout protocol tcp from any to any port 135 accept;
  rule 1796 in protocol tcp from any to any port 22 pass;
  rule 1797 out protocol udp from any to any allow;
}
policy empty { }
`;
  const { cst, errors } = parse(text);
  t.deepEqual(errors, []);
  const st = cst.children.statement ?? [];
  t.deepEqual(
    st.map((s) => Object.keys(s.children)[0]),
    ['modelDecl', 'tierDecl', 'filterDecl', 'groupDecl', 'excludeDecl', 'policyDecl', 'policyDecl'],
  );
  const policy = st[5]?.children.policyDecl?.[0];
  t.is(policy?.children.ruleStatement?.length, 4);
  t.deepEqual(
    policy?.children.ruleStatement?.map((r) => Object.keys(r.children.action[0]?.children ?? {})[0]),
    ['Accept', 'Accept', 'Pass', 'Allow'],
  );
});

test('recovery: one bad rule does not lose the next one or the next policy', (t) => {
  const { cst, errors } = parse(`policy a {
  rule 1 at 1 inout protocol tcp from any port 22 accept;
  rule 2 at 2 inout protocol tcp from any to any port 22 accept;
}
policy b { rule 3 at 1 inout protocol any from any to any drop; }`);
  t.true(errors.length >= 1);
  const policies = (cst.children.statement ?? []).flatMap((s) => s.children.policyDecl ?? []);
  t.is(policies.length, 2);
  const ids = policies.flatMap((p) => p.children.ruleStatement ?? []).map((r) => r.children.ruleId[0]?.image);
  t.true(ids.includes('2') && ids.includes('3'));
});

test('a missing } before the next policy is recovered', (t) => {
  const { cst, errors } = parse('policy a {\n  rule 1 at 1 inout protocol any from any to any accept;\npolicy b { }\n');
  t.deepEqual(errors, ['MismatchedTokenException']);
  t.is((cst.children.statement ?? []).length, 2);
});

// STYLE habit 3: the CST types the visitor is typed by must match the grammar.
test('grammar/policy/generated/policy.d.ts is up to date (UPDATE_GOLDEN=1 rewrites it)', (t) => {
  const file = path.join(process.cwd(), 'grammar/policy/generated/policy.d.ts');
  const header = '/******************************************************************************\n' +
    ' * This file was generated from grammar/policy/parser.ts by generateCstDts\n' +
    ' * (UPDATE_GOLDEN=1 npx ava test/grammar/policy.test.ts rewrites it).\n' +
    ' * DO NOT EDIT MANUALLY!\n' +
    ' ******************************************************************************/\n';
  const want = header + generateCstDts(new PolicyParser().getGAstProductions(), { includeVisitorInterface: false });
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, want);
  t.is(readFileSync(file, 'utf8'), want);
});
