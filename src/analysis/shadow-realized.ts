/**
 * Shadow / redundancy analysis of one filter's realized rules (`vsipioctl getrules`), on the
 * compiled form the engine evaluates (src/engine/compile.ts), so that "matches" means exactly
 * what `matchRule` / `strictSkips` in src/engine/evaluate.ts mean.
 *
 * The packet space has nine dimensions (DIM below). Each rule becomes two unions of boxes:
 * - `definite`: the packets the engine answers YES for (used when the rule covers others);
 * - `possible`: the packets it answers YES or MAYBE for (used when the rule is the target).
 * An addrset with unknown members, an unreadable address, an unknown protocol name or an
 * extension dfwsim cannot evaluate (`with attribute ...`) therefore never covers anything, and
 * a rule using one is covered only if everything it might match is covered: the analysis never
 * claims coverage it cannot prove.
 *
 * Scope: first match holds within one ruleset (dfw-stateful.md §8), so each ruleset is its own
 * analysis. What an earlier ruleset drops (an L2 drop before L3) is not subtracted from a later
 * one: a rule reachable only through traffic an L2 rule already drops is not reported (sound,
 * possibly incomplete).
 */
import { compileFilter, type AddrMatcher, type CompileInput, type CompiledRule, type CompiledRuleset, type PortMatcher } from '../engine/compile.js';
import type { RealizedRule } from '../model/rule.js';
import type { ProductGeneration } from '../model/replay.js';
import type { SourceSpan } from '../model/source-span.js';
import { cover, type CoverStep, type StepList } from './shadow-cover.js';
import { AddressRanks } from './shadow-ranks.js';
import { bounds, box, boxMeets, isetIntersect, isetSubtract, type Box, type ISet } from './shadow-space.js';
import { coverIds, type Coverer, type ShadowItem } from './shadow.js';

/**
 * Dimensions of a realized box, in this order: family (0 = IPv4, 1 = IPv6), direction (0 = IN,
 * 1 = OUT), protocol, destination and source address ranks (of the box's family), destination
 * and source port, ICMP type and code. Ports and ICMP fields are shifted by one: 0 = "the packet
 * has none" (a UDP packet has no ICMP type, an ICMP packet no port).
 */
const DIMS = 9;

/**
 * Protocol coordinate of a TCP first packet that is not an initial SYN (a SYN/ACK or a mid-stream
 * packet with no state): such a packet skips strict allow rules (dfw-stateful.md §2.2, the
 * engine's `strictSkips`), so it is a different point of the space than an initial SYN (6).
 */
const TCP_NOT_SYN = 256;
const PROTO_END = 257;
/** Protocols whose packets carry ports in the engine (`hasPorts`: tcp, udp, sctp), plus TCP_NOT_SYN. */
const PORT_PROTOS: ISet = [6, 7, 17, 18, 132, 133, TCP_NOT_SYN, TCP_NOT_SYN + 1];
/** ICMP and ICMPv6: the protocols whose packets carry a type and code. */
const ICMP_PROTOS: ISet = [1, 2, 58, 59];
const OTHER_PROTOS: ISet = isetSubtract(isetSubtract([0, PROTO_END], PORT_PROTOS), ICMP_PROTOS);
const NONE: ISet = [0, 1];
const ALL_PORTS: ISet = [1, 65537];
const ALL_ICMP: ISet = [1, 257];

/** A rule's two match spaces. */
export interface Space {
  definite: Box[];
  possible: Box[];
  /** why the definite space is smaller than the possible one (empty when they are equal) */
  unresolved: string[];
}

/** Options of shadowRealized. */
export interface RealizedShadowOptions {
  /** product generation (TCP strict, dfw-stateful.md §2.1); default: the compiled filter's guess */
  generation?: ProductGeneration;
  /** remainder budget per rule (see shadow-cover.ts) */
  maxPieces?: number;
}

/** The findings of one filter. */
export interface RealizedShadow {
  items: ShadowItem[];
  notes: string[];
  rules: number;
  undetermined: number;
}

/** Address side as definite / possible rank sets of one family (see the module comment). */
function addrSides(m: AddrMatcher, af: 4 | 6, ranks: AddressRanks): { def: ISet; pos: ISet } {
  const full = ranks.full(af);
  switch (m.kind) {
    case 'any':
      return { def: full, pos: full };
    case 'unknown':
      // members unknown: the engine answers MAYBE for every address (negated or not)
      return { def: [], pos: full };
    case 'set': {
      const inside = ranks.ofSet(m.set, af);
      const hit = m.negate ? isetSubtract(full, inside) : inside;
      if (!m.hasMac) return { def: hit, pos: hit };
      // MAC members (L2 only): an address outside the IP members is MAYBE (matchAddr)
      return m.negate ? { def: [], pos: hit } : { def: hit, pos: full };
    }
  }
}

function portSet(p: PortMatcher | null): ISet {
  if (p === null) return ALL_PORTS;
  const out: number[] = [];
  for (let k = 0; k < p.lo.length; k++) out.push((p.lo[k] as number) + 1, (p.hi[k] as number) + 2);
  return out;
}

/**
 * Does an allow rule skip a TCP first packet that is not an initial SYN? The same predicate as
 * the engine's `strictSkips` (evaluate.ts): stateful TCP allow rules, `strict` on NSX-T 3.x+,
 * always on NSX-V and NSX-T 2.0 (dfw-stateful.md §2.2, S5/S7); `protocol any` never skips.
 */
function skipsNotSyn(r: CompiledRule, gen: ProductGeneration): boolean {
  if (r.proto !== 6 || r.stateless || r.verdict !== 'allow') return false;
  return gen === 'nsxt3+' ? r.strict : true;
}

/** The protocol set and the families of a rule, plus whether the protocol itself is only MAYBE. */
function protoAndFamilies(r: CompiledRule, gen: ProductGeneration): { protos: ISet; fams: (4 | 6)[]; maybe: string | null } {
  const fams: (4 | 6)[] = r.af === 0 ? [4, 6] : [r.af];
  if (r.proto >= 0) {
    const p: number[] = [r.proto, r.proto + 1];
    if (r.proto === 6 && !skipsNotSyn(r, gen)) p.push(TCP_NOT_SYN, TCP_NOT_SYN + 1);
    return { protos: p, fams, maybe: null };
  }
  if (r.proto === -2) return { protos: [0, PROTO_END], fams, maybe: `protocol ${r.protoName} is not known to dfwsim` };
  if (r.proto === -3) {
    switch (r.ether) {
      case 'inet':
        return { protos: [0, PROTO_END], fams: [4], maybe: null };
      case 'inet6':
        return { protos: [0, PROTO_END], fams: [6], maybe: null };
      case 'non-ip':
        return { protos: [], fams: [], maybe: null };
      case 'unknown':
        return { protos: [0, PROTO_END], fams: [4, 6], maybe: `${r.protoName} is not known to dfwsim` };
      default:
        return { protos: [0, PROTO_END], fams: [4, 6], maybe: null };
    }
  }
  return { protos: [0, PROTO_END], fams, maybe: null };
}

/** Both match spaces of one compiled rule (exactly the engine's matchRule, see the module comment). */
function ruleSpace(r: CompiledRule, gen: ProductGeneration, ranks: AddressRanks): Space {
  const definite: Box[] = [];
  const possible: Box[] = [];
  const unresolved: string[] = [];
  const { protos, fams, maybe } = protoAndFamilies(r, gen);
  if (maybe !== null) unresolved.push(maybe);
  if (r.opaque.length > 0) unresolved.push(`condition dfwsim cannot evaluate: ${r.opaque.join(', ')}`);
  for (const m of [r.src, r.dst]) {
    if (m.kind === 'unknown') unresolved.push(m.reason);
    else if (m.kind === 'set' && m.hasMac) unresolved.push(`${m.label} has MAC members`);
  }
  const dir: ISet = r.dirMask === 1 ? [0, 1] : r.dirMask === 2 ? [1, 2] : [0, 2];
  const hasPortCond = r.srcPorts !== null || r.dstPorts !== null;
  const hasIcmpCond = r.icmpType !== null || r.icmpCode !== null;
  const itype: ISet = r.icmpType !== null ? [r.icmpType + 1, r.icmpType + 2] : ALL_ICMP;
  const icode: ISet = r.icmpCode !== null ? [r.icmpCode + 1, r.icmpCode + 2] : ALL_ICMP;
  // Per protocol class, the port and ICMP conditions depend on one dimension each, so each class
  // is a product: ports on a non-port protocol are NO (portCond), an ICMP type on a non-ICMP
  // packet is MAYBE (the packet has no type).
  const classes: { protos: ISet; dport: ISet; sport: ISet; it: ISet; ic: ISet; maybe: boolean }[] = [
    { protos: PORT_PROTOS, dport: portSet(r.dstPorts), sport: portSet(r.srcPorts), it: NONE, ic: NONE, maybe: hasIcmpCond },
    { protos: ICMP_PROTOS, dport: hasPortCond ? [] : NONE, sport: hasPortCond ? [] : NONE, it: itype, ic: icode, maybe: false },
    { protos: OTHER_PROTOS, dport: hasPortCond ? [] : NONE, sport: hasPortCond ? [] : NONE, it: NONE, ic: NONE, maybe: hasIcmpCond },
  ];
  const whollyMaybe = maybe !== null || r.opaque.length > 0;
  for (const af of fams) {
    const famSet: ISet = af === 4 ? [0, 1] : [1, 2];
    const src = addrSides(r.src, af, ranks);
    const dst = addrSides(r.dst, af, ranks);
    for (const c of classes) {
      const ps = isetIntersect(protos, c.protos);
      const pos = box([famSet, dir, ps, dst.pos, src.pos, c.dport, c.sport, c.it, c.ic]);
      if (pos === null) continue;
      possible.push(pos);
      if (whollyMaybe || c.maybe) continue;
      const def = box([famSet, dir, ps, dst.def, src.def, c.dport, c.sport, c.it, c.ic]);
      if (def !== null) definite.push(def);
    }
  }
  return { definite, possible, unresolved };
}

function ranksOf(rs: CompiledRuleset): AddressRanks {
  const ranks = new AddressRanks();
  for (const r of rs.rules) for (const m of [r.src, r.dst]) if (m.kind === 'set') ranks.addSet(m.set);
  ranks.freeze();
  return ranks;
}

/** Both match spaces of every rule of one compiled ruleset, addresses ranked over the ruleset. */
export function rulesetSpaces(rs: CompiledRuleset, gen: ProductGeneration): Space[] {
  const ranks = ranksOf(rs);
  return rs.rules.map((r) => ruleSpace(r, gen, ranks));
}

/** Do two flattened bounds overlap in every dimension? */
function boundsMeet(a: Float64Array, ai: number, b: Float64Array, bi: number): boolean {
  for (let d = 0; d < DIMS; d++) {
    const k = 2 * d;
    if ((a[ai + k] as number) >= (b[bi + k + 1] as number) || (b[bi + k] as number) >= (a[ai + k + 1] as number)) return false;
  }
  return true;
}

/** Analyse one ruleset: every rule whose possible space the earlier rules' definite spaces cover. */
function analyseRuleset(filter: string | null, rs: CompiledRuleset, source: readonly RealizedRule[], gen: ProductGeneration, opts: RealizedShadowOptions, out: RealizedShadow): void {
  const spaces = rulesetSpaces(rs, gen);
  const n = spaces.length;
  // 1. Bounds of every rule, flattened (no per-pair allocation in the candidate scan below).
  const defB = new Float64Array(n * 2 * DIMS);
  const posB = new Float64Array(n * 2 * DIMS);
  const hasDef = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = spaces[i] as Space;
    const d = bounds(s.definite, DIMS);
    if (d !== null) {
      defB.set(d, i * 2 * DIMS);
      hasDef[i] = 1;
    }
    const p = bounds(s.possible, DIMS);
    if (p !== null) posB.set(p, i * 2 * DIMS);
  }
  const steps: CoverStep[] = spaces.map((s) => ({ boxes: s.definite, tier: 0, passTo: null }));
  const unresolvedRules = new Set<number>();
  for (let i = 0; i < n; i++) {
    const r = rs.rules[i] as CompiledRule;
    const s = spaces[i] as Space;
    if (s.unresolved.length > 0) {
      unresolvedRules.add(i);
      out.notes.push(`${rs.name} rule ${r.ruleId} at ${r.position}: ${s.unresolved.join('; ')}: it covers nothing and is shadowed only if all it might match is covered`);
    }
    if (s.possible.length === 0) {
      if (r.ether === 'non-ip') out.notes.push(`${rs.name} rule ${r.ruleId} at ${r.position}: ${r.protoName} matches no IP packet; not analysed`);
      continue;
    }
    // 2. Candidates: earlier rules whose definite bounds meet this rule's possible bounds, found
    //    lazily in order, so that a rule covered by its first candidates scans no further.
    const cand: number[] = [];
    let scan = 0;
    const at = i * 2 * DIMS;
    const list: StepList = {
      get: (k) => {
        while (cand.length <= k && scan < i) {
          if (hasDef[scan] === 1 && boundsMeet(defB, scan * 2 * DIMS, posB, at)) cand.push(scan);
          scan++;
        }
        const j = cand[k];
        return j === undefined ? undefined : steps[j];
      },
    };
    const res = cover(s.possible, list, opts.maxPieces !== undefined ? { maxPieces: opts.maxPieces } : {});
    if (res.status === 'budget') {
      out.undetermined++;
      out.notes.push(`${rs.name} rule ${r.ruleId} at ${r.position}: not settled (the remainder split into more than ${res.pieces - 1} pieces); not reported`);
      continue;
    }
    if (res.status !== 'covered') continue;
    const by = res.by.map((k) => cand[k] as number);
    const coverers: Coverer[] = by.map((j) => {
      const c = rs.rules[j] as CompiledRule;
      return { ruleId: c.ruleId, position: c.position, action: c.action };
    });
    const notes: string[] = [];
    // An earlier rule with unresolved members and another action may take some of these packets first.
    for (const j of unresolvedRules) {
      if (j >= i) break;
      const c = rs.rules[j] as CompiledRule;
      if (c.action === r.action || by.includes(j)) continue;
      if ((spaces[j] as Space).possible.some((b) => s.possible.some((t) => boxMeets(b, t))))
        notes.push(`rule ${c.ruleId} at ${c.position} (${c.action}) may match some of these packets first (unresolved members)`);
    }
    out.items.push({
      filter,
      ruleset: rs.name,
      tier: null,
      policy: null,
      ruleId: r.ruleId,
      position: r.position,
      kind: coverers.every((c) => c.action === r.action) ? 'redundant' : 'shadowed',
      action: r.action,
      coveredBy: coverIds(coverers),
      coverers,
      source: spanSource(rs.spans[i]),
      text: source[i]?.text ?? r.label,
      notes,
    });
  }
}

/**
 * Every rule of a filter's realized rules that no packet can reach: covered by the union of the
 * earlier rules of its ruleset. The rules are compiled here with the engine's compileFilter, so
 * addrsets resolve exactly as they do for evaluation. `filter` is the name put on the findings.
 */
export function shadowRealized(filter: string | null, input: CompileInput, opts: RealizedShadowOptions = {}): RealizedShadow {
  const compiled = compileFilter(input);
  const gen = opts.generation ?? compiled.generation;
  const out: RealizedShadow = { items: [], notes: [], rules: 0, undetermined: 0 };
  // the source lines in the compiled order (compileFilter sorts each ruleset by index)
  const byName = new Map(input.rulesets.map((rs) => [rs.name, [...rs.rules].sort((a, b) => a.index - b.index)]));
  for (const rs of compiled.rulesets) {
    out.rules += rs.rules.length;
    analyseRuleset(filter, rs, byName.get(rs.name) ?? [], gen, opts, out);
  }
  return out;
}

/** `file:line` of a rule's capture line, or null when it was not read from a file. */
function spanSource(span: SourceSpan | undefined): string | null {
  return span !== undefined && span.file !== '' ? `${span.file}:${span.line}` : null;
}
