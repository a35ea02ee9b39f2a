import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticCode } from '../../src/model/diagnostics.js';
import { importNsxFiles, importNsxJson, looksLikeNsxJson } from '../../src/policy/nsx-import.js';
import { CORPUS } from '../helpers/paths.js';

/**
 * NSX Policy API importer: every real export of shared/corpus/nsx-policy-json and every
 * nsxanalyzer case input imports without errors; field-by-field checks on a few objects;
 * every field not read is reported with its JSON path.
 */

const REAL = join(CORPUS, 'nsx-policy-json');
const CASES = join(CORPUS, 'nsx-analyzer-cases');

const read = (f: string) => readFileSync(f, 'utf8');
const errors = <T extends { severity: string }>(ds: T[]): T[] => ds.filter((d) => d.severity === 'error');

const caseConfigs = [
  ...readdirSync(CASES).map((d) => join(CASES, d, 'config.json')),
  ...readdirSync(join(CASES, 'derived')).map((d) => join(CASES, 'derived', d, 'config.json')),
].filter((f) => existsSync(f));

for (const f of readdirSync(REAL).filter((x) => x.endsWith('.json'))) {
  test(`real export ${f} imports without errors or unknown fields`, (t) => {
    const r = importNsxJson(read(join(REAL, f)), f);
    t.deepEqual(errors(r.diagnostics), []);
    t.deepEqual(r.diagnostics.filter((d) => d.code === DiagnosticCode.PolicyUnknownField), []);
    t.true(looksLikeNsxJson(read(join(REAL, f))));
  });
}

test(`all ${caseConfigs.length} nsxanalyzer case inputs import without errors`, (t) => {
  t.is(caseConfigs.length, 39);
  for (const f of caseConfigs) {
    const r = importNsxJson(read(f), f);
    t.deepEqual(errors(r.diagnostics), [], f);
    t.is(r.value.services.length, 412, f);
  }
});

test('resources container: VMs, vNICs, segments, groups, rules field by field', (t) => {
  const f = join(CASES, 'Example1dExternalWithSegments', 'config.json');
  const r = importNsxJson(read(f), f).value;
  t.deepEqual(r.vms.map((v) => [v.id, v.name, v.vnics.map((n) => [n.attachment, n.ips, n.segment])]), [
    ['A', 'A', [['port_A', ['0.0.1.0'], 'seg_a_and_b']]],
    ['B', 'B', [['port_B', ['0.0.1.192'], 'seg_a_and_b']]],
    ['C-no-address', 'C-no-address', [['port_C-no-address', [], 'seg_c']]],
  ]);
  t.deepEqual(r.segments.map((s) => [s.path, s.subnets]), [['seg_c', ['0.0.2.0/24']], ['seg_a_and_b', ['0.0.1.0/24']]]);
  const p = r.policies[0];
  t.is(p?.category, 'Application');
  const icmp = p?.rules[2];
  t.like(icmp, { ruleId: 1006, action: 'ALLOW', direction: 'IN_OUT', sources: ['0.0.0.0/0'], destinations: ['0.0.0.0/0'], scope: ['ANY'], index: 2 });
  t.like(icmp?.serviceEntries[0], { kind: 'icmp', version: 4, type: null, code: null });
  t.is(icmp?.at.path, '$.domains[0].resources.security_policies[0].rules[2]');
});

test('services: L4 source/destination ports and ranges, ICMP type/code, ALG and IGMP entries', (t) => {
  const f = 'np-guard-vmware-analyzer--default-services-subset.json';
  const s = new Map(importNsxJson(read(join(REAL, f)), f).value.services.map((x) => [x.path.replace('/infra/services/', ''), x]));
  t.like(s.get('DNS-IN')?.entries[0], { kind: 'l4', protocol: 'TCP', srcPorts: [[53, 53]], dstPorts: [] });
  t.like(s.get('RFB')?.entries[0], { kind: 'l4', dstPorts: [[5900, 5964]] });
  t.like(s.get('ICMP_Echo_Request')?.entries[0], { kind: 'icmp', version: 4, type: 8, code: 0 });
  t.like(s.get('ICMP_Destination_Unreachable')?.entries[0], { kind: 'icmp', type: 3, code: null });
  t.deepEqual(s.get('ICMP-ALL')?.entries.map((e) => (e.kind === 'icmp' ? e.version : 0)).sort(), [4, 6]);
  t.like(s.get('FTP')?.entries[0], { kind: 'alg', alg: 'FTP', dstPorts: [[21, 21]] });
  t.like(s.get('IGMP_Leave_Group')?.entries[0], { kind: 'igmp' });
  t.is(s.get('SMB')?.path, '/infra/services/SMB');
});

test('hierarchical Infra: ChildDomain / ChildSecurityPolicy / ChildRule / ChildGroup, REJECT kept', (t) => {
  const f = 'vmware-samples-nsx-t--3-tier-app.hapi.json';
  const r = importNsxJson(read(join(REAL, f)), f).value;
  t.deepEqual(r.policies.map((p) => [p.id, p.category, p.rules.map((x) => `${x.id}:${x.action}`)]), [
    ['Allow-SQL', 'Application', ['allow-mysql:ALLOW']],
    ['Allow-HTTP', 'Application', ['allow-80-443:ALLOW']],
    ['Ops', 'Infrastructure', ['Allow-SSH:REJECT', 'Allow-ICMP:ALLOW']],
  ]);
  t.true(r.groups.some((g) => g.path === '/infra/domains/default/groups/db-vms'));
  t.like(r.groups.find((g) => g.path === '/infra/domains/default/groups/db-vms')?.expression[0], { kind: 'condition', key: 'Tag', value: 'db' });
  t.deepEqual(r.segments.map((s) => [s.path, s.subnets]), [['/infra/segments/3Tier', ['192.168.1.0/24']], ['/infra/segments/Client', ['192.168.5.0/24']]]);
});

test('HAPI with sequence numbers, rule scope and string booleans (docs example)', (t) => {
  const f = 'np-guard-vmware-analyzer--docs-example.hapi.json';
  const r = importNsxJson(read(join(REAL, f)), f).value;
  const p = r.policies[0];
  t.is(p?.category, null, 'no category: least precedence');
  t.deepEqual(p?.rules.map((x) => x.sequenceNumber), [50, 60, 70, 80, 90, 100]);
  t.deepEqual(p?.rules[0]?.scope, ['/infra/domains/default/groups/WEBAPP']);
  t.is(r.services[0]?.path, '/infra/services/tcp_8443');
  t.like(r.groups.find((g) => g.name === 'MGMT')?.expression[0], { kind: 'ip', addresses: ['192.168.100.1/32', '192.168.110.10/32'] });
});

test('a lone GET rule and a search result: rules joined to their policy by path, sequence numbers kept', (t) => {
  const a = 'dod-compliance--nsx41-default-layer3-rule.get.json';
  const b = 'dod-compliance--nsxt323-default-layer3-section-rules.search.json';
  const one = importNsxJson(read(join(REAL, a)), a).value;
  t.like(one.policies[0], { id: 'default-layer3-section', category: 'Application' });
  t.like(one.policies[0]?.rules[0], { ruleId: 2, action: 'ALLOW', sequenceNumber: 2147483647, disabled: false, ipProtocol: 'IPV4_IPV6' });
  const list = importNsxJson(read(join(REAL, b)), b).value;
  t.is(list.policies.length, 1);
  t.deepEqual(list.policies[0]?.rules.map((x) => [x.ruleId, x.sequenceNumber]), [[2, 2147483647], [4, 50000], [3, 25000]]);
});

test('unknown and unsupported fields are reported with their JSON path', (t) => {
  const doc = {
    results: [
      {
        resource_type: 'SecurityPolicy',
        id: 'p',
        category: 'Application',
        frobnicate: 1,
        rules: [{ resource_type: 'Rule', id: 'r', action: 'ALLOW', rule_id: 5, profiles: ['/infra/context-profiles/HTTP'], wobble: true, service_entries: [{ resource_type: 'L4PortSetServiceEntry', l4_protocol: 'TCP', destination_ports: ['99999'], zap: 1 }] }],
      },
    ],
    result_count: 1,
  };
  const r = importNsxJson(JSON.stringify(doc), 'x.json');
  const by = (code: string) => r.diagnostics.filter((d) => d.code === code).map((d) => d.text);
  t.deepEqual(by(DiagnosticCode.PolicyUnknownField), ['$.results[0].frobnicate', '$.results[0].rules[0].wobble', '$.results[0].rules[0].service_entries[0].zap']);
  t.deepEqual(by(DiagnosticCode.PolicyUnsupportedField), ['$.results[0].rules[0].profiles']);
  t.deepEqual(by(DiagnosticCode.PolicyOutOfRange), ['$.results[0].rules[0].service_entries[0].destination_ports']);
});

test('several files form one export: a services catalog next to a policy file, vNICs joined across files', (t) => {
  const r = importNsxFiles([
    { file: 'vms.json', text: JSON.stringify({ results: [{ resource_type: 'VirtualMachine', external_id: 'v1', display_name: 'web-1' }] }) },
    { file: 'vifs.json', text: JSON.stringify({ results: [{ resource_type: 'VirtualNetworkInterface', owner_vm_id: 'v1', ip_address_info: [{ ip_addresses: ['10.0.0.5'] }] }] }) },
    { file: 'bad.json', text: '{ not json' },
  ]);
  t.deepEqual(r.value.vms[0]?.vnics[0]?.ips, ['10.0.0.5']);
  t.deepEqual(errors(r.diagnostics).map((d) => d.span.file), ['bad.json']);
});
