/**
 * Coordinate compression of addresses for the shadow analysis. Every range boundary the
 * analysed rules use (`lo` and `hi + 1` of each inclusive range) is collected per family; an
 * address interval then becomes an interval of boundary ranks. Each elementary rank interval
 * `[k, k+1)` is a non-empty address interval no rule splits, so set operations and coverage in
 * rank space are exact in address space, and IPv6 (bigint) and IPv4 (number) addresses both
 * become small integers.
 */
import type { IpRangeSet } from '../net/ip.js';
import type { ISet } from './shadow-space.js';

const V4_END = 2 ** 32;
const V6_END = 1n << 128n;

/** Boundaries of one analysis unit; `freeze()` before mapping. */
export class AddressRanks {
  private readonly p4 = new Set<number>([0, V4_END]);
  private readonly p6 = new Set<bigint>([0n, V6_END]);
  private b4: Float64Array = new Float64Array(0);
  private b6: bigint[] = [];

  /** Add the boundaries of an inclusive IPv4 range. */
  add4(lo: number, hi: number): void {
    this.p4.add(lo);
    this.p4.add(hi + 1);
  }

  /** Add the boundaries of an inclusive IPv6 range. */
  add6(lo: bigint, hi: bigint): void {
    this.p6.add(lo);
    this.p6.add(hi + 1n);
  }

  /** Add every range of a range set. */
  addSet(set: IpRangeSet): void {
    for (let k = 0; k < set.v4lo.length; k++) this.add4(set.v4lo[k] as number, set.v4hi[k] as number);
    for (let k = 0; k < set.v6lo.length; k++) this.add6(set.v6lo[k] as bigint, set.v6hi[k] as bigint);
  }

  /** Sort the boundaries; no add after this. */
  freeze(): void {
    this.b4 = Float64Array.from(this.p4).sort();
    this.b6 = [...this.p6].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Number of elementary intervals of a family (the rank domain is `[0, size)`). */
  size(af: 4 | 6): number {
    return af === 4 ? this.b4.length - 1 : this.b6.length - 1;
  }

  /** The whole address space of a family. */
  full(af: 4 | 6): ISet {
    return [0, this.size(af)];
  }

  /** Rank of an IPv4 boundary (it must have been added). */
  rank4(v: number): number {
    const b = this.b4;
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((b[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rank of an IPv6 boundary (it must have been added). */
  rank6(v: bigint): number {
    const b = this.b6;
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((b[mid] as bigint) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One family's part of a (sorted, merged) range set as rank intervals. */
  ofSet(set: IpRangeSet, af: 4 | 6): ISet {
    const out: number[] = [];
    const push = (lo: number, hi: number): void => {
      const n = out.length;
      if (n > 0 && out[n - 1] === lo) out[n - 1] = hi;
      else out.push(lo, hi);
    };
    if (af === 4) for (let k = 0; k < set.v4lo.length; k++) push(this.rank4(set.v4lo[k] as number), this.rank4((set.v4hi[k] as number) + 1));
    else for (let k = 0; k < set.v6lo.length; k++) push(this.rank6(set.v6lo[k] as bigint), this.rank6((set.v6hi[k] as bigint) + 1n));
    return out;
  }
}
