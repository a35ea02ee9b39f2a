import test from 'ava';
import { compileIntent, type Semantics } from '../../src/analysis/connectivity-compile.js';
import { connectivityMap } from '../../src/analysis/connectivity-map.js';
import { evaluatePair } from '../../src/analysis/connectivity.js';
import {
  allConn,
  EMPTY_CONN,
  ivlOf,
  ivlSubtract,
  ivlText,
  set2,
  set2Subtract,
  set2Union,
  PORTS,
} from '../../src/analysis/connectivity-set.js';
import { importNsxJson } from '../../src/policy/nsx-import.js';
import { connText } from '../../src/report/connectivity.js';

/**
 * The symbolic NSX walk on small exports, one NSX semantic per test (where NSX and
 * nsxanalyzer differ, both answers are asserted), plus the set algebra and the connection text.
 */

const tcp = (dst: number[]) => ({ ...EMPTY_CONN, tcp: set2(PORTS, ivlOf(dst.flatMap((p) => [p, p]))) });

interface R {
  id?: number;
  action?: string;
  src?: string[];
  dst?: string[];
  dir?: string;
  services?: string[];
  entries?: object[];
  seq?: number;
  disabled?: boolean;
  scope?: string[];
  srcEx?: boolean;
}

/** Two VMs A (10.0.0.1, group fe) and B (10.0.0.2, group be); policies in the given order. */
function exportOf(policies: { category: string; seq?: number; scope?: string[]; rules: R[]; pref?: string; defaultId?: number }[]): string {
  return JSON.stringify({
    services: [{ path: '/infra/services/HTTP', display_name: 'HTTP', service_entries: [{ resource_type: 'L4PortSetServiceEntry', l4_protocol: 'TCP', destination_ports: ['80'] }] },
      { path: '/infra/services/FTP', display_name: 'FTP', service_entries: [{ resource_type: 'ALGTypeServiceEntry', alg: 'FTP', destination_ports: ['21'] }] }],
    virtual_machines: [{ display_name: 'A', external_id: 'A' }, { display_name: 'B', external_id: 'B' }],
    virtual_network_interface: [
      { owner_vm_id: 'A', ip_address_info: [{ ip_addresses: ['10.0.0.1'] }] },
      { owner_vm_id: 'B', ip_address_info: [{ ip_addresses: ['10.0.0.2'] }] },
    ],
    domains: [{ display_name: 'default', resources: {
      groups: [{ path: 'fe', display_name: 'fe', vm_members: [{ id: 'A' }] }, { path: 'be', display_name: 'be', vm_members: [{ id: 'B' }] }],
      security_policies: policies.map((p, i) => ({
        display_name: `p${i}`, category: p.category, scope: p.scope ?? ['ANY'], ...(p.seq !== undefined ? { sequence_number: p.seq } : {}),
        ...(p.pref ? { connectivity_preference: p.pref, default_rule_id: p.defaultId } : {}),
        rules: p.rules.map((r, j) => ({
          rule_id: r.id ?? j + 1, action: r.action ?? 'ALLOW', direction: r.dir ?? 'IN_OUT', source_groups: r.src ?? ['fe'], destination_groups: r.dst ?? ['be'],
          services: r.services ?? ['ANY'], service_entries: r.entries ?? null, scope: r.scope ?? ['ANY'],
          ...(r.seq !== undefined ? { sequence_number: r.seq } : {}), ...(r.disabled ? { disabled: true } : {}), ...(r.srcEx ? { sources_excluded: true } : {}),
        })),
      })),
    } }],
  });
}

function run(json: string, semantics: Semantics = 'nsx') {
  const r = importNsxJson(json, 'x.json');
  const c = compileIntent(r.value, semantics);
  return { c, pair: (s: string, d: string, set = c.universe) => evaluatePair(c, c.byName.get(s) ?? -1, c.byName.get(d) ?? -1, set, true) };
}
const ids = (w: { decisions: { rule: { label: string } }[] } | null) => (w?.decisions ?? []).map((x) => x.rule.label);
const text = (s: Parameters<typeof connText>[0]) => connText(s, 'nsxanalyzer');

test('set algebra: subtract splits ranges, strips merge, text is nsxanalyzer port text', (t) => {
  t.is(ivlText(ivlSubtract(PORTS, [80, 80])), '1-79,81-65535');
  t.is(ivlText(ivlOf([443, 443, 80, 80, 81, 90])), '80-90,443');
  const a = set2Union(set2([1, 10], [5, 5]), set2([11, 20], [5, 5]));
  t.deepEqual(a, [{ lo: 1, hi: 20, y: [5, 5] }]);
  t.deepEqual(set2Subtract(set2([1, 10], [1, 10]), set2([5, 5], [1, 10])), [{ lo: 1, hi: 4, y: [1, 10] }, { lo: 6, hi: 10, y: [1, 10] }]);
});

test('connection text: All Connections, ICMP, and the odd ICMP, vs ICMP; rule', (t) => {
  const all = allConn('nsxanalyzer');
  t.is(text(all), 'All Connections');
  t.is(text({ ...all, udp: [] }), 'ICMP,TCP');
  t.is(text({ ...EMPTY_CONN, icmp: all.icmp, tcp: set2(PORTS, [80, 80]) }), 'ICMP;TCP dst-ports: 80');
  t.is(text({ ...EMPTY_CONN, tcp: all.tcp, udp: all.udp }), 'TCP,UDP');
  t.is(text({ ...EMPTY_CONN, tcp: set2([53, 53], PORTS) }), 'TCP src-ports: 53');
  t.is(text({ ...EMPTY_CONN, icmp: set2([8, 8], [0, 0]) }), 'ICMP type: 8 code: 0');
  t.is(text({ ...EMPTY_CONN, tcp: set2(PORTS, [80, 80]), udp: set2(PORTS, [53, 53]) }), 'TCP dst-ports: 80 | UDP dst-ports: 53');
});

test('JUMP_TO_APPLICATION skips the rest of Environment and is decided in Application', (t) => {
  const { pair } = run(exportOf([
    { category: 'Environment', rules: [{ id: 1, action: 'JUMP_TO_APPLICATION', services: ['/infra/services/HTTP'] }, { id: 2, action: 'DROP', src: ['ANY'], dst: ['ANY'] }] },
    { category: 'Application', rules: [{ id: 3, action: 'ALLOW' }, { id: 4, action: 'DROP', src: ['ANY'], dst: ['ANY'] }] },
  ]));
  const http = pair('A', 'B', tcp([80]));
  t.is(text(http.permitted), 'TCP dst-ports: 80');
  t.deepEqual(ids(http.egress), ['1', '3']);
  t.deepEqual(ids(pair('A', 'B', tcp([22])).ingress), ['2']);
});

test('sequence_number orders policies and rules in NSX; nsxanalyzer keeps array order', (t) => {
  const json = exportOf([
    { category: 'Application', seq: 20, rules: [{ id: 10, action: 'ALLOW' }] },
    { category: 'Application', seq: 10, rules: [{ id: 21, action: 'ALLOW', seq: 5 }, { id: 20, action: 'DROP', seq: 1 }] },
  ]);
  t.deepEqual(ids(run(json).pair('A', 'B').egress), ['20']);
  t.deepEqual(ids(run(json, 'nsxanalyzer').pair('A', 'B').egress), ['10']);
});

test('disabled rules are not enforced in NSX; nsxanalyzer evaluates them', (t) => {
  const json = exportOf([{ category: 'Application', rules: [{ id: 1, action: 'DROP', disabled: true }, { id: 2, action: 'ALLOW', src: ['ANY'], dst: ['ANY'] }] }]);
  t.is(text(run(json).pair('A', 'B').permitted), 'All Connections');
  t.is(text(run(json, 'nsxanalyzer').pair('A', 'B').permitted), '');
});

test('REJECT denies like DROP and is named as REJECT in the decision', (t) => {
  const r = run(exportOf([{ category: 'Infrastructure', rules: [{ id: 7, action: 'REJECT' }] }])).pair('A', 'B', tcp([443]));
  t.is(text(r.permitted), '');
  t.is(r.egress?.decisions[0]?.rule.action, 'REJECT');
});

test('policy scope replaces the rule scope; OUT rules act on the sender only', (t) => {
  // rule scoped to B, but the policy is applied to A: the OUT rule is enforced on A
  const json = exportOf([
    { category: 'Application', scope: ['fe'], rules: [{ id: 1, action: 'DROP', dir: 'OUT', scope: ['be'] }] },
    { category: 'Application', rules: [{ id: 9, action: 'ALLOW', src: ['ANY'], dst: ['ANY'] }] },
  ]);
  const r = run(json).pair('A', 'B');
  t.deepEqual(ids(r.egress), ['1']);
  t.deepEqual(ids(r.ingress), ['9']);
  t.deepEqual(ids(run(json).pair('B', 'A').egress), ['9'], 'B is not in the policy scope');
});

test('ANY includes external addresses in NSX; nsxanalyzer lists only grouped VMs', (t) => {
  const json = exportOf([{ category: 'Application', rules: [{ id: 1, action: 'ALLOW', src: ['ANY'], dst: ['be'], services: ['/infra/services/HTTP'] }, { id: 2, action: 'DROP', src: ['ANY'], dst: ['ANY'] }] }]);
  const rows = (sem: Semantics) => {
    const out: string[] = [];
    connectivityMap(run(json, sem).c, (r) => out.push(`${r.src.name}>${r.dst.name}:${text(r.permitted)}`));
    return out;
  };
  t.deepEqual(rows('nsxanalyzer'), ['A>B:TCP dst-ports: 80']);
  t.deepEqual(rows('nsx'), ['0.0.0.0-10.0.0.0>B:TCP dst-ports: 80', '10.0.0.3-255.255.255.255>B:TCP dst-ports: 80', 'A>B:TCP dst-ports: 80']);
});

test('sources_excluded: NOT the group, which in NSX also holds external addresses', (t) => {
  const json = exportOf([{ category: 'Application', rules: [{ id: 1, action: 'ALLOW', src: ['be'], srcEx: true, dst: ['be'] }, { id: 2, action: 'DROP', src: ['ANY'], dst: ['ANY'] }] }]);
  const { c, pair } = run(json);
  t.is(text(pair('A', 'B').permitted), 'All Connections');
  t.true(c.endpoints.some((e) => e.kind === 'external'));
  t.is(run(json, 'nsxanalyzer').c.endpoints.filter((e) => e.kind === 'external').length, 0);
});

test('ALG services match their control port in NSX; nsxanalyzer drops the rule', (t) => {
  const json = exportOf([{ category: 'Application', rules: [{ id: 1, action: 'ALLOW', services: ['/infra/services/FTP'] }, { id: 2, action: 'DROP', src: ['ANY'], dst: ['ANY'] }] }]);
  t.is(text(run(json).pair('A', 'B').permitted), 'TCP dst-ports: 21');
  t.is(text(run(json, 'nsxanalyzer').pair('A', 'B').permitted), '');
});

test('a policy default rule (ALLOWLIST) closes the policy after its rules', (t) => {
  const json = exportOf([
    { category: 'Environment', pref: 'ALLOWLIST', defaultId: 77, rules: [{ id: 1, action: 'ALLOW', services: ['/infra/services/HTTP'] }] },
    { category: 'Application', rules: [{ id: 2, action: 'ALLOW', src: ['ANY'], dst: ['ANY'] }] },
  ]);
  const r = run(json).pair('A', 'B', tcp([22]));
  t.deepEqual(ids(r.egress), ['77']);
  t.is(text(r.permitted), '');
});

test('undecided parts: NSX applies the default layer-3 rule (ALLOW); nsxanalyzer permits nothing and warns', (t) => {
  const json = exportOf([{ category: 'Application', rules: [{ id: 1, action: 'DROP', services: ['/infra/services/HTTP'] }] }]);
  t.is(text(run(json).pair('A', 'B', tcp([22])).permitted), 'TCP dst-ports: 22');
  const { c } = run(json, 'nsxanalyzer');
  const m = connectivityMap(c, () => undefined);
  t.is(m.stats.rows, 0);
  t.is(m.diagnostics.length, 1);
});

test('tag expressions are evaluated when a group has no collected members (NSX)', (t) => {
  const doc = JSON.parse(exportOf([{ category: 'Application', rules: [{ id: 1, action: 'ALLOW', dst: ['tagged'] }, { id: 2, action: 'DROP', src: ['ANY'], dst: ['ANY'] }] }]));
  doc.virtual_machines[1].tags = [{ scope: 'tier', tag: 'DB' }];
  doc.domains[0].resources.groups.push({ path: 'tagged', display_name: 'tagged', expression: [{ resource_type: 'Condition', member_type: 'VirtualMachine', key: 'Tag', operator: 'EQUALS', value: 'tier|db' }] });
  const json = JSON.stringify(doc);
  t.is(text(run(json).pair('A', 'B').permitted), 'All Connections', 'case-insensitive scope|tag match');
  t.is(text(run(json, 'nsxanalyzer').pair('A', 'B').permitted), '', 'nsxanalyzer reads realized members only');
});
