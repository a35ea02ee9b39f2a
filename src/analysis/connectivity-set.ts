/**
 * Symbolic connection sets for `dfwsim connectivity` (NSX intent): whole port ranges at once,
 * never probe by probe. Three layers, each canonical so that equal sets have equal structure
 * (equality and memo keys are plain comparisons):
 *
 * - `Ivl`: a set of integers as a flat sorted array `[lo0, hi0, lo1, hi1, ...]` of disjoint,
 *   non-adjacent inclusive intervals;
 * - `Set2`: a set of (x, y) pairs as strips: disjoint x intervals, ascending, each with a
 *   non-empty y `Ivl`; adjacent strips with equal y are merged (TCP/UDP: x = source port,
 *   y = destination port; ICMP: x = type, y = code);
 * - `ConnSet`: one `Set2` per protocol kind plus the other IP protocol numbers.
 *
 * The universes follow the nsxanalyzer cases README items 9-10 (ports 1-65535, ICMP types
 * 0-254 and codes 0-255); NSX also matches ICMPv6 and other IP protocols, which get their own
 * parts here.
 */

/** Integer interval set, flat `[lo, hi, ...]`, sorted, disjoint, non-adjacent. */
export type Ivl = readonly number[];

export const EMPTY_IVL: Ivl = [];

/** `[lo, hi]` (empty when lo > hi). */
export function ivl(lo: number, hi: number): Ivl {
  return lo > hi ? EMPTY_IVL : [lo, hi];
}

function normalize(pairs: number[]): Ivl {
  const idx: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) idx.push(i);
  idx.sort((a, b) => (pairs[a] ?? 0) - (pairs[b] ?? 0));
  const out: number[] = [];
  for (const i of idx) {
    const lo = pairs[i] ?? 0;
    const hi = pairs[i + 1] ?? 0;
    if (lo > hi) continue;
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] ?? 0) + 1) out[last] = Math.max(out[last] ?? 0, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Union of any number of `[lo, hi]` pairs (unsorted, overlapping allowed). */
export function ivlOf(pairs: number[]): Ivl {
  return normalize(pairs);
}

export function ivlUnion(a: Ivl, b: Ivl): Ivl {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return normalize([...a, ...b]);
}

export function ivlIntersect(a: Ivl, b: Ivl): Ivl {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i] ?? 0, b[j] ?? 0);
    const hi = Math.min(a[i + 1] ?? 0, b[j + 1] ?? 0);
    if (lo <= hi) out.push(lo, hi);
    if ((a[i + 1] ?? 0) < (b[j + 1] ?? 0)) i += 2;
    else j += 2;
  }
  return out;
}

export function ivlSubtract(a: Ivl, b: Ivl): Ivl {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i] ?? 0;
    const hi = a[i + 1] ?? 0;
    while (j < b.length && (b[j + 1] ?? 0) < lo) j += 2;
    let k = j;
    while (k < b.length && (b[k] ?? 0) <= hi) {
      const blo = b[k] ?? 0;
      const bhi = b[k + 1] ?? 0;
      if (blo > lo) out.push(lo, blo - 1);
      lo = Math.max(lo, bhi + 1);
      if (lo > hi) break;
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function ivlEquals(a: Ivl, b: Ivl): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `80,443`, `1-79,81-65535` (nsxanalyzer's port set text). */
export function ivlText(a: Ivl): string {
  const parts: string[] = [];
  for (let i = 0; i < a.length; i += 2) parts.push(a[i] === a[i + 1] ? String(a[i]) : `${a[i]}-${a[i + 1]}`);
  return parts.join(',');
}

/** One strip of a 2-D set: x in [lo, hi], y in `y`. */
export interface Strip {
  lo: number;
  hi: number;
  y: Ivl;
}

/** A 2-D set as canonical strips (see the file comment). */
export type Set2 = readonly Strip[];

export const EMPTY2: Set2 = [];

/** The product `xs × ys`. */
export function set2(xs: Ivl, ys: Ivl): Set2 {
  if (xs.length === 0 || ys.length === 0) return EMPTY2;
  const out: Strip[] = [];
  for (let i = 0; i < xs.length; i += 2) out.push({ lo: xs[i] ?? 0, hi: xs[i + 1] ?? 0, y: ys });
  return out;
}

/** Sweep over the union of both strip lists' x breakpoints, combining y with `op`. */
function combine2(a: Set2, b: Set2, op: (ya: Ivl, yb: Ivl) => Ivl): Set2 {
  const cuts: number[] = [];
  for (const s of a) cuts.push(s.lo, s.hi + 1);
  for (const s of b) cuts.push(s.lo, s.hi + 1);
  cuts.sort((x, y) => x - y);
  const out: Strip[] = [];
  let ia = 0;
  let ib = 0;
  for (let c = 0; c < cuts.length - 1; c++) {
    const lo = cuts[c] ?? 0;
    const hi = (cuts[c + 1] ?? 0) - 1;
    if (lo > hi) continue;
    while (ia < a.length && (a[ia]?.hi ?? 0) < lo) ia++;
    while (ib < b.length && (b[ib]?.hi ?? 0) < lo) ib++;
    const sa = a[ia];
    const sb = b[ib];
    const ya = sa && sa.lo <= lo ? sa.y : EMPTY_IVL;
    const yb = sb && sb.lo <= lo ? sb.y : EMPTY_IVL;
    const y = op(ya, yb);
    if (y.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.hi + 1 === lo && ivlEquals(last.y, y)) last.hi = hi;
    else out.push({ lo, hi, y });
  }
  return out;
}

export function set2Union(a: Set2, b: Set2): Set2 {
  if (a.length === 0) return b;
  if (b.length === 0 || a === b) return a;
  return combine2(a, b, ivlUnion);
}

export function set2Intersect(a: Set2, b: Set2): Set2 {
  if (a.length === 0 || b.length === 0) return EMPTY2;
  if (a === b) return a;
  return combine2(a, b, ivlIntersect);
}

export function set2Subtract(a: Set2, b: Set2): Set2 {
  if (a.length === 0 || b.length === 0) return a;
  if (a === b) return EMPTY2;
  return combine2(a, b, ivlSubtract);
}

export function set2Equals(a: Set2, b: Set2): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const sa = a[i];
    const sb = b[i];
    if (!sa || !sb || sa.lo !== sb.lo || sa.hi !== sb.hi || !ivlEquals(sa.y, sb.y)) return false;
  }
  return true;
}

/**
 * The layered cubes of a 2-D set: strips grouped by equal y, each group's x intervals merged
 * (the canonical hypercube form np-guard prints: one cube per distinct y set).
 */
export function set2Cubes(a: Set2): { x: Ivl; y: Ivl }[] {
  const groups: { x: number[]; y: Ivl }[] = [];
  for (const s of a) {
    const g = groups.find((k) => ivlEquals(k.y, s.y));
    if (g) g.x.push(s.lo, s.hi);
    else groups.push({ x: [s.lo, s.hi], y: s.y });
  }
  return groups.map((g) => ({ x: normalize(g.x), y: g.y }));
}

/** Port, ICMP type/code and IP protocol universes. */
export const PORTS: Ivl = [1, 65535];
export const ICMP_TYPES: Ivl = [0, 254];
export const ICMP_CODES: Ivl = [0, 255];
/** IP protocol numbers other than ICMP (1), TCP (6), UDP (17), ICMPv6 (58). */
export const OTHER_PROTOCOLS: Ivl = [0, 0, 2, 5, 7, 16, 18, 57, 59, 255];

/** A set of connections. */
export interface ConnSet {
  tcp: Set2;
  udp: Set2;
  icmp: Set2;
  icmp6: Set2;
  /** other IP protocols, whole protocol (GRE 47, ESP 50, IGMP 2, ...) */
  proto: Ivl;
}

export const EMPTY_CONN: ConnSet = { tcp: EMPTY2, udp: EMPTY2, icmp: EMPTY2, icmp6: EMPTY2, proto: EMPTY_IVL };

const L4_ALL = set2(PORTS, PORTS);
const ICMP_ALL = set2(ICMP_TYPES, ICMP_CODES);

/**
 * Every connection. `nsxanalyzer` = its universe (TCP, UDP, ICMPv4 only, README item 10);
 * `nsx` adds ICMPv6 and the other IP protocols.
 */
export function allConn(universe: 'nsx' | 'nsxanalyzer'): ConnSet {
  return universe === 'nsx'
    ? { tcp: L4_ALL, udp: L4_ALL, icmp: ICMP_ALL, icmp6: ICMP_ALL, proto: OTHER_PROTOCOLS }
    : { tcp: L4_ALL, udp: L4_ALL, icmp: ICMP_ALL, icmp6: EMPTY2, proto: EMPTY_IVL };
}

export function connUnion(a: ConnSet, b: ConnSet): ConnSet {
  return {
    tcp: set2Union(a.tcp, b.tcp),
    udp: set2Union(a.udp, b.udp),
    icmp: set2Union(a.icmp, b.icmp),
    icmp6: set2Union(a.icmp6, b.icmp6),
    proto: ivlUnion(a.proto, b.proto),
  };
}

/** The canonical empty set when `s` is empty (callers may then test identity). */
function canon(s: ConnSet): ConnSet {
  return s.tcp.length === 0 && s.udp.length === 0 && s.icmp.length === 0 && s.icmp6.length === 0 && s.proto.length === 0 ? EMPTY_CONN : s;
}

export function connIntersect(a: ConnSet, b: ConnSet): ConnSet {
  if (a === b) return a;
  return canon({
    tcp: set2Intersect(a.tcp, b.tcp),
    udp: set2Intersect(a.udp, b.udp),
    icmp: set2Intersect(a.icmp, b.icmp),
    icmp6: set2Intersect(a.icmp6, b.icmp6),
    proto: ivlIntersect(a.proto, b.proto),
  });
}

export function connSubtract(a: ConnSet, b: ConnSet): ConnSet {
  if (a === b) return EMPTY_CONN;
  return canon({
    tcp: set2Subtract(a.tcp, b.tcp),
    udp: set2Subtract(a.udp, b.udp),
    icmp: set2Subtract(a.icmp, b.icmp),
    icmp6: set2Subtract(a.icmp6, b.icmp6),
    proto: ivlSubtract(a.proto, b.proto),
  });
}

export function connIsEmpty(a: ConnSet): boolean {
  return a.tcp.length === 0 && a.udp.length === 0 && a.icmp.length === 0 && a.icmp6.length === 0 && a.proto.length === 0;
}

export function connEquals(a: ConnSet, b: ConnSet): boolean {
  return (
    set2Equals(a.tcp, b.tcp) &&
    set2Equals(a.udp, b.udp) &&
    set2Equals(a.icmp, b.icmp) &&
    set2Equals(a.icmp6, b.icmp6) &&
    ivlEquals(a.proto, b.proto)
  );
}

/** `a ⊆ b`. */
export function connSubsetOf(a: ConnSet, b: ConnSet): boolean {
  return connIsEmpty(connSubtract(a, b));
}

/** A stable text key of a set (memo keys; equal sets give equal keys). */
export function connKey(a: ConnSet): string {
  const k2 = (s: Set2) => s.map((st) => `${st.lo}-${st.hi}:${st.y.join(',')}`).join(';');
  return `${k2(a.tcp)}|${k2(a.udp)}|${k2(a.icmp)}|${k2(a.icmp6)}|${a.proto.join(',')}`;
}
