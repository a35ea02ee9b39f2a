/**
 * `.dfw` -> the tiered policy model (src/parse/policy-visitor.ts): the model of the bundled F5 case,
 * the NSX -> endpoint projection, tier families, diagnostics by code and span (positions marked
 * inline with <|...|>, STYLE habit 14), every file in rules/ clean, and every corpus getrules rule
 * line pasted into a policy block reading the same as parseGetrules reads it.
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseGetrules } from '../../src/parse/getrules.js';
import { checkPolicyFiles } from '../../src/parse/policy-check.js';
import { FilterLabel, parsePolicyFile, parsePolicyFiles, type DfwPolicyDocument } from '../../src/parse/policy-visitor.js';
import type { Peer, Policy, PolicyRule } from '../../src/model/policy.js';
import type { SourceSpan } from '../../src/model/source-span.js';

const ROOT = process.cwd();
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

function load(rel: string): DfwPolicyDocument {
  const r = parsePolicyFile(read(rel), rel);
  if (r.diagnostics.length > 0) throw new Error(`${rel}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.value;
}

function policy(doc: DfwPolicyDocument, name: string): Policy {
  const p = doc.policySet.policies.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}`);
  return p;
}

/** A peer in short text: `g:name`, `ip:cidr`, `filter:id`, `any`. */
function peerText(p: Peer): string {
  switch (p.kind) {
    case 'group':
      return `g:${p.name}`;
    case 'ip-block':
      return `ip:${p.block.cidr}${p.block.except.length ? ` except ${p.block.except.join(',')}` : ''}`;
    case 'vms':
      return Object.entries(p.selector.matchLabels).map(([k, v]) => (k === FilterLabel.filter ? `filter:${v}` : k === FilterLabel.vm ? `vm:${v}` : `${k}=${v}`)).join('&');
    default:
      return p.kind;
  }
}

/** A rule in short text, e.g. `1795#0 ingress allow [g:x] -> [filter:a] TCP:22`. */
function ruleText(r: PolicyRule): string {
  const ports = r.ports.map((p) =>
    p.kind === 'l4' ? `${p.protocol}:${p.port.kind === 'range' ? (p.port.lo === p.port.hi ? p.port.lo : `${p.port.lo}-${p.port.hi}`) : p.port.kind}`
    : p.kind === 'icmp' ? `icmp:${p.icmpType ?? '*'}` : `proto:${p.protocol}`,
  );
  const applied = r.appliedTo === null ? 'policy' : `[${r.appliedTo.map(peerText).join(' ')}]`;
  return `${r.id}#${r.index} ${r.direction} ${r.action} [${r.peers.map(peerText).join(' ')}] -> ${applied}${ports.length ? ` ${ports.join(',')}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// The F5 case
// ---------------------------------------------------------------------------------------------

test('f5-promiscuous: NSX categories, policies in written order, Default and Ethernet tiers', (t) => {
  const doc = load('rules/f5-promiscuous.dfw');
  t.is(doc.family, 'nsx');
  t.deepEqual(doc.policySet.tiers.map((x) => `${x.name}:${x.priority}`), [
    'Ethernet:10', 'Emergency:20', 'Infrastructure:30', 'Environment:40', 'Application:50', 'Default:60',
  ]);
  t.deepEqual(
    doc.policySet.policies.map((p) => `${p.name}@${p.tier}/${p.priority}`),
    ['admin-ssh@Application/1', 'f5-vip@Application/2', 'f5-pool@Application/3', 'dns@Application/4',
      'f5-hardening@Application/5', 'default-section@Default/6', 'default-app@Default/7', 'default-f5@Default/8', 'l2-default@Ethernet/9'],
  );
  t.true(doc.policySet.policies.every((p) => p.kind === 'nsx' && p.namespace === null));
  t.deepEqual(policy(doc, 'f5-hardening').appliedTo.map(peerText), ['g:f5']);
  t.deepEqual(policy(doc, 'default-section').appliedTo.map(peerText), ['any']);
  t.deepEqual(doc.excluded, []);
});

test('f5-promiscuous: filters become the inventory, with hashes, VM names and addresses', (t) => {
  const doc = load('rules/f5-promiscuous.dfw');
  t.deepEqual(
    doc.inventory.vms.map((v) => [v.name, v.filterHash, v.filterName, v.ips.join(' '), v.labels[FilterLabel.vm]]),
    [
      ['app-ssh-01', '28341', 'nic-11240904-eth0-vmware-sfw.2', '10.68.145.170', 'app-ssh-01'],
      ['f5-bigip-01-eth0', '53209', 'nic-11251234-eth0-vmware-sfw.2', '', 'f5-bigip-01'],
      ['f5-bigip-01-eth1', '53210', 'nic-11251234-eth1-vmware-sfw.2', '10.68.145.5 10.68.145.10', 'f5-bigip-01'],
    ],
  );
  const f5 = doc.policySet.groups.find((g) => g.name === 'f5');
  t.deepEqual(f5?.members.map(peerText), ['vm:f5-bigip-01']);
  t.deepEqual(doc.policySet.groups.find((g) => g.name === 'ip-securitygroup-32')?.members.map(peerText), ['ip:10.68.145.170', 'ip:10.68.145.171']);
});

test('f5-promiscuous: rules projected per direction, near side limited to the filters in scope', (t) => {
  const doc = load('rules/f5-promiscuous.dfw');
  const rules = (name: string) => policy(doc, name).rules.map(ruleText);
  // from admins to ssh-servers: IN on the ssh server (the only declared filter owning .170), OUT on
  // a filter owning an admin address (none is declared).
  t.deepEqual(rules('admin-ssh'), [
    '1795#0 ingress allow [g:ip-securitygroup-31] -> [filter:app-ssh-01] TCP:22',
    '1795#0 egress allow [g:ip-securitygroup-32] -> [] TCP:22',
  ]);
  // an exploded rule keeps its id; the block position is the rule index
  t.deepEqual(rules('f5-vip'), [
    '1031#0 ingress allow [] -> [filter:f5-bigip-01-eth1] TCP:443',
    '1031#0 egress allow [g:ip-securitygroup-40] -> policy TCP:443',
    '1031#1 ingress allow [] -> [filter:f5-bigip-01-eth1] TCP:80',
    '1031#1 egress allow [g:ip-securitygroup-40] -> policy TCP:80',
  ]);
  t.deepEqual(rules('f5-hardening'), ['1026#0 inout reject [] -> policy']);
  t.deepEqual(rules('default-section'), [
    '1003#0 inout allow [] -> policy icmp:136',
    '1003#1 inout allow [] -> policy icmp:135',
    '1002#2 inout allow [] -> policy UDP:67',
    '1002#3 inout allow [] -> policy UDP:68',
  ]);
  const r1026 = policy(doc, 'f5-hardening').rules[0];
  t.is(r1026?.logging, true);
  t.is(r1026?.logLabel, 'default-deny');
  // The L2 accept (1004) lets frames on to the L3 categories: no verdict for IP traffic, so no rule;
  // the statement is kept as written.
  const l2 = policy(doc, 'l2-default');
  t.true(l2.kind === 'nsx' && l2.stateful);
  t.deepEqual(l2.rules, []);
  t.like(doc.statements.find((x) => x.fields.ruleId === 1004)?.fields, { ethertype: 'any', action: 'accept' });
  const drop = parsePolicyFile('policy l2 tier Ethernet { rule 1 inout ethertype any from any to any drop; rule 2 inout ethertype 0x0806 from any to any drop; }', 'l2.dfw');
  t.deepEqual(drop.value.policySet.policies[0]?.rules.map(ruleText), ['1#0 inout drop [] -> policy']);
});

test('f5-promiscuous: every object has its span, statements keep the realized fields', (t) => {
  const text = read('rules/f5-promiscuous.dfw');
  const doc = load('rules/f5-promiscuous.dfw');
  const at = (span: SourceSpan) => text.slice(span.offset, span.offset + span.length);
  const p = policy(doc, 'admin-ssh');
  t.true(at(p.span).startsWith('policy admin-ssh applied-to app-servers, f5 {'));
  t.true(at(p.span).endsWith('}'));
  const r = p.rules[0];
  t.truthy(r);
  if (!r) return;
  const lineNo = text.split('\n').findIndex((l) => l.includes('rule 1795')) + 1;
  t.like(r.span, { file: 'rules/f5-promiscuous.dfw', line: lineNo, column: 3 });
  t.true(at(r.span).startsWith('rule 1795 at 1 inout') && at(r.span).endsWith("tag '12345_ADMIN';"));
  const filter = doc.filters.find((f) => f.id === 'app-ssh-01');
  t.true(filter !== undefined && at(filter.span).startsWith('filter app-ssh-01'));
  const group = doc.policySet.groups.find((g) => g.name === 'ip-securitygroup-31');
  t.is(group && at(group.span), 'group ip-securitygroup-31 { ip 10.68.0.0/24 }');
  const s = doc.statements.find((x) => x.fields.ruleId === 1795);
  t.like(s?.fields, { position: 1, direction: 'inout', protocol: 'tcp', action: 'accept', log: true, tag: '12345_ADMIN' });
  t.deepEqual(s?.fields.dstPorts, [{ lo: 22, hi: 22 }]);
  t.is(s?.rules.length, 2);
});

test('f5-exclude overlay: the F5 VM excludes both of its filters', (t) => {
  const files = ['rules/f5-promiscuous.dfw', 'rules/f5-exclude.dfw'];
  const r = parsePolicyFiles(files.map((file) => ({ file, text: read(file) })));
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.value.excluded, ['f5-bigip-01-eth0', 'f5-bigip-01-eth1']);
  t.like(r.value.exclusions[0], { ref: 'f5-bigip-01', span: { file: 'rules/f5-exclude.dfw', column: 9 } });
  t.is(r.value.policySet.policies.length, 9);
});

// ---------------------------------------------------------------------------------------------
// Language features
// ---------------------------------------------------------------------------------------------

test('antrea model: custom tier, float priority, pass/allow, baseline, label groups, except', (t) => {
  const r = parsePolicyFile(
    `model antrea
tier Quarantine priority 75
filter w ip 10.0.0.1 labels { app: web, tier: front }
group web { labels { app: web } }
group corp { ip 10.0.0.0/8 except 10.5.0.0/16, 192.168.1.10-192.168.1.17 }
policy a tier SecurityOps priority 1.5 applied-to web {
  rule 1 in protocol tcp from addrset corp to any port 22 pass;
  rule 2 out protocol udp from any to ip 10.9.9.9 port 53 allow;
}
policy q tier quarantine priority 2 { rule 3 at 7 inout protocol icmp icmptype 8 from any to any drop; }
policy b tier baseline priority 1 applied-to web { rule 4 in protocol any from any to any reject; }
`,
    'x.dfw',
  );
  t.deepEqual(r.diagnostics, []);
  const doc = r.value;
  t.is(doc.family, 'antrea');
  const q = doc.policySet.tiers.find((x) => x.name === 'Quarantine');
  t.like(q, { priority: 75, kind: 'antrea-custom', stage: 'tiered', span: { line: 2, column: 1 } });
  t.deepEqual(doc.policySet.policies.map((p) => `${p.name}@${p.tier}/${p.priority}`), ['a@securityops/1.5', 'q@Quarantine/2', 'b@baseline/1']);
  t.deepEqual(doc.policySet.policies.flatMap((p) => p.rules.map(ruleText)), [
    '1#0 ingress pass [g:corp] -> policy TCP:22',
    '2#1 egress allow [ip:10.9.9.9] -> policy UDP:53',
    '3#0 inout drop [] -> policy icmp:8',
    '4#0 ingress reject [] -> policy',
  ]);
  t.deepEqual(doc.policySet.groups.find((g) => g.name === 'corp')?.members.map(peerText), [
    'ip:10.0.0.0/8 except 10.5.0.0/16',
    // `except` belongs to its own entry; a range becomes the CIDRs that cover it exactly
    'ip:192.168.1.10/31',
    'ip:192.168.1.12/30',
    'ip:192.168.1.16/31',
  ]);
  t.deepEqual(doc.inventory.vms[0]?.labels, { app: 'web', tier: 'front', [FilterLabel.filter]: 'w' });
});

test('no model header: NSX unless a tier name says Antrea; policies default to Application', (t) => {
  const nsx = parsePolicyFile('policy p { rule 1 inout protocol any from any to any accept; }', 'a.dfw');
  t.is(nsx.value.family, 'nsx');
  t.is(nsx.value.policySet.policies[0]?.tier, 'Application');
  const antrea = parsePolicyFile('policy p tier NetworkOps { rule 1 inout protocol any from any to any accept; }', 'b.dfw');
  t.is(antrea.value.family, 'antrea');
  t.is(antrea.value.policySet.policies[0]?.tier, 'networkops');
  t.deepEqual(antrea.diagnostics, []);
});

test('objects may be used before they are declared; hashes and VM names work as references', (t) => {
  const r = parsePolicyFile(
    `policy p applied-to 8b4a1980, vm-b { rule 1 inout protocol any from addrset later to any accept; }
filter a hash 8b4a1980 vm vm-a ip 10.1.1.1
filter b hash 77 vm vm-b ip 10.1.1.2
group later { members a }
exclude 77`,
    'c.dfw',
  );
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.value.policySet.policies[0]?.appliedTo.map(peerText), [`${FilterLabel.hash}=8b4a1980`, 'vm:vm-b']);
  t.deepEqual(r.value.policySet.policies[0]?.rules.map(ruleText), [
    '1#0 ingress allow [g:later] -> policy',
    '1#0 egress allow [] -> [filter:a]',
  ]);
  t.deepEqual(r.value.excluded, ['b']);
});

// ---------------------------------------------------------------------------------------------
// Semantic diagnostics: code and span (positions marked with <|...|>)
// ---------------------------------------------------------------------------------------------

/** Strips `<|` `|>` markers and returns the text plus the marked spans (line, column, length). */
function marked(src: string): { text: string; spans: Array<{ line: number; column: number; length: number }> } {
  const spans: Array<{ line: number; column: number; length: number }> = [];
  let text = '';
  let open: { line: number; column: number; at: number } | null = null;
  let line = 1;
  let column = 1;
  for (let i = 0; i < src.length; i++) {
    if (src.startsWith('<|', i)) {
      open = { line, column, at: text.length };
      i++;
      continue;
    }
    if (src.startsWith('|>', i) && open) {
      spans.push({ line: open.line, column: open.column, length: text.length - open.at });
      open = null;
      i++;
      continue;
    }
    const c = src[i] ?? '';
    text += c;
    if (c === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return { text, spans };
}

const semantic: Array<[string, string, string]> = [
  ['unknown addrset group', 'rules/unknown-addrset', 'policy p { rule 1 inout protocol any from addrset <|nope|> to any accept; }'],
  ['unknown applied-to', 'policy/unknown-reference', 'policy p applied-to <|nope|> { }'],
  ['unknown member', 'policy/unknown-reference', 'group g { members <|ghost|> }'],
  ['unknown exclude', 'policy/unknown-reference', 'exclude <|ghost|>'],
  ['unknown tier', 'policy/unknown-tier', 'policy p tier <|Gold|> { }'],
  ['tier of the other family', 'policy/tier-family', 'model nsx\npolicy p tier <|Platform|> { }'],
  ['custom tier in NSX', 'policy/tier-family', 'model nsx\n<|tier X priority 5|>'],
  ['reserved tier priority', 'policy/out-of-range', 'model antrea\ntier X priority <|250|>'],
  ['duplicate policy', 'policy/duplicate-name', 'policy p { }\npolicy <|p|> { }'],
  ['duplicate group', 'policy/duplicate-name', 'group g { }\ngroup <|g|> { }'],
  ['duplicate filter hash', 'policy/duplicate-hash', 'filter a hash 7\nfilter b hash <|7|>'],
  ['port out of range', 'policy/out-of-range', 'policy p { rule 1 in protocol tcp from any to any port <|65536|> accept; }'],
  ['empty port range', 'policy/out-of-range', 'policy p { rule 1 in protocol tcp from any to any port <|9-3|> accept; }'],
  ['ports without tcp/udp', 'policy/invalid', 'policy p { rule 1 in protocol any from any to any port <|22|> accept; }'],
  ['bad CIDR', 'policy/bad-address', 'group g { ip <|10.0.0.0/40|> }'],
  ['bad rule address', 'policy/bad-address', 'policy p { rule 1 in protocol any from ip <|10.0.0.256|> to any accept; }'],
  ['pass in baseline', 'policy/invalid', 'policy p tier Baseline { rule 1 in protocol any from any to any <|pass|>; }'],
  ['punt', 'policy/unsupported-field', 'policy p { rule 1 in protocol any from any to any <|punt|>; }'],
  ['negated endpoint', 'policy/unsupported-field', 'group g { }\npolicy p { rule 1 in protocol any from <|not addrset g|> to any accept; }'],
  ['at going down', 'policy/rule-order', 'policy p {\n  rule 1 at 5 in protocol any from any to any accept;\n  <|rule 2 at 4 in protocol any from any to any accept;|>\n}'],
  ['same priority in a tier', 'policy/duplicate-priority', 'policy p priority 3 { }\npolicy <|q|> priority 3 { }'],
  ['unknown model', 'policy/invalid', 'model <|vmc|>'],
  ['group cycle', 'policy/invalid', 'group a { members b }\ngroup b { members <|a|> }'],
  ['IP-only group as applied-to', 'policy/invalid', 'group ips { ip 10.0.0.0/8 }\npolicy p applied-to <|ips|> { }'],
];

for (const [name, code, src] of semantic) {
  test(`diagnostic: ${name} -> ${code}`, (t) => {
    const { text, spans } = marked(src);
    const r = parsePolicyFile(text, 'm.dfw');
    t.deepEqual(
      r.diagnostics.map((d) => ({ code: d.code, line: d.span.line, column: d.span.column, length: d.span.length })),
      spans.map((s) => ({ code, ...s })),
    );
  });
}

test('the policy set carries the diagnostics; a recovered rule is left out, the others stay', (t) => {
  const r = parsePolicyFile(
    'policy p {\n  rule 1 at 1 inout protocol tcp from any port 22 accept;\n  rule 2 at 2 inout protocol tcp from any to any port 22 accept;\n}',
    'r.dfw',
  );
  t.deepEqual(r.diagnostics.map((d) => d.code), ['parse/mismatched-token']);
  t.is(r.value.policySet.diagnostics, r.diagnostics);
  t.deepEqual(r.value.policySet.policies[0]?.rules.map((x) => x.id), ['2']);
});

// ---------------------------------------------------------------------------------------------
// rules/ and the corpus
// ---------------------------------------------------------------------------------------------

test('every file in rules/ parses with zero diagnostics (overlays together with their base)', (t) => {
  const files = readdirSync(path.join(ROOT, 'rules')).filter((f) => f.endsWith('.dfw')).sort();
  t.true(files.length >= 4);
  for (const f of files) {
    const rel = `rules/${f}`;
    // An overlay names its base on its first line: `# overlay on: rules/<base>.dfw`.
    const base = /^# overlay on: (\S+)/.exec(read(rel))?.[1];
    const r = checkPolicyFiles(base ? [base, rel] : [rel]);
    t.is(r.exitCode, 0, `${rel}\n${r.output}`);
    t.deepEqual(r.diagnostics, [], rel);
    t.regex(r.output, /^ok: /, rel);
  }
});

test('checkPolicyFiles: exit 2 and rendered diagnostics on errors, unreadable files reported', (t) => {
  const r = checkPolicyFiles(['rules/f5-exclude.dfw', 'rules/does-not-exist.dfw']);
  t.is(r.exitCode, 2);
  t.is(
    r.output,
    'rules/does-not-exist.dfw:1:1  error  input/unreadable  cannot read the file (ENOENT)\n' +
      "rules/f5-exclude.dfw:12:9  error  policy/unknown-reference  cannot exclude 'f5-bigip-01': no filter, VM or hash has that name\n" +
      '  exclude f5-bigip-01\n          ^^^^^^^^^^^\n',
  );
});

const CORPUS = path.resolve(ROOT, '../shared/corpus/vsipioctl');
const corpusFiles = readdirSync(CORPUS).filter((f) => /^getrules-.*\.txt$/.test(f) && !f.includes('flattened')).sort();

test('every corpus getrules rule line pasted into a policy block reads as parseGetrules reads it', (t) => {
  let compared = 0;
  for (const f of corpusFiles) {
    const got = parseGetrules(readFileSync(path.join(CORPUS, f), 'utf8'), f);
    const rules = got.value.rulesets.flatMap((rs) => rs.rules);
    if (rules.length === 0) continue;
    // Groups named after every addrset the rules use, so the names resolve.
    const names = new Set<string>();
    for (const r of rules) for (const e of [r.src, r.dst]) {
      const x = e.kind === 'not' ? e.of : e;
      if (x.kind === 'addrset') names.add(x.name);
    }
    const groups = [...names].map((n) => `group ${n} { ip 10.0.0.1 }`).join('\n');
    const block = `${groups}\npolicy pasted {\n${rules.map((r) => `  ${r.text}`).join('\n')}\n}\n`;
    const doc = parsePolicyFile(block, f);
    t.deepEqual(doc.diagnostics.filter((d) => d.code.startsWith('parse/') || d.code.startsWith('lex/')), [], f);
    t.is(doc.value.statements.length, rules.length, f);
    rules.forEach((r, i) => {
      const { ruleset: _rs, section: _s, index: _i, span: _sp, text: _t, ...want } = r;
      t.deepEqual(doc.value.statements[i]?.fields, want, `${f}: ${r.text}`);
      compared++;
    });
  }
  t.true(compared > 100, `compared ${compared} rule lines`);
});

test('the design sketch of the language parses as written', (t) => {
  const r = parsePolicyFile(
    `# comments with '#' to end of line
tier Quarantine priority 75
filter app-ssh-01 hash 28341 name nic-11240904-eth0-vmware-sfw.2 vm app-ssh-01 ip 10.68.145.170 labels { app: ssh, env: prod }
filter f5-bigip-01 hash 53210 vm f5-bigip-01 ip 10.68.145.10
group admins { ip 10.68.0.0/24 }
group ssh-servers { ip 10.68.145.170, 10.68.145.171 }
group web { labels { app: web } }
group f5 { members f5-bigip-01 }
exclude f5-bigip-01
policy f5-hardening tier Application priority 10 applied-to f5 {
  rule 1026 at 1 inout protocol any from any to any reject with log tag 'default-deny';
}
policy admin-ssh tier SecurityOps priority 1.5 applied-to any {
  rule 1795 at 1 inout protocol tcp from addrset admins to addrset ssh-servers port 22 accept with log tag '12345_ADMIN';
  rule 1796 at 2 in protocol tcp from any to addrset ssh-servers port 22 pass;     # pass = skip to the next stage
}
`,
    'sketch.dfw',
  );
  t.deepEqual(r.diagnostics, []);
  t.is(r.value.family, 'antrea');
  t.deepEqual(r.value.excluded, ['f5-bigip-01']);
  t.deepEqual(r.value.policySet.policies.map((p) => `${p.name}@${p.tier}/${p.priority}`), ['f5-hardening@application/10', 'admin-ssh@securityops/1.5']);
  t.deepEqual(r.value.policySet.policies[1]?.rules.map(ruleText), [
    '1795#0 ingress allow [g:admins] -> [filter:app-ssh-01] TCP:22',
    '1795#0 egress allow [g:ssh-servers] -> [] TCP:22',
    '1796#1 ingress pass [] -> [filter:app-ssh-01] TCP:22',
  ]);
});
