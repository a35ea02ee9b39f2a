import type { Decision, DecisionBasis, RejectResponse, TraceNode, Verdict } from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import type { ProductGeneration } from '../model/replay.js';
import type { SourceSpan } from '../model/source-span.js';
import type { AddrSet, Endpoint, RealizedRule, Ruleset } from '../model/rule.js';
import {
  MAYBE,
  NO,
  YES,
  generationFromRulesets,
  ruleHead,
  type AddrMatcher,
  type CompiledFilter,
  type CompiledRule,
  type CompiledRuleset,
  type PortMatcher,
  type Tri,
  segmentOf,
  isAnyAny,
  verdictOf,
} from './compile.js';
import { hasV4, hasV6, parseIp, parseIpEntry, parseIpv4, parseIpv6 } from '../net/ip.js';
import { PROTO_ANY, hasPorts, isIcmpError, protocolLabel, protocolNumber } from '../net/protocols.js';

/** Options of evaluate / evaluateNaive. */
export interface EvaluateOptions {
  /** product generation (TCP strict rules, dfw-stateful.md §2.1); default: guessed from ruleset names */
  generation?: ProductGeneration;
  /**
   * Is this packet the first packet of a connection, an initial SYN for TCP? Default: inferred
   * from `flow.tcpFlags` (SYN set and ACK clear, pf's `flags S/SA`, §2.2 step 1); when the
   * flags are unknown the packet is treated as an initial SYN and the trace says so.
   */
  initialPacket?: boolean;
  /** which layers to walk (default both, L2 first); the replay walks L2, looks up state, then L3 */
  layers?: readonly ('L2' | 'L3')[];
  /** `full` (default): skip nodes with reasons; `minimal`: only match / unknown / strict nodes (bench, bulk replay) */
  trace?: 'full' | 'minimal';
}

/** Skip nodes kept in full from the start of a ruleset walk. */
const SKIP_CAP = 20;
/** Extra "nearly matched" skip nodes (one failing condition) kept after the cap. */
const NEAR_CAP = 20;

/** A flow pre-parsed for integer compares. */
interface FlowKey {
  af: 4 | 6;
  proto: number;
  /** addresses; `ok` false when one could not be read (address conditions are then MAYBE) */
  ok: boolean;
  src4: number;
  dst4: number;
  src6: bigint;
  dst6: bigint;
  srcPort: number | null;
  dstPort: number | null;
  icmpType: number | null;
  icmpCode: number | null;
  /** TCP: initial SYN (or assumed so) */
  initial: boolean;
  isRst: boolean;
  /** assumptions made about the flow (null when none: the hot path allocates nothing) */
  notes: string[] | null;
}

function isInitialSyn(flags: string): boolean {
  const f = flags.toUpperCase();
  return f.includes('S') && !f.includes('A');
}

function toKey(flow: Flow, opts: EvaluateOptions | undefined): FlowKey {
  let notes: string[] | null = null;
  const af: 4 | 6 = flow.af === 'inet6' ? 6 : 4;
  let ok = true;
  let src4 = 0;
  let dst4 = 0;
  let src6 = 0n;
  let dst6 = 0n;
  if (af === 4) {
    const s = parseIpv4(flow.src);
    const d = parseIpv4(flow.dst);
    if (s === null || d === null) ok = false;
    else {
      src4 = s;
      dst4 = d;
    }
  } else {
    const s = parseIpv6(flow.src);
    const d = parseIpv6(flow.dst);
    if (s === null || d === null) ok = false;
    else {
      src6 = s;
      dst6 = d;
    }
  }
  if (!ok) (notes ??= []).push(`address ${flow.src} or ${flow.dst} cannot be read: address conditions are unknown`);
  let initial = true;
  if (flow.protocol === 6) {
    if (opts?.initialPacket !== undefined) initial = opts.initialPacket;
    else if (flow.tcpFlags !== null) initial = isInitialSyn(flow.tcpFlags);
    else (notes ??= []).push('TCP flags unknown: treated as an initial SYN');
  }
  return {
    af,
    proto: flow.protocol,
    ok,
    src4,
    dst4,
    src6,
    dst6,
    srcPort: flow.srcPort,
    dstPort: flow.dstPort,
    icmpType: flow.icmpType,
    icmpCode: flow.icmpCode,
    initial,
    isRst: flow.protocol === 6 && flow.tcpFlags !== null && flow.tcpFlags.toUpperCase().includes('R'),
    notes,
  };
}

function inPorts(p: PortMatcher, port: number): boolean {
  const lo = p.lo;
  for (let i = 0; i < lo.length; i++) {
    if (port < (lo[i] as number)) return false;
    if (port <= (p.hi[i] as number)) return true;
  }
  return false;
}

function matchAddr(m: AddrMatcher, k: FlowKey, src: boolean): Tri {
  switch (m.kind) {
    case 'any':
      return YES;
    case 'unknown':
      return MAYBE;
    case 'set': {
      if (!k.ok) return MAYBE;
      const inside = k.af === 4 ? hasV4(m.set, src ? k.src4 : k.dst4) : hasV6(m.set, src ? k.src6 : k.dst6);
      // a MAC member could match the frame, and the flow has no MAC: cannot tell
      if (!inside && m.hasMac) return MAYBE;
      return inside !== m.negate ? YES : NO;
    }
  }
}

function portCond(p: PortMatcher | null, port: number | null, proto: number): Tri {
  if (p === null) return YES;
  if (port === null) return hasPorts(proto) ? MAYBE : NO;
  return inPorts(p, port) ? YES : NO;
}

/** Test everything except the TCP first-packet special case. */
function matchRule(r: CompiledRule, k: FlowKey, dirBit: number): Tri {
  if ((r.dirMask & dirBit) === 0) return NO;
  if (r.af !== 0 && r.af !== k.af) return NO;
  let res: Tri = YES;
  if (r.proto >= 0) {
    if (r.proto !== k.proto) return NO;
  } else if (r.proto === -2) {
    res = MAYBE;
  } else if (r.proto === -3) {
    switch (r.ether) {
      case 'inet':
        if (k.af !== 4) return NO;
        break;
      case 'inet6':
        if (k.af !== 6) return NO;
        break;
      case 'non-ip':
        return NO;
      case 'unknown':
        res = MAYBE;
        break;
      default:
        break;
    }
  }
  const dp = portCond(r.dstPorts, k.dstPort, k.proto);
  if (dp === NO) return NO;
  const sp = portCond(r.srcPorts, k.srcPort, k.proto);
  if (sp === NO) return NO;
  if (dp === MAYBE || sp === MAYBE) res = MAYBE;
  if (r.icmpType !== null) {
    if (k.icmpType === null) res = MAYBE;
    else if (k.icmpType !== r.icmpType) return NO;
  }
  if (r.icmpCode !== null) {
    if (k.icmpCode === null) res = MAYBE;
    else if (k.icmpCode !== r.icmpCode) return NO;
  }
  const d = matchAddr(r.dst, k, false);
  if (d === NO) return NO;
  const s = matchAddr(r.src, k, true);
  if (s === NO) return NO;
  if (d === MAYBE || s === MAYBE || r.opaque.length > 0) res = MAYBE;
  return res;
}

/**
 * TCP first packet that is not an initial SYN (dfw-stateful.md §2.2, replay step 8): an allow
 * rule with a TCP service skips it when it is `strict` (NSX-T 3.x+), or always on NSX-V and
 * NSX-T 2.0 where every stateful TCP rule is strict (S5, S7). `protocol any` and stateless rules
 * still match (S6, S8/S10). Drop and reject rules match whatever the flags (§2.2 step 5,
 * [inferred]). Skip rather than drop is the reference's recommendation (§2.3, [inferred]).
 */
function strictSkips(r: CompiledRule, k: FlowKey, gen: ProductGeneration): boolean {
  if (k.proto !== 6 || k.initial) return false;
  if (r.proto !== 6 || r.stateless || r.verdict !== 'allow') return false;
  return gen === 'nsxt3+' ? r.strict : true;
}

const EMPTY: Int32Array = new Int32Array(0);

/** Per-ruleset walk result. */
interface Walk {
  rs: CompiledRuleset;
  /** deciding rule index in rs.rules, or -1 */
  match: number;
  maybes: number[];
  strict: number[];
}


/**
 * First match in one ruleset over the prefilter candidates, merged in rule order. Candidates:
 * rules of any protocol, rules of the flow's protocol without an expanded port (wide), rules
 * listed under the flow's destination port; for a readable IPv4 flow these lists are restricted
 * to rules wild on both address sides, and the rules of the destination's and the source's
 * address segments are merged in (DstIndex in compile.ts). Every candidate is still fully tested by matchRule: the index only drops rules that
 * cannot match.
 */
function walkRuleset(rs: CompiledRuleset, k: FlowKey, dirBit: number, gen: ProductGeneration): Walk {
  const rules = rs.rules;
  const v4 = k.af === 4 && k.ok;
  const A = v4 ? rs.dst.anyProtoWild : rs.anyProto;
  let B: Int32Array = EMPTY;
  let C: Int32Array = EMPTY;
  let D: Int32Array = EMPTY;
  const bucket = (v4 ? rs.dst.byProtoWild : rs.byProto).get(k.proto);
  if (bucket !== undefined) {
    B = bucket.wide;
    C = k.dstPort === null ? bucket.ported : (bucket.byPort.get(k.dstPort) ?? EMPTY);
  }
  let E: Int32Array = EMPTY;
  if (v4) {
    const sg = segmentOf(rs.dst.bounds, k.dst4);
    if (sg >= 0) D = rs.dst.segs[sg] as Int32Array;
    const ss = segmentOf(rs.dst.srcBounds, k.src4);
    if (ss >= 0) E = rs.dst.srcSegs[ss] as Int32Array;
  }
  let ia = 0;
  let ib = 0;
  let ic = 0;
  let id = 0;
  let ie = 0;
  const INF = 0x7fffffff;
  let maybes: number[] | null = null;
  let strict: number[] | null = null;
  for (;;) {
    const a = ia < A.length ? (A[ia] as number) : INF;
    const b = ib < B.length ? (B[ib] as number) : INF;
    const c = ic < C.length ? (C[ic] as number) : INF;
    const d = id < D.length ? (D[id] as number) : INF;
    const e = ie < E.length ? (E[ie] as number) : INF;
    const ab = a < b ? a : b;
    const cd = c < d ? c : d;
    const abcd = ab < cd ? ab : cd;
    const m = abcd < e ? abcd : e;
    if (m === INF) break;
    if (a === m) ia++;
    if (b === m) ib++;
    if (c === m) ic++;
    if (d === m) id++;
    if (e === m) ie++;
    const r = rules[m] as CompiledRule;
    const t = matchRule(r, k, dirBit);
    if (t === NO) continue;
    if (strictSkips(r, k, gen)) {
      (strict ??= []).push(m);
      continue;
    }
    if (t === MAYBE) {
      (maybes ??= []).push(m);
      continue;
    }
    return { rs, match: m, maybes: maybes ?? [], strict: strict ?? [] };
  }
  return { rs, match: -1, maybes: maybes ?? [], strict: strict ?? [] };
}

/** Why a rule did not match (all failing conditions), or why it is unknown. */
function reasons(r: CompiledRule, k: FlowKey, flow: Flow, dirBit: number): { fail: string[]; maybe: string[] } {
  const fail: string[] = [];
  const maybe: string[] = [];
  const dirName = dirBit === 1 ? 'IN' : 'OUT';
  if ((r.dirMask & dirBit) === 0) fail.push(`direction ${r.direction}, packet ${dirName}`);
  if (r.af !== 0 && r.af !== k.af) fail.push(`af inet${r.af === 6 ? '6' : ''}, packet inet${k.af === 6 ? '6' : ''}`);
  if (r.proto >= 0 && r.proto !== k.proto) fail.push(`protocol ${r.protoName}, packet ${protocolLabel(k.proto)}`);
  if (r.proto === -2) maybe.push(`protocol ${r.protoName} is not known to dfwsim`);
  if (r.proto === -3) {
    if (r.ether === 'non-ip') fail.push(`${r.protoName} does not carry IP`);
    else if (r.ether === 'inet' && k.af !== 4) fail.push(`${r.protoName}, packet inet6`);
    else if (r.ether === 'inet6' && k.af !== 6) fail.push(`${r.protoName}, packet inet`);
    else if (r.ether === 'unknown') maybe.push(`${r.protoName} is not known to dfwsim`);
  }
  const ports = (p: PortMatcher | null, port: number | null, side: string): void => {
    const t = portCond(p, port, k.proto);
    if (t === NO) fail.push(port === null ? `${side} port ${p?.label ?? ''}, packet has no ports` : `${side} port ${port} not in ${p?.label ?? ''}`);
    if (t === MAYBE) maybe.push(`${side} port unknown (rule: ${p?.label ?? ''})`);
  };
  ports(r.dstPorts, k.dstPort, 'dst');
  ports(r.srcPorts, k.srcPort, 'src');
  if (r.icmpType !== null) {
    if (k.icmpType === null) maybe.push(`icmp type unknown (rule: icmptype ${r.icmpType})`);
    else if (k.icmpType !== r.icmpType) fail.push(`icmptype ${r.icmpType}, packet icmptype ${k.icmpType}`);
  }
  if (r.icmpCode !== null && k.icmpCode !== null && k.icmpCode !== r.icmpCode) fail.push(`icmp code ${r.icmpCode}, packet ${k.icmpCode}`);
  const side = (m: AddrMatcher, src: boolean): void => {
    const t = matchAddr(m, k, src);
    const name = src ? 'src' : 'dst';
    const a = src ? flow.src : flow.dst;
    if (t === NO) fail.push(m.kind === 'set' && m.negate ? `${name} ${a} in ${m.label.replace(/^not /, '')} (negated)` : `${name} ${a} not in ${m.label}`);
    if (t === MAYBE) maybe.push(m.kind === 'unknown' ? `${name} ${a}: ${m.reason}` : `${name} ${a}: ${m.label} has MAC members`);
  };
  side(r.dst, false);
  side(r.src, true);
  if (r.opaque.length > 0) maybe.push(`condition dfwsim cannot evaluate: ${r.opaque.join(', ')}`);
  return { fail, maybe };
}

const MARK = '';
/** Failing conditions as placeholders (no strings built): used to find near misses cheaply. */
function failCount(r: CompiledRule, k: FlowKey, dirBit: number): string[] {
  const f: string[] = [];
  if ((r.dirMask & dirBit) === 0) f.push(MARK);
  if (r.af !== 0 && r.af !== k.af) f.push(MARK);
  if (r.proto >= 0 && r.proto !== k.proto) f.push(MARK);
  if (r.proto === -3 && (r.ether === 'non-ip' || (r.ether === 'inet' && k.af !== 4) || (r.ether === 'inet6' && k.af !== 6))) f.push(MARK);
  if (portCond(r.dstPorts, k.dstPort, k.proto) === NO) f.push(MARK);
  if (portCond(r.srcPorts, k.srcPort, k.proto) === NO) f.push(MARK);
  if (r.icmpType !== null && k.icmpType !== null && k.icmpType !== r.icmpType) f.push(MARK);
  if (r.icmpCode !== null && k.icmpCode !== null && k.icmpCode !== r.icmpCode) f.push(MARK);
  if (matchAddr(r.dst, k, false) === NO) f.push(MARK);
  if (matchAddr(r.src, k, true) === NO) f.push(MARK);
  return f;
}

function ruleRef(r: CompiledRule): NonNullable<TraceNode['rule']> {
  return { ruleset: r.ruleset, ruleId: r.ruleId, position: r.position };
}

/** A trace node; `span` is where this filter's capture has `r` (compiled rules are shared, spans are not). */
function node(kind: TraceNode['kind'], text: string, r: CompiledRule | null, span?: SourceSpan): TraceNode {
  if (r === null) return { kind, text, children: [] };
  return span === undefined ? { kind, text, rule: ruleRef(r), children: [] } : { kind, text, rule: ruleRef(r), span, children: [] };
}

function strictText(r: CompiledRule, flow: Flow, gen: ProductGeneration): string {
  const why = gen === 'nsxt3+' ? 'strict' : `${gen === 'nsxv' ? 'NSX-V' : 'NSX-T 2.0'} TCP rule (always strict)`;
  return `skip ${r.label}: ${why} & not an initial SYN (flags ${flow.tcpFlags ?? 'unknown'}): state-mismatch candidate [inferred: skip, dfw-stateful.md §2.3]`;
}

/** Trace nodes of one ruleset walk. */
function walkTrace(w: Walk, k: FlowKey, flow: Flow, dirBit: number, gen: ProductGeneration, full: boolean): TraceNode[] {
  const out: TraceNode[] = [];
  const rules = w.rs.rules;
  const end = w.match >= 0 ? w.match : rules.length;
  const maybeSet = new Set(w.maybes);
  const strictSet = new Set(w.strict);
  if (!full) {
    for (let i = 0; i < end; i++) {
      if (maybeSet.has(i)) {
        const r = rules[i] as CompiledRule;
        out.push(node('unknown', `may match ${r.label}: ${reasons(r, k, flow, dirBit).maybe.join('; ')}`, r, w.rs.spans[i]));
      } else if (strictSet.has(i)) {
        const r = rules[i] as CompiledRule;
        out.push(node('skip', strictText(r, flow, gen), r, w.rs.spans[i]));
      }
    }
    return out;
  }
  let kept = 0;
  let near = 0;
  let hidden = 0;
  for (let i = 0; i < end; i++) {
    const r = rules[i] as CompiledRule;
    if (maybeSet.has(i)) {
      out.push(node('unknown', `may match ${r.label}: ${reasons(r, k, flow, dirBit).maybe.join('; ')}`, r, w.rs.spans[i]));
      continue;
    }
    if (strictSet.has(i)) {
      out.push(node('skip', strictText(r, flow, gen), r, w.rs.spans[i]));
      continue;
    }
    if (kept < SKIP_CAP) {
      kept++;
      out.push(node('skip', `skip ${r.ref}: ${reasons(r, k, flow, dirBit).fail.join('; ')}`, r, w.rs.spans[i]));
    } else if (near < NEAR_CAP && failCount(r, k, dirBit).length === 1) {
      near++;
      out.push(node('skip', `skip ${r.ref} (nearly matched): ${reasons(r, k, flow, dirBit).fail.join('; ')}`, r, w.rs.spans[i]));
    } else {
      hidden++;
    }
  }
  if (hidden > 0) out.push(node('info', `${hidden} more rules of ${w.rs.name} skipped (not listed)`, null));
  return out;
}

/** What a REJECT of this flow sends back (dfw-stateful.md §4.1, S18; pf exceptions S17b). */
export function rejectResponse(flow: Flow): { sends: RejectResponse; why: string } {
  if (flow.protocol === 6) {
    if (flow.tcpFlags !== null && flow.tcpFlags.toUpperCase().includes('R')) return { sends: 'none', why: 'an RST is never answered' };
    return { sends: 'tcp-rst', why: '' };
  }
  if ((flow.protocol === 1 || flow.protocol === 58) && isIcmpError(flow.protocol, flow.icmpType)) {
    return { sends: 'none', why: 'an ICMP error is never answered' };
  }
  return { sends: 'icmp-unreachable', why: '' };
}

function rejectText(flow: Flow): string {
  const r = rejectResponse(flow);
  switch (r.sends) {
    case 'tcp-rst':
      return ` -> TCP RST to ${flow.src}`;
    case 'icmp-unreachable':
      return ` -> ICMP unreachable (admin-prohibited) to ${flow.src}`;
    case 'none':
      return ` -> nothing sent (${r.why})`;
  }
}

/** Resolution shared by the compiled and the naive evaluator (one resolution, STYLE habit 10). */
interface Resolution {
  /** the rule that decided (drop/reject: first such; allow: the last allow), or null */
  decider: CompiledRule | null;
  /** rules before the decider that may match (unknown members ...) */
  maybes: CompiledRule[];
  /** the walk reached the end of the last ruleset without a match */
  fellThrough: boolean;
  /** no ruleset in the requested layers */
  empty: boolean;
}

function decide(res: Resolution, flow: Flow, trace: TraceNode[], notes: string[] | null): Decision {
  const r = res.decider;
  let verdict: Verdict;
  let basis: DecisionBasis;
  let walkthrough: string;
  if (r === null || res.fellThrough) {
    // No rule decided: pf passes a packet no rule matched. Every realized ruleset ends with a
    // default rule (vsipioctl.md §4.5), so this only happens with partial inputs [inferred].
    verdict = 'allow';
    basis = 'default';
    walkthrough = res.empty ? 'no rules in the evaluated layers: ALLOW (nothing to apply)' : 'no rule matched: ALLOW (pf passes unmatched packets) [inferred]';
    trace.push(node('info', walkthrough, null));
  } else {
    verdict = r.verdict;
    basis = 'rule';
    walkthrough = verdict === 'reject' ? r.head + rejectText(flow) : r.head;
  }
  if (res.maybes.length > 0) {
    basis = 'unknown';
    const first = res.maybes[0] as CompiledRule;
    const more = res.maybes.length > 1 ? ` and ${res.maybes.length - 1} more` : '';
    walkthrough += ` [unknown: ${first.ref}${more} may match first; verdict is a lower bound]`;
  }
  if (notes !== null) for (const n of notes) trace.unshift(node('info', n, null));
  const rejectSends: RejectResponse | null = verdict === 'reject' ? rejectResponse(flow).sends : null;
  const decided = r !== null && !res.fellThrough ? r : null;
  return {
    verdict,
    basis,
    ruleset: decided?.ruleset ?? null,
    ruleId: decided?.ruleId ?? null,
    position: decided?.position ?? null,
    isDefault: decided === null || decided.isDefault,
    tier: null,
    policy: null,
    rejectSends,
    walkthrough,
    trace,
  };
}

/**
 * Evaluate one packet on one filter, in one direction (`IN` = toward the filter's VM).
 * L2 rulesets first (a drop there ends the walk), then L3; first match in listed order within
 * each ruleset (dfw-stateful.md §8). State is not consulted here: see replay.ts.
 */
export function evaluate(compiled: CompiledFilter, flow: Flow, direction: 'IN' | 'OUT', opts?: EvaluateOptions): Decision {
  const k = toKey(flow, opts);
  const gen = opts?.generation ?? compiled.generation;
  const dirBit = direction === 'IN' ? 1 : 2;
  const layers = opts?.layers;
  const full = (opts?.trace ?? 'full') === 'full';
  const trace: TraceNode[] = [];
  const maybes: CompiledRule[] = [];
  let decider: CompiledRule | null = null;
  let fellThrough = false;
  let walked = 0;
  for (const rs of compiled.rulesets) {
    if (layers !== undefined && !layers.includes(rs.layer)) continue;
    walked++;
    const w = walkRuleset(rs, k, dirBit, gen);
    for (const i of w.maybes) maybes.push(rs.rules[i] as CompiledRule);
    if (full || w.maybes.length > 0 || w.strict.length > 0) trace.push(...walkTrace(w, k, flow, dirBit, gen, full));
    if (w.match < 0) {
      fellThrough = true;
      continue;
    }
    fellThrough = false;
    const r = rs.rules[w.match] as CompiledRule;
    decider = r;
    if (r.verdict !== 'allow') {
      trace.push(node('match', `match ${r.label}`, r, rs.spans[w.match]));
      break;
    }
    trace.push(node(rs.layer === 'L2' ? 'pass' : 'match', `${rs.layer === 'L2' ? 'pass (L2 allows, L3 next)' : 'match'} ${r.label}`, r, rs.spans[w.match]));
  }
  return decide({ decider, maybes, fellThrough, empty: walked === 0 }, flow, trace, k.notes);
}

// ---------------------------------------------------------------------------------------------
// Naive evaluator: the benchmark baseline and a cross-check. No compilation: every check works
// on the parsed RealizedRule objects and re-parses addresses and addrset entries each time.
// ---------------------------------------------------------------------------------------------

function naiveAddr(ep: Endpoint, addr: string, addrsets: readonly AddrSet[], layer: 'L2' | 'L3'): Tri {
  switch (ep.kind) {
    case 'any':
      return YES;
    case 'not': {
      const t = naiveAddr(ep.of, addr, addrsets, layer);
      return t === MAYBE ? MAYBE : t === YES ? NO : YES;
    }
    case 'ip':
    case 'inline': {
      const a = parseIp(addr);
      if (a === null) return MAYBE;
      for (const v of ep.kind === 'ip' ? [ep.value] : ep.entries) {
        const r = parseIpEntry(v);
        if (r === null) return MAYBE;
        if (r.af === a.af && r.lo <= a.v && a.v <= r.hi) return YES;
      }
      return NO;
    }
    case 'addrset': {
      const set = addrsets.find((s) => s.name === ep.name);
      if (set === undefined) return MAYBE;
      const a = parseIp(addr);
      if (a === null) return MAYBE;
      let mac = false;
      let found = false;
      for (const e of set.entries) {
        if (e.kind === 'mac') {
          mac = true;
          continue;
        }
        const r = parseIpEntry(e.value);
        if (r === null) return MAYBE;
        if (r.af === a.af && r.lo <= a.v && a.v <= r.hi) found = true;
      }
      if (!found && mac && layer === 'L2') return MAYBE;
      return found ? YES : NO;
    }
  }
}

function naivePorts(ranges: RealizedRule['dstPorts'], port: number | null, proto: number): Tri {
  if (ranges === null) return YES;
  if (port === null) return hasPorts(proto) ? MAYBE : NO;
  return ranges.some((r) => r.lo <= port && port <= r.hi) ? YES : NO;
}

function naiveMatch(r: RealizedRule, layer: 'L2' | 'L3', flow: Flow, dir: 'IN' | 'OUT', addrsets: readonly AddrSet[]): Tri {
  if (r.direction !== 'inout' && r.direction !== (dir === 'IN' ? 'in' : 'out')) return NO;
  if (r.af !== null && r.af !== flow.af) return NO;
  let res: Tri = YES;
  if (r.protocol !== null) {
    const p = protocolNumber(r.protocol);
    if (p === null) res = MAYBE;
    else if (p !== PROTO_ANY && p !== flow.protocol) return NO;
  } else {
    const e = (r.ethertype ?? 'any').toLowerCase();
    if (e === 'arp' || e === '0x0806' || e === '0806' || e === 'rarp' || e === '0x8035') return NO;
    if ((e === 'ipv4' || e === '0x0800' || e === '0800' || e === 'ip') && flow.af !== 'inet') return NO;
    if ((e === 'ipv6' || e === '0x86dd' || e === '86dd') && flow.af !== 'inet6') return NO;
    if (!['any', 'arp', '0x0806', '0806', 'rarp', '0x8035', 'ipv4', '0x0800', '0800', 'ip', 'ipv6', '0x86dd', '86dd'].includes(e)) res = MAYBE;
  }
  const dp = naivePorts(r.dstPorts, flow.dstPort, flow.protocol);
  const sp = naivePorts(r.srcPorts, flow.srcPort, flow.protocol);
  if (dp === NO || sp === NO) return NO;
  if (dp === MAYBE || sp === MAYBE) res = MAYBE;
  if (r.icmpType !== null) {
    if (flow.icmpType === null) res = MAYBE;
    else if (flow.icmpType !== r.icmpType) return NO;
  }
  if (r.icmpCode !== null) {
    if (flow.icmpCode === null) res = MAYBE;
    else if (flow.icmpCode !== r.icmpCode) return NO;
  }
  const d = naiveAddr(r.dst, flow.dst, addrsets, layer);
  if (d === NO) return NO;
  const s = naiveAddr(r.src, flow.src, addrsets, layer);
  if (s === NO) return NO;
  if (d === MAYBE || s === MAYBE || r.extensions.length > 0) res = MAYBE;
  return res;
}

/**
 * Linear first-match scan over parsed rules, re-parsing addresses on every check. Same
 * semantics as `evaluate` (checked by a property test), minimal trace. The benchmark baseline.
 */
export function evaluateNaive(rulesets: readonly Ruleset[], addrsets: readonly AddrSet[], flow: Flow, dir: 'IN' | 'OUT', opts?: EvaluateOptions): Decision {
  const gen = opts?.generation ?? generationFromRulesets(rulesets);
  const k = toKey(flow, opts);
  const ordered = [...rulesets.filter((r) => r.layer === 'L2'), ...rulesets.filter((r) => r.layer === 'L3')].filter(
    (rs) => opts?.layers === undefined || opts.layers.includes(rs.layer),
  );
  const maybes: CompiledRule[] = [];
  const trace: TraceNode[] = [];
  let decider: CompiledRule | null = null;
  let fellThrough = false;
  for (const rs of ordered) {
    let matched: RealizedRule | null = null;
    for (const r of rs.rules) {
      const t = naiveMatch(r, rs.layer, flow, dir, addrsets);
      if (t === NO) continue;
      // TCP first packet that is not an initial SYN: same rule as strictSkips above
      const allow = r.action === 'accept' || r.action === 'punt';
      if (flow.protocol === 6 && !k.initial && r.protocol === 'tcp' && !r.stateless && allow && (gen !== 'nsxt3+' || r.strict)) continue;
      if (t === MAYBE) {
        maybes.push(naiveCompiled(r, rs));
        continue;
      }
      matched = r;
      break;
    }
    if (matched === null) {
      fellThrough = true;
      continue;
    }
    fellThrough = false;
    decider = naiveCompiled(matched, rs);
    trace.push(node('match', `match ${decider.label}`, decider, matched.span));
    if (decider.verdict !== 'allow') break;
  }
  return decide({ decider, maybes, fellThrough, empty: ordered.length === 0 }, flow, trace, k.notes);
}

/** A throwaway CompiledRule view of a parsed rule, for the shared resolution. */
function naiveCompiled(r: RealizedRule, rs: Ruleset): CompiledRule {
  const sameSection = rs.rules.filter((x) => x.section === r.section);
  const last = sameSection.reduce((a, b) => (b.index > a.index ? b : a));
  const anyAny = isAnyAny(r);
  const verdict: Verdict = verdictOf(r.action);
  return {
    index: r.index,
    ruleset: r.ruleset,
    layer: rs.layer,
    section: r.section,
    ruleId: r.ruleId,
    position: r.position,
    internal: r.internal,
    direction: r.direction,
    dirMask: 3,
    af: 0,
    proto: PROTO_ANY,
    protoName: r.protocol ?? 'ethertype',
    ether: null,
    src: { kind: 'any', label: 'any' },
    dst: { kind: 'any', label: 'any' },
    srcPorts: null,
    dstPorts: null,
    icmpType: r.icmpType,
    icmpCode: r.icmpCode,
    strict: r.strict,
    stateless: r.stateless,
    action: r.action,
    verdict,
    log: r.log,
    tag: r.tag,
    alg: r.alg,
    isDefault: last === r && anyAny,
    opaque: r.extensions,
    label: `${r.ruleset} rule ${r.ruleId} at ${r.position}: ${r.text}`,
    ref: `${r.ruleset} rule ${r.ruleId} at ${r.position}`,
    head: ruleHead(r),
  };
}
