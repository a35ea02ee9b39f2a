import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';

/**
 * Which fields of each NSX object kind the importer reads, which it knows to be metadata with
 * no effect on DFW evaluation, and a check that reports everything else with its JSON path
 * (the issue: "Unknown or unsupported fields are reported with their JSON path, never silently
 * dropped"). Field names: NSX Policy API schemas (shared/reference/nsx-policy-json.md §1.3).
 */

/** Bookkeeping every Policy / manager API object carries; none changes what a rule matches. */
const META = [
  '_create_time', '_create_user', '_last_modified_time', '_last_modified_user', '_protection', '_revision',
  '_system_owned', '_links', '_schema', '_self', '_last_sync_time', 'realization_id', 'unique_id',
  'marked_for_delete', 'mark_for_override', 'overridden', 'owner_id', 'origin_site_id', 'parent_path',
  'relative_path', 'remote_path', 'description', 'id', 'display_name', 'path', 'resource_type', 'children',
];

/** Fields read (or deliberately accepted) per object kind, besides META. */
export const NSX_FIELDS: Readonly<Record<string, readonly string[]>> = {
  container: ['services', 'virtual_machines', 'virtual_network_interface', 'segments', 'tier0', 'tier1', 'domains'],
  list: ['results', 'result_count', 'cursor', 'sort_by', 'sort_ascending'],
  Domain: ['resources'],
  resources: ['groups', 'security_policies', 'gateway_policies', 'redirection_policies'],
  SecurityPolicy: [
    'category', 'scope', 'sequence_number', 'rules', 'default_rule', 'default_rule_id', 'connectivity_preference',
    'connectivity_strategy', 'stateful', 'tcp_strict', 'locked', 'is_default', 'rule_count', 'internal_sequence_number',
    'lock_modified_by', 'lock_modified_time', 'comments', 'logging_enabled', 'tags', 'application_connectivity_strategy',
    'scheduler_path',
  ],
  Rule: [
    'action', 'direction', 'source_groups', 'destination_groups', 'sources_excluded', 'destinations_excluded',
    'services', 'service_entries', 'scope', 'sequence_number', 'rule_id', 'disabled', 'ip_protocol', 'logged',
    'tag', 'notes', 'is_default', 'profiles', 'firewall_rule', 'tags',
  ],
  Group: [
    'expression', 'extended_expression', 'group_type', 'vm_members', 'vif_members', 'ips_members', 'segment_members',
    'segment_port_members', 'ip_group_members', 'transport_node_members', 'state', 'tags', 'reference',
    'member_group_types', 'member_types',
  ],
  Condition: ['key', 'member_type', 'operator', 'value', 'scope_operator'],
  ConjunctionOperator: ['conjunction_operator'],
  NestedExpression: ['expressions'],
  IPAddressExpression: ['ip_addresses'],
  ExternalIDExpression: ['member_type', 'external_ids'],
  PathExpression: ['paths'],
  MACAddressExpression: ['mac_addresses'],
  IdentityGroupExpression: ['identity_groups'],
  Service: ['service_entries', 'service_type', 'is_default', 'tags'],
  L4PortSetServiceEntry: ['l4_protocol', 'source_ports', 'destination_ports'],
  ICMPTypeServiceEntry: ['protocol', 'icmp_type', 'icmp_code'],
  IPProtocolServiceEntry: ['protocol_number'],
  ALGTypeServiceEntry: ['alg', 'source_ports', 'destination_ports'],
  IGMPTypeServiceEntry: [],
  EtherTypeServiceEntry: ['ether_type'],
  NestedServiceServiceEntry: ['nested_service_path'],
  VirtualMachine: [
    'external_id', 'tags', 'power_state', 'host_id', 'source', 'type', 'guest_info', 'compute_ids',
    'local_id_on_host', 'resource_type',
  ],
  VirtualNetworkInterface: [
    'owner_vm_id', 'lport_attachment_id', 'ip_address_info', 'mac_address', 'device_key', 'device_name',
    'external_id', 'host_id', 'vm_local_id_on_host', 'owner_vm_type', 'uplink_portgroup',
  ],
  Segment: [
    'subnets', 'segment_ports', 'connectivity_path', 'type', 'transport_zone_path', 'advanced_config', 'admin_state',
    'replication_mode', 'vlan_ids', 'tags',
  ],
  SegmentPort: ['attachment', 'address_bindings', 'admin_state'],
};

/** Topology objects: read for segments only; their other fields have no DFW meaning. */
export const TOPOLOGY_KINDS = new Set(['Tier0', 'Tier1', 'LocaleServices', 'tier0', 'tier1']);

const META_SET = new Set(META);
const SETS = new Map(Object.entries(NSX_FIELDS).map(([k, v]) => [k, new Set(v)]));

/** Reports every key of `o` that `kind` does not list (warning `policy/unknown-field`). */
export function checkFields(o: Record<string, unknown>, kind: string, file: string, path: string, out: Diagnostic[]): void {
  const known = SETS.get(kind);
  if (!known) return;
  for (const k of Object.keys(o)) {
    if (known.has(k) || META_SET.has(k)) continue;
    out.push(jsonDiagnostic(DiagnosticCode.PolicyUnknownField, 'warning', file, `${path}.${k}`, `${kind}: unknown field '${k}' (not read; its effect, if any, is not modelled)`));
  }
}

/** A diagnostic about a JSON value: the JSON path is the `text`, and leads the message. */
export function jsonDiagnostic(
  code: Diagnostic['code'],
  severity: Diagnostic['severity'],
  file: string,
  path: string,
  message: string,
): Diagnostic {
  return { code, severity, span: { file, offset: -1, line: 1, column: 1, length: 0 }, message: `${path}: ${message}`, text: path };
}
