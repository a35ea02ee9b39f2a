/**
 * IPv4 address blocks for the NSX connectivity map: parsing rule references (address, CIDR with
 * host bits allowed, `a.b.c.d-e.f.g.h` range; nsx-policy-json.md §1.2 "Decoding details"),
 * the disjoint external blocks, and their names (the shorter of the CIDR list and the range
 * list, as nsxanalyzer prints them). Addresses are plain numbers 0 .. 2^32-1.
 */

/** Inclusive IPv4 range. */
export type Range4 = [number, number];

const FULL: Range4 = [0, 2 ** 32 - 1];

function ip4(text: string): number | null {
  const parts = text.trim().split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

/** An IPv4 address, CIDR or range as a range; `family` 6 for IPv6 text (not placed in blocks). */
export function parseAddrRef(text: string): { family: 4; range: Range4 } | { family: 6 } | null {
  const t = text.trim();
  if (t.includes(':')) return /^[0-9a-fA-F:.]+(\/\d{1,3})?(-[0-9a-fA-F:.]+)?$/.test(t) ? { family: 6 } : null;
  const dash = t.indexOf('-');
  if (dash > 0) {
    const lo = ip4(t.slice(0, dash));
    const hi = ip4(t.slice(dash + 1));
    return lo !== null && hi !== null && lo <= hi ? { family: 4, range: [lo, hi] } : null;
  }
  const [addr, len] = t.split('/');
  const a = ip4(addr ?? '');
  if (a === null) return null;
  if (len === undefined) return { family: 4, range: [a, a] };
  if (!/^\d{1,2}$/.test(len) || Number(len) > 32) return null;
  const size = 2 ** (32 - Number(len));
  const lo = Math.floor(a / size) * size; // host bits allowed (`172.16.10.10/16`), cleared
  return { family: 4, range: [lo, lo + size - 1] };
}

export function ip4Text(v: number): string {
  return `${Math.floor(v / 16777216) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
}

export function isFull(r: Range4): boolean {
  return r[0] === FULL[0] && r[1] === FULL[1];
}

export const FULL_RANGE: Range4 = FULL;

/** Minimal CIDR cover of a range. */
export function rangeCidrs(r: Range4): string[] {
  const out: string[] = [];
  let lo = r[0];
  while (lo <= r[1]) {
    let size = 1;
    while (lo % (size * 2) === 0 && lo + size * 2 - 1 <= r[1] && size < 2 ** 32) size *= 2;
    out.push(`${ip4Text(lo)}/${32 - Math.log2(size)}`);
    lo += size;
  }
  return out;
}

/** nsxanalyzer's endpoint name of a block: the shorter of its CIDR list and its range list. */
export function blockName(r: Range4): string {
  const cidrs = rangeCidrs(r).join(',');
  const range = r[0] === r[1] ? ip4Text(r[0]) : `${ip4Text(r[0])}-${ip4Text(r[1])}`;
  return cidrs.length <= range.length ? cidrs : range;
}

/** Sorted, merged union of ranges. */
export function mergeRanges(rs: Range4[]): Range4[] {
  const s = [...rs].sort((a, b) => a[0] - b[0]);
  const out: Range4[] = [];
  for (const r of s) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/**
 * The external endpoints: the part of the rule blocks outside the internal space (VM addresses
 * and segment subnets), cut at every block boundary into contiguous pieces, so each piece is
 * either inside or outside every block (README item 7; nsx-policy-json.md §4.3 on
 * DisjointIPBlocks splitting remainders into contiguous ranges).
 */
export function externalBlocks(blocks: Range4[], internal: Range4[]): Range4[] {
  const cuts = new Set<number>();
  for (const b of blocks) {
    cuts.add(b[0]);
    cuts.add(b[1] + 1);
  }
  const inner = mergeRanges(internal);
  for (const r of inner) {
    cuts.add(r[0]);
    cuts.add(r[1] + 1);
  }
  const union = mergeRanges(blocks);
  const points = [...cuts].sort((a, b) => a - b);
  const out: Range4[] = [];
  for (const u of union) {
    // subtract the internal ranges from u, then cut at the points
    let lo = u[0];
    const pieces: Range4[] = [];
    for (const r of inner) {
      if (r[1] < lo || r[0] > u[1]) continue;
      if (r[0] > lo) pieces.push([lo, r[0] - 1]);
      lo = Math.max(lo, r[1] + 1);
    }
    if (lo <= u[1]) pieces.push([lo, u[1]]);
    for (const p of pieces) {
      let start = p[0];
      for (const c of points) {
        if (c <= start || c > p[1]) continue;
        out.push([start, c - 1]);
        start = c;
      }
      out.push([start, p[1]]);
    }
  }
  return out;
}

/** `inner` ⊆ `outer`. */
export function rangeWithin(inner: Range4, outer: Range4): boolean {
  return inner[0] >= outer[0] && inner[1] <= outer[1];
}
