/**
 * Every vsipioctl corpus file (../shared/corpus/vsipioctl): exact counts of rulesets / rules /
 * addrsets / entries / filters, counted by reading the files with grep (not from the parser), plus
 * field-by-field checks of real rules. Flattened files must be rejected with input/flattened.
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseGetrules } from '../../src/parse/getrules.js';
import { parseGetaddrsets } from '../../src/parse/getaddrsets.js';
import { parseGetfilters } from '../../src/parse/getfilters.js';
import { parseSummarizeDvfilter } from '../../src/parse/summarize-dvfilter.js';
import { parseVsipCapture, sniffVsipioctl } from '../../src/parse/vsipioctl-capture.js';
import type { RealizedRule } from '../../src/model/rule.js';

const DIR = path.resolve(process.cwd(), '../shared/corpus/vsipioctl');
const read = (f: string) => readFileSync(path.join(DIR, f), 'utf8');
const noProblems = (ds: { severity: string }[]) => ds.filter((d) => d.severity !== 'info');

// ---- getrules: [ruleset name, rule count] per file, and the prompt's filter ----
// Counted with: awk '/ruleset [^ ]+ \{/{...} /^[ ]*(# internal # )?rule [0-9]+ at/{n++}' <file>
const GETRULES: Record<string, { filter: string | null; rulesets: Array<[string, number]> }> = {
  'getrules-nsx4-1.txt': { filter: null, rulesets: [['mainrs', 4]] },
  'getrules-nsx4-2.txt': { filter: null, rulesets: [['mainrs', 1]] },
  'getrules-nsx4-3.txt': { filter: null, rulesets: [['mainrs', 4]] },
  'getrules-nsx4-4.txt': { filter: null, rulesets: [['mainrs', 1]] },
  'getrules-nsx4-5.txt': { filter: null, rulesets: [['mainrs', 1]] },
  'getrules-nsx4-6.txt': { filter: null, rulesets: [['mainrs', 4], ['mainrs_L2', 1]] },
  'getrules-nsx4-7.txt': { filter: null, rulesets: [['mainrs', 2]] },
  'getrules-nsx4-8.txt': { filter: null, rulesets: [['mainrs', 1]] },
  'getrules-nsx4-9.txt': { filter: 'nic-1085633-eth0-vmware-sfw.2', rulesets: [['mainrs', 5], ['mainrs_L2', 1]] },
  'getrules-nsx9-1.txt': { filter: 'nic-1056617-eth0-vmware-sfw.2', rulesets: [['mainrs', 13]] },
  'getrules-nsx9-2.txt': { filter: 'nic-1056658-eth0-vmware-sfw.2', rulesets: [['mainrs', 12]] },
  'getrules-nsx9-3.txt': { filter: 'nic-1164294-eth0-vmware-sfw.2', rulesets: [['mainrs', 12]] },
  'getrules-nsxv-1.txt': { filter: 'nic-36445-eth0-vmware-sfw.2', rulesets: [['domain-c28', 15], ['domain-c28_L2', 1]] },
  'getrules-nsxv-2.txt': { filter: 'nic-689859-eth0-vmware-sfw.2', rulesets: [['domain-c7', 6], ['domain-c7_L2', 1]] },
  'getrules-nsxv-3.txt': { filter: 'nic-704448-eth0-vmware-sfw.2', rulesets: [['domain-c7', 5], ['domain-c7_L2', 1]] },
  'getrules-nsxv-4.txt': { filter: 'nic-704448-eth0-vmware-sfw.2', rulesets: [['domain-c7', 6], ['domain-c7_L2', 1]] },
  'getrules-nsxv-5.txt': { filter: 'nic-689859-eth0-vmware-sfw.2', rulesets: [['domain-c7', 6], ['domain-c7_L2', 1]] },
  'getrules-nsxv-6.txt': { filter: 'nic-4265096-eth0-vmware-sfw.2', rulesets: [['domain-c26', 5]] },
  'getrules-nsxv-7.txt': { filter: 'nic-4265096-eth0-vmware-sfw.2', rulesets: [['domain-c26', 7]] },
  'getrules-nsxv-8.txt': { filter: 'nic-4265096-eth0-vmware-sfw.2', rulesets: [['domain-c26', 6]] },
  'getrules-nsxv-9.txt': { filter: 'nic-4265096-eth0-vmware-sfw.2', rulesets: [['domain-c26', 32]] },
  'getrules-nsxv-10.txt': { filter: 'nic-4265096-eth0-vmware-sfw.2', rulesets: [['domain-c26', 9]] },
  'getrules-nsxv-11.txt': { filter: 'nic-704448-eth0-vmware-sfw.2', rulesets: [['domain-c7', 6], ['domain-c7_L2', 1]] },
  'getrules-nsxv-fragment-1.txt': { filter: null, rulesets: [['', 24]] },
  'getrules-nsxv-fragment-2.txt': { filter: null, rulesets: [['', 2]] },
  'getrules-nsxv-fragment-3.underscored.txt': { filter: null, rulesets: [['', 2]] },
};

test('every getrules corpus file is in the table (none is skipped silently)', (t) => {
  const files = readdirSync(DIR).filter((f) => f.startsWith('getrules-') && !f.includes('flattened'));
  t.deepEqual(files.sort(), Object.keys(GETRULES).sort());
});

for (const [file, exp] of Object.entries(GETRULES)) {
  test(`corpus getrules counts: ${file}`, (t) => {
    const r = parseGetrules(read(file), file);
    t.deepEqual(r.value.rulesets.map((rs) => [rs.name, rs.rules.length]), exp.rulesets);
    t.is(r.value.filter, exp.filter);
    // Only the underscored fragment earns a warning (its `_` were read as blanks).
    t.deepEqual(noProblems(r.diagnostics).map((d) => d.severity), file.includes('underscored') ? ['warning'] : []);
    // The capture entry point finds the same document.
    const c = parseVsipCapture(read(file), file);
    t.deepEqual(c.value.getrules.map((d) => d.rulesets.map((rs) => rs.rules.length)), [exp.rulesets.map(([, n]) => n)]);
  });
}

function rulesOf(file: string, ruleset = 0): RealizedRule[] {
  return parseGetrules(read(file), file).value.rulesets[ruleset]?.rules ?? [];
}

test('NSX 9: port {67, 68}, inet6 icmptype, strict', (t) => {
  const rules = rulesOf('getrules-nsx9-1.txt');
  t.like(rules[5], { ruleId: 10217, position: 6, index: 5, protocol: 'udp', dstPorts: [{ lo: 67, hi: 67 }, { lo: 68, hi: 68 }], action: 'accept',
    section: 'FILTER (APP Category) rules', ruleset: 'mainrs', span: { line: 11, column: 3 } });
  t.like(rules[9], { ruleId: 3, position: 10, af: 'inet6', protocol: 'ipv6-icmp', icmpType: 136, icmpCode: null });
  t.like(rules[0], { ruleId: 12268, position: 1, protocol: 'tcp', strict: true, dstPorts: [{ lo: 80, hi: 80 }], action: 'drop', log: false });
  t.like(rules[7], { ruleId: 10219, src: { kind: 'addrset', name: '7a87cbca-ca80-4042-9507-558bb69b94c8' }, dst: { kind: 'addrset', name: '7a87cbca-ca80-4042-9507-558bb69b94c8' } });
  t.like(rules[12], { ruleId: 2, position: 13, protocol: 'any', src: { kind: 'any' }, dst: { kind: 'any' }, dstPorts: null, action: 'accept' });
  const rs = parseGetrules(read('getrules-nsx9-1.txt'), 'x').value.rulesets[0];
  t.like(rs, { generation: '0', realizationTime: '2025-07-27T21:30:00', layer: 'L3' });
});

test('NSX 9: icmptype 135 and the strict / non-strict pair 13288 / 13289', (t) => {
  const rules = rulesOf('getrules-nsx9-3.txt');
  t.like(rules[0], { ruleId: 13288, strict: true, dstPorts: [{ lo: 443, hi: 443 }] });
  t.like(rules[1], { ruleId: 13289, strict: false, dstPorts: [{ lo: 443, hi: 443 }] });
  t.like(rules[3], { ruleId: 5101, position: 4, protocol: 'ipv6-icmp', icmpType: 135 });
});

test('NSX-V exploded rule 1014: `as dcerpc` and its # internal # twin', (t) => {
  const rules = rulesOf('getrules-nsxv-9.txt');
  t.deepEqual(rules.map((r) => r.position), Array.from({ length: 32 }, (_, i) => i + 1));
  t.deepEqual(rules.map((r) => r.index), Array.from({ length: 32 }, (_, i) => i));
  t.is(rules.filter((r) => r.ruleId === 1014).length, 26);
  t.like(rules[20], { ruleId: 1014, position: 21, internal: false, protocol: 'tcp', dstPorts: [{ lo: 135, hi: 135 }], alg: 'dcerpc', action: 'accept' });
  t.like(rules[21], { ruleId: 1014, position: 22, internal: true, protocol: 'tcp', dstPorts: [{ lo: 135, hi: 135 }], alg: null, action: 'accept',
    text: '# internal # rule 1014 at 22 inout protocol tcp from any to any port 135 accept;', span: { line: 26, column: 1 } }); // grep -n internal
  t.is(rules.filter((r) => r.internal).length, 1);
  t.like(rules[26], { ruleId: 1013, dstPorts: [{ lo: 8887, hi: 8887 }, { lo: 8888, hi: 8888 }] });
  const rs = parseGetrules(read('getrules-nsxv-9.txt'), 'x').value.rulesets[0];
  t.like(rs, { generation: '1594624410674', realizationTime: '2020-07-13T07:13:41' });
  t.is(rules[0]?.section, null); // NSX-V 6.4 prints no section header
});

test('NSX-V 6.4.7 port sets: udp set of 10 ports, tcp set of 12', (t) => {
  const rules = rulesOf('getrules-nsxv-10.txt');
  t.deepEqual(rules[0]?.dstPorts?.map((p) => p.lo), [42, 53, 67, 88, 123, 137, 138, 389, 445, 464]);
  t.is(rules[1]?.dstPorts?.length, 12);
  t.like(rules[3], { internal: true, position: 4 });
});

test('NSX 4: with extended src, tag text, sections restart `at`', (t) => {
  const rules = rulesOf('getrules-nsx4-9.txt');
  t.like(rules[0], { ruleId: 16360, extensions: ['with extended src ba9e01bc-5779-4eb2-813e-4c5b8e3ff1bf'], action: 'drop', src: { kind: 'any' } });
  t.like(rules[3], { ruleId: 14316, action: 'drop', log: true, tag: 'alpine-drop', src: { kind: 'addrset', name: 'a34212cb-acb2-49b3-b74c-7683c0345a19' } });
  t.like(rules[4], { ruleId: 2, action: 'accept', log: true, tag: 'debug' });
  const l2 = rulesOf('getrules-nsx4-9.txt', 1);
  t.like(l2[0], { ruleId: 1, ruleset: 'mainrs_L2', protocol: null, ethertype: 'any', stateless: true, section: 'FILTER rules' });

  const n1 = rulesOf('getrules-nsx4-1.txt');
  t.deepEqual(n1.map((r) => [r.ruleId, r.position, r.section]), [
    [10216, 1, 'PRE_FILTER rules'], [10217, 1, 'FILTER (APP Category) rules'], [10217, 2, 'FILTER (APP Category) rules'], [2, 3, 'FILTER (APP Category) rules'],
  ]);
  t.like(n1[3], { action: 'reject', log: true, tag: 'debug' });
  t.like(rulesOf('getrules-nsx4-5.txt')[0], { section: 'FILTER (APP Category) rules', span: { line: 3, column: 2 } });
});

test('NSX-V 6.2: # Filter rules section, icmptype 0/8, L2 default', (t) => {
  const rules = rulesOf('getrules-nsxv-1.txt');
  t.like(rules[0], { ruleId: 1048, src: { kind: 'addrset', name: 'src1048' }, section: 'Filter rules' });
  t.like(rules[3], { ruleId: 1043, src: { kind: 'addrset', name: 'ip-virtualwire-1' }, dst: { kind: 'addrset', name: 'ip-virtualwire-2' }, dstPorts: [{ lo: 8080, hi: 8080 }], log: true });
  t.deepEqual(rules.filter((r) => r.protocol === 'icmp').map((r) => r.icmpType), [0, 8]);
  t.like(rulesOf('getrules-nsxv-1.txt', 1)[0], { ruleId: 1010, ethertype: 'any', stateless: false, protocol: null });
  t.like(rulesOf('getrules-nsxv-2.txt')[5], { ruleId: 1001, action: 'drop', log: true });
});

test('fragments: port range, internal twin with log, underscored `as ftp`', (t) => {
  const f1 = rulesOf('getrules-nsxv-fragment-1.txt');
  t.like(f1[8], { ruleId: 4525, position: 5785, dstPorts: [{ lo: 49152, hi: 65535 }], dst: { kind: 'addrset', name: 'dst8187' } });
  t.like(f1[14], { position: 5791, alg: 'dcerpc', log: true });
  t.like(f1[15], { position: 5792, internal: true, log: true, alg: null });
  const f3 = rulesOf('getrules-nsxv-fragment-3.underscored.txt');
  t.like(f3[0], { ruleId: 2693, position: 90, alg: 'ftp', src: { kind: 'addrset', name: 'ip-ipset-63' }, dst: { kind: 'addrset', name: 'ip-ipset-5' }, dstPorts: [{ lo: 21, hi: 21 }] });
});

test('the flattened getrules capture is rejected with input/flattened at line 1', (t) => {
  const file = 'getrules-nsxt-1.flattened-truncated.txt';
  for (const r of [parseGetrules(read(file), file), parseVsipCapture(read(file), file)]) {
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    t.is(errs.length, 1);
    t.like(errs[0], { code: 'input/flattened', span: { file, line: 1, column: 1 } });
  }
  t.deepEqual(parseGetrules(read(file), file).value.rulesets, []);
});

// ---- getaddrsets: [addrset, entry count] per file ----
// Counted with: grep -c '^addrset' and awk '/^addrset/{...} /^(ip|mac) /{n++}' <file>
const GETADDRSETS: Record<string, { filter: string; sets: Array<[string, number]> }> = {
  'getaddrsets-nsxv-1.txt': { filter: 'nic-36445-eth0-vmware-sfw.2', sets: [['ip-ipset-3', 4], ['ip-virtualwire-1', 7], ['ip-virtualwire-2', 5], ['src1048', 6]] },
  'getaddrsets-nsxv-2.txt': { filter: 'nic-689859-eth0-vmware-sfw.2', sets: [['ip-securitygroup-23', 0], ['ip-securitygroup-24', 0]] },
  'getaddrsets-nsxv-3.txt': { filter: 'nic-689859-eth0-vmware-sfw.2', sets: [['ip-securitygroup-23', 1], ['ip-securitygroup-24', 0]] },
  'getaddrsets-nsxv-4.txt': { filter: 'nic-689859-eth0-vmware-sfw.2', sets: [['ip-securitygroup-23', 1], ['ip-securitygroup-24', 1]] },
  'getaddrsets-nsxv-5.txt': { filter: 'nic-783592-eth0-vmware-sfw.2', sets: [['dst1011', 2]] },
};

for (const [file, exp] of Object.entries(GETADDRSETS)) {
  test(`corpus getaddrsets counts: ${file}`, (t) => {
    const r = parseGetaddrsets(read(file), file);
    t.deepEqual(r.value.addrsets.map((a) => [a.name, a.entries.length]), exp.sets);
    t.is(r.value.filter, exp.filter);
    t.deepEqual(noProblems(r.diagnostics), []); // the extra `}` after empty sets is tolerated silently
    const c = parseVsipCapture(read(file), file);
    t.deepEqual(c.value.getaddrsets.map((d) => d.addrsets.length), [exp.sets.length]);
  });
}

test('getaddrsets values: CIDR, IPv6 link-local, spans; the empty set with the extra }', (t) => {
  const sets = parseGetaddrsets(read('getaddrsets-nsxv-1.txt'), 'a').value.addrsets;
  t.deepEqual(sets[0]?.entries[0], { kind: 'ip', value: '10.10.2.0/24' });
  t.deepEqual(sets[1]?.entries[4], { kind: 'ip', value: 'fe80::250:56ff:fe99:1461' });
  t.like(sets[3], { name: 'src1048', span: { line: 24, column: 1 } }); // grep -n src1048
  const empty = parseGetaddrsets(read('getaddrsets-nsxv-3.txt'), 'b').value.addrsets[1];
  t.like(empty, { name: 'ip-securitygroup-24', entries: [], span: { line: 5 } });
});

// ---- getfilters ----
// Counted with: grep -c 'Filter Name' / grep -c 'Filter Hash' <file>
test('corpus getfilters: counts and fields', (t) => {
  const one = parseGetfilters(read('getfilters-nsxv-1.txt'), 'f1');
  t.is(one.value.length, 1);
  t.like(one.value[0], { name: 'nic-230869-eth0-vmware-sfw.2', vmUuid: '50 11 97 6c fa 73 a7 5b-a7 0e 36 1f a2 f5 84 38', vnicIndex: 0,
    serviceProfile: '--NOT SET--', hash: null, worldId: '230869', slot: 2 });
  const two = parseGetfilters(read('getfilters-nsxv-2.txt'), 'f2');
  t.deepEqual(two.value.map((f) => [f.name, f.hash]), [['nic-1744435-eth0-vmware-sfw.2', '7295'], ['nic-1744441-eth0-vmware-sfw.2', '3603']]);
  const three = parseGetfilters(read('getfilters-nsxv-3.txt'), 'f3');
  t.deepEqual(three.value.map((f) => [f.name, f.hash, f.vmUuid]), [['nic-1744441-eth0-vmware-sfw.2', '3603', '50 01 3d 6e 78 a0 e7 23-4a d0 56 a7 76 55 a4 59']]);
  for (const r of [one, two, three]) t.deepEqual(noProblems(r.diagnostics), []);
});

test('the flattened nsxcli getfilters is claimed and rejected with input/flattened', (t) => {
  const file = 'nsxcli-get-firewall-vsipioctl-getfilters-nsxt-1.flattened.txt';
  const r = parseVsipCapture(read(file), file);
  t.deepEqual(r.value.filters, []);
  t.like(r.diagnostics[0], { code: 'input/flattened', severity: 'error', span: { line: 1 } });
});

// ---- summarize-dvfilter: [DFW filters, ports, slots, agents] ----
// Counted with: grep -cE 'name: nic-[0-9]+-eth[0-9]+-vmware-sfw', '^\s*port [0-9]+ ', 'slot [0-9]+$' (or
// '^\s*name: ' where grep removed the slot lines), '^agent: ' <file>
const DVFILTER: Record<string, [number, number, number, number]> = {
  'summarize-dvfilter-nsx4-1.txt': [1, 1, 1, 0],
  'summarize-dvfilter-nsxv-1.txt': [1, 4, 7, 7],
  'summarize-dvfilter-nsxv-2.txt': [2, 4, 6, 7],
  'summarize-dvfilter-nsxv-3.txt': [1, 1, 1, 0],
  'summarize-dvfilter-nsxv-4.txt': [2, 2, 2, 0],
  'summarize-dvfilter-nsxv-5.txt': [5, 7, 12, 6],
  'summarize-dvfilter-nsxv-6.txt': [0, 5, 5, 6],
  'summarize-dvfilter-nsxv-7.txt': [0, 0, 0, 0],
};
for (const [file, [nf, np, ns, na]] of Object.entries(DVFILTER)) {
  test(`corpus summarize-dvfilter counts: ${file}`, (t) => {
    const r = parseSummarizeDvfilter(read(file), file);
    t.is(r.value.filters.length, nf);
    t.is(r.value.ports.length, np);
    t.is(r.value.ports.reduce((n, p) => n + p.slots.length, 0), ns);
    t.is(r.value.agents.length, na);
    t.deepEqual(noProblems(r.diagnostics), []);
    t.is(parseVsipCapture(read(file), file).value.filters.length, nf);
  });
}

test('summarize-dvfilter fields: VM name, port, world, slot; dvPort names with blanks; odd indent', (t) => {
  const v1 = parseSummarizeDvfilter(read('summarize-dvfilter-nsxv-1.txt'), 's1').value;
  t.deepEqual(v1.filters[0], { name: 'nic-36445-eth0-vmware-sfw.2', hash: null, vmUuid: '50 19 37 10 7d 3b 25 9f-40 6f a4 bc 7e 0d af b8',
    vmName: 'AW1', vnicIndex: 0, host: null, worldId: '36445', portName: 'AW1.eth0', slot: 2, ips: [] });
  t.is(v1.ports[2]?.slots[0]?.name, '8-sw10 8d 19 50 cc bb 47 a6-5d a5 40 54 96 7e 94 18.dvfilter-generic-vmware.0');
  t.like(v1.ports[2]?.slots[0], { kind: 'dvPort', slot: 0 });
  t.like(v1.ports[0], { worldId: '0', vmName: null, portName: 'vmk0' });
  const v5 = parseSummarizeDvfilter(read('summarize-dvfilter-nsxv-5.txt'), 's5').value;
  t.like(v5.filters[4], { name: 'nic-1218777-eth0-vmware-sfw.2', vmName: 'App02', portName: 'App02.eth0', worldId: '1218777', slot: 2 });
  t.like(v5.ports[2]?.slots[0], { agentName: 'vmware-sfw', properties: { slowPathID: '1', 'filter source': 'Dynamic Filter Creation' } });
  const n4 = parseSummarizeDvfilter(read('summarize-dvfilter-nsx4-1.txt'), 'n4').value;
  t.like(n4.ports[0]?.slots[0], { properties: { serviceVMID: '1', moduleName: 'nsxt-vsip-24765085' } });
  const v3 = parseSummarizeDvfilter(read('summarize-dvfilter-nsxv-3.txt'), 's3').value;
  t.like(v3.filters[0], { name: 'nic-1744441-eth0-vmware-sfw.2', vmName: null, portName: 'Win-01.eth0', worldId: '1744441' });
});

test('the flattened summarize-dvfilter is rejected with input/flattened', (t) => {
  const file = 'summarize-dvfilter-nsxt-1.flattened.txt';
  for (const r of [parseSummarizeDvfilter(read(file), file), parseVsipCapture(read(file), file)]) {
    t.like(r.diagnostics.find((d) => d.severity === 'error'), { code: 'input/flattened', span: { line: 1 } });
  }
});

// ---- format sniffing over the whole folder ----
const MINE = /^(getrules|getaddrsets|getfilters|summarize-dvfilter)-|^nsxcli-get-firewall-vsipioctl-getfilters-/;
for (const file of readdirSync(DIR).filter((f) => f.endsWith('.txt'))) {
  test(`sniffVsipioctl: ${file}`, (t) => {
    const s = sniffVsipioctl(read(file).split('\n').slice(0, 200));
    if (MINE.test(file)) t.true(s >= 0.5, `${s}`);
    else t.true(s < 0.5, `${s}`);
  });
}

test('a capture of several outputs: split at prompts, filters merged by name', (t) => {
  const text = [read('summarize-dvfilter-nsxv-2.txt'), read('getfilters-nsxv-2.txt'), read('getrules-nsxv-1.txt'),
    read('getaddrsets-nsxv-1.txt'), read('getfwrules-stats-nsxv-1.txt')].join('\n');
  const r = parseVsipCapture(text, 'cap');
  t.deepEqual(r.value.filters.map((f) => [f.name, f.vmName, f.hash, f.portName]), [
    ['nic-1744435-eth0-vmware-sfw.2', 'Win-02', '7295', 'Win-02.eth0'],
    ['nic-1744441-eth0-vmware-sfw.2', 'Win-01', '3603', 'Win-01.eth0'],
  ]);
  t.deepEqual(r.value.getrules.map((d) => [d.filter, d.rulesets.map((rs) => rs.rules.length)]), [['nic-36445-eth0-vmware-sfw.2', [15, 1]]]);
  t.deepEqual(r.value.getaddrsets.map((d) => [d.filter, d.addrsets.length]), [['nic-36445-eth0-vmware-sfw.2', 4]]);
  // getfwrules -s output is not read: one warning naming the command, no errors
  t.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => [d.severity, d.code]), [['warning', 'log/foreign-line']]);
  // line numbers are those of the whole capture
  const firstRule = r.value.getrules[0]?.rulesets[0]?.rules[0];
  const lineNo = text.split('\n').findIndex((l) => l.includes('rule 1048 at 1')) + 1;
  t.is(firstRule?.span.line, lineNo);
});

test('flattened nsxcli views are not claimed, and if forced, say why (input/flattened warning)', (t) => {
  for (const file of ['nsxcli-get-firewall-addrset-name-nsxt-1.flattened.txt', 'nsxcli-get-firewall-rules-nsxt-1.flattened.txt',
    'nsxcli-get-firewall-vifs-nsxt-1.flattened.txt']) {
    t.true(sniffVsipioctl(read(file).split('\n')) < 0.5, file);
    const r = parseVsipCapture(read(file), file);
    t.deepEqual([r.value.getrules.length, r.value.getaddrsets.length, r.value.filters.length], [0, 0, 0], file);
    t.deepEqual(r.diagnostics.map((d) => [d.code, d.severity, d.span.line]), [['input/flattened', 'warning', 1]], file);
  }
});
