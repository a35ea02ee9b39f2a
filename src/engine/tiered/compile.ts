import type {
  ContainerPort,
  EndpointRef,
  Group,
  Inventory,
  LabelSelector,
  Peer,
  Policy,
  PolicyRule,
  PolicySet,
  PortSpec,
  RuleAction,
  Tier,
} from '../../model/policy.js';
import { Bitset } from './bitset.js';
import { cidrContains, parseCidr, parseIp } from './ip.js';
import type { Cidr, IpAddr } from './ip.js';

/**
 * Compile a PolicySet against an Inventory once (STYLE habit 9): every selector is resolved to
 * a bitset over endpoints, every rule gets its place in the global evaluation order
 * (tier priority, policy priority, rule index — antrea.md §2), and every endpoint gets the
 * ordered list of rules applied to it per direction. Evaluation (evaluate.ts) then never looks
 * at a selector again.
 */

export type Dir = 'ingress' | 'egress';

/** An endpoint that policies are applied to: a Pod or a VM. */
export interface CompiledEndpoint {
  index: number;
  kind: 'pod' | 'vm';
  /** `ns/name` for Pods, the VM name for VMs */
  key: string;
  namespace: string | null;
  /** index into CompiledPolicySet.namespaces, -1 for VMs */
  nsIndex: number;
  labels: Record<string, string>;
  ips: IpAddr[];
  /** the IPv4 addresses as numbers (fast ipBlock folding) */
  v4: number[];
  ports: ContainerPort[];
  serviceAccount: string | null;
}

/** A peer whose membership depends on the appliedTo endpoint (§4.2 Self / sameLabels). */
export interface DynamicPeer {
  mode: 'self' | 'same-labels';
  keys: string[];
  /** endpoints matching the pod selector (any Namespace); the Namespace test is done per pair */
  pods: Bitset;
}

/** An IP matcher for remotes that are not endpoints. */
export interface IpMatcher {
  cidr: Cidr;
  except: Cidr[];
}

/** One rule in one direction, ready to evaluate. */
export interface CompiledRule {
  /** position in the direction's global order (0 = evaluated first) */
  seq: number;
  direction: Dir;
  tier: Tier;
  /** index of the tier in CompiledPolicySet.tiers */
  tierOrder: number;
  policy: Policy;
  /** `name` (cluster-scoped) or `ns/name` */
  policyRef: string;
  rule: PolicyRule;
  action: RuleAction;
  appliedTo: Bitset;
  /** the rule has no peer restriction (no peers, or an `any` peer) */
  peerAny: boolean;
  /** endpoints matched by the static peers (selectors, groups, ipBlocks on endpoint IPs) */
  peerBits: Bitset;
  /** address matchers for remotes that are bare IPs */
  peerIps: IpMatcher[];
  dynamic: DynamicPeer[];
  /** empty = every protocol and port */
  ports: PortSpec[];
  hasNamedPort: boolean;
}

/** The compiled form of a PolicySet over an Inventory. */
export interface CompiledPolicySet {
  set: PolicySet;
  tiers: Tier[];
  endpoints: CompiledEndpoint[];
  endpointByKey: Map<string, number>;
  namespaces: { name: string; labels: Record<string, string> }[];
  /** rules per direction in evaluation order */
  rules: Record<Dir, CompiledRule[]>;
  /** per direction, per endpoint: seqs of rules applied to it, ascending */
  applicable: Record<Dir, Int32Array[]>;
  /** per direction: endpoints isolated by a K8s NetworkPolicy (§3) */
  isolated: Record<Dir, Bitset>;
  /** tierOrder of the K8s NP stage, or Infinity when the set has none (NSX) */
  k8sTierOrder: number;
  /** for a Pass in tier order t: the tier order where evaluation resumes (Infinity = none) */
  passResume: number[];
}

/** Does a label selector match a label map? (K8s semantics; `{}` matches everything.) */
export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const val = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || val === undefined || !e.values.includes(val)) return false;
        break;
      case 'NotIn':
        if (has && val !== undefined && e.values.includes(val)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return assertNever(e.operator);
    }
  }
  return true;
}

/** Exhaustiveness guard for switches over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

/** Display reference of a policy: `name` for cluster-scoped, `ns/name` for namespaced. */
export function policyRef(p: Policy): string {
  return p.namespace ? `${p.namespace}/${p.name}` : p.name;
}

interface PeerCompilation {
  any: boolean;
  bits: Bitset;
  ips: IpMatcher[];
  dynamic: DynamicPeer[];
}

/** Options for compilation. */
export interface CompileOptions {
  /** stop expanding group references deeper than this (cycle guard; Antrea allows one level) */
  maxGroupDepth?: number;
}

/** Compile `set` against `inv`. */
export function compilePolicySet(set: PolicySet, inv: Inventory, opts: CompileOptions = {}): CompiledPolicySet {
  const tiers = [...set.tiers].sort((a, b) => a.priority - b.priority);
  const tierOrder = new Map(tiers.map((t, i) => [t.name, i]));

  // 1. Endpoints: Pods then VMs.
  const namespaces = inv.namespaces.map((n) => ({ name: n.name, labels: n.labels }));
  const nsIndex = new Map(namespaces.map((n, i) => [n.name, i]));
  const endpoints: CompiledEndpoint[] = [];
  for (const p of inv.pods) {
    // A Pod of an unlisted Namespace still lives in one (unlabeled): `all` selectors reach it.
    if (!nsIndex.has(p.namespace)) {
      nsIndex.set(p.namespace, namespaces.length);
      namespaces.push({ name: p.namespace, labels: {} });
    }
    const ip = p.ip ? parseIp(p.ip) : null;
    endpoints.push({
      index: endpoints.length,
      kind: 'pod',
      key: `${p.namespace}/${p.name}`,
      namespace: p.namespace,
      nsIndex: nsIndex.get(p.namespace) ?? -1,
      labels: p.labels,
      ips: ip ? [ip] : [],
      v4: ip && ip.family === 4 ? [Number(ip.value)] : [],
      ports: p.ports,
      serviceAccount: p.serviceAccount,
    });
  }
  for (const v of inv.vms) {
    endpoints.push({
      index: endpoints.length,
      kind: 'vm',
      key: v.name,
      namespace: null,
      nsIndex: -1,
      labels: v.labels,
      ips: v.ips.map(parseIp).filter((x): x is IpAddr => x !== null),
      v4: [],
      ports: [],
      serviceAccount: null,
    });
  }
  for (const e of endpoints) if (e.kind === 'vm') e.v4 = e.ips.filter((x) => x.family === 4).map((x) => Number(x.value));
  const n = endpoints.length;
  const podsByNs: CompiledEndpoint[][] = namespaces.map(() => []);
  for (const e of endpoints) if (e.kind === 'pod' && e.nsIndex >= 0) podsByNs[e.nsIndex]?.push(e);
  // Pod label index: key -> value -> Pods, to start selector matching from a short list.
  const labelIndex = new Map<string, Map<string, CompiledEndpoint[]>>();
  for (const e of endpoints) {
    if (e.kind !== 'pod') continue;
    for (const [k, v] of Object.entries(e.labels)) {
      let byValue = labelIndex.get(k);
      if (!byValue) labelIndex.set(k, (byValue = new Map()));
      let list = byValue.get(v);
      if (!list) byValue.set(v, (list = []));
      list.push(e);
    }
  }
  const indexedCandidates = (sel: LabelSelector): CompiledEndpoint[] | null => {
    let best: CompiledEndpoint[] | null = null;
    for (const [k, v] of Object.entries(sel.matchLabels)) {
      const list = labelIndex.get(k)?.get(v) ?? [];
      if (best === null || list.length < best.length) best = list;
    }
    return best;
  };
  const endpointByKey = new Map(endpoints.map((e) => [e.key, e.index]));
  const nodeIps = new Map(inv.nodes.map((nd) => [nd.name, nd]));

  const groups = new Map<string, Group>(set.groups.map((g) => [`${g.namespace ?? ''}/${g.name}`, g]));
  const maxDepth = opts.maxGroupDepth ?? 4;

  // 2. Peer compilation (memoised per peer object: appliedTo lists are shared by all rules).
  const memo = new Map<Peer, PeerCompilation>();
  const compilePeer = (peer: Peer, appliedTo: boolean, depth: number): PeerCompilation => {
    const cached = memo.get(peer);
    if (cached && !appliedTo) return cached;
    const out: PeerCompilation = { any: false, bits: new Bitset(n), ips: [], dynamic: [] };
    switch (peer.kind) {
      case 'any':
        out.any = !appliedTo;
        if (appliedTo) for (let i = 0; i < n; i++) out.bits.add(i);
        break;
      case 'none':
        break;
      case 'pods': {
        const ns = peer.namespaces;
        if (ns.kind === 'self' || ns.kind === 'same-labels') {
          const pods = new Bitset(n);
          for (const e of endpoints) if (e.kind === 'pod' && selectorMatches(peer.pods, e.labels)) pods.add(e.index);
          out.dynamic.push({ mode: ns.kind, keys: ns.kind === 'same-labels' ? ns.keys : [], pods });
          break;
        }
        // Namespace test once per Namespace, then the Pod selector on the Pods of those only.
        let nsOk: (nsIdx: number) => boolean;
        switch (ns.kind) {
          case 'all':
            nsOk = () => true;
            break;
          case 'name': {
            const want = nsIndex.get(ns.name) ?? -2;
            nsOk = (i) => i === want;
            break;
          }
          case 'selector': {
            const ok = namespaces.map((x) => selectorMatches(ns.selector, x.labels));
            nsOk = (i) => ok[i] === true;
            break;
          }
          default:
            return assertNever(ns);
        }
        // Candidates from the label index when the selector names a label (most do).
        const candidates = indexedCandidates(peer.pods);
        if (candidates) {
          for (const e of candidates) if (nsOk(e.nsIndex) && selectorMatches(peer.pods, e.labels)) out.bits.add(e.index);
        } else {
          for (let i = 0; i < namespaces.length; i++) {
            if (!nsOk(i)) continue;
            for (const e of podsByNs[i] ?? []) if (selectorMatches(peer.pods, e.labels)) out.bits.add(e.index);
          }
        }
        break;
      }
      case 'service-account':
        for (const e of endpoints) {
          if (e.kind === 'pod' && e.namespace === peer.namespace && e.serviceAccount === peer.name) out.bits.add(e.index);
        }
        break;
      case 'vms':
        for (const e of endpoints) if (e.kind === 'vm' && selectorMatches(peer.selector, e.labels)) out.bits.add(e.index);
        break;
      case 'ip-block': {
        if (appliedTo) break; // §4.1: ipBlocks in appliedTo select nothing
        const cidr = parseCidr(peer.block.cidr);
        if (!cidr) break;
        const m: IpMatcher = { cidr, except: peer.block.except.map(parseCidr).filter((c): c is Cidr => c !== null) };
        out.ips.push(m);
        if (cidr.family === 4 && m.except.every((x) => x.family === 4)) {
          // IPv4 fast path: plain number ranges instead of BigInt per endpoint.
          const range = (c: Cidr): [number, number] => {
            const lo = Number(c.base);
            return [lo, lo + 2 ** (32 - c.prefix) - 1];
          };
          const [lo, hi] = range(cidr);
          const ex = m.except.map(range);
          for (const e of endpoints) {
            for (const v of e.v4) {
              if (v >= lo && v <= hi && !ex.some(([a, b]) => v >= a && v <= b)) {
                out.bits.add(e.index);
                break;
              }
            }
          }
        } else {
          for (const e of endpoints) if (e.ips.some((ip) => ipMatches(m, ip))) out.bits.add(e.index);
        }
        break;
      }
      case 'nodes': {
        if (appliedTo) break; // Node NetworkPolicy is not modelled (reported by the loader)
        for (const nd of nodeIps.values()) {
          if (!selectorMatches(peer.selector, nd.labels)) continue;
          for (const ipText of nd.ips) {
            const c = parseCidr(ipText);
            if (c) out.ips.push({ cidr: c, except: [] });
          }
        }
        break;
      }
      case 'group': {
        const g = groups.get(`${peer.namespace ?? ''}/${peer.name}`);
        if (!g || depth >= maxDepth) break;
        for (const m of g.members) merge(out, compilePeer(m, appliedTo, depth + 1));
        break;
      }
      default:
        return assertNever(peer);
    }
    if (!appliedTo) memo.set(peer, out);
    return out;
  };
  const compilePeers = (peers: Peer[], appliedTo: boolean): PeerCompilation => {
    const out: PeerCompilation = { any: !appliedTo && peers.length === 0, bits: new Bitset(n), ips: [], dynamic: [] };
    for (const p of peers) merge(out, compilePeer(p, appliedTo, 0));
    return out;
  };
  const appliedMemo = new Map<Peer[], Bitset>();
  const appliedBits = (peers: Peer[]): Bitset => {
    let b = appliedMemo.get(peers);
    if (!b) {
      const c = compilePeers(peers, true);
      b = c.bits;
      // dynamic entries cannot appear in appliedTo; ignore them.
      appliedMemo.set(peers, b);
    }
    return b;
  };

  // 3. Rules per direction, sorted by (tier priority, policy priority, rule index, input order).
  const rules: Record<Dir, CompiledRule[]> = { ingress: [], egress: [] };
  const isolated: Record<Dir, Bitset> = { ingress: new Bitset(n), egress: new Bitset(n) };
  set.policies.forEach((policy) => {
    const t = tierOrder.get(policy.tier);
    const tierObj = t === undefined ? undefined : tiers[t];
    if (t === undefined || !tierObj) return; // buildPolicySet reported it
    if (policy.kind === 'k8s-np') {
      const sel = appliedBits(policy.appliedTo);
      if (policy.isolates.ingress) isolated.ingress.or(sel);
      if (policy.isolates.egress) isolated.egress.or(sel);
    }
    for (const rule of policy.rules) {
      const dirs: Dir[] = rule.direction === 'inout' ? ['ingress', 'egress'] : [rule.direction];
      const applied = appliedBits(rule.appliedTo ?? policy.appliedTo);
      const peers = compilePeers(rule.peers, false);
      for (const direction of dirs) {
        rules[direction].push({
          seq: 0,
          direction,
          tier: tierObj,
          tierOrder: t,
          policy,
          policyRef: policyRef(policy),
          rule,
          action: rule.action,
          appliedTo: applied,
          peerAny: peers.any,
          peerBits: peers.bits,
          peerIps: peers.ips,
          dynamic: peers.dynamic,
          ports: rule.ports,
          hasNamedPort: rule.ports.some((p) => p.kind === 'l4' && p.port.kind === 'named'),
        });
      }
    }
  });
  for (const d of ['ingress', 'egress'] as const) {
    // Array.prototype.sort is stable: equal keys keep input order (policy, then rule order).
    rules[d].sort(
      (a, b) => a.tierOrder - b.tierOrder || a.policy.priority - b.policy.priority || a.rule.index - b.rule.index,
    );
    rules[d].forEach((r, i) => (r.seq = i));
  }

  // 4. Per-endpoint applicable rule lists.
  const applicable = { ingress: [] as Int32Array[], egress: [] as Int32Array[] };
  for (const d of ['ingress', 'egress'] as const) {
    const lists: number[][] = Array.from({ length: n }, () => []);
    for (const r of rules[d]) for (const e of r.appliedTo) lists[e]?.push(r.seq);
    applicable[d] = lists.map((l) => Int32Array.from(l));
  }

  // 5. Where a Pass resumes: the next tier flagged passTarget, or the first non-tiered stage.
  const passResume = tiers.map((_, i) => {
    for (let j = i + 1; j < tiers.length; j++) {
      const tj = tiers[j];
      if (tj && (tj.passTarget || tj.stage !== 'tiered')) return j;
    }
    return Number.POSITIVE_INFINITY;
  });
  const k8s = tiers.findIndex((t) => t.stage === 'k8s-np');

  return {
    set,
    tiers,
    endpoints,
    endpointByKey,
    namespaces,
    rules,
    applicable,
    isolated,
    k8sTierOrder: k8s < 0 ? Number.POSITIVE_INFINITY : k8s,
    passResume,
  };
}

function merge(into: PeerCompilation, from: PeerCompilation): void {
  into.any ||= from.any;
  into.bits.or(from.bits);
  into.ips.push(...from.ips);
  into.dynamic.push(...from.dynamic);
}

/** ipBlock semantics: inside the CIDR and not inside any `except` (§4.2). */
export function ipMatches(m: IpMatcher, ip: IpAddr): boolean {
  return cidrContains(m.cidr, ip) && !m.except.some((e) => cidrContains(e, ip));
}

/** Resolve an EndpointRef to an endpoint index, or -1 with the bare IP for non-endpoints. */
export function resolveEndpoint(c: CompiledPolicySet, ref: EndpointRef): { index: number; ip: IpAddr | null; label: string } {
  switch (ref.kind) {
    case 'pod': {
      const key = `${ref.namespace}/${ref.name}`;
      return { index: c.endpointByKey.get(key) ?? -1, ip: null, label: key };
    }
    case 'vm':
      return { index: c.endpointByKey.get(ref.name) ?? -1, ip: null, label: ref.name };
    case 'ip': {
      const ip = parseIp(ref.ip);
      // A bare IP owned by exactly one endpoint is that endpoint.
      const owners = ip ? c.endpoints.filter((e) => e.ips.some((x) => x.family === ip.family && x.value === ip.value)) : [];
      const only = owners.length === 1 ? owners[0] : undefined;
      return { index: only ? only.index : -1, ip, label: ref.ip };
    }
    default:
      return assertNever(ref);
  }
}
