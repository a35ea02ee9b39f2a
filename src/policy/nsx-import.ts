import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import { NsxCategoryPriority, type NsxCategory } from '../model/policy.js';
import { checkFields, jsonDiagnostic, TOPOLOGY_KINDS } from './nsx-fields.js';
import {
  emptyIntent,
  type JsonAt,
  type NsxAction,
  type NsxDirection,
  type NsxExpr,
  type NsxIntent,
  type NsxPolicy,
  type NsxRealizedMembers,
  type NsxRule,
  type NsxServiceEntry,
  type NsxVm,
} from './nsx-intent.js';

/**
 * NSX Manager Policy API JSON -> NsxIntent. Accepts (shared/reference/nsx-policy-json.md §7.1):
 * (a) nsxanalyzer's resources container (`services`, `virtual_machines`,
 *     `virtual_network_interface`, `segments`, `domains[].resources.{groups,security_policies}`);
 * (b) list responses `{results, result_count, cursor}` of any of those endpoints;
 * (c) hierarchical `Infra` bodies (`children`, `Child<Type>` wrappers, `ChildResourceReference`);
 * (d) single objects (a Rule, SecurityPolicy, Group, Service, ...), dispatched on
 *     `resource_type`, or on `path` when the type is absent (search results).
 * Nothing is interpreted here beyond parsing: ordering, membership and semantics are applied by
 * src/analysis/connectivity-compile.ts. Every field not read is reported with its JSON path.
 */

type Obj = Record<string, unknown>;
interface PendingVif {
  owner: string;
  vnic: NsxVm['vnics'][number];
  at: JsonAt;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** NSX sometimes writes booleans as strings (`"marked_for_delete": "false"`, docs example). */
const truthy = (v: unknown): boolean => v === true || v === 'true';

const CATEGORIES = new Set(Object.keys(NsxCategoryPriority).filter((c) => c !== 'Default'));

/** Does this text look like NSX Policy / manager API JSON (rather than YAML or .dfw)? */
export function looksLikeNsxJson(text: string): boolean {
  const head = text.slice(0, 4096).trimStart();
  if (!head.startsWith('{') && !head.startsWith('[')) return false;
  return /"(resource_type|security_policies|virtual_machines|source_groups|service_entries|results|domains)"/.test(head) || /"domains"\s*:/.test(text);
}

class Importer {
  readonly intent: NsxIntent = emptyIntent();
  private policyIndex = 0;
  constructor(private readonly file: string) {}

  private diag(code: Diagnostic['code'], severity: Diagnostic['severity'], path: string, message: string): void {
    this.intent.diagnostics.push(jsonDiagnostic(code, severity, this.file, path, message));
  }
  private at(path: string): JsonAt {
    return { file: this.file, path };
  }
  private fields(o: Obj, kind: string, path: string): void {
    checkFields(o, kind, this.file, path, this.intent.diagnostics);
  }
  private str(o: Obj, key: string): string | null {
    const v = o[key];
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
  }
  private strList(o: Obj, key: string, path: string): string[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.diag(DiagnosticCode.PolicyInvalid, 'error', `${path}.${key}`, 'expected a list of strings');
      return [];
    }
    return v.filter((x): x is string => typeof x === 'string');
  }
  private list(o: Obj, key: string, path: string): { v: Obj; path: string }[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.diag(DiagnosticCode.PolicyInvalid, 'error', `${path}.${key}`, 'expected a list');
      return [];
    }
    const out: { v: Obj; path: string }[] = [];
    v.forEach((x, i) => {
      if (isObj(x)) out.push({ v: x, path: `${path}.${key}[${i}]` });
      else this.diag(DiagnosticCode.PolicyInvalid, 'error', `${path}.${key}[${i}]`, 'expected an object');
    });
    return out;
  }

  /** Top level: decide the shape. */
  root(v: unknown): void {
    const path = '$';
    if (Array.isArray(v)) {
      v.forEach((x, i) => (isObj(x) ? this.object(x, `$[${i}]`, null, null) : this.diag(DiagnosticCode.PolicyInvalid, 'error', `$[${i}]`, 'expected an object')));
      return;
    }
    if (!isObj(v)) return this.diag(DiagnosticCode.PolicyInvalid, 'error', path, 'an NSX export is a JSON object or list');
    if ('results' in v && !('resource_type' in v)) {
      this.fields(v, 'list', path);
      for (const r of this.list(v, 'results', path)) this.object(r.v, r.path, null, null);
      return;
    }
    if (['services', 'virtual_machines', 'domains', 'segments', 'virtual_network_interface'].some((k) => k in v) && !('resource_type' in v)) {
      return this.container(v, path);
    }
    this.object(v, path, null, null);
  }

  /** (a) nsxanalyzer's resources container. */
  private container(o: Obj, path: string): void {
    this.fields(o, 'container', path);
    for (const s of this.list(o, 'services', path)) this.service(s.v, s.path);
    for (const m of this.list(o, 'virtual_machines', path)) this.vm(m.v, m.path);
    for (const m of this.list(o, 'virtual_network_interface', path)) this.vif(m.v, m.path);
    for (const s of this.list(o, 'segments', path)) this.segment(s.v, s.path);
    for (const k of ['tier0', 'tier1']) for (const t of this.list(o, k, path)) this.topology(t.v, t.path, k);
    for (const d of this.list(o, 'domains', path)) this.domain(d.v, d.path);
  }

  private domain(o: Obj, path: string): void {
    this.fields(o, 'Domain', path);
    const domain = this.str(o, 'id') ?? this.str(o, 'display_name') ?? 'default';
    const res = o['resources'];
    if (isObj(res)) {
      const rp = `${path}.resources`;
      this.fields(res, 'resources', rp);
      for (const g of this.list(res, 'groups', rp)) this.group(g.v, g.path, domain);
      for (const p of this.list(res, 'security_policies', rp)) this.policy(p.v, p.path, domain);
      for (const k of ['gateway_policies', 'redirection_policies']) {
        const n = this.list(res, k, rp).length;
        if (n > 0) this.diag(DiagnosticCode.PolicyUnsupportedField, 'info', `${rp}.${k}`, `${n} ${k.replace('_', ' ')} imported but not evaluated (gateway firewall / redirection are not the DFW)`);
      }
    }
    this.children(o, path, domain, null);
  }

  /** (c) HAPI `children`: `Child<Type>` wrappers and `ChildResourceReference`. */
  private children(o: Obj, path: string, domain: string | null, policy: NsxPolicy | null): void {
    for (const c of this.list(o, 'children', path)) {
      const rt = this.str(c.v, 'resource_type') ?? '';
      if (truthy(c.v['marked_for_delete'])) {
        this.diag(DiagnosticCode.PolicyUnsupportedField, 'info', c.path, `${rt} marked_for_delete: skipped (the PATCH deletes it)`);
        continue;
      }
      if (rt === 'ChildResourceReference') {
        // a reference to an existing object (a Domain, usually) whose children are given
        const target = this.str(c.v, 'target_type') ?? '';
        const id = this.str(c.v, 'id');
        if (target === 'Domain') this.children(c.v, c.path, id ?? domain, null);
        else this.children(c.v, c.path, domain, policy);
        continue;
      }
      if (!rt.startsWith('Child')) {
        this.diag(DiagnosticCode.PolicyInvalid, 'warning', c.path, `expected a Child<Type> wrapper, found resource_type '${rt}'`);
        continue;
      }
      const type = rt.slice('Child'.length);
      const inner = c.v[type];
      for (const k of Object.keys(c.v)) {
        if (!['resource_type', 'marked_for_delete', 'mark_for_override', '_protection', type].includes(k)) {
          this.diag(DiagnosticCode.PolicyUnknownField, 'warning', `${c.path}.${k}`, `${rt}: unknown field '${k}'`);
        }
      }
      if (!isObj(inner)) {
        this.diag(DiagnosticCode.PolicyInvalid, 'error', c.path, `${rt} without its '${type}' object`);
        continue;
      }
      this.object(inner, `${c.path}.${type}`, domain, policy);
    }
  }

  /** (d) one object of any kind. */
  private object(o: Obj, path: string, domain: string | null, policy: NsxPolicy | null): void {
    const objPath = this.str(o, 'path') ?? '';
    let rt = this.str(o, 'resource_type');
    if (rt === null) {
      // search results carry no type: the path says what the object is
      if (/\/security-policies\/[^/]+\/rules\/[^/]+$/.test(objPath)) rt = 'Rule';
      else if (/\/security-policies\/[^/]+$/.test(objPath)) rt = 'SecurityPolicy';
      else if (/\/groups\/[^/]+$/.test(objPath)) rt = 'Group';
      else if (/^\/infra\/services\/[^/]+$/.test(objPath)) rt = 'Service';
      else if ('external_id' in o && 'display_name' in o) rt = 'VirtualMachine';
      else if ('owner_vm_id' in o) rt = 'VirtualNetworkInterface';
    }
    switch (rt) {
      case 'Infra':
        this.fields(o, 'Domain', path);
        return this.children(o, path, domain, null);
      case 'Domain':
        return this.domain(o, path);
      case 'SecurityPolicy':
        return this.policy(o, path, domain ?? domainOf(objPath));
      case 'Rule':
        return this.standaloneRule(o, path, policy);
      case 'Group':
        return this.group(o, path, domain ?? domainOf(objPath));
      case 'Service':
        return this.service(o, path);
      case 'Segment':
        return this.segment(o, path);
      case 'VirtualMachine':
        return this.vm(o, path);
      case 'VirtualNetworkInterface':
        return this.vif(o, path);
      default:
        if (rt !== null && TOPOLOGY_KINDS.has(rt)) return this.topology(o, path, rt);
        this.diag(DiagnosticCode.PolicyUnsupportedField, 'warning', path, `object of type '${rt ?? '(none)'}' is not used by the DFW evaluation`);
    }
  }

  private topology(o: Obj, path: string, kind: string): void {
    // routing objects: only their segments (HAPI children) matter to the DFW
    for (const c of this.list(o, 'children', path)) {
      const rt = this.str(c.v, 'resource_type') ?? '';
      if (rt === 'ChildSegment' && isObj(c.v['Segment'])) this.segment(c.v['Segment'] as Obj, `${c.path}.Segment`);
    }
    void kind;
  }

  private vm(o: Obj, path: string): void {
    this.fields(o, 'VirtualMachine', path);
    const id = this.str(o, 'external_id');
    const name = this.str(o, 'display_name');
    if (id === null || name === null) {
      this.diag(DiagnosticCode.PolicyInvalid, 'warning', path, 'VM without external_id or display_name: not an endpoint');
      return;
    }
    const tags = this.list(o, 'tags', path).map((t) => ({ scope: this.str(t.v, 'scope') ?? '', tag: this.str(t.v, 'tag') ?? '' }));
    this.intent.vms.push({ id, name, tags, vnics: [], at: this.at(path) });
  }

  /** vNICs, attached to their VM when every file has been read (attachVnics). */
  readonly vifs: PendingVif[] = [];

  private vif(o: Obj, path: string): void {
    this.fields(o, 'VirtualNetworkInterface', path);
    const owner = this.str(o, 'owner_vm_id');
    if (owner === null) return this.diag(DiagnosticCode.PolicyInvalid, 'warning', path, 'vNIC without owner_vm_id');
    const ips = this.list(o, 'ip_address_info', path).flatMap((i) => this.strList(i.v, 'ip_addresses', i.path));
    this.vifs.push({ owner, vnic: { attachment: this.str(o, 'lport_attachment_id'), ips, mac: this.str(o, 'mac_address'), segment: null }, at: this.at(path) });
  }

  private segment(o: Obj, path: string): void {
    this.fields(o, 'Segment', path);
    const id = this.str(o, 'id');
    const segPath = this.str(o, 'path') ?? (id !== null ? `/infra/segments/${id}` : path);
    const subnets = this.list(o, 'subnets', path).map((s) => this.str(s.v, 'network')).filter((x): x is string => x !== null);
    const attachments: string[] = [];
    for (const p of this.list(o, 'segment_ports', path)) {
      this.fields(p.v, 'SegmentPort', p.path);
      const a = p.v['attachment'];
      const aid = isObj(a) ? this.str(a, 'id') : null;
      if (aid !== null) attachments.push(aid);
    }
    this.intent.segments.push({ path: segPath, name: this.str(o, 'display_name') ?? segPath, subnets, attachments, at: this.at(path) });
  }

  private group(o: Obj, path: string, domain: string | null): void {
    this.fields(o, 'Group', path);
    const id = this.str(o, 'id');
    const gPath = this.str(o, 'path') ?? `/infra/domains/${domain ?? 'default'}/groups/${id ?? this.str(o, 'display_name') ?? '?'}`;
    const memberKeys = ['vm_members', 'vif_members', 'ips_members', 'segment_members', 'segment_port_members', 'ip_group_members', 'transport_node_members'];
    const collected = memberKeys.some((k) => o[k] !== undefined && o[k] !== null);
    let members: NsxRealizedMembers | null = null;
    if (collected) {
      members = {
        vms: this.list(o, 'vm_members', path).map((m) => this.str(m.v, 'id') ?? this.str(m.v, 'external_id') ?? '').filter(Boolean),
        vifOwners: this.list(o, 'vif_members', path).map((m) => this.str(m.v, 'owner_vm_id') ?? '').filter(Boolean),
        ips: this.strList(o, 'ips_members', path),
        segments: this.list(o, 'segment_members', path).map((m) => this.str(m.v, 'path') ?? '').filter(Boolean),
      };
      for (const k of ['segment_port_members', 'transport_node_members']) {
        if (this.list(o, k, path).length > 0) this.diag(DiagnosticCode.PolicyUnsupportedField, 'warning', `${path}.${k}`, `${k} are not resolved to VMs`);
      }
    }
    const ext = o['extended_expression'];
    if (Array.isArray(ext) && ext.length > 0) this.diag(DiagnosticCode.PolicyUnsupportedField, 'warning', `${path}.extended_expression`, 'extended (identity) expressions are not evaluated');
    const groupType = this.strList(o, 'group_type', path);
    this.intent.groups.push({
      path: gPath,
      name: this.str(o, 'display_name') ?? id ?? gPath,
      ipAddressType: groupType.includes('IPAddress'),
      expression: this.expressions(o, 'expression', path),
      members,
      at: this.at(path),
    });
  }

  private expressions(o: Obj, key: string, path: string): NsxExpr[] {
    const out: NsxExpr[] = [];
    for (const e of this.list(o, key, path)) {
      const rt = this.str(e.v, 'resource_type') ?? '';
      this.fields(e.v, rt, e.path);
      const at = this.at(e.path);
      switch (rt) {
        case 'Condition':
          out.push({
            kind: 'condition',
            key: this.str(e.v, 'key') ?? '',
            memberType: this.str(e.v, 'member_type') ?? '',
            operator: this.str(e.v, 'operator') ?? 'EQUALS',
            value: this.str(e.v, 'value') ?? '',
            scopeOperator: this.str(e.v, 'scope_operator'),
            at,
          });
          break;
        case 'ConjunctionOperator': {
          const op = (this.str(e.v, 'conjunction_operator') ?? '').toUpperCase();
          if (op !== 'AND' && op !== 'OR') this.diag(DiagnosticCode.PolicyInvalid, 'error', e.path, `conjunction_operator '${op}' is neither AND nor OR`);
          out.push({ kind: 'conjunction', op: op === 'AND' ? 'AND' : 'OR', at });
          break;
        }
        case 'NestedExpression':
          out.push({ kind: 'nested', expressions: this.expressions(e.v, 'expressions', e.path), at });
          break;
        case 'IPAddressExpression':
          out.push({ kind: 'ip', addresses: this.strList(e.v, 'ip_addresses', e.path), at });
          break;
        case 'ExternalIDExpression':
          out.push({ kind: 'external-id', memberType: this.str(e.v, 'member_type') ?? '', ids: this.strList(e.v, 'external_ids', e.path), at });
          break;
        case 'PathExpression':
          out.push({ kind: 'path', paths: this.strList(e.v, 'paths', e.path), at });
          break;
        default:
          this.diag(DiagnosticCode.PolicyUnsupportedField, 'warning', e.path, `group expression '${rt}' is not evaluated (matches nothing)`);
          out.push({ kind: 'unsupported', resourceType: rt, at });
      }
    }
    return out;
  }

  private service(o: Obj, path: string): void {
    this.fields(o, 'Service', path);
    const id = this.str(o, 'id');
    const sPath = this.str(o, 'path') ?? `/infra/services/${id ?? this.str(o, 'display_name') ?? '?'}`;
    this.intent.services.push({
      path: sPath,
      name: this.str(o, 'display_name') ?? id ?? sPath,
      entries: this.serviceEntries(o, 'service_entries', path),
      at: this.at(path),
    });
  }

  private ports(o: Obj, key: string, path: string): [number, number][] {
    const out: [number, number][] = [];
    for (const s of this.strList(o, key, path)) {
      const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(s);
      const lo = m ? Number(m[1]) : NaN;
      const hi = m ? Number(m[2] ?? m[1]) : NaN;
      if (!m || lo > hi || hi > 65535) {
        this.diag(DiagnosticCode.PolicyOutOfRange, 'error', `${path}.${key}`, `port '${s}' is not N or N-M within 0-65535`);
        continue;
      }
      out.push([lo, hi]);
    }
    return out;
  }

  private serviceEntries(o: Obj, key: string, path: string): NsxServiceEntry[] {
    const out: NsxServiceEntry[] = [];
    for (const e of this.list(o, key, path)) {
      const rt = this.str(e.v, 'resource_type') ?? '';
      this.fields(e.v, rt, e.path);
      const at = this.at(e.path);
      switch (rt) {
        case 'L4PortSetServiceEntry': {
          const proto = (this.str(e.v, 'l4_protocol') ?? '').toUpperCase();
          if (proto !== 'TCP' && proto !== 'UDP') {
            this.diag(DiagnosticCode.PolicyInvalid, 'error', `${e.path}.l4_protocol`, `l4_protocol '${proto}' is neither TCP nor UDP`);
            break;
          }
          out.push({ kind: 'l4', protocol: proto, srcPorts: this.ports(e.v, 'source_ports', e.path), dstPorts: this.ports(e.v, 'destination_ports', e.path), at });
          break;
        }
        case 'ICMPTypeServiceEntry': {
          const p = (this.str(e.v, 'protocol') ?? 'ICMPv4').toUpperCase();
          const num = (k: string) => (typeof e.v[k] === 'number' ? (e.v[k] as number) : null);
          out.push({ kind: 'icmp', version: p === 'ICMPV6' ? 6 : 4, type: num('icmp_type'), code: num('icmp_code'), at });
          break;
        }
        case 'IPProtocolServiceEntry': {
          const n = e.v['protocol_number'];
          if (typeof n !== 'number' || n < 0 || n > 255) this.diag(DiagnosticCode.PolicyOutOfRange, 'error', `${e.path}.protocol_number`, 'protocol_number must be 0-255');
          else out.push({ kind: 'ip-protocol', protocol: n, at });
          break;
        }
        case 'ALGTypeServiceEntry':
          out.push({ kind: 'alg', alg: this.str(e.v, 'alg') ?? '', srcPorts: this.ports(e.v, 'source_ports', e.path), dstPorts: this.ports(e.v, 'destination_ports', e.path), at });
          break;
        case 'IGMPTypeServiceEntry':
          out.push({ kind: 'igmp', at });
          break;
        case 'EtherTypeServiceEntry':
          out.push({ kind: 'ether', etherType: Number(e.v['ether_type'] ?? -1), at });
          break;
        case 'NestedServiceServiceEntry':
          out.push({ kind: 'nested', path: this.str(e.v, 'nested_service_path') ?? '', at });
          break;
        default:
          this.diag(DiagnosticCode.PolicyUnsupportedField, 'warning', e.path, `service entry '${rt}' is not modelled (matches nothing)`);
      }
    }
    return out;
  }

  private policy(o: Obj, path: string, domain: string | null): void {
    this.fields(o, 'SecurityPolicy', path);
    const categoryText = this.str(o, 'category') ?? '';
    let category: NsxCategory | null = null;
    if (CATEGORIES.has(categoryText)) category = categoryText as NsxCategory;
    else if (categoryText !== '') this.diag(DiagnosticCode.PolicyInvalid, 'warning', `${path}.category`, `unknown category '${categoryText}': evaluated after Application (least precedence)`);
    else this.diag(DiagnosticCode.Unverified, 'info', `${path}.category`, 'no category: evaluated after Application ([doc] SecurityPolicy: "least precedence")');
    if (typeof o['scheduler_path'] === 'string' && o['scheduler_path'] !== '') this.diag(DiagnosticCode.PolicyUnsupportedField, 'warning', `${path}.scheduler_path`, 'time windows are not modelled: the policy is evaluated as always active');
    const pref = (this.str(o, 'connectivity_preference') ?? this.str(o, 'connectivity_strategy') ?? '').toUpperCase();
    const defRule = isObj(o['default_rule']) ? (o['default_rule'] as Obj) : null;
    const defaultRuleId = typeof o['default_rule_id'] === 'number' ? (o['default_rule_id'] as number) : defRule && typeof defRule['id'] === 'number' ? (defRule['id'] as number) : null;
    // ALLOWLIST: a default drop closes the policy; DENYLIST: a default allow ([doc] SecurityPolicy)
    const defaultRule = pref.startsWith('ALLOWLIST') || pref.startsWith('WHITELIST')
      ? { action: 'DROP' as const, ruleId: defaultRuleId }
      : pref.startsWith('DENYLIST') || pref.startsWith('BLACKLIST')
        ? { action: 'ALLOW' as const, ruleId: defaultRuleId }
        : null;
    const id = this.str(o, 'id');
    const p: NsxPolicy = {
      id,
      name: this.str(o, 'display_name') ?? id ?? `policy ${this.policyIndex}`,
      categoryText,
      category,
      scope: this.strList(o, 'scope', path),
      sequenceNumber: typeof o['sequence_number'] === 'number' ? (o['sequence_number'] as number) : null,
      index: this.policyIndex++,
      rules: [],
      defaultRule,
      at: this.at(path),
    };
    void domain;
    this.intent.policies.push(p);
    for (const r of this.list(o, 'rules', path)) this.rule(r.v, r.path, p);
    this.children(o, path, domain, p);
  }

  /** A Rule on its own (GET .../rules/<id>, list or search responses): its policy comes from its path. */
  private standaloneRule(o: Obj, path: string, policy: NsxPolicy | null): void {
    if (policy) return this.rule(o, path, policy);
    const parent = this.str(o, 'parent_path') ?? (this.str(o, 'path') ?? '').replace(/\/rules\/[^/]+$/, '');
    let p = this.intent.policies.find((x) => x.at.path === `policy-from-path:${parent}`);
    if (!p) {
      const pid = parent.split('/').pop() ?? parent;
      // the system section every manager has is an Application policy (dod-compliance captures)
      const category: NsxCategory | null = pid === 'default-layer3-section' ? 'Application' : null;
      if (!category) this.diag(DiagnosticCode.Unverified, 'warning', path, `rule without its policy '${parent}': category unknown, evaluated after Application`);
      p = {
        id: pid,
        name: pid,
        categoryText: category ?? '',
        category,
        scope: ['ANY'],
        sequenceNumber: null,
        index: this.policyIndex++,
        rules: [],
        defaultRule: null,
        at: { file: this.file, path: `policy-from-path:${parent}` },
      };
      this.intent.policies.push(p);
    }
    this.rule(o, path, p);
  }

  private rule(o: Obj, path: string, p: NsxPolicy): void {
    this.fields(o, 'Rule', path);
    const action = (this.str(o, 'action') ?? '').toUpperCase();
    if (!['ALLOW', 'DROP', 'REJECT', 'JUMP_TO_APPLICATION'].includes(action)) {
      this.diag(DiagnosticCode.PolicyInvalid, 'error', `${path}.action`, `action '${action}' is not ALLOW, DROP, REJECT or JUMP_TO_APPLICATION: rule skipped`);
      return;
    }
    const direction = (this.str(o, 'direction') ?? 'IN_OUT').toUpperCase();
    if (!['IN', 'OUT', 'IN_OUT'].includes(direction)) {
      this.diag(DiagnosticCode.PolicyInvalid, 'error', `${path}.direction`, `direction '${direction}' is not IN, OUT or IN_OUT: rule skipped`);
      return;
    }
    const ipProtocol = (this.str(o, 'ip_protocol') ?? 'IPV4_IPV6').toUpperCase();
    const profiles = this.strList(o, 'profiles', path).filter((x) => x.toUpperCase() !== 'ANY');
    if (profiles.length > 0) this.diag(DiagnosticCode.PolicyUnsupportedField, 'warning', `${path}.profiles`, `context profiles (L7 / FQDN) are not modelled: the rule is evaluated on L3/L4 only (${profiles.join(', ')})`);
    if (action === 'JUMP_TO_APPLICATION' && p.category !== 'Environment') {
      this.diag(DiagnosticCode.PolicyInvalid, 'warning', `${path}.action`, `JUMP_TO_APPLICATION outside Environment (policy category '${p.categoryText}'): NSX refuses it ([doc] InlineNsxRule1)`);
    }
    const ruleId = typeof o['rule_id'] === 'number' ? (o['rule_id'] as number) : null;
    const id = this.str(o, 'id');
    const r: NsxRule = {
      ruleId,
      id,
      name: this.str(o, 'display_name') ?? id ?? String(ruleId ?? ''),
      action: action as NsxAction,
      direction: direction as NsxDirection,
      sources: this.strList(o, 'source_groups', path),
      sourcesExcluded: truthy(o['sources_excluded']),
      destinations: this.strList(o, 'destination_groups', path),
      destinationsExcluded: truthy(o['destinations_excluded']),
      services: this.strList(o, 'services', path),
      serviceEntries: this.serviceEntries(o, 'service_entries', path),
      scope: this.strList(o, 'scope', path),
      sequenceNumber: typeof o['sequence_number'] === 'number' ? (o['sequence_number'] as number) : null,
      disabled: truthy(o['disabled']),
      ipProtocol: ipProtocol === 'IPV4' || ipProtocol === 'IPV6' ? ipProtocol : 'IPV4_IPV6',
      index: p.rules.length,
      at: this.at(path),
    };
    p.rules.push(r);
  }

}

function domainOf(path: string): string | null {
  const m = /^\/infra\/domains\/([^/]+)\//.exec(path);
  return m ? (m[1] ?? null) : null;
}

/** Imports one NSX JSON document. Never throws on bad input. */
export function importNsxJson(text: string, file: string): ParseResult<NsxIntent> {
  return importNsxFiles([{ text, file }]);
}

/**
 * Imports several documents into one intent (a container plus a services catalog, list
 * responses of separate endpoints, ...). VMs are joined to vNICs and segments across files.
 */
export function importNsxFiles(files: { text: string; file: string }[]): ParseResult<NsxIntent> {
  const all = emptyIntent();
  const importers: Importer[] = [];
  for (const { text, file } of files) {
    const imp = new Importer(file);
    importers.push(imp);
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      all.diagnostics.push(jsonDiagnostic(DiagnosticCode.PolicyInvalid, 'error', file, '$', `not JSON: ${(e as Error).message}`));
      continue;
    }
    imp.root(v);
    const i = imp.intent;
    all.vms.push(...i.vms);
    all.segments.push(...i.segments);
    all.groups.push(...i.groups);
    all.services.push(...i.services);
    for (const p of i.policies) all.policies.push({ ...p, index: all.policies.length });
    all.diagnostics.push(...i.diagnostics);
  }
  // vNICs of any file join the VMs of any file
  const byId = new Map(all.vms.map((v) => [v.id, v]));
  for (const imp of importers) {
    for (const { owner, vnic, at } of imp.vifs) {
      const vm = byId.get(owner);
      if (vm) vm.vnics.push(vnic);
      else all.diagnostics.push(jsonDiagnostic(DiagnosticCode.PolicyUnknownReference, 'warning', at.file, `${at.path}.owner_vm_id`, `vNIC of unknown VM '${owner}'`));
    }
  }
  // vNIC -> segment through the segment ports' attachment ids
  const segByAttachment = new Map<string, string>();
  for (const s of all.segments) for (const a of s.attachments) segByAttachment.set(a, s.path);
  for (const vm of all.vms) for (const n of vm.vnics) if (n.attachment !== null) n.segment = segByAttachment.get(n.attachment) ?? null;
  // duplicate keys: the later object wins in NSX (a PATCH overwrites); say so
  dedupe(all.groups, (g) => g.path, 'group', all.diagnostics);
  dedupe(all.services, (s) => s.path, 'service', all.diagnostics);
  return { value: all, diagnostics: all.diagnostics };
}

function dedupe<T extends { at: JsonAt }>(list: T[], key: (x: T) => string, what: string, out: Diagnostic[]): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (!x) continue;
    const k = key(x);
    const prev = seen.get(k);
    if (prev !== undefined) {
      out.push(jsonDiagnostic(DiagnosticCode.PolicyDuplicateName, 'warning', x.at.file, x.at.path, `${what} '${k}' defined again: this definition replaces the earlier one`));
      list[prev] = x;
      list.splice(i, 1);
      i--;
    } else seen.set(k, i);
  }
}
