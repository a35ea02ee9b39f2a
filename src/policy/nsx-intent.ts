import type { Diagnostic } from '../model/diagnostics.js';
import type { NsxCategory } from '../model/policy.js';

/**
 * NSX Manager intent policy as imported from a Policy API export (src/policy/nsx-import.ts):
 * the objects that decide DFW behaviour, with every field the evaluation needs and where it
 * came from (`at` = JSON path in the input file). Semantics are applied later
 * (src/analysis/connectivity-compile.ts), so both NSX's and nsxanalyzer's readings stay
 * possible from one import. Field meanings: shared/reference/nsx-policy-json.md §1.3.
 */

/** Where an object came from: the file and the JSON path of the object (`$.domains[0]...`). */
export interface JsonAt {
  file: string;
  path: string;
}

/** One vNIC of a VM (manager API `VirtualNetworkInterface`). */
export interface NsxVnic {
  /** `lport_attachment_id`: what a segment port's `attachment.id` names */
  attachment: string | null;
  ips: string[];
  mac: string | null;
  /** path of the segment whose port carries this attachment, when known */
  segment: string | null;
}

/** A VM (manager API `VirtualMachine`) with its vNICs: one endpoint of the connectivity map. */
export interface NsxVm {
  /** `external_id`: the id group members reference */
  id: string;
  name: string;
  /** NSX tags `{scope, tag}` (scope '' when absent) */
  tags: { scope: string; tag: string }[];
  vnics: NsxVnic[];
  at: JsonAt;
}

/** A segment: its subnets (CIDRs) and ports' attachment ids. */
export interface NsxSegment {
  path: string;
  name: string;
  subnets: string[];
  attachments: string[];
  at: JsonAt;
}

/** Group expression (NSX `expression[]`, operands alternating with operators). */
export type NsxExpr =
  | { kind: 'condition'; key: string; memberType: string; operator: string; value: string; scopeOperator: string | null; at: JsonAt }
  | { kind: 'conjunction'; op: 'AND' | 'OR'; at: JsonAt }
  | { kind: 'nested'; expressions: NsxExpr[]; at: JsonAt }
  | { kind: 'ip'; addresses: string[]; at: JsonAt }
  | { kind: 'external-id'; memberType: string; ids: string[]; at: JsonAt }
  | { kind: 'path'; paths: string[]; at: JsonAt }
  /** MAC / identity expressions: not modelled at L3 (reported) */
  | { kind: 'unsupported'; resourceType: string; at: JsonAt };

/** Realized members the collector added (`/members/<type>` calls), null when not collected. */
export interface NsxRealizedMembers {
  /** VM `external_id`s */
  vms: string[];
  /** owner VM ids of member vNICs */
  vifOwners: string[];
  /** `ips_members` */
  ips: string[];
  segments: string[];
}

/** A group (`/infra/domains/<d>/groups/<id>`). */
export interface NsxGroup {
  /** the key rules use (`path`, or built from domain and id) */
  path: string;
  name: string;
  /** `group_type` contains `IPAddress` (its IPs are addresses, not VMs) */
  ipAddressType: boolean;
  expression: NsxExpr[];
  members: NsxRealizedMembers | null;
  at: JsonAt;
}

/** One service entry, normalised (port strings parsed). */
export type NsxServiceEntry =
  | { kind: 'l4'; protocol: 'TCP' | 'UDP'; srcPorts: [number, number][]; dstPorts: [number, number][]; at: JsonAt }
  | { kind: 'icmp'; version: 4 | 6; type: number | null; code: number | null; at: JsonAt }
  | { kind: 'ip-protocol'; protocol: number; at: JsonAt }
  /** ALG (FTP, TFTP, MS_RPC_TCP, ...): NSX matches the control ports and tracks the data channel */
  | { kind: 'alg'; alg: string; srcPorts: [number, number][]; dstPorts: [number, number][]; at: JsonAt }
  | { kind: 'igmp'; at: JsonAt }
  | { kind: 'nested'; path: string; at: JsonAt }
  /** L2 EtherType: never matches IP traffic */
  | { kind: 'ether'; etherType: number; at: JsonAt };

/** A service (`/infra/services/<id>`). */
export interface NsxService {
  path: string;
  name: string;
  entries: NsxServiceEntry[];
  at: JsonAt;
}

export type NsxAction = 'ALLOW' | 'DROP' | 'REJECT' | 'JUMP_TO_APPLICATION';
export type NsxDirection = 'IN' | 'OUT' | 'IN_OUT';

/** A rule, as written (references unresolved). */
export interface NsxRule {
  /** `rule_id` (what the data plane and logs use); null when absent */
  ruleId: number | null;
  /** `id` (Policy API object id) */
  id: string | null;
  name: string;
  action: NsxAction;
  direction: NsxDirection;
  sources: string[];
  sourcesExcluded: boolean;
  destinations: string[];
  destinationsExcluded: boolean;
  services: string[];
  serviceEntries: NsxServiceEntry[];
  scope: string[];
  sequenceNumber: number | null;
  disabled: boolean;
  ipProtocol: 'IPV4' | 'IPV6' | 'IPV4_IPV6';
  /** position in the policy's rule list as given (tiebreak, nsxanalyzer's only order) */
  index: number;
  at: JsonAt;
}

/** A security policy with its rules. */
export interface NsxPolicy {
  id: string | null;
  name: string;
  /** the category as written ('' when absent) */
  categoryText: string;
  /** NSX category, or null for an empty / unknown one (least precedence, [doc] SecurityPolicy) */
  category: NsxCategory | null;
  scope: string[];
  sequenceNumber: number | null;
  /** position among the input's policies (tiebreak) */
  index: number;
  rules: NsxRule[];
  /** `connectivity_preference` + `default_rule` (ALLOWLIST -> DROP, DENYLIST -> ALLOW) */
  defaultRule: { action: 'ALLOW' | 'DROP'; ruleId: number | null } | null;
  at: JsonAt;
}

/** Everything imported from one or more export files. */
export interface NsxIntent {
  vms: NsxVm[];
  segments: NsxSegment[];
  groups: NsxGroup[];
  services: NsxService[];
  policies: NsxPolicy[];
  diagnostics: Diagnostic[];
}

export function emptyIntent(): NsxIntent {
  return { vms: [], segments: [], groups: [], services: [], policies: [], diagnostics: [] };
}
