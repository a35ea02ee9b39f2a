import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { DiagnosticCode } from '../model/diagnostics.js';
import type { ParseResult } from '../model/diagnostics.js';
import { AntreaStaticTierSpellings, matchAllSelector } from '../model/policy.js';
import type {
  Group,
  LabelRequirement,
  LabelSelector,
  NamespaceMatch,
  Peer,
  Policy,
  PolicyKind,
  PolicyRule,
  PortMatch,
  PortProtocol,
  PortSpec,
  RuleAction,
  RuleDirection,
  Tier,
} from '../model/policy.js';
import type { SourceSpan } from '../model/source-span.js';
import { MapReader, parseYamlStream, scalarValue } from './yaml-node.js';
import type { YamlSource } from './yaml-node.js';

/**
 * Loads Antrea-native policies (crd.antrea.io ClusterNetworkPolicy / NetworkPolicy / Tier /
 * ClusterGroup / Group), Kubernetes NetworkPolicy, and the upstream network-policy-api objects
 * (AdminNetworkPolicy, BaselineAdminNetworkPolicy v1alpha1; ClusterNetworkPolicy v1alpha2) into
 * the shared policy model. Semantics: shared/reference/antrea.md §1–4.
 *
 * Never throws on bad input: problems become diagnostics with file:line:col. A policy whose
 * document has errors is not loaded (Antrea's admission webhook would refuse it), and says so.
 */

/** What one file contributes to a PolicySet: custom tiers only (built-ins are added on merge). */
export interface PolicyFragment {
  tiers: Tier[];
  policies: Policy[];
  groups: Group[];
}

/** Fields that exist in the APIs but that dfwsim does not model, with what that means. */
const UNSUPPORTED_PEER: Readonly<Record<string, string>> = {
  fqdn: 'FQDN peers are not modelled (DNS-learnt IPs); this peer matches nothing',
  externalEntitySelector: 'ExternalEntity peers are not modelled; this peer matches nothing',
  scope: 'multi-cluster scope (ClusterSet) is not modelled; the peer is evaluated in this cluster only',
  domainNames: 'domainNames peers are not modelled; this peer matches nothing',
};
const UNSUPPORTED_RULE: Readonly<Record<string, string>> = {
  toServices: 'toServices (ClusterIP matching before DNAT) is not modelled; the rule matches nothing',
  l7Protocols: 'L7 protocols are not modelled; only the L3/L4 part of the rule is evaluated',
  ruleSelector: 'not modelled',
};
const UNSUPPORTED_APPLIED_TO: Readonly<Record<string, string>> = {
  nodeSelector: 'Node NetworkPolicy (appliedTo nodeSelector) is not modelled; this entry selects nothing',
  service: 'NodePort Service appliedTo is not modelled; this entry selects nothing',
  externalEntitySelector: 'ExternalEntity appliedTo is not modelled; this entry selects nothing',
};
const UNSUPPORTED_GROUP: Readonly<Record<string, string>> = {
  serviceReference: 'serviceReference groups are not modelled (no Service inventory); this member matches nothing',
  externalEntitySelector: 'ExternalEntity members are not modelled; this member matches nothing',
};
const UNSUPPORTED_PROTOCOL: Readonly<Record<string, string>> = {
  igmp: 'IGMP rules are not modelled; this entry matches nothing',
};

/** Load a (multi-document) YAML text. */
export function loadPolicyYaml(text: string, file: string): ParseResult<PolicyFragment> {
  const { source, docs } = parseYamlStream(text, file);
  const value: PolicyFragment = { tiers: [], policies: [], groups: [] };
  for (const doc of docs) {
    // A document with YAML syntax errors is not interpreted (its errors are already reported).
    if (doc.contents === null || doc.contents === undefined || doc.errors.length > 0) continue;
    loadPolicyNode(source, doc.contents as Node, value);
  }
  // Report in reading order, whatever order the nested readers finished in.
  const diagnostics = [...source.diagnostics].sort((a, b) => a.span.offset - b.span.offset);
  return { value, diagnostics };
}

/**
 * Load one resource node (a mapping, or a `kind: List`) into `into`. Used by the scenario
 * reader, whose resources sit inside a larger YAML document, so spans stay exact.
 */
export function loadPolicyNode(src: YamlSource, node: Node, into: PolicyFragment): void {
  const top = MapReader.of(src, node, 'resource');
  if (!top) return;
  const kind = top.str('kind');
  const apiVersion = top.str('apiVersion') ?? '';
  const group = apiVersion.split('/')[0] ?? '';
  if (kind === 'List' || kind?.endsWith('List')) {
    for (const item of top.seq('items')) loadPolicyNode(src, item, into);
    top.ignore('metadata');
    top.finish();
    return;
  }
  top.ignore('status');
  const before = src.diagnostics.length;
  const hasErrors = (): boolean => src.diagnostics.slice(before).some((d) => d.severity === 'error');
  const keyOf = `${kind ?? '?'} (${apiVersion || 'no apiVersion'})`;

  const addPolicy = (p: Policy | null): void => {
    top.finish();
    if (!p) return;
    if (hasErrors()) {
      src.report(DiagnosticCode.PolicyInvalid, 'error', node, `${keyOf} ${p.name}: not loaded because of the errors above`);
      return;
    }
    into.policies.push(p);
  };

  switch (`${group}/${kind ?? ''}`) {
    case 'crd.antrea.io/ClusterNetworkPolicy':
      return addPolicy(loadAntreaPolicy(src, top, 'acnp'));
    case 'crd.antrea.io/NetworkPolicy':
      return addPolicy(loadAntreaPolicy(src, top, 'annp'));
    case 'networking.k8s.io/NetworkPolicy':
      return addPolicy(loadK8sNetworkPolicy(src, top));
    case 'policy.networking.k8s.io/AdminNetworkPolicy':
      return addPolicy(loadUpstreamPolicy(src, top, 'anp'));
    case 'policy.networking.k8s.io/BaselineAdminNetworkPolicy':
      return addPolicy(loadUpstreamPolicy(src, top, 'banp'));
    case 'policy.networking.k8s.io/ClusterNetworkPolicy':
      return addPolicy(loadUpstreamPolicy(src, top, 'cnp'));
    case 'crd.antrea.io/Tier': {
      const t = loadTier(src, top);
      top.finish();
      if (t && !hasErrors()) into.tiers.push(t);
      return;
    }
    case 'crd.antrea.io/ClusterGroup':
    case 'crd.antrea.io/Group': {
      const g = loadGroup(src, top, kind === 'Group');
      top.finish();
      if (g && !hasErrors()) into.groups.push(g);
      return;
    }
    default:
      top.ignore('metadata', 'spec');
      src.report(
        DiagnosticCode.PolicyUnsupportedField,
        'warning',
        top.keyNode('kind') ?? node,
        `kind: ${keyOf} is not a policy object dfwsim models; document skipped`,
      );
      top.finish();
  }
}

// ---------------------------------------------------------------------------------------------
// metadata, selectors
// ---------------------------------------------------------------------------------------------

interface Meta {
  name: string;
  namespace: string | null;
}

function readMeta(src: YamlSource, top: MapReader, namespaced: boolean): Meta | null {
  const m = top.map('metadata');
  if (!m) {
    src.invalid(top.node, 'metadata is required');
    return null;
  }
  // labels, annotations, uid ... do not affect verdicts: not reported.
  const name = m.str('name');
  if (!name) {
    src.invalid(m.node, 'metadata.name is required');
    return null;
  }
  // kubectl puts objects without a namespace in `default`.
  return { name, namespace: namespaced ? (m.str('namespace') ?? 'default') : null };
}

/** Parse a LabelSelector node; reports malformed parts. */
export function readSelector(src: YamlSource, node: Node | null | undefined, path: string): LabelSelector {
  const sel = matchAllSelector();
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return sel;
  const r = MapReader.of(src, node, path);
  if (!r) return sel;
  const ml = r.get('matchLabels');
  if (isMap(ml)) {
    const mr = new MapReader(src, ml, `${path}.matchLabels`);
    for (const item of ml.items) {
      const k = scalarValue(item.key as Node);
      if (typeof k !== 'string') continue;
      const v = mr.str(k);
      if (v !== undefined) sel.matchLabels[k] = v;
    }
  } else if (ml !== undefined && ml !== null) {
    src.invalid(ml, `${path}.matchLabels must be a mapping`);
  }
  r.seq('matchExpressions').forEach((e, i) => {
    const er = MapReader.of(src, e, `${path}.matchExpressions[${i}]`);
    if (!er) return;
    const key = er.str('key');
    const op = er.str('operator');
    const values = er.seq('values').map((v) => String(scalarValue(v) ?? ''));
    er.finish();
    if (!key || !op || !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) {
      src.invalid(e, `${path}.matchExpressions[${i}] needs key and operator In|NotIn|Exists|DoesNotExist`);
      return;
    }
    sel.matchExpressions.push({ key, operator: op as LabelRequirement['operator'], values });
  });
  r.finish();
  return sel;
}

function readIpBlock(src: YamlSource, node: Node | null | undefined, path: string, span: SourceSpan): Peer | null {
  const r = MapReader.of(src, node, path);
  if (!r) return null;
  const cidr = r.str('cidr');
  const except = r.seq('except').map((n) => String(scalarValue(n) ?? ''));
  r.finish();
  if (!cidr || !isCidr(cidr)) {
    src.invalid(node, `${path}.cidr must be an IPv4/IPv6 CIDR`);
    return null;
  }
  for (const [i, e] of except.entries()) {
    if (!isCidr(e)) src.invalid(node, `${path}.except[${i}] must be a CIDR`);
  }
  return { kind: 'ip-block', block: { cidr, except }, span };
}

/** Loose CIDR / address check; exact parsing happens in the engine's compiler. */
function isCidr(s: string): boolean {
  return /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s) && (s.includes('.') || s.includes(':'));
}

// ---------------------------------------------------------------------------------------------
// Antrea-native: ACNP / ANNP
// ---------------------------------------------------------------------------------------------

interface AntreaCtx {
  kind: 'acnp' | 'annp';
  namespace: string | null;
  policyName: string;
}

/** One `from`/`to` (or appliedTo) entry of an Antrea-native policy (§4.1, §4.2). */
function readAntreaPeer(src: YamlSource, node: Node, path: string, ctx: AntreaCtx, appliedTo: boolean): Peer {
  const span = src.span(node);
  const r = MapReader.of(src, node, path);
  if (!r) return { kind: 'none', reason: 'invalid entry', span };
  const podNode = r.get('podSelector');
  const nsNode = r.get('namespaceSelector');
  const namespaces = r.map('namespaces');
  const ipBlockNode = r.get('ipBlock');
  const group = r.str('group');
  const sa = r.map('serviceAccount');
  let result: Peer | null = null;
  const exclusive = [podNode !== undefined || nsNode !== undefined || namespaces !== null, ipBlockNode !== undefined, group !== undefined, sa !== null];
  if (exclusive.filter(Boolean).length > 1) {
    src.invalid(node, `${path}: podSelector/namespaceSelector, ipBlock, group and serviceAccount cannot be combined`);
  }
  const nodeSel = appliedTo ? undefined : r.get('nodeSelector');

  if (ipBlockNode !== undefined) {
    if (appliedTo) {
      // §4.1: an ipBlock in appliedTo has no effect.
      src.invalid(ipBlockNode, `${path}.ipBlock is not allowed in appliedTo`);
    }
    result = readIpBlock(src, ipBlockNode, `${path}.ipBlock`, span);
  } else if (group !== undefined) {
    result = { kind: 'group', name: group, namespace: ctx.kind === 'annp' ? ctx.namespace : null, span };
  } else if (sa) {
    const name = sa.str('name');
    const ns = sa.str('namespace');
    sa.finish();
    if (!name || !ns) src.invalid(sa.node, `${path}.serviceAccount needs name and namespace`);
    else result = { kind: 'service-account', name, namespace: ns, span };
  } else if (nodeSel !== undefined) {
    result = { kind: 'nodes', selector: readSelector(src, nodeSel, `${path}.nodeSelector`), span };
  } else if (podNode !== undefined || nsNode !== undefined || namespaces !== null) {
    const pods = readSelector(src, podNode, `${path}.podSelector`);
    let ns: NamespaceMatch;
    if (namespaces) {
      const match = namespaces.str('match');
      const same = namespaces.seq('sameLabels').map((n) => String(scalarValue(n) ?? ''));
      namespaces.finish();
      if (nsNode !== undefined) src.invalid(node, `${path}: namespaces and namespaceSelector cannot be combined`);
      if (ctx.kind !== 'acnp') src.invalid(namespaces.node, `${path}.namespaces is only valid in a ClusterNetworkPolicy`);
      if (match === 'Self') ns = { kind: 'self' };
      else if (same.length > 0) ns = { kind: 'same-labels', keys: same };
      else {
        src.invalid(namespaces.node, `${path}.namespaces needs match: Self or sameLabels`);
        ns = { kind: 'self' };
      }
    } else if (nsNode !== undefined) {
      if (appliedTo && ctx.kind === 'annp') {
        src.invalid(nsNode, `${path}.namespaceSelector is not allowed in an Antrea NetworkPolicy appliedTo`);
      }
      ns = { kind: 'selector', selector: readSelector(src, nsNode, `${path}.namespaceSelector`) };
    } else {
      // §4.2: a bare podSelector means all Namespaces for an ACNP, the policy's own for an ANNP.
      ns = ctx.kind === 'acnp' || ctx.namespace === null ? { kind: 'all' } : { kind: 'name', name: ctx.namespace };
    }
    result = { kind: 'pods', pods, namespaces: ns, span };
  }
  const unsupported = appliedTo ? { ...UNSUPPORTED_PEER, ...UNSUPPORTED_APPLIED_TO } : UNSUPPORTED_PEER;
  r.finish(unsupported);
  if (result) return result;
  return { kind: 'none', reason: 'no supported peer field', span };
}

function readAction(src: YamlSource, r: MapReader, path: string, allowed: Record<string, RuleAction>): RuleAction | null {
  const a = r.str('action');
  const node = r.get('action');
  if (a === undefined) {
    src.invalid(r.node, `${path}.action is required`);
    return null;
  }
  const act = allowed[a];
  if (!act) {
    // §9.7: docs show `Deny` but the CRD enum refuses it.
    src.invalid(node, `${path}.action ${a} is not one of ${Object.keys(allowed).join('|')}`);
    return null;
  }
  return act;
}

const ANTREA_ACTIONS: Record<string, RuleAction> = { Allow: 'allow', Drop: 'drop', Reject: 'reject', Pass: 'pass' };

/** `ports` entries (ACNP/ANNP/K8s NP shape). Protocol defaults to TCP (§4.3). */
function readPorts(src: YamlSource, items: Node[], path: string, allowSource: boolean): PortSpec[] {
  const out: PortSpec[] = [];
  items.forEach((n, i) => {
    const p = `${path}[${i}]`;
    const r = MapReader.of(src, n, p);
    if (!r) return;
    const span = src.span(n);
    const proto = (r.str('protocol') ?? 'TCP').toUpperCase();
    const portNode = r.get('port');
    const endPort = r.num('endPort');
    const sp = allowSource ? r.num('sourcePort') : undefined;
    const sep = allowSource ? r.num('sourceEndPort') : undefined;
    r.finish();
    if (proto !== 'TCP' && proto !== 'UDP' && proto !== 'SCTP') {
      src.invalid(r.node, `${p}.protocol must be TCP, UDP or SCTP`);
      return;
    }
    const pv = scalarValue(portNode);
    let port: PortMatch;
    if (portNode === undefined || portNode === null || pv === null) port = { kind: 'any' };
    else if (typeof pv === 'number' && Number.isInteger(pv) && pv >= 0 && pv <= 65535) {
      const hi = endPort ?? pv;
      if (hi < pv || hi > 65535) src.invalid(n, `${p}.endPort must be >= port and <= 65535`);
      port = { kind: 'range', lo: pv, hi };
    } else if (typeof pv === 'string' && /^\d+$/.test(pv)) {
      port = { kind: 'range', lo: Number(pv), hi: endPort ?? Number(pv) };
    } else if (typeof pv === 'string') {
      if (endPort !== undefined) src.invalid(n, `${p}.endPort needs a numeric port`);
      port = { kind: 'named', name: pv };
    } else {
      src.invalid(portNode, `${p}.port must be a number or a port name`);
      return;
    }
    if (port.kind === 'any' && endPort !== undefined) src.invalid(n, `${p}.endPort needs port`);
    let srcPorts: { lo: number; hi: number } | null = null;
    if (sp !== undefined) srcPorts = { lo: sp, hi: sep ?? sp };
    else if (sep !== undefined) src.invalid(n, `${p}.sourceEndPort needs sourcePort`);
    out.push({ kind: 'l4', protocol: proto as PortProtocol, port, srcPorts, span });
  });
  return out;
}

/** `protocols: [{icmp: {icmpType, icmpCode}}]` (§4.3). */
function readAntreaProtocols(src: YamlSource, items: Node[], path: string): { specs: PortSpec[]; unsupported: boolean } {
  const specs: PortSpec[] = [];
  let unsupported = false;
  items.forEach((n, i) => {
    const r = MapReader.of(src, n, `${path}[${i}]`);
    if (!r) return;
    const icmp = r.map('icmp');
    if (icmp) {
      const t = icmp.num('icmpType');
      const c = icmp.num('icmpCode');
      icmp.finish();
      specs.push({ kind: 'icmp', icmpType: t ?? null, icmpCode: c ?? null, span: src.span(n) });
    }
    if (r.has('igmp')) unsupported = true;
    r.finish(UNSUPPORTED_PROTOCOL);
  });
  return { specs, unsupported };
}

function ruleId(policyKey: string, direction: RuleDirection, action: RuleAction, index: number): string {
  const hex = createHash('sha1').update(`${policyKey}/${direction}/${index}`).digest('hex').slice(0, 7);
  return `${direction}-${action}-${hex}`;
}

function readAntreaRule(
  src: YamlSource,
  node: Node,
  path: string,
  direction: 'ingress' | 'egress',
  index: number,
  ctx: AntreaCtx,
  tierName: string,
): PolicyRule | null {
  const r = MapReader.of(src, node, path);
  if (!r) return null;
  const action = readAction(src, r, path, ANTREA_ACTIONS);
  const name = r.str('name') ?? null;
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  const peers = r.seq(peerKey).map((p, i) => readAntreaPeer(src, p, `${path}.${peerKey}[${i}]`, ctx, false));
  let ports = readPorts(src, r.seq('ports'), `${path}.ports`, true);
  const protos = readAntreaProtocols(src, r.seq('protocols'), `${path}.protocols`);
  ports = ports.concat(protos.specs);
  const appliedToNodes = r.get('appliedTo');
  const appliedTo =
    appliedToNodes === undefined
      ? null
      : isSeq(appliedToNodes)
        ? (appliedToNodes.items as Node[]).map((a, i) => readAntreaPeer(src, a, `${path}.appliedTo[${i}]`, ctx, true))
        : (src.invalid(appliedToNodes, `${path}.appliedTo must be a list`), []);
  const logging = r.bool('enableLogging') ?? false;
  const logLabel = r.str('logLabel') ?? null;
  const hasToServices = r.has('toServices');
  r.finish(UNSUPPORTED_RULE);
  if (!action) return null;
  if (action === 'pass' && tierName === 'baseline') {
    // validate.go validateTierForPassAction (§3): Pass is refused in the baseline tier.
    src.invalid(r.get('action'), `${path}.action Pass is not allowed in the baseline tier`);
    return null;
  }
  if (hasToServices) peers.push({ kind: 'none', reason: 'toServices is not modelled', span: src.span(node) });
  if (protos.unsupported && ports.length === 0) {
    ports.push({ kind: 'ip-protocol', protocol: 2, span: src.span(node) });
  }
  const policyKey = `${ctx.kind}:${ctx.namespace ?? ''}/${ctx.policyName}`;
  return {
    id: name ?? ruleId(policyKey, direction, action, index),
    name,
    direction,
    index,
    action,
    peers,
    ports,
    appliedTo,
    logging,
    logLabel,
    span: src.span(node),
  };
}

function normalizeTier(name: string): string {
  return AntreaStaticTierSpellings[name] ?? name;
}

function loadAntreaPolicy(src: YamlSource, top: MapReader, kind: 'acnp' | 'annp'): Policy | null {
  const meta = readMeta(src, top, kind === 'annp');
  const spec = top.map('spec');
  if (!meta || !spec) {
    if (!spec) src.invalid(top.node, 'spec is required');
    return null;
  }
  const ctx: AntreaCtx = { kind, namespace: meta.namespace, policyName: meta.name };
  const priority = spec.num('priority');
  if (priority === undefined) src.invalid(spec.node, 'spec.priority is required');
  else if (priority < 1 || priority > 10000) src.invalid(spec.get('priority'), 'spec.priority must be within 1.0–10000.0');
  // §1.1: a policy without tier goes to `application` (mutating webhook).
  const tierName = normalizeTier(spec.str('tier') ?? 'application');
  const appliedTo = spec.seq('appliedTo').map((a, i) => readAntreaPeer(src, a, `spec.appliedTo[${i}]`, ctx, true));
  const rules: PolicyRule[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    spec.seq(direction).forEach((n, i) => {
      const rule = readAntreaRule(src, n, `spec.${direction}[${i}]`, direction, i, ctx, tierName);
      if (rule) rules.push(rule);
    });
  }
  spec.ignore('description');
  spec.finish();
  // §4.1: policy-level or rule-level appliedTo, never both, and one of them.
  const ruleLevel = rules.filter((r) => r.appliedTo !== null).length;
  if (appliedTo.length > 0 && ruleLevel > 0) src.invalid(spec.node, 'appliedTo is set both on the policy and on rules');
  if (appliedTo.length === 0 && ruleLevel !== rules.length) {
    src.invalid(spec.node, 'appliedTo must be set on the policy or on every rule');
  }
  return {
    kind,
    name: meta.name,
    namespace: meta.namespace,
    tier: tierName,
    priority: priority ?? 0,
    appliedTo,
    rules,
    span: src.span(top.node),
  };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes NetworkPolicy
// ---------------------------------------------------------------------------------------------

function readK8sPeer(src: YamlSource, node: Node, path: string, namespace: string): Peer {
  const span = src.span(node);
  const r = MapReader.of(src, node, path);
  if (!r) return { kind: 'none', reason: 'invalid entry', span };
  const podNode = r.get('podSelector');
  const nsNode = r.get('namespaceSelector');
  const ipb = r.get('ipBlock');
  r.finish();
  if (ipb !== undefined) {
    if (podNode !== undefined || nsNode !== undefined) src.invalid(node, `${path}: ipBlock cannot be combined with selectors`);
    return readIpBlock(src, ipb, `${path}.ipBlock`, span) ?? { kind: 'none', reason: 'invalid ipBlock', span };
  }
  if (podNode === undefined && nsNode === undefined) {
    src.invalid(node, `${path} needs podSelector, namespaceSelector or ipBlock`);
    return { kind: 'none', reason: 'empty peer', span };
  }
  const pods = readSelector(src, podNode, `${path}.podSelector`);
  const ns: NamespaceMatch =
    nsNode === undefined
      ? { kind: 'name', name: namespace }
      : { kind: 'selector', selector: readSelector(src, nsNode, `${path}.namespaceSelector`) };
  return { kind: 'pods', pods, namespaces: ns, span };
}

function loadK8sNetworkPolicy(src: YamlSource, top: MapReader): Policy | null {
  const meta = readMeta(src, top, true);
  const spec = top.map('spec');
  if (!meta || !spec) {
    if (!spec) src.invalid(top.node, 'spec is required');
    return null;
  }
  const ns = meta.namespace ?? 'default';
  const podSelNode = spec.get('podSelector');
  const selector = readSelector(src, podSelNode, 'spec.podSelector');
  const typesNode = spec.get('policyTypes');
  const hasEgress = spec.has('egress');
  const ingressItems = spec.seq('ingress');
  const egressItems = spec.seq('egress');
  let types: string[];
  if (typesNode === undefined || typesNode === null) {
    // K8s defaulting: Ingress always; Egress when the policy has egress rules.
    types = ['Ingress', ...(egressItems.length > 0 ? ['Egress'] : [])];
  } else if (isSeq(typesNode)) {
    types = (typesNode.items as Node[]).map((n) => String(scalarValue(n)));
    for (const [i, t] of types.entries()) {
      if (t !== 'Ingress' && t !== 'Egress') src.invalid((typesNode.items as Node[])[i], `policyTypes entry ${t} must be Ingress or Egress`);
    }
  } else {
    src.invalid(typesNode, 'spec.policyTypes must be a list');
    types = ['Ingress'];
  }
  const isolates = { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  // antrea.md §9.15: Antrea may realize rules of a type missing from policyTypes (unverified).
  if (!isolates.ingress && ingressItems.length > 0) {
    src.report(DiagnosticCode.Unverified, 'info', spec.keyNode('ingress'), 'ingress rules without Ingress in policyTypes: ignored per the K8s spec (Antrea may isolate, antrea.md §9.15)');
  }
  if (!isolates.egress && hasEgress && egressItems.length > 0) {
    src.report(DiagnosticCode.Unverified, 'info', spec.keyNode('egress'), 'egress rules without Egress in policyTypes: ignored per the K8s spec (antrea.md §9.15)');
  }
  const rules: PolicyRule[] = [];
  const key = `k8s-np:${ns}/${meta.name}`;
  for (const direction of ['ingress', 'egress'] as const) {
    const items = direction === 'ingress' ? ingressItems : egressItems;
    if (!isolates[direction]) continue;
    items.forEach((n, i) => {
      const path = `spec.${direction}[${i}]`;
      const r = MapReader.of(src, n, path);
      if (!r) return;
      const peerKey = direction === 'ingress' ? 'from' : 'to';
      const peers = r.seq(peerKey).map((p, j) => readK8sPeer(src, p, `${path}.${peerKey}[${j}]`, ns));
      const ports = readPorts(src, r.seq('ports'), `${path}.ports`, false);
      r.finish();
      rules.push({
        id: ruleId(key, direction, 'allow', i),
        name: null,
        direction,
        index: i,
        action: 'allow',
        peers,
        ports,
        appliedTo: null,
        logging: false,
        logLabel: null,
        span: src.span(n),
      });
    });
  }
  spec.finish();
  return {
    kind: 'k8s-np',
    name: meta.name,
    namespace: ns,
    tier: 'K8sNetworkPolicy',
    priority: 0,
    appliedTo: [{ kind: 'pods', pods: selector, namespaces: { kind: 'name', name: ns }, span: src.span(podSelNode ?? spec.node) }],
    rules,
    isolates,
    span: src.span(top.node),
  };
}

// ---------------------------------------------------------------------------------------------
// Upstream network-policy-api: ANP / BANP (v1alpha1), ClusterNetworkPolicy (v1alpha2)
// ---------------------------------------------------------------------------------------------

function readUpstreamPodsPeer(src: YamlSource, r: MapReader, path: string, span: SourceSpan): Peer | null {
  const nsSel = r.get('namespaces');
  const pods = r.map('pods');
  if (nsSel !== undefined) {
    return { kind: 'pods', pods: matchAllSelector(), namespaces: { kind: 'selector', selector: readSelector(src, nsSel, `${path}.namespaces`) }, span };
  }
  if (pods) {
    const ps = readSelector(src, pods.get('podSelector'), `${path}.pods.podSelector`);
    const ns = readSelector(src, pods.get('namespaceSelector'), `${path}.pods.namespaceSelector`);
    pods.finish();
    return { kind: 'pods', pods: ps, namespaces: { kind: 'selector', selector: ns }, span };
  }
  return null;
}

/** An upstream peer; may expand to several (networks: [cidr...]). */
function readUpstreamPeer(src: YamlSource, node: Node, path: string, action: RuleAction): Peer[] {
  const span = src.span(node);
  const r = MapReader.of(src, node, path);
  if (!r) return [];
  const out: Peer[] = [];
  const podsPeer = readUpstreamPodsPeer(src, r, path, span);
  if (podsPeer) out.push(podsPeer);
  const nodes = r.get('nodes');
  if (nodes !== undefined) out.push({ kind: 'nodes', selector: readSelector(src, nodes, `${path}.nodes`), span });
  for (const n of r.seq('networks')) {
    const cidr = String(scalarValue(n) ?? '');
    if (isCidr(cidr)) out.push({ kind: 'ip-block', block: { cidr, except: [] }, span: src.span(n) });
    else src.invalid(n, `${path}.networks entry must be a CIDR`);
  }
  r.finish(UNSUPPORTED_PEER);
  if (out.length === 0) {
    // §1.1: peers with no recognized field fail closed: Deny matches all, Accept/Pass nothing.
    out.push(action === 'drop' ? { kind: 'any', span } : { kind: 'none', reason: 'no recognized peer field (fail closed)', span });
  }
  return out;
}

/** v1alpha2 `protocols: [{tcp: {destinationPort: {number}|{range}}}, {destinationNamedPort}]`. */
function readUpstreamProtocols(src: YamlSource, items: Node[], path: string): PortSpec[] {
  const out: PortSpec[] = [];
  items.forEach((n, i) => {
    const p = `${path}[${i}]`;
    const r = MapReader.of(src, n, p);
    if (!r) return;
    const span = src.span(n);
    for (const proto of ['tcp', 'udp', 'sctp'] as const) {
      const pr = r.map(proto);
      if (!pr) continue;
      const dp = pr.map('destinationPort');
      pr.finish();
      const protocol = proto.toUpperCase() as PortProtocol;
      if (!dp) {
        out.push({ kind: 'l4', protocol, port: { kind: 'any' }, srcPorts: null, span });
        continue;
      }
      const num = dp.num('number');
      const range = dp.map('range');
      let lo = num;
      let hi = num;
      if (range) {
        lo = range.num('start');
        hi = range.num('end');
        range.finish();
      }
      dp.finish();
      if (lo === undefined || hi === undefined) src.invalid(dp.node, `${p}.${proto}.destinationPort needs number or range`);
      else out.push({ kind: 'l4', protocol, port: { kind: 'range', lo, hi }, srcPorts: null, span });
    }
    const named = r.str('destinationNamedPort');
    if (named !== undefined) {
      // The named port carries its protocol on the Pod; TCP/UDP/SCTP are all tried.
      for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) out.push({ kind: 'l4', protocol, port: { kind: 'named', name: named }, srcPorts: null, span });
    }
    r.finish();
  });
  return out;
}

/** v1alpha1 `ports: [{portNumber: {protocol, port}}, {namedPort}, {portRange: {protocol, start, end}}]`. */
function readAnpPorts(src: YamlSource, items: Node[], path: string): PortSpec[] {
  const out: PortSpec[] = [];
  items.forEach((n, i) => {
    const p = `${path}[${i}]`;
    const r = MapReader.of(src, n, p);
    if (!r) return;
    const span = src.span(n);
    const pn = r.map('portNumber');
    if (pn) {
      const protocol = (pn.str('protocol') ?? 'TCP').toUpperCase() as PortProtocol;
      const port = pn.num('port');
      pn.finish();
      if (port !== undefined) out.push({ kind: 'l4', protocol, port: { kind: 'range', lo: port, hi: port }, srcPorts: null, span });
    }
    const pr = r.map('portRange');
    if (pr) {
      const protocol = (pr.str('protocol') ?? 'TCP').toUpperCase() as PortProtocol;
      const lo = pr.num('start');
      const hi = pr.num('end');
      pr.finish();
      if (lo !== undefined && hi !== undefined) out.push({ kind: 'l4', protocol, port: { kind: 'range', lo, hi }, srcPorts: null, span });
    }
    const named = r.str('namedPort');
    if (named !== undefined) {
      for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) out.push({ kind: 'l4', protocol, port: { kind: 'named', name: named }, srcPorts: null, span });
    }
    r.finish();
  });
  return out;
}

function loadUpstreamPolicy(src: YamlSource, top: MapReader, kind: 'anp' | 'banp' | 'cnp'): Policy | null {
  const meta = readMeta(src, top, false);
  const spec = top.map('spec');
  if (!meta || !spec) {
    if (!spec) src.invalid(top.node, 'spec is required');
    return null;
  }
  let tier: string;
  let priority: number;
  if (kind === 'cnp') {
    const t = spec.str('tier');
    if (t === 'Admin') tier = 'cnp-admin';
    else if (t === 'Baseline') tier = 'baseline-admin-network-policy';
    else {
      src.invalid(spec.get('tier') ?? spec.node, 'spec.tier must be Admin or Baseline');
      tier = 'cnp-admin';
    }
    priority = spec.num('priority') ?? 0;
  } else if (kind === 'anp') {
    tier = 'admin-network-policy';
    priority = spec.num('priority') ?? 0;
  } else {
    tier = 'baseline-admin-network-policy';
    priority = 1; // adminnetworkpolicy.go banpPriority = 1 (§1.1)
  }
  const baseline = tier === 'baseline-admin-network-policy';
  const actions: Record<string, RuleAction> =
    kind === 'cnp'
      ? baseline
        ? { Accept: 'allow', Deny: 'drop' }
        : { Accept: 'allow', Deny: 'drop', Pass: 'pass' }
      : kind === 'anp'
        ? { Allow: 'allow', Deny: 'drop', Pass: 'pass' }
        : { Allow: 'allow', Deny: 'drop' };
  const subjectSpan = src.span(spec.get('subject') ?? spec.node);
  const subject = spec.map('subject');
  let appliedTo: Peer[] = [];
  if (!subject) src.invalid(spec.node, 'spec.subject is required');
  else {
    const p = readUpstreamPodsPeer(src, subject, 'spec.subject', subjectSpan);
    subject.finish();
    if (p) appliedTo = [p];
    else src.invalid(subject.node, 'spec.subject needs namespaces or pods');
  }
  const rules: PolicyRule[] = [];
  const key = `${kind}:${meta.name}`;
  for (const direction of ['ingress', 'egress'] as const) {
    spec.seq(direction).forEach((n, i) => {
      const path = `spec.${direction}[${i}]`;
      const r = MapReader.of(src, n, path);
      if (!r) return;
      const action = readAction(src, r, path, actions);
      const name = r.str('name') ?? null;
      const peerKey = direction === 'ingress' ? 'from' : 'to';
      const peerNodes = r.seq(peerKey);
      const ports =
        kind === 'cnp'
          ? readUpstreamProtocols(src, r.seq('protocols'), `${path}.protocols`)
          : readAnpPorts(src, r.seq('ports'), `${path}.ports`);
      r.finish();
      if (!action) return;
      const peers = peerNodes.flatMap((p, j) => readUpstreamPeer(src, p, `${path}.${peerKey}[${j}]`, action));
      if (peers.length === 0) src.invalid(n, `${path}.${peerKey} is required`);
      rules.push({
        id: name ?? ruleId(key, direction, action, i),
        name,
        direction,
        index: i,
        action,
        peers,
        ports,
        appliedTo: null,
        logging: false,
        logLabel: null,
        span: src.span(n),
      });
    });
  }
  spec.finish();
  return { kind, name: meta.name, namespace: null, tier, priority, appliedTo, rules, span: src.span(top.node) };
}

// ---------------------------------------------------------------------------------------------
// Tier, ClusterGroup, Group
// ---------------------------------------------------------------------------------------------

function loadTier(src: YamlSource, top: MapReader): Tier | null {
  const meta = readMeta(src, top, false);
  const spec = top.map('spec');
  if (!meta || !spec) return null;
  const priority = spec.num('priority');
  spec.ignore('description');
  spec.finish();
  if (priority === undefined || !Number.isInteger(priority) || priority < 0 || priority > 255) {
    src.invalid(spec.get('priority') ?? spec.node, 'spec.priority must be an integer 0–255');
    return null;
  }
  // §1.2: >= 250 is refused for custom tiers, as are the static priorities (checked on merge).
  if (priority >= 250) {
    src.invalid(spec.get('priority'), `Tier priority ${priority} is reserved (custom tiers must be < 250)`);
    return null;
  }
  return {
    name: meta.name,
    label: meta.name,
    priority,
    kind: 'antrea-custom',
    stage: 'tiered',
    passTarget: false,
    span: src.span(top.node),
  };
}

function loadGroup(src: YamlSource, top: MapReader, namespaced: boolean): Group | null {
  const meta = readMeta(src, top, namespaced);
  const spec = top.map('spec');
  if (!meta || !spec) return null;
  const span = src.span(spec.node);
  const members: Peer[] = [];
  const podNode = spec.get('podSelector');
  const nsNode = spec.get('namespaceSelector');
  if (podNode !== undefined || nsNode !== undefined) {
    const pods = readSelector(src, podNode, 'spec.podSelector');
    let namespaces: NamespaceMatch;
    if (nsNode !== undefined) namespaces = { kind: 'selector', selector: readSelector(src, nsNode, 'spec.namespaceSelector') };
    // A ClusterGroup podSelector selects in all Namespaces; a Group in its own (§4.2 `group`).
    else namespaces = namespaced && meta.namespace ? { kind: 'name', name: meta.namespace } : { kind: 'all' };
    members.push({ kind: 'pods', pods, namespaces, span });
  }
  const single = spec.get('ipBlock');
  if (single !== undefined) {
    const p = readIpBlock(src, single, 'spec.ipBlock', span);
    if (p) members.push(p);
  }
  spec.seq('ipBlocks').forEach((n, i) => {
    const p = readIpBlock(src, n, `spec.ipBlocks[${i}]`, src.span(n));
    if (p) members.push(p);
  });
  for (const c of spec.seq('childGroups')) {
    const name = String(scalarValue(c) ?? '');
    members.push({ kind: 'group', name, namespace: namespaced ? meta.namespace : null, span: src.span(c) });
  }
  const nodeSel = spec.get('nodeSelector');
  if (nodeSel !== undefined) members.push({ kind: 'nodes', selector: readSelector(src, nodeSel, 'spec.nodeSelector'), span });
  spec.finish(UNSUPPORTED_GROUP);
  if (members.length === 0 && !isEmptyGroupSpec(spec)) {
    members.push({ kind: 'none', reason: 'no supported member', span });
  }
  return { name: meta.name, namespace: meta.namespace, members, span: src.span(top.node) };
}

function isEmptyGroupSpec(spec: MapReader): boolean {
  return spec.node.items.length === 0;
}

/** Every PolicyKind, for exhaustive loops in tests and renderers. */
export const POLICY_KINDS: readonly PolicyKind[] = ['acnp', 'annp', 'k8s-np', 'anp', 'banp', 'cnp', 'nsx'];
