/**
 * IP address, CIDR and range parsing into integer ranges, and sorted range sets with
 * integer-compare membership tests.
 *
 * IPv4 addresses are plain numbers in [0, 2^32) (exact in a double, compared with `<=`),
 * IPv6 addresses are `bigint` in [0, 2^128). IPv6 flows are rare in DFW logs and bigint
 * compares are still integer compares, so one representation keeps the code simple; the IPv4
 * path (almost every flow) never touches a bigint.
 */

/** An address family in the engine's terms. */
export type Family = 4 | 6;

/** A parsed single address. */
export type IpAddr = { af: 4; v: number } | { af: 6; v: bigint };

/** An inclusive address range of one family. */
export type IpRange = { af: 4; lo: number; hi: number } | { af: 6; lo: bigint; hi: bigint };

const V6_MAX = (1n << 128n) - 1n;

/** Parse a dotted-quad IPv4 address to a number, or null if it is not one. */
export function parseIpv4(s: string): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
      if (digits > 3 || part > 255) return null;
    } else if (c === 46) {
      if (digits === 0) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
      if (dots > 3) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + part;
}

/**
 * Parse an IPv6 address (RFC 4291 text forms: `::`, embedded IPv4 tail, optional `%zone`,
 * which is ignored) to a bigint, or null.
 */
export function parseIpv6(input: string): bigint | null {
  let s = input;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (s.length < 2 || s.indexOf(':') < 0) return null;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as string;
      if (i === groups.length - 1 && g.indexOf('.') >= 0) {
        const v4 = parseIpv4(g);
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
        continue;
      }
      if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (head === null || tail === null) return null;
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    const all = parseGroups(s);
    if (all === null || all.length !== 8) return null;
    groups = all;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** Parse a single address of either family. */
export function parseIp(s: string): IpAddr | null {
  const v4 = parseIpv4(s);
  if (v4 !== null) return { af: 4, v: v4 };
  const v6 = parseIpv6(s);
  if (v6 !== null) return { af: 6, v: v6 };
  return null;
}

/**
 * Parse an address entry as printed in getrules / getaddrsets: a host (`10.1.1.1`, `fe80::1`),
 * a CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a range (`10.0.0.1-10.0.0.9`). Host bits of a CIDR
 * are ignored (the network is what a firewall matches). Returns null when the text is not an
 * address entry.
 */
export function parseIpEntry(text: string): IpRange | null {
  const s = text.trim();
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const lenText = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText)) return null;
    const len = Number(lenText);
    const base = parseIp(s.slice(0, slash));
    if (base === null) return null;
    if (base.af === 4) {
      if (len > 32) return null;
      const size = 2 ** (32 - len);
      const lo = Math.floor(base.v / size) * size;
      return { af: 4, lo, hi: lo + size - 1 };
    }
    if (len > 128) return null;
    const hostBits = BigInt(128 - len);
    const mask = ((1n << hostBits) - 1n) & V6_MAX;
    const lo = base.v & ~mask & V6_MAX;
    return { af: 6, lo, hi: lo | mask };
  }
  const dash = s.indexOf('-');
  if (dash > 0) {
    const a = parseIp(s.slice(0, dash).trim());
    const b = parseIp(s.slice(dash + 1).trim());
    if (a === null || b === null || a.af !== b.af) return null;
    if (a.af === 4 && b.af === 4) return a.v <= b.v ? { af: 4, lo: a.v, hi: b.v } : null;
    if (a.af === 6 && b.af === 6) return a.v <= b.v ? { af: 6, lo: a.v, hi: b.v } : null;
    return null;
  }
  const one = parseIp(s);
  if (one === null) return null;
  return one.af === 4 ? { af: 4, lo: one.v, hi: one.v } : { af: 6, lo: one.v, hi: one.v };
}

/**
 * A sorted, merged set of IPv4 and IPv6 ranges. Invariant: within each family the ranges are
 * sorted by `lo`, disjoint and non-adjacent, so membership is one binary search.
 */
export interface IpRangeSet {
  v4lo: Float64Array;
  v4hi: Float64Array;
  v6lo: bigint[];
  v6hi: bigint[];
}

/** Build a range set from ranges of both families (sorted and merged here). */
export function buildRangeSet(ranges: readonly IpRange[]): IpRangeSet {
  const v4: Array<[number, number]> = [];
  const v6: Array<[bigint, bigint]> = [];
  for (const r of ranges) {
    if (r.af === 4) v4.push([r.lo, r.hi]);
    else v6.push([r.lo, r.hi]);
  }
  v4.sort((a, b) => a[0] - b[0]);
  v6.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const m4: Array<[number, number]> = [];
  for (const [lo, hi] of v4) {
    const last = m4[m4.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else m4.push([lo, hi]);
  }
  const m6: Array<[bigint, bigint]> = [];
  for (const [lo, hi] of v6) {
    const last = m6[m6.length - 1];
    if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
    else m6.push([lo, hi]);
  }
  return {
    v4lo: Float64Array.from(m4.map((r) => r[0])),
    v4hi: Float64Array.from(m4.map((r) => r[1])),
    v6lo: m6.map((r) => r[0]),
    v6hi: m6.map((r) => r[1]),
  };
}

/** True when the IPv4 address (as a number) is in the set. */
export function hasV4(set: IpRangeSet, v: number): boolean {
  const lo = set.v4lo;
  let a = 0;
  let b = lo.length - 1;
  // find the last range whose lo <= v
  while (a <= b) {
    const mid = (a + b) >>> 1;
    if ((lo[mid] as number) <= v) a = mid + 1;
    else b = mid - 1;
  }
  return b >= 0 && (set.v4hi[b] as number) >= v;
}

/** True when the IPv6 address (as a bigint) is in the set. */
export function hasV6(set: IpRangeSet, v: bigint): boolean {
  const lo = set.v6lo;
  let a = 0;
  let b = lo.length - 1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    if ((lo[mid] as bigint) <= v) a = mid + 1;
    else b = mid - 1;
  }
  return b >= 0 && (set.v6hi[b] as bigint) >= v;
}

/** Membership test for a parsed address. */
export function rangeSetHas(set: IpRangeSet, addr: IpAddr): boolean {
  return addr.af === 4 ? hasV4(set, addr.v) : hasV6(set, addr.v);
}

/** Number of merged ranges (both families). */
export function rangeSetSize(set: IpRangeSet): number {
  return set.v4lo.length + set.v6lo.length;
}

/** Format an IPv4 number as dotted quad. */
export function formatIpv4(v: number): string {
  return `${Math.floor(v / 16777216) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
}

/** The fewest aligned IPv4 blocks that cover [lo, hi] exactly, as (base, prefix length) pairs. */
export function ipv4RangeBlocks(lo: number, hi: number): { base: number; len: number }[] {
  const out: { base: number; len: number }[] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = 1;
    let len = 32;
    // grow the block while it stays aligned and inside the range
    while (len > 0 && cur % (size * 2) === 0 && cur + size * 2 - 1 <= hi) {
      size *= 2;
      len--;
    }
    out.push({ base: cur, len });
    cur += size;
  }
  return out;
}
