/**
 * Shadow / redundancy analysis of a tiered policy set (Antrea / K8s YAML, `.dfw` with Antrea
 * tiers or NSX categories), on the compiled form the tiered engine evaluates
 * (src/engine/tiered/compile.ts), so that reachability follows `walkSide` in
 * src/engine/tiered/evaluate.ts exactly.
 *
 * The unit of analysis is one direction of one applied-to endpoint: the engine walks the rules
 * applied to that endpoint, so rules applied to different Pods / VMs never cover each other.
 * Endpoints whose walks cannot differ (same applicable rules, same Namespace when a rule has a
 * Self / sameLabels peer, same named ports when a rule resolves one, same isolation) form one
 * unit. A rule is reported only when it is covered in every unit it belongs to.
 *
 * The packet space of a unit has six dimensions: protocol, remote (the far side: an endpoint
 * index, or a bare IP that no single endpoint owns, compressed to ranks), destination port,
 * source port, ICMP type, ICMP code (ports and ICMP fields shifted by one, 0 = none).
 *
 * Stage semantics (antrea.md §0):
 * - tiered stage: first match in (tier, policy priority, rule index) order; a Pass resumes at
 *   `passResume` (K8s NP for Antrea, Application for NSX "jump to application"): it covers the
 *   later rules of the tiers it skips and hands its packets on to the resume tier;
 * - K8s NetworkPolicy stage: an unordered union of allows. Rule order means nothing there, so
 *   a K8s NP rule is covered when the earlier tiers plus the *other* K8s NP rules of the endpoint
 *   cover it. To keep every reported K8s rule removable together (two identical rules must not
 *   both be reported), the rules are visited in the engine's order and a rule found redundant
 *   leaves the pool the later ones are checked against;
 * - baseline: only for endpoints not isolated by K8s NP in that direction; for an isolated
 *   endpoint the isolation drop takes every packet (its coverers hold the pseudo-rule
 *   `K8sNetworkPolicy isolation`, with action drop, and a note says so).
 *
 * Unresolvable peers (an FQDN or other `none` peer, a missing Group) match nothing in the engine;
 * here they match nothing when the rule covers others and anything when it is the target, and a
 * rule whose applied-to is unresolvable is never reported (it may apply to unknown endpoints).
 * Not modelled (conservative): self-traffic exemption (a Pod to itself is in the space).
 */
import type { Bitset } from '../engine/tiered/bitset.js';
import type { CompiledPolicySet, CompiledRule, Dir } from '../engine/tiered/compile.js';
import type { Cidr } from '../engine/tiered/ip.js';
import type { Group, Peer, PortSpec } from '../model/policy.js';
import { arraySteps, cover, type CoverStep } from './shadow-cover.js';
import { AddressRanks } from './shadow-ranks.js';
import { box, isetIntersect, isetSubtract, isetUnion, type Box, type ISet } from './shadow-space.js';
import { coverIds, type Coverer, type ShadowItem } from './shadow.js';

const NONE: ISet = [0, 1];
const ALL_PORTS: ISet = [1, 65537];
const ALL_ICMP: ISet = [1, 257];
/** The tiered engine's probe protocols with ports (evaluate.ts PROTO_NUMBERS: TCP, UDP, SCTP). */
const PORT_PROTOS: ISet = [6, 7, 17, 18, 132, 133];
/** Only protocol 1 carries ICMP fields there (`icmp` specs match `ICMP` probes). */
const ICMP_PROTOS: ISet = [1, 2];
const OTHER_PROTOS: ISet = isetSubtract(isetSubtract([0, 256], PORT_PROTOS), ICMP_PROTOS);
const L4: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132 };

/** The pseudo-coverer of baseline rules on an isolated endpoint. */
const ISOLATION = 'K8sNetworkPolicy isolation';

/** Options of shadowPolicySet. */
export interface PolicyShadowOptions {
  /** endpoint indices on the NSX exclusion list: not policed, so not analysed */
  excluded?: ReadonlySet<number>;
  maxPieces?: number;
}

/** The findings of a policy set. */
export interface PolicyShadow {
  items: ShadowItem[];
  notes: string[];
  rules: number;
  undetermined: number;
}

/** The remote axis: endpoints first, then bare IPv4 and IPv6 ranks (see the module comment). */
interface RemoteAxis {
  n: number;
  ranks: AddressRanks;
  k4: number;
  full: ISet;
  bare: ISet;
}

function cidrRange(c: Cidr): { lo: bigint; hi: bigint } {
  const host = BigInt((c.family === 4 ? 32 : 128) - c.prefix);
  return { lo: c.base, hi: c.base + (1n << host) - 1n };
}

function rangeIset(axis: RemoteAxis, family: 4 | 6, lo: bigint, hi: bigint): ISet {
  if (family === 4) return [axis.n + axis.ranks.rank4(Number(lo)), axis.n + axis.ranks.rank4(Number(hi) + 1)];
  const off = axis.n + axis.k4;
  return [off + axis.ranks.rank6(lo), off + axis.ranks.rank6(hi + 1n)];
}

function buildAxis(c: CompiledPolicySet): RemoteAxis {
  const ranks = new AddressRanks();
  const add = (cidr: Cidr): void => {
    const r = cidrRange(cidr);
    if (cidr.family === 4) ranks.add4(Number(r.lo), Number(r.hi));
    else ranks.add6(r.lo, r.hi);
  };
  for (const d of ['ingress', 'egress'] as const) for (const r of c.rules[d]) for (const m of r.peerIps) [m.cidr, ...m.except].forEach(add);
  // An IP owned by exactly one endpoint is that endpoint, never a bare remote (resolveEndpoint).
  const owners = new Map<string, { family: 4 | 6; value: bigint; count: number }>();
  for (const e of c.endpoints) {
    for (const ip of e.ips) {
      const key = `${ip.family}|${ip.value}`;
      const o = owners.get(key);
      if (o) o.count++;
      else owners.set(key, { family: ip.family, value: ip.value, count: 1 });
    }
  }
  const owned = [...owners.values()].filter((o) => o.count === 1);
  for (const o of owned) add({ family: o.family, base: o.value, prefix: o.family === 4 ? 32 : 128 });
  ranks.freeze();
  const n = c.endpoints.length;
  const k4 = ranks.size(4);
  const all: ISet = [0, n + k4 + ranks.size(6)];
  const axis: RemoteAxis = { n, ranks, k4, full: all, bare: [] };
  let ownedSet: ISet = [];
  for (const o of owned) ownedSet = isetUnion(ownedSet, rangeIset(axis, o.family, o.value, o.value));
  axis.bare = isetSubtract([n, all[1] as number], ownedSet);
  axis.full = isetUnion(n > 0 ? [0, n] : [], axis.bare);
  return axis;
}

function bitsIset(b: Bitset): ISet {
  const out: number[] = [];
  for (const i of b) {
    const k = out.length;
    if (k > 0 && out[k - 1] === i) out[k - 1] = i + 1;
    else out.push(i, i + 1);
  }
  return out;
}

/** Why peers (or an applied-to) cannot be resolved: `none` peers, missing groups. */
function unresolvedPeers(peers: readonly Peer[], groups: ReadonlyMap<string, Group>, depth = 0): string[] {
  const out: string[] = [];
  for (const p of peers) {
    if (p.kind === 'none') out.push(p.reason);
    else if (p.kind === 'group') {
      const g = groups.get(`${p.namespace ?? ''}/${p.name}`);
      if (!g) out.push(`group ${p.name} does not exist`);
      else if (depth < 4) out.push(...unresolvedPeers(g.members, groups, depth + 1));
    }
  }
  return out;
}

/** Static facts of one compiled rule (the same for every unit). */
interface RuleFacts {
  /** the remote set without dynamic peers */
  remote: ISet;
  unresolved: string[];
  /** the rule's applied-to has unresolvable parts */
  appliedUnresolved: string[];
}

/** One protocol-class slice of a rule's ports: `remote` non-null restricts the remote (egress named ports). */
interface PortSlice {
  dims: [ISet, ISet, ISet, ISet, ISet];
  remote: ISet | null;
}

/** Port slices (proto, dport, sport, itype, icode) of a rule for a unit's local endpoint. */
function portSlices(c: CompiledPolicySet, r: CompiledRule, local: number): { slices: PortSlice[]; unresolved: string | null } {
  const classes = (protos: ISet): PortSlice[] => {
    const out: PortSlice[] = [];
    const p = isetIntersect(protos, PORT_PROTOS);
    if (p.length > 0) out.push({ dims: [p, ALL_PORTS, ALL_PORTS, NONE, NONE], remote: null });
    const i = isetIntersect(protos, ICMP_PROTOS);
    if (i.length > 0) out.push({ dims: [i, NONE, NONE, ALL_ICMP, ALL_ICMP], remote: null });
    const o = isetIntersect(protos, OTHER_PROTOS);
    if (o.length > 0) out.push({ dims: [o, NONE, NONE, NONE, NONE], remote: null });
    return out;
  };
  if (r.ports.length === 0) return { slices: classes([0, 256]), unresolved: null };
  const out: PortSlice[] = [];
  let unresolved: string | null = null;
  for (const s of r.ports as PortSpec[]) {
    switch (s.kind) {
      case 'l4': {
        const proto = L4[s.protocol] as number;
        const sport: ISet = s.srcPorts ? [s.srcPorts.lo + 1, s.srcPorts.hi + 2] : ALL_PORTS;
        const pr: ISet = [proto, proto + 1];
        if (s.port.kind === 'any') out.push({ dims: [pr, ALL_PORTS, sport, NONE, NONE], remote: null });
        else if (s.port.kind === 'range') out.push({ dims: [pr, [s.port.lo + 1, s.port.hi + 2], sport, NONE, NONE], remote: null });
        else {
          // a named port resolves on the destination (§4.3): the local Pod for ingress, the remote Pod for egress
          const name = s.port.name;
          const portsOf = (e: number): ISet => {
            let set: ISet = [];
            for (const cp of c.endpoints[e]?.ports ?? []) if (cp.name === name && cp.protocol === s.protocol) set = isetUnion(set, [cp.port + 1, cp.port + 2]);
            return set;
          };
          if (r.direction === 'ingress') {
            const ps = portsOf(local);
            if (ps.length > 0) out.push({ dims: [pr, ps, sport, NONE, NONE], remote: null });
          } else {
            for (const e of c.endpoints) {
              const ps = portsOf(e.index);
              if (ps.length > 0) out.push({ dims: [pr, ps, sport, NONE, NONE], remote: [e.index, e.index + 1] });
            }
          }
        }
        break;
      }
      case 'icmp':
        out.push({
          dims: [ICMP_PROTOS, NONE, NONE, s.icmpType === null ? ALL_ICMP : [s.icmpType + 1, s.icmpType + 2], s.icmpCode === null ? ALL_ICMP : [s.icmpCode + 1, s.icmpCode + 2]],
          remote: null,
        });
        break;
      case 'ip-protocol':
        if (s.protocol < 0 || s.protocol > 255) unresolved = 'a protocol dfwsim does not know';
        else out.push(...classes([s.protocol, s.protocol + 1]));
        break;
    }
  }
  return { slices: out, unresolved };
}

/** Remote set of the dynamic (Self / sameLabels) peers of a rule for one local endpoint. */
function dynamicRemote(c: CompiledPolicySet, r: CompiledRule, local: number): ISet {
  const le = c.endpoints[local];
  if (r.dynamic.length === 0 || !le || le.kind !== 'pod') return [];
  const ln = c.namespaces[le.nsIndex]?.labels ?? {};
  const out: number[] = [];
  // the same test as peerMatches (tiered/evaluate.ts) for a Pod remote
  for (const re of c.endpoints) {
    if (re.kind !== 'pod') continue;
    const rn = c.namespaces[re.nsIndex]?.labels ?? {};
    const hit = r.dynamic.some(
      (dp) => dp.pods.has(re.index) && (dp.mode === 'self' ? le.namespace === re.namespace : dp.keys.every((k) => ln[k] !== undefined && rn[k] === ln[k])),
    );
    if (!hit) continue;
    // endpoints are visited in index order: extend the last interval or start one
    const k = out.length;
    if (k > 0 && out[k - 1] === re.index) out[k - 1] = re.index + 1;
    else out.push(re.index, re.index + 1);
  }
  return out;
}

/** Both match spaces of a rule in a unit. */
function unitSpace(c: CompiledPolicySet, axis: RemoteAxis, r: CompiledRule, f: RuleFacts, local: number): { def: Box[]; pos: Box[] } {
  const remoteDef = r.peerAny ? axis.full : isetUnion(f.remote, dynamicRemote(c, r, local));
  const { slices, unresolved } = portSlices(c, r, local);
  const remotePos = f.unresolved.length > 0 ? axis.full : remoteDef;
  const def: Box[] = [];
  const pos: Box[] = [];
  const mk = (remote: ISet, s: PortSlice): Box | null => box([s.dims[0], s.remote === null ? remote : isetIntersect(remote, s.remote), s.dims[1], s.dims[2], s.dims[3], s.dims[4]]);
  for (const s of slices) {
    const d = mk(remoteDef, s);
    if (d !== null) def.push(d);
    const p = mk(remotePos, s);
    if (p !== null) pos.push(p);
  }
  if (unresolved !== null) {
    // an unknown protocol matches nothing in the engine; as a target it may match any protocol
    for (const s of portSlices(c, { ...r, ports: [] }, local).slices) {
      const p = mk(remotePos, s);
      if (p !== null) pos.push(p);
    }
  }
  return { def, pos };
}

/** A group of endpoints analysed once (see the module comment). */
interface Unit {
  dir: Dir;
  local: number;
  list: Int32Array;
  isolated: boolean;
  /** cached spaces by seq */
  spaces: Map<number, { def: Box[]; pos: Box[] }>;
}

function unitsOf(c: CompiledPolicySet, dir: Dir, excluded: ReadonlySet<number>): Unit[] {
  const byKey = new Map<string, Unit>();
  const rules = c.rules[dir];
  c.endpoints.forEach((e, idx) => {
    if (excluded.has(idx)) return;
    const list = c.applicable[dir][idx];
    if (!list || list.length === 0) return;
    let dynamic = false;
    let named = false;
    for (const s of list) {
      const r = rules[s] as CompiledRule;
      if (r.dynamic.length > 0) dynamic = true;
      if (r.hasNamedPort) named = true;
    }
    const isolated = c.isolated[dir].has(idx);
    const key = [Array.from(list).join(','), isolated ? 'i' : '', dynamic ? `ns${e.nsIndex}` : '', named && dir === 'ingress' ? JSON.stringify(e.ports) : ''].join('|');
    if (!byKey.has(key)) byKey.set(key, { dir, local: idx, list, isolated, spaces: new Map() });
  });
  return [...byKey.values()];
}

/** Accumulated outcome of one source rule over its units and directions. */
interface Acc {
  rule: CompiledRule;
  open: boolean;
  budget: boolean;
  coverers: Map<string, Coverer & { seq: number }>;
  /** some unit is an endpoint isolated by K8s NP (a baseline rule) */
  isolated: boolean;
  units: number;
}

function ruleKey(r: CompiledRule): string {
  return `${r.policyRef}\u0000${r.rule.id}\u0000${r.rule.span.file}:${r.rule.span.offset}`;
}

function qualified(r: CompiledRule): string {
  return `${r.policyRef}/${r.rule.id}`;
}

function peersText(peers: readonly Peer[]): string {
  if (peers.length === 0) return 'any';
  return peers
    .map((p) => {
      switch (p.kind) {
        case 'ip-block':
          return p.block.except.length > 0 ? `${p.block.cidr} except ${p.block.except.join(',')}` : p.block.cidr;
        case 'group':
          return `group ${p.name}`;
        case 'none':
          return `(${p.reason})`;
        case 'pods': {
          const ns = p.namespaces;
          const where = ns.kind === 'all' ? '' : ns.kind === 'name' ? ` in ${ns.name}` : ns.kind === 'selector' ? ` in ns ${JSON.stringify(ns.selector.matchLabels)}` : ` in ns ${ns.kind}`;
          return `pods ${JSON.stringify(p.pods.matchLabels)}${where}`;
        }
        default:
          return p.kind;
      }
    })
    .join(', ');
}

function portsText(ports: readonly PortSpec[]): string {
  if (ports.length === 0) return 'any';
  return ports
    .map((s) => {
      switch (s.kind) {
        case 'l4':
          return `${s.protocol}/${s.port.kind === 'any' ? 'any' : s.port.kind === 'range' ? (s.port.lo === s.port.hi ? s.port.lo : `${s.port.lo}-${s.port.hi}`) : s.port.name}`;
        case 'icmp':
          return `ICMP${s.icmpType !== null ? ` type ${s.icmpType}` : ''}`;
        case 'ip-protocol':
          return `proto ${s.protocol}`;
      }
    })
    .join(', ');
}

/**
 * Every rule of a compiled policy set that no packet can reach on any endpoint it applies to.
 */
export function shadowPolicySet(c: CompiledPolicySet, opts: PolicyShadowOptions = {}): PolicyShadow {
  const out: PolicyShadow = { items: [], notes: [], rules: 0, undetermined: 0 };
  const excluded = opts.excluded ?? new Set<number>();
  const groups = new Map(c.set.groups.map((g) => [`${g.namespace ?? ''}/${g.name}`, g]));
  if (c.endpoints.length === 0) out.notes.push('the inventory has no endpoints (Pods, VMs, filters): no rule applies to anything, nothing can be analysed; give --inventory');
  const axis = buildAxis(c);
  const accs = new Map<string, Acc>();
  const noted = new Set<string>();
  const note = (text: string): void => {
    if (!noted.has(text)) {
      noted.add(text);
      out.notes.push(text);
    }
  };
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = c.rules[dir];
    const facts: RuleFacts[] = rules.map((r) => {
      const ips = r.peerIps.flatMap((m) => {
        let set = rangeIset(axis, m.cidr.family, cidrRange(m.cidr).lo, cidrRange(m.cidr).hi);
        for (const e of m.except) if (e.family === m.cidr.family) set = isetSubtract(set, rangeIset(axis, e.family, cidrRange(e).lo, cidrRange(e).hi));
        return [isetIntersect(set, axis.bare)];
      });
      const remote = ips.reduce((a, b) => isetUnion(a, b), bitsIset(r.peerBits));
      return {
        remote,
        unresolved: unresolvedPeers(r.rule.peers, groups),
        appliedUnresolved: unresolvedPeers(r.rule.appliedTo ?? r.policy.appliedTo, groups),
      };
    });
    const units = unitsOf(c, dir, excluded);
    const unitsBySeq = new Map<number, Unit[]>();
    for (const u of units) for (const s of u.list) (unitsBySeq.get(s) ?? unitsBySeq.set(s, []).get(s) ?? []).push(u);
    const space = (u: Unit, seq: number) => {
      let sp = u.spaces.get(seq);
      if (!sp) u.spaces.set(seq, (sp = unitSpace(c, axis, rules[seq] as CompiledRule, facts[seq] as RuleFacts, u.local)));
      return sp;
    };
    /** K8s NP rules found redundant: out of the pool of the later ones (see the module comment) */
    const k8sRemoved = new Set<number>();
    for (const t of rules) {
      const f = facts[t.seq] as RuleFacts;
      const key = ruleKey(t);
      let acc = accs.get(key);
      if (!acc) accs.set(key, (acc = { rule: t, open: false, budget: false, coverers: new Map(), isolated: false, units: 0 }));
      const ref = qualified(t);
      for (const why of f.unresolved) note(`${ref}: ${why}: it covers nothing and is shadowed only if all it might match is covered`);
      if (f.appliedUnresolved.length > 0) {
        note(`${ref}: applied-to ${f.appliedUnresolved.join('; ')}: it may apply to endpoints not in the inventory; not reported`);
        acc.open = true;
        continue;
      }
      if (t.action === 'pass' && t.tier.stage === 'baseline') {
        note(`${ref}: Pass in a baseline tier never decides (refused by validation)`);
        continue;
      }
      const isK8s = t.tier.stage === 'k8s-np';
      let coveredEverywhere = true;
      for (const u of unitsBySeq.get(t.seq) ?? []) {
        acc.units++;
        // 1. baseline on an endpoint isolated by K8s NP: never reached (antrea.md §0 1.2/1.3)
        if (t.tierOrder > c.k8sTierOrder && u.isolated) {
          acc.coverers.set(ISOLATION, { ruleId: ISOLATION, position: -1, action: 'drop', seq: Number.MAX_SAFE_INTEGER });
          acc.isolated = true;
          continue;
        }
        // 2. the earlier rules of the walk, then (K8s NP target) the other K8s NP rules of the pool
        const steps: CoverStep[] = [];
        const stepRule: CompiledRule[] = [];
        const push = (e: CompiledRule): void => {
          if (e.action === 'pass' && e.tier.stage === 'baseline') return;
          const resume = c.passResume[e.tierOrder] ?? Number.POSITIVE_INFINITY;
          const passTo = e.action === 'pass' && resume <= t.tierOrder ? resume : null;
          steps.push({ boxes: space(u, e.seq).def, tier: e.tierOrder, passTo });
          stepRule.push(e);
        };
        for (const s of u.list) {
          const e = rules[s] as CompiledRule;
          if (e.seq === t.seq) break;
          if (isK8s && e.tier.stage === 'k8s-np') continue;
          push(e);
        }
        if (isK8s) for (const s of u.list) if (s !== t.seq && !k8sRemoved.has(s) && (rules[s] as CompiledRule).tier.stage === 'k8s-np') push(rules[s] as CompiledRule);
        const res = cover(space(u, t.seq).pos, arraySteps(steps), opts.maxPieces !== undefined ? { maxPieces: opts.maxPieces } : {});
        if (res.status === 'covered') {
          for (const k of res.by) {
            const e = stepRule[k] as CompiledRule;
            const q = qualified(e);
            if (!acc.coverers.has(q)) acc.coverers.set(q, { ruleId: q, position: e.rule.index, action: e.action, seq: e.seq });
          }
          continue;
        }
        coveredEverywhere = false;
        if (res.status === 'budget') acc.budget = true;
        else acc.open = true;
      }
      if (isK8s && coveredEverywhere && (unitsBySeq.get(t.seq) ?? []).length > 0) k8sRemoved.add(t.seq);
    }
    out.rules += rules.length;
  }
  for (const acc of accs.values()) {
    const t = acc.rule;
    if (acc.units === 0) {
      if (!acc.open) note(`${qualified(t)}: applies to no endpoint of the inventory; not analysed`);
      continue;
    }
    if (acc.budget && !acc.open) {
      out.undetermined++;
      note(`${qualified(t)}: not settled (the remainder fragmented beyond the budget); not reported`);
    }
    if (acc.open || acc.budget) continue;
    const coverers = [...acc.coverers.values()].sort((a, b) => a.seq - b.seq).map(({ ruleId, position, action }) => ({ ruleId, position, action }));
    const notes = acc.isolated ? [`${t.direction}: the endpoints it applies to are isolated by a K8s NetworkPolicy, so baseline rules are not reached (antrea.md §0 step 1.2)`] : [];
    out.items.push({
      filter: null,
      ruleset: null,
      tier: t.tier.label,
      policy: t.policyRef,
      ruleId: qualified(t),
      position: t.rule.index,
      kind: coverers.every((x) => x.action === t.action) ? 'redundant' : 'shadowed',
      action: t.action,
      coveredBy: coverIds(coverers),
      coverers,
      source: t.rule.span.file !== '' ? `${t.rule.span.file}:${t.rule.span.line}` : null,
      text: `${t.rule.direction} ${t.rule.direction === 'egress' ? 'to' : t.rule.direction === 'ingress' ? 'from' : 'from/to'} ${peersText(t.rule.peers)} ports ${portsText(t.rule.ports)}`,
      notes,
    });
  }
  out.items.sort((a, b) => (a.source ?? '').localeCompare(b.source ?? '', 'en', { numeric: true }) || String(a.ruleId).localeCompare(String(b.ruleId)));
  return out;
}
