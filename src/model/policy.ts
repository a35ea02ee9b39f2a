import type { Diagnostic } from './diagnostics.js';
import type { SourceSpan } from './source-span.js';

/**
 * Tiered policy model shared by the Antrea / Kubernetes YAML loader (src/policy/antrea-yaml.ts)
 * and the `.dfw` language (NSX-style). Types only, plus the built-in tier tables and tiny
 * constructors. Semantics are in shared/reference/antrea.md (section numbers cited as §n).
 *
 * Conventions:
 * - every semantic object carries the `span` of the YAML node / token it came from;
 * - discriminated unions are keyed on `kind`;
 * - an empty `peers` list means "any address" and an empty `ports` list means "every protocol
 *   and port" (Antrea §4.2/§4.3, K8s NetworkPolicy, NSX `any`).
 */

// ---------------------------------------------------------------------------------------------
// Tiers
// ---------------------------------------------------------------------------------------------

/**
 * Where a tier's rules are evaluated (antrea.md §0):
 * - `tiered`: the ordered first-match tiers (Antrea tables `AntreaPolicy*Rule`; NSX categories);
 * - `k8s-np`: the Kubernetes NetworkPolicy layer (union of allows + isolation default drop);
 * - `baseline`: after the K8s NP layer, only for endpoints not isolated by K8s NP (tiers 253/254).
 */
export type TierStage = 'tiered' | 'k8s-np' | 'baseline';

/**
 * Who defined the tier:
 * - `antrea-static`: Emergency ... Application, Baseline (created by antrea-controller, §1.1);
 * - `antrea-custom`: a `kind: Tier` object (§1.2);
 * - `implicit`: no Tier object: upstream ANP 251, BANP 254, CNP Admin 220 / Baseline 254, K8s NP;
 * - `nsx-category`: an NSX DFW category (Ethernet ... Application, Default).
 */
export type TierKind = 'antrea-static' | 'antrea-custom' | 'implicit' | 'nsx-category';

/** One tier (Antrea) or category (NSX). Lower `priority` is evaluated first. */
export interface Tier {
  /** canonical name (`securityops`, `application`, `K8sNetworkPolicy`, `Environment`, ...) */
  name: string;
  /** display name for walkthroughs (`SecurityOps`, `K8s NP`) */
  label: string;
  /** integer; unique among tiers of one family (§1.2 "overlaps with existing Tier") */
  priority: number;
  kind: TierKind;
  stage: TierStage;
  /**
   * true when a `pass` from an earlier tier resumes evaluation here. Antrea: the K8s NP stage
   * (doc l.664: Pass "delegates the decision to K8s namespaced NetworkPolicies"); NSX: the
   * Application category ("Jump to Application").
   */
  passTarget: boolean;
  span: SourceSpan | null;
}

/** Lower-case names of the Antrea static tiers and their priorities (§1.1, tier.go priorityMap). */
export const AntreaTierPriority = {
  emergency: 50,
  securityops: 100,
  networkops: 150,
  platform: 200,
  /** upstream v1alpha2 ClusterNetworkPolicy `tier: Admin` (clusternetworkpolicy.go l.33) */
  'cnp-admin': 220,
  application: 250,
  /** upstream AdminNetworkPolicy v1alpha1 (adminnetworkpolicy.go l.29) */
  'admin-network-policy': 251,
  /**
   * Not an Antrea number: the K8s NP layer has no tier. 252 is reserved by Antrea's validation
   * (§1.2), so nothing else can sit there; it places K8s NP between ANP (251) and baseline (253).
   */
  K8sNetworkPolicy: 252,
  baseline: 253,
  /** BaselineAdminNetworkPolicy and upstream CNP `tier: Baseline` (§1.1) */
  'baseline-admin-network-policy': 254,
} as const;

const SPAN_NONE = null;

function tier(
  name: string,
  label: string,
  priority: number,
  kind: TierKind,
  stage: TierStage,
  passTarget = false,
): Tier {
  return { name, label, priority, kind, stage, passTarget, span: SPAN_NONE };
}

/** The built-in Antrea tiers plus the implicit upstream and K8s NP stages, in evaluation order. */
export function antreaBuiltinTiers(): Tier[] {
  return [
    tier('emergency', 'Emergency', 50, 'antrea-static', 'tiered'),
    tier('securityops', 'SecurityOps', 100, 'antrea-static', 'tiered'),
    tier('networkops', 'NetworkOps', 150, 'antrea-static', 'tiered'),
    tier('platform', 'Platform', 200, 'antrea-static', 'tiered'),
    tier('cnp-admin', 'Admin', 220, 'implicit', 'tiered'),
    tier('application', 'Application', 250, 'antrea-static', 'tiered'),
    tier('admin-network-policy', 'ANP', 251, 'implicit', 'tiered'),
    tier('K8sNetworkPolicy', 'K8s NP', 252, 'implicit', 'k8s-np', true),
    tier('baseline', 'Baseline', 253, 'antrea-static', 'baseline'),
    tier('baseline-admin-network-policy', 'BANP/CNP Baseline', 254, 'implicit', 'baseline'),
  ];
}

/** NSX DFW categories in evaluation order (Ethernet is the L2 section, evaluated first). */
export const NsxCategoryPriority = {
  Ethernet: 10,
  Emergency: 20,
  Infrastructure: 30,
  Environment: 40,
  Application: 50,
  Default: 60,
} as const;
export type NsxCategory = keyof typeof NsxCategoryPriority;

/** The NSX categories as tiers. `pass` ("Jump to Application") resumes at Application. */
export function nsxCategoryTiers(): Tier[] {
  return (Object.keys(NsxCategoryPriority) as NsxCategory[]).map((c) =>
    tier(c, c, NsxCategoryPriority[c], 'nsx-category', 'tiered', c === 'Application'),
  );
}

/**
 * The static tier spellings accepted by Antrea besides the lower-case names
 * (`tier.go` l.59 staticTierSet, §1.1); they are lower-cased.
 */
export const AntreaStaticTierSpellings: Readonly<Record<string, string>> = {
  Emergency: 'emergency',
  SecurityOps: 'securityops',
  NetworkOps: 'networkops',
  Platform: 'platform',
  Application: 'application',
  Baseline: 'baseline',
};

// ---------------------------------------------------------------------------------------------
// Selectors and peers
// ---------------------------------------------------------------------------------------------

/** Kubernetes label selector requirement. */
export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** Kubernetes LabelSelector. Both parts empty = matches everything (`{}`). */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelRequirement[];
}

/**
 * Which Namespaces a `pods` peer looks in. Resolved at load time, because the scope of a bare
 * `podSelector` depends on the policy kind (§4.2: ACNP = all Namespaces; ANNP / K8s NP = the
 * policy's own Namespace).
 */
export type NamespaceMatch =
  | { kind: 'all' }
  /** exactly this Namespace (ANNP / K8s NP podSelector without namespaceSelector) */
  | { kind: 'name'; name: string }
  | { kind: 'selector'; selector: LabelSelector }
  /** `namespaces: {match: Self}`: the Namespace of the appliedTo Pod being evaluated (§4.2) */
  | { kind: 'self' }
  /** `namespaces: {sameLabels: [k...]}`: same values for all keys as the appliedTo Pod's Namespace */
  | { kind: 'same-labels'; keys: string[] };

/** An IP / CIDR block. `except` addresses are simply not matched (§4.2, §9.5). */
export interface IpBlock {
  /** CIDR (`10.0.0.0/8`) or a single address (`/32` implied) */
  cidr: string;
  except: string[];
}

/**
 * A rule peer, an appliedTo entry, or a Group member. Fields inside one entry are ANDed,
 * entries in a list are ORed (§4.1, §4.2).
 */
export type Peer =
  /** Pods matching `pods` in the Namespaces of `namespaces` */
  | { kind: 'pods'; pods: LabelSelector; namespaces: NamespaceMatch; span: SourceSpan }
  | { kind: 'ip-block'; block: IpBlock; span: SourceSpan }
  /** ClusterGroup (`namespace` null) or namespaced Group reference */
  | { kind: 'group'; name: string; namespace: string | null; span: SourceSpan }
  /** Pods running with this ServiceAccount (§4.2) */
  | { kind: 'service-account'; name: string; namespace: string; span: SourceSpan }
  /** Nodes (their IPs) matching the selector */
  | { kind: 'nodes'; selector: LabelSelector; span: SourceSpan }
  /** VMs (NSX: tag-based group membership) whose labels/tags match */
  | { kind: 'vms'; selector: LabelSelector; span: SourceSpan }
  /** every address (NSX `any`; explicit form of an empty peer list) */
  | { kind: 'any'; span: SourceSpan }
  /**
   * matches nothing: a peer whose fields dfwsim does not model (FQDN, toServices, ...) or an
   * upstream CNP peer with no recognized field on an Accept/Pass rule (§1.1 "fail closed").
   * A diagnostic was reported at `span`.
   */
  | { kind: 'none'; reason: string; span: SourceSpan };

export type PeerKind = Peer['kind'];

// ---------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------

/** Transport protocols that carry ports. */
export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

/** Destination port part of a PortSpec. */
export type PortMatch =
  | { kind: 'any' }
  /** inclusive range; a single port has lo === hi */
  | { kind: 'range'; lo: number; hi: number }
  /** container port name, resolved against the destination Pod (name and protocol must match, §4.3) */
  | { kind: 'named'; name: string };

/** One entry of a rule's `ports` / `protocols` (ORed). */
export type PortSpec =
  | {
      kind: 'l4';
      protocol: PortProtocol;
      port: PortMatch;
      /** client source ports, inclusive; null = any (v1.12+ sourcePort/sourceEndPort) */
      srcPorts: { lo: number; hi: number } | null;
      span: SourceSpan;
    }
  /** ICMP; null type/code = any (§4.3) */
  | { kind: 'icmp'; icmpType: number | null; icmpCode: number | null; span: SourceSpan }
  /** any traffic of an IP protocol number (NSX `protocol 47`) */
  | { kind: 'ip-protocol'; protocol: number; span: SourceSpan };

// ---------------------------------------------------------------------------------------------
// Rules and policies
// ---------------------------------------------------------------------------------------------

/** Rule action. Upstream `Accept`/`Deny` map to allow/drop (§1.1); NSX `jump to application` is pass. */
export type RuleAction = 'allow' | 'drop' | 'reject' | 'pass';

/**
 * Rule direction relative to the appliedTo endpoint: `ingress` = toward it (NSX `in`),
 * `egress` = from it (NSX `out`), `inout` = both (NSX only; Antrea rules are one-directional).
 */
export type RuleDirection = 'ingress' | 'egress' | 'inout';

/** One rule of a policy. */
export interface PolicyRule {
  /**
   * Stable id used in walkthroughs: the rule `name` when given, else a generated
   * `<direction>-<action>-<7 hex>` (Antrea auto-generates names of that shape, §6;
   * our hex is a hash of the rule's position, not Antrea's).
   */
  id: string;
  /** name as written, or null */
  name: string | null;
  direction: RuleDirection;
  /**
   * Rule priority inside the policy (§2): 0-based index in the policy's `ingress` or `egress`
   * list (Antrea, separately per list) or in the policy's rule list (NSX).
   */
  index: number;
  action: RuleAction;
  /** peers on the far side (from for ingress, to for egress); empty = any address */
  peers: Peer[];
  /** ports and protocols; empty = every protocol and port (§4.3) */
  ports: PortSpec[];
  /** rule-level appliedTo (§4.1); null = the policy's appliedTo */
  appliedTo: Peer[] | null;
  logging: boolean;
  /** Antrea `logLabel` / NSX rule tag */
  logLabel: string | null;
  span: SourceSpan;
}

/** Policy kinds. */
export type PolicyKind = 'acnp' | 'annp' | 'k8s-np' | 'anp' | 'banp' | 'cnp' | 'nsx';

interface PolicyCommon {
  name: string;
  /** null for cluster-scoped policies */
  namespace: string | null;
  /** tier name (a `Tier.name` of the PolicySet) */
  tier: string;
  /** float; lower first (§2). K8s NP: 0 (no priority). */
  priority: number;
  /** policy-level appliedTo; empty when every rule has its own appliedTo */
  appliedTo: Peer[];
  rules: PolicyRule[];
  span: SourceSpan;
}

/** A policy. Discriminated on `kind`. */
export type Policy =
  /** Antrea ClusterNetworkPolicy (crd.antrea.io) */
  | (PolicyCommon & { kind: 'acnp' })
  /** Antrea namespaced NetworkPolicy (crd.antrea.io) */
  | (PolicyCommon & { kind: 'annp' })
  /**
   * Kubernetes NetworkPolicy: `isolates` says for which directions the selected Pods become
   * isolated (policyTypes, with the K8s defaulting: Ingress always, Egress when egress rules exist).
   */
  | (PolicyCommon & { kind: 'k8s-np'; isolates: { ingress: boolean; egress: boolean } })
  /** upstream AdminNetworkPolicy v1alpha1 (tier 251) */
  | (PolicyCommon & { kind: 'anp' })
  /** upstream BaselineAdminNetworkPolicy v1alpha1 (tier 254) */
  | (PolicyCommon & { kind: 'banp' })
  /** upstream ClusterNetworkPolicy v1alpha2 (Admin 220 / Baseline 254) */
  | (PolicyCommon & { kind: 'cnp' })
  /** NSX DFW security policy (category = tier); `stateful` false = stateless section */
  | (PolicyCommon & { kind: 'nsx'; stateful: boolean });

/** A ClusterGroup (`namespace` null) or namespaced Group; members are ORed (§4.2 `group`). */
export interface Group {
  name: string;
  namespace: string | null;
  /** members; a `group` member is a child group (one level, §4.2) */
  members: Peer[];
  span: SourceSpan;
}

/** A set of tiers, policies and groups: one loaded input (or the union of several). */
export interface PolicySet {
  tiers: Tier[];
  policies: Policy[];
  groups: Group[];
  diagnostics: Diagnostic[];
}

/** An empty PolicySet with the Antrea built-in tiers. */
export function emptyAntreaPolicySet(): PolicySet {
  return { tiers: antreaBuiltinTiers(), policies: [], groups: [], diagnostics: [] };
}

// ---------------------------------------------------------------------------------------------
// Inventory
// ---------------------------------------------------------------------------------------------

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

/** A named container port (used to resolve named rule ports, §4.3). */
export interface ContainerPort {
  port: number;
  protocol: PortProtocol;
  name: string | null;
}

export interface PodInfo {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** primary IP, or null when not known */
  ip: string | null;
  node: string | null;
  serviceAccount: string;
  ports: ContainerPort[];
}

export interface NodeInfo {
  name: string;
  ips: string[];
  labels: Record<string, string>;
}

/** A VM / vNIC filter (NSX), usable as an endpoint and as a `vms` peer. */
export interface VmInfo {
  name: string;
  filterHash: string | null;
  filterName: string | null;
  ips: string[];
  /** NSX tags as labels (`scope: tag` => `scope` key); empty when unknown */
  labels: Record<string, string>;
}

/** Everything policies can select on. */
export interface Inventory {
  namespaces: NamespaceInfo[];
  pods: PodInfo[];
  nodes: NodeInfo[];
  vms: VmInfo[];
}

/** An empty inventory. */
export function emptyInventory(): Inventory {
  return { namespaces: [], pods: [], nodes: [], vms: [] };
}

/** One side of a connection: a Pod (`ns/name`), a VM by name, or a bare IP (not policed). */
export type EndpointRef =
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'vm'; name: string }
  | { kind: 'ip'; ip: string };

/** A label selector that matches everything. */
export function matchAllSelector(): LabelSelector {
  return { matchLabels: {}, matchExpressions: [] };
}
