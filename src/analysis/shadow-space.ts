/**
 * The neutral match-space representation of the static shadow analysis: a rule's match space is
 * a union of boxes, a box is a product of interval sets, one per dimension.
 *
 * Every coordinate is a small non-negative integer: the adapters (shadow-realized.ts,
 * shadow-policy.ts) map ports, protocols and ICMP fields directly and compress addresses
 * (IPv4 numbers, IPv6 bigints, endpoint indices) to ranks of the boundaries their rules use, so
 * one elementary rank stands for a non-empty address interval and coverage in rank space is
 * coverage in address space.
 *
 * An interval set is a flat array `[lo0, hi0, lo1, hi1, ...]` of half-open intervals
 * `[lo, hi)`, sorted, disjoint and non-adjacent. Half-open intervals make subtraction and
 * intersection pure comparisons (no `+1`), and the empty set is `[]`.
 */

/** Sorted, disjoint, non-adjacent half-open intervals, flattened. */
export type ISet = readonly number[];

/** One product of interval sets (all boxes of one analysis have the same number of dimensions). */
export type Box = readonly ISet[];

/** `[lo, hi)` as an interval set (empty when hi <= lo). */
export function interval(lo: number, hi: number): ISet {
  return hi > lo ? [lo, hi] : [];
}

/** The interval set of inclusive ranges `[lo, hi]`, offset by `shift` (sorted and merged here). */
export function fromInclusive(ranges: readonly { lo: number; hi: number }[], shift = 0): ISet {
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo);
  const out: number[] = [];
  for (const r of sorted) {
    const lo = r.lo + shift;
    const hi = r.hi + 1 + shift;
    if (hi <= lo) continue;
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] as number)) out[n - 1] = Math.max(out[n - 1] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Union of two interval sets. */
export function isetUnion(a: ISet, b: ISet): ISet {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let lo: number;
    let hi: number;
    if (j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number))) {
      lo = a[i] as number;
      hi = a[i + 1] as number;
      i += 2;
    } else {
      lo = b[j] as number;
      hi = b[j + 1] as number;
      j += 2;
    }
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] as number)) out[n - 1] = Math.max(out[n - 1] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Intersection of two interval sets. */
export function isetIntersect(a: ISet, b: ISet): ISet {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i] as number, b[j] as number);
    const ahi = a[i + 1] as number;
    const bhi = b[j + 1] as number;
    const hi = Math.min(ahi, bhi);
    if (lo < hi) out.push(lo, hi);
    if (ahi < bhi) i += 2;
    else j += 2;
  }
  return out;
}

/** `a \ b`. */
export function isetSubtract(a: ISet, b: ISet): ISet {
  if (b.length === 0 || a.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i] as number;
    const hi = a[i + 1] as number;
    // skip b intervals wholly before this one
    while (j < b.length && (b[j + 1] as number) <= lo) j += 2;
    let k = j;
    while (k < b.length && (b[k] as number) < hi) {
      const blo = b[k] as number;
      const bhi = b[k + 1] as number;
      if (blo > lo) out.push(lo, blo);
      if (bhi >= hi) {
        lo = hi;
        break;
      }
      lo = Math.max(lo, bhi);
      k += 2;
    }
    if (lo < hi) out.push(lo, hi);
  }
  return out;
}

/** Do two interval sets share a point? (No allocation.) */
export function isetMeets(a: ISet, b: ISet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ahi = a[i + 1] as number;
    const bhi = b[j + 1] as number;
    if (Math.max(a[i] as number, b[j] as number) < Math.min(ahi, bhi)) return true;
    if (ahi < bhi) i += 2;
    else j += 2;
  }
  return false;
}

/** Is `v` in the set? */
export function isetHas(a: ISet, v: number): boolean {
  // binary search over interval starts
  let lo = 0;
  let hi = (a.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((a[2 * mid] as number) <= v) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && v < (a[2 * hi + 1] as number);
}

/** `b` contains all of `a`. */
export function isetCovers(b: ISet, a: ISet): boolean {
  return isetSubtract(a, b).length === 0;
}

/** A box from its dimensions, or null when one of them is empty (the box holds no point). */
export function box(dims: readonly ISet[]): Box | null {
  for (const d of dims) if (d.length === 0) return null;
  return dims;
}

/** Does box `a` meet box `b`? */
export function boxMeets(a: Box, b: Box): boolean {
  for (let d = 0; d < a.length; d++) if (!isetMeets(a[d] as ISet, b[d] as ISet)) return false;
  return true;
}

/** Intersection of two boxes, or null when empty. */
export function boxIntersect(a: Box, b: Box): Box | null {
  const out: ISet[] = [];
  for (let d = 0; d < a.length; d++) {
    const x = isetIntersect(a[d] as ISet, b[d] as ISet);
    if (x.length === 0) return null;
    out.push(x);
  }
  return out;
}

/**
 * `a \ b` as disjoint boxes: piece d keeps dimensions before d intersected with b, dimension d
 * minus b, and the later dimensions whole. At most one piece per dimension, none for a
 * dimension that b covers. Returns `a` itself (one element) when the boxes do not meet.
 */
export function boxSubtract(a: Box, b: Box): Box[] {
  if (!boxMeets(a, b)) return [a];
  const out: Box[] = [];
  const prefix: ISet[] = [];
  for (let d = 0; d < a.length; d++) {
    const ad = a[d] as ISet;
    const bd = b[d] as ISet;
    const rest = isetSubtract(ad, bd);
    if (rest.length > 0) {
      const piece: ISet[] = prefix.slice();
      piece.push(rest);
      for (let e = d + 1; e < a.length; e++) piece.push(a[e] as ISet);
      out.push(piece);
    }
    prefix.push(isetIntersect(ad, bd));
  }
  return out;
}

/** Is the point (one coordinate per dimension) inside the box? */
export function boxHas(b: Box, point: readonly number[]): boolean {
  for (let d = 0; d < b.length; d++) if (!isetHas(b[d] as ISet, point[d] as number)) return false;
  return true;
}

/** Points of a box to try as witnesses: its lowest corner, its highest corner and its middle. */
export function witnesses(b: Box): number[][] {
  const lo: number[] = [];
  const hi: number[] = [];
  const mid: number[] = [];
  for (const d of b) {
    lo.push(d[0] as number);
    hi.push((d[d.length - 1] as number) - 1);
    // the middle interval's middle point
    const k = (d.length >> 2) << 1;
    mid.push(((d[k] as number) + (d[k + 1] as number) - 1) >> 1);
  }
  return [lo, hi, mid];
}

/** Per-dimension bounds `[min lo, max hi)` of a union of boxes, flattened; null for no boxes. */
export function bounds(boxes: readonly Box[], dims: number): Float64Array | null {
  if (boxes.length === 0) return null;
  const out = new Float64Array(2 * dims);
  for (let d = 0; d < dims; d++) {
    out[2 * d] = Number.POSITIVE_INFINITY;
    out[2 * d + 1] = Number.NEGATIVE_INFINITY;
  }
  for (const b of boxes) {
    for (let d = 0; d < dims; d++) {
      const s = b[d] as ISet;
      if ((s[0] as number) < (out[2 * d] as number)) out[2 * d] = s[0] as number;
      if ((s[s.length - 1] as number) > (out[2 * d + 1] as number)) out[2 * d + 1] = s[s.length - 1] as number;
    }
  }
  return out;
}
