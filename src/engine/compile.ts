import type { AddrSet, Endpoint, PortRange, RealizedAction, RealizedRule, Ruleset } from '../model/rule.js';
import type { SourceSpan } from '../model/source-span.js';
import type { Verdict } from '../model/decision.js';
import type { ProductGeneration } from '../model/replay.js';
import { assertNever } from './assert-never.js';
import { buildRangeSet, parseIpEntry, rangeSetSize, type IpRange, type IpRangeSet } from '../net/ip.js';
import { PROTO_ANY, protocolNumber } from '../net/protocols.js';

/**
 * Compiled form of one filter's realized rules (`vsipioctl getrules` + `getaddrsets`).
 * Compilation happens once per filter (STYLE habit 9); evaluate.ts only does integer compares
 * and records which precomputed labels fired (habit 11).
 */

/** Result of testing one condition: no, yes, or cannot tell (unknown addrset members, ...). */
export const NO = 0;
export const YES = 1;
export const MAYBE = 2;
export type Tri = 0 | 1 | 2;

/** An address condition of a rule side. */
export type AddrMatcher =
  | { kind: 'any'; label: string }
  /**
   * Known members. `hasMac`: the set also lists MAC entries, which an IP flow cannot be
   * checked against, so a miss on the IP ranges is MAYBE, not NO.
   */
  | { kind: 'set'; negate: boolean; set: IpRangeSet; hasMac: boolean; name: string | null; label: string }
  /**
   * An addrset not defined in the input (or an address dfwsim cannot read): every test is
   * MAYBE. Never guessed (DESIGN §5).
   */
  | { kind: 'unknown'; negate: boolean; name: string; reason: string; label: string };

/** Inclusive port ranges, sorted and merged, as parallel typed arrays. */
export interface PortMatcher {
  lo: Int32Array;
  hi: Int32Array;
  /** `{80, 443}` / `22` / `49152-65535` */
  label: string;
  /** number of ports covered (for the prefilter index) */
  span: number;
}

/** What an ethertype rule matches, for an IP flow. */
export type EtherMatch = 'any' | 'inet' | 'inet6' | 'non-ip' | 'unknown';

/** One compiled rule line. */
export interface CompiledRule {
  /** 0-based index within its ruleset (evaluation order) */
  index: number;
  ruleset: string;
  layer: 'L2' | 'L3';
  section: string | null;
  ruleId: number;
  position: number;
  internal: boolean;
  /** as getrules prints it */
  direction: 'in' | 'out' | 'inout';
  /** bit 1 = matches IN, bit 2 = matches OUT */
  dirMask: number;
  /** 0 = both families, 4 / 6 = limited by the `inet` / `inet6` token */
  af: 0 | 4 | 6;
  /** IANA number; PROTO_ANY for `any`; -2 for a protocol name dfwsim does not know; -3 for an ethertype rule */
  proto: number;
  protoName: string;
  /** non-null for `ethertype` rules (L2) */
  ether: EtherMatch | null;
  src: AddrMatcher;
  dst: AddrMatcher;
  srcPorts: PortMatcher | null;
  dstPorts: PortMatcher | null;
  icmpType: number | null;
  icmpCode: number | null;
  strict: boolean;
  stateless: boolean;
  action: RealizedAction;
  verdict: Verdict;
  log: boolean;
  tag: string | null;
  alg: string | null;
  /** `any/any` rule closing its section: the section's default (vsipioctl.md §4.5) */
  isDefault: boolean;
  /** extensions dfwsim cannot evaluate (`with extended src`, `with attribute`): the rule is MAYBE */
  opaque: string[];
  /** precomputed trace label: `domain-c7 rule 1026 at 7: inout protocol any from any to any reject ...` */
  label: string;
  /** short reference: `domain-c7 rule 1026 at 7` */
  ref: string;
  /** walkthrough head: `domain-c7 rule 1026 at 7: REJECT (tag default-deny)` */
  head: string;
}

/** Prefilter for one protocol: candidate rule indices by destination port. */
export interface ProtoBucket {
  /** rules of this protocol without ports, or with port ranges too wide to expand */
  wide: Int32Array;
  /** rules of this protocol with ports, by destination port (expanded small ranges) */
  byPort: Map<number, Int32Array>;
  /** every rule of this protocol that has destination ports (for flows with no dst port) */
  ported: Int32Array;
}

/**
 * IPv4 address index. A side is "wild" when it is not a positive, IP-only known set (any,
 * negated, unknown, MAC-bearing). An IPv4 flow's candidates are: the protocol / port lists
 * restricted to rules wild on both sides, the rules of its destination segment (rules with a
 * known destination set covering it), and the rules of its source segment (rules with a wild
 * destination and a known source set covering it).
 */
export interface DstIndex {
  anyProtoWild: Int32Array;
  byProtoWild: Map<number, ProtoBucket>;
  /** segment start addresses, sorted; segment k is [bounds[k], bounds[k+1]) */
  bounds: Float64Array;
  /** rule indices (sorted) whose destination covers segment k */
  segs: Int32Array[];
  /** the same for sources, over rules with a wild destination */
  srcBounds: Float64Array;
  srcSegs: Int32Array[];
}

/** One compiled ruleset with its prefilter index. */
export interface CompiledRuleset {
  name: string;
  layer: 'L2' | 'L3';
  /** shared by every filter compiled with the same cache whose ruleset has the same rules (see CompileCache) */
  rules: CompiledRule[];
  /** where this filter's capture has each rule (by rule index): the one per-filter part */
  spans: readonly SourceSpan[];
  /** rules that match every protocol (`any`, ethertype, unknown protocol names) */
  anyProto: Int32Array;
  byProto: Map<number, ProtoBucket>;
  /** IPv4 destination index (see DstIndex) */
  dst: DstIndex;
}

/** A compiled filter: its rulesets in evaluation order (L2 first, then L3, each in getrules order). */
export interface CompiledFilter {
  rulesets: CompiledRuleset[];
  /** product generation guessed from ruleset names (`domain-cN` = NSX-V, `mainrs` = NSX-T+) */
  generation: ProductGeneration;
  /** addrset names used by rules but not defined in the input */
  unknownAddrsets: string[];
  ruleCount: number;
}

/** Input of compileFilter. */
export interface CompileInput {
  rulesets: Ruleset[];
  addrsets: AddrSet[];
}

/** Ports ranges wider than this many ports are not expanded into the port index. */
const PORT_EXPAND_LIMIT = 64;

/** The verdict a realized action gives (punt counts as allow: see the case below). */
export function verdictOf(action: RealizedAction): Verdict {
  switch (action) {
    case 'accept':
      return 'allow';
    // `punt` hands the packet to a service VM on the same host (dfwpktlog.md §3.2: "PUNT (to a
    // service VM on the same host)"); for the DFW itself the packet is not blocked, so it counts
    // as allow. Whether the service VM then drops it is outside what the host data shows.
    case 'punt':
      return 'allow';
    case 'drop':
      return 'drop';
    case 'reject':
      return 'reject';
    default:
      return assertNever(action, 'rule action');
  }
}

function compilePorts(ranges: PortRange[] | null): PortMatcher | null {
  if (ranges === null) return null;
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo);
  const merged: PortRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.lo <= last.hi + 1) last.hi = Math.max(last.hi, r.hi);
    else merged.push({ lo: r.lo, hi: r.hi });
  }
  const text = ranges.map((r) => (r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`));
  const label = text.length === 1 ? (text[0] as string) : `{${text.join(', ')}}`;
  let span = 0;
  for (const r of merged) span += r.hi - r.lo + 1;
  return {
    lo: Int32Array.from(merged.map((r) => r.lo)),
    hi: Int32Array.from(merged.map((r) => r.hi)),
    label,
    span,
  };
}

function ipSetLabel(name: string | null, entries: readonly string[]): string {
  const shown = entries.slice(0, 4).join(', ') + (entries.length > 4 ? `, ... (${entries.length})` : '');
  return name === null ? `{${shown}}` : `addrset ${name} {${shown}}`;
}

function compileAddrset(name: string, addrsets: ReadonlyMap<string, AddrSet>): AddrMatcher {
  const set = addrsets.get(name);
  if (set === undefined) {
    return {
      kind: 'unknown',
      negate: false,
      name: name,
      reason: `addrset ${name} not defined in the input (members unknown)`,
      label: `addrset ${name} (members unknown)`,
    };
  }
  const ranges: IpRange[] = [];
  const shown: string[] = [];
  let hasMac = false;
  let unreadable: string | null = null;
  for (const e of set.entries) {
    if (e.kind === 'mac') {
      hasMac = true;
      continue;
    }
    const r = parseIpEntry(e.value);
    if (r === null) unreadable ??= e.value;
    else {
      ranges.push(r);
      shown.push(e.value);
    }
  }
  if (unreadable !== null) {
    return {
      kind: 'unknown',
      negate: false,
      name: name,
      reason: `addrset ${name} has an entry dfwsim cannot read (${unreadable})`,
      label: `addrset ${name} (unreadable entry ${unreadable})`,
    };
  }
  return { kind: 'set', negate: false, set: buildRangeSet(ranges), hasMac, name: name, label: ipSetLabel(name, shown) };
}

function compileEndpoint(ep: Endpoint, addrsets: ReadonlyMap<string, AddrSet>): AddrMatcher {
  switch (ep.kind) {
    case 'any':
      return { kind: 'any', label: 'any' };
    case 'addrset':
      return compileAddrset(ep.name, addrsets);
    case 'inline':
    case 'ip': {
      const entries = ep.kind === 'ip' ? [ep.value] : ep.entries;
      const ranges: IpRange[] = [];
      for (const v of entries) {
        const r = parseIpEntry(v);
        if (r === null) {
          return { kind: 'unknown', negate: false, name: v, reason: `address ${v} cannot be read`, label: `ip ${v} (unreadable)` };
        }
        ranges.push(r);
      }
      const label = ep.kind === 'ip' ? `ip ${ep.value}` : ipSetLabel(null, entries);
      return { kind: 'set', negate: false, set: buildRangeSet(ranges), hasMac: false, name: null, label };
    }
    case 'not': {
      const inner = compileEndpoint(ep.of, addrsets);
      switch (inner.kind) {
        case 'any':
          // `not any` matches nothing: an empty set
          return { kind: 'set', negate: false, set: buildRangeSet([]), hasMac: false, name: null, label: 'not any' };
        case 'set':
          return { ...inner, negate: !inner.negate, label: `not ${inner.label}` };
        case 'unknown':
          return { ...inner, negate: !inner.negate, label: `not ${inner.label}` };
        default:
          return assertNever(inner, 'address matcher');
      }
    }
    default:
      return assertNever(ep, 'endpoint');
  }
}

function etherMatch(ethertype: string): EtherMatch {
  const e = ethertype.trim().toLowerCase();
  if (e === 'any') return 'any';
  if (e === '0x0800' || e === '0800' || e === 'ipv4' || e === 'ip') return 'inet';
  if (e === '0x86dd' || e === '86dd' || e === 'ipv6') return 'inet6';
  // ARP, RARP and other known non-IP ethertypes never carry an IP flow
  if (e === '0x0806' || e === '0806' || e === 'arp' || e === '0x8035' || e === 'rarp') return 'non-ip';
  return 'unknown';
}

/** A rule matching every packet (`protocol any from any to any`): a section default when it closes the section. */
export function isAnyAny(r: RealizedRule): boolean {
  return (
    (r.protocol === 'any' || r.ethertype === 'any') &&
    r.src.kind === 'any' &&
    r.dst.kind === 'any' &&
    r.srcPorts === null &&
    r.dstPorts === null &&
    r.icmpType === null &&
    r.af === null &&
    r.extensions.length === 0
  );
}

/** Trace label of a rule, built once: `domain-c7 rule 1026 at 7: <rule text>`. */
function ruleLabel(r: RealizedRule): string {
  const section = r.section !== null ? ` [${r.section}]` : '';
  return `${r.ruleset} rule ${r.ruleId} at ${r.position}${section}${r.internal ? ' (internal)' : ''}: ${r.text.replace(/^#\s*internal\s*#\s*/, '')}`;
}

/** A compiled rule without its position and span: what identical rules of many filters share. */
type RuleCore = Omit<CompiledRule, 'index' | 'span'>;

function compileRuleCore(r: RealizedRule, layer: 'L2' | 'L3', env: AddrEnv, isDefault: boolean): RuleCore {
  let proto: number;
  let protoName: string;
  let ether: EtherMatch | null = null;
  if (r.protocol === null) {
    proto = -3;
    protoName = `ethertype ${r.ethertype ?? 'any'}`;
    ether = etherMatch(r.ethertype ?? 'any');
  } else {
    protoName = r.protocol;
    proto = protocolNumber(r.protocol) ?? -2;
  }
  const dirMask = r.direction === 'in' ? 1 : r.direction === 'out' ? 2 : 3;
  return {
    ruleset: r.ruleset,
    layer,
    section: r.section,
    ruleId: r.ruleId,
    position: r.position,
    internal: r.internal,
    direction: r.direction,
    dirMask,
    af: r.af === 'inet' ? 4 : r.af === 'inet6' ? 6 : 0,
    proto,
    protoName,
    ether,
    src: env.side(r.src, layer),
    dst: env.side(r.dst, layer),
    srcPorts: compilePorts(r.srcPorts),
    dstPorts: compilePorts(r.dstPorts),
    icmpType: r.icmpType,
    icmpCode: r.icmpCode,
    strict: r.strict,
    stateless: r.stateless,
    action: r.action,
    verdict: verdictOf(r.action),
    log: r.log,
    tag: r.tag,
    alg: r.alg,
    isDefault,
    opaque: r.extensions.slice(),
    label: ruleLabel(r),
    ref: `${r.ruleset} rule ${r.ruleId} at ${r.position}`,
    head: ruleHead(r),
  };
}

/** `domain-c7 rule 1026 at 7: REJECT (tag default-deny)`, the start of a walkthrough line. */
export function ruleHead(r: RealizedRule): string {
  return `${r.ruleset} rule ${r.ruleId} at ${r.position}: ${r.action.toUpperCase()}${r.tag !== null ? ` (tag ${r.tag})` : ''}`;
}

/** A side is "wild" for the IPv4 address index when it is not a positive, IP-only known set. */
function isWild(m: AddrMatcher): boolean {
  return !(m.kind === 'set' && !m.negate && !m.hasMac);
}

/** IPv4 segments of the selected rules' address sets, split at every range bound. */
function buildSegments(rules: CompiledRule[], select: (r: CompiledRule) => IpRangeSet | null): { bounds: Float64Array; segs: Int32Array[] } {
  const points = new Set<number>();
  const sets = rules.map(select);
  for (const set of sets) {
    if (set === null) continue;
    for (let k = 0; k < set.v4lo.length; k++) {
      points.add(set.v4lo[k] as number);
      points.add((set.v4hi[k] as number) + 1);
    }
  }
  const bounds = Float64Array.from([...points].sort((a, b) => a - b));
  const lists: number[][] = Array.from({ length: bounds.length }, () => []);
  const first = (v: number): number => segmentOf(bounds, v);
  sets.forEach((set, i) => {
    if (set === null) return;
    for (let k = 0; k < set.v4lo.length; k++) {
      const lo = set.v4lo[k] as number;
      const hi = set.v4hi[k] as number;
      for (let sg = first(lo); sg < bounds.length && (bounds[sg] as number) <= hi; sg++) (lists[sg] as number[]).push(i);
    }
  });
  return { bounds, segs: lists.map((l) => Int32Array.from(l)) };
}

/**
 * The IPv4 address index. Each rule is found through exactly one route: its destination
 * segment when the destination is a known positive set; else its source segment when the
 * source is; else the protocol / port lists of "wild" rules.
 */
function buildDstIndex(rules: CompiledRule[]): DstIndex {
  const dstWild = rules.map((r) => isWild(r.dst));
  const srcWild = rules.map((r) => isWild(r.src));
  const sub = buildIndex(rules, (i) => dstWild[i] === true && srcWild[i] === true);
  const dst = buildSegments(rules, (r) => (!isWild(r.dst) && r.dst.kind === 'set' ? r.dst.set : null));
  const src = buildSegments(rules, (r) => (isWild(r.dst) && !isWild(r.src) && r.src.kind === 'set' ? r.src.set : null));
  return { anyProtoWild: sub.anyProto, byProtoWild: sub.byProto, bounds: dst.bounds, segs: dst.segs, srcBounds: src.bounds, srcSegs: src.segs };
}

function buildIndex(rules: CompiledRule[], keep: (i: number) => boolean = () => true): { anyProto: Int32Array; byProto: Map<number, ProtoBucket> } {
  const anyProto: number[] = [];
  const tmp = new Map<number, { wide: number[]; byPort: Map<number, number[]>; ported: number[] }>();
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i] as CompiledRule;
    if (!keep(i)) continue;
    if (r.proto < 0) {
      anyProto.push(i);
      continue;
    }
    let b = tmp.get(r.proto);
    if (b === undefined) {
      b = { wide: [], byPort: new Map(), ported: [] };
      tmp.set(r.proto, b);
    }
    if (r.dstPorts === null || r.dstPorts.span > PORT_EXPAND_LIMIT) {
      b.wide.push(i);
      if (r.dstPorts !== null) b.ported.push(i);
      continue;
    }
    b.ported.push(i);
    for (let k = 0; k < r.dstPorts.lo.length; k++) {
      for (let p = r.dstPorts.lo[k] as number; p <= (r.dstPorts.hi[k] as number); p++) {
        let list = b.byPort.get(p);
        if (list === undefined) b.byPort.set(p, (list = []));
        list.push(i);
      }
    }
  }
  const byProto = new Map<number, ProtoBucket>();
  for (const [p, b] of tmp) {
    const byPort = new Map<number, Int32Array>();
    for (const [port, list] of b.byPort) byPort.set(port, Int32Array.from(list));
    byProto.set(p, { wide: Int32Array.from(b.wide), byPort, ported: Int32Array.from(b.ported) });
  }
  return { anyProto: Int32Array.from(anyProto), byProto };
}

/** Guess the product generation from ruleset names (vsipioctl.md §4.8). */
export function generationFromRulesets(rulesets: readonly { name: string }[]): ProductGeneration {
  for (const rs of rulesets) if (/^domain-c\d+/.test(rs.name)) return 'nsxv';
  return 'nsxt3+';
}

/**
 * Shares compiled parts between filters whose realized rules are alike. NSX realizes one
 * Applied-To rule table on every vNIC it reaches, so a store of 500 filters often holds a few
 * distinct tables (measured on the diagnose bench: 630 MB for 500 separately compiled filters).
 * Shared by content: address matchers (by addrset name and members), rules (everything but
 * their span, which stays per filter: a trace cites that filter's own capture line) and a
 * ruleset's prefilter index (by its sequence of rules). Compiled parts are read-only, so
 * sharing cannot change a decision. A cache only grows: use one per command run.
 */
export class CompileCache {
  /** addrset identity (name and members) -> small id */
  private readonly addrIds = new Map<string, number>();
  /** endpoint key + layer -> matcher */
  readonly matchers = new Map<string, AddrMatcher>();
  /** rule content key -> core and its id */
  private readonly cores = new Map<string, { id: number; core: RuleCore }>();
  /** layer + core ids -> prefilter index */
  private readonly indexes = new Map<string, RulesetIndex>();

  /** Small id of an addrset as one filter sees it (`members` null: not defined for the filter). */
  addrId(name: string, members: string | null): number {
    const k = `${name}\0${members ?? '?'}`;
    let id = this.addrIds.get(k);
    if (id === undefined) this.addrIds.set(k, (id = this.addrIds.size));
    return id;
  }

  core(key: string, build: () => RuleCore): { id: number; core: RuleCore } {
    let c = this.cores.get(key);
    if (c === undefined) this.cores.set(key, (c = { id: this.cores.size, core: build() }));
    return c;
  }

  index(key: string, build: () => RulesetIndex): RulesetIndex {
    let x = this.indexes.get(key);
    if (x === undefined) this.indexes.set(key, (x = build()));
    return x;
  }

  /** what each filter compiled with this cache holds, as a key (see contentKey) */
  private readonly contents = new WeakMap<CompiledFilter, string>();

  /**
   * A key equal for two filters compiled with this cache exactly when their rules, addrsets and
   * ruleset names are (their spans aside): they decide every packet alike. Undefined for a
   * filter compiled with another cache.
   */
  contentKey(f: CompiledFilter): string | undefined {
    return this.contents.get(f);
  }

  /** @internal compileFilter records a filter's content key */
  recordContent(f: CompiledFilter, key: string): void {
    this.contents.set(f, key);
  }

  /** distinct rules and prefilter indexes compiled so far (tests, memory checks) */
  get sizes(): { rules: number; indexes: number; matchers: number } {
    return { rules: this.cores.size, indexes: this.indexes.size, matchers: this.matchers.size };
  }
}

/** The prefilter index of a ruleset: it depends only on the ruleset's rules, in order. */
type RulesetIndex = Pick<CompiledRuleset, 'rules' | 'anyProto' | 'byProto' | 'dst'>;

/** One filter's addrsets, resolving rule endpoints to (shared) matchers. */
class AddrEnv {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly cache: CompileCache,
    readonly addrsets: ReadonlyMap<string, AddrSet>,
  ) {}

  private idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      const set = this.addrsets.get(name);
      this.ids.set(name, (id = this.cache.addrId(name, set === undefined ? null : JSON.stringify(set.entries))));
    }
    return id;
  }

  /** A key naming the endpoint's meaning for this filter: addrsets by identity, not by name alone. */
  key(ep: Endpoint): string {
    switch (ep.kind) {
      case 'any':
        return '*';
      case 'addrset':
        return `a${this.idOf(ep.name)}`;
      case 'inline':
        return `i${JSON.stringify(ep.entries)}`;
      case 'ip':
        return `i${JSON.stringify([ep.value])}|${ep.value}`;
      case 'not':
        return `!${this.key(ep.of)}`;
      default:
        return assertNever(ep, 'endpoint');
    }
  }

  /** The matcher of a rule side. MAC members only matter to L2 rules; an L3 rule matches IP addresses only. */
  side(ep: Endpoint, layer: 'L2' | 'L3'): AddrMatcher {
    const k = `${layer}${this.key(ep)}`;
    let m = this.cache.matchers.get(k);
    if (m === undefined) {
      const c = compileEndpoint(ep, this.addrsets);
      m = c.kind === 'set' && layer === 'L3' && c.hasMac ? { ...c, hasMac: false } : c;
      this.cache.matchers.set(k, m);
    }
    return m;
  }

  /** addrset names an endpoint uses that this filter does not define */
  unknownNames(ep: Endpoint, out: Set<string>): void {
    if (ep.kind === 'addrset' && !this.addrsets.has(ep.name)) out.add(ep.name);
    else if (ep.kind === 'not') this.unknownNames(ep.of, out);
  }
}

/**
 * A shared rule core at its place in one filter. Written out field by field: a spread of this
 * many fields makes a dictionary-mode object (measured: 1.25 KB per rule, 184 MB for 147k rules,
 * against about 0.4 KB), and every rule gets the same hidden class, which keeps evaluate.ts's
 * property reads monomorphic.
 */
function placed(c: RuleCore, index: number): CompiledRule {
  return {
    index,
    ruleset: c.ruleset,
    layer: c.layer,
    section: c.section,
    ruleId: c.ruleId,
    position: c.position,
    internal: c.internal,
    direction: c.direction,
    dirMask: c.dirMask,
    af: c.af,
    proto: c.proto,
    protoName: c.protoName,
    ether: c.ether,
    src: c.src,
    dst: c.dst,
    srcPorts: c.srcPorts,
    dstPorts: c.dstPorts,
    icmpType: c.icmpType,
    icmpCode: c.icmpCode,
    strict: c.strict,
    stateless: c.stateless,
    action: c.action,
    verdict: c.verdict,
    log: c.log,
    tag: c.tag,
    alg: c.alg,
    isDefault: c.isDefault,
    opaque: c.opaque,
    label: c.label,
    ref: c.ref,
    head: c.head,
  };
}

/** The content of a rule for sharing: every field but where it was read (span) and its line index. */
function ruleContentKey(r: RealizedRule): string {
  const { span: _span, index: _index, ...content } = r;
  return JSON.stringify(content);
}

/**
 * Compile one filter's rulesets. Rule order inside each ruleset is the getrules order
 * (`RealizedRule.index`); L2 rulesets are placed before L3 ones (dfw-stateful.md §8: "Layer 2
 * firewall rules are processed before Layer 3 rules"). An addrset named by a rule but absent
 * from `addrsets` compiles to an `unknown` matcher. With a `cache`, parts identical to those of
 * filters compiled before are shared (see CompileCache); the decisions are the same.
 */
export function compileFilter(input: CompileInput, cache: CompileCache = new CompileCache()): CompiledFilter {
  const addrsets = new Map<string, AddrSet>();
  for (const a of input.addrsets) addrsets.set(a.name, a);
  const env = new AddrEnv(cache, addrsets);
  const unknown = new Set<string>();
  const ordered = [...input.rulesets.filter((r) => r.layer === 'L2'), ...input.rulesets.filter((r) => r.layer === 'L3')];
  let ruleCount = 0;
  const content: string[] = [];
  const rulesets: CompiledRuleset[] = ordered.map((rs) => {
    const src = [...rs.rules].sort((a, b) => a.index - b.index);
    // the last line of each section, to recognise the section's default rule (vsipioctl.md §4.5:
    // by its any/any match at the end of the section, not by its action)
    const lastOfSection = new Map<string, number>();
    src.forEach((r, i) => lastOfSection.set(r.section ?? '', i));
    const ids: number[] = [];
    const cores: RuleCore[] = [];
    src.forEach((r, i) => {
      const isDefault = lastOfSection.get(r.section ?? '') === i && isAnyAny(r);
      env.unknownNames(r.src, unknown);
      env.unknownNames(r.dst, unknown);
      const key = `${rs.layer}|${isDefault ? 1 : 0}|${env.key(r.src)}|${env.key(r.dst)}|${ruleContentKey(r)}`;
      const { id, core } = cache.core(key, () => compileRuleCore(r, rs.layer, env, isDefault));
      ids.push(id);
      cores.push(core);
    });
    ruleCount += src.length;
    const indexKey = `${rs.layer}|${ids.join(',')}`;
    content.push(`${rs.name}|${indexKey}`);
    // the same cores in the same order are the same rules: one array (and prefilter) for every
    // filter that realizes this ruleset (measured on a 500-filter store with 2 distinct rule
    // tables: 147k rule objects, 48 MB of heap, became 600); `index` is the position in it
    const shared = cache.index(indexKey, () => {
      const rules = cores.map((c, i) => placed(c, i));
      return { rules, ...buildIndex(rules), dst: buildDstIndex(rules) };
    });
    return { name: rs.name, layer: rs.layer, rules: shared.rules, spans: src.map((r) => r.span), anyProto: shared.anyProto, byProto: shared.byProto, dst: shared.dst };
  });
  const compiled: CompiledFilter = { rulesets, generation: generationFromRulesets(input.rulesets), unknownAddrsets: [...unknown].sort(), ruleCount };
  // the generation comes from the names of every ruleset given, rules or not
  cache.recordContent(compiled, `${compiled.generation}\n${content.join('\n')}`);
  return compiled;
}

/** Number of known ranges in an address matcher (0 for any / unknown); used by trace text. */
export function matcherSize(m: AddrMatcher): number {
  return m.kind === 'set' ? rangeSetSize(m.set) : 0;
}

export { PROTO_ANY };

/** Index of the segment of sorted `bounds` holding `v` (the last bound <= v), or -1. */
export function segmentOf(bounds: Float64Array, v: number): number {
  let a = 0;
  let b = bounds.length - 1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    if ((bounds[mid] as number) <= v) a = mid + 1;
    else b = mid - 1;
  }
  return b;
}
