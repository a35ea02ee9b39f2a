import type { CompiledPolicySet, Dir } from './compile.js';
import { portsMatch, protoName, walkSide, walkVerdict } from './evaluate.js';
import type { ConnectionSpec, EvaluateOptions } from './evaluate.js';
import type { Verdict } from '../../model/decision.js';

/**
 * Reachability matrix over endpoints for one probe, by equivalence classes. Two endpoints are
 * interchangeable on the local side of a direction when the same rules apply to them (same
 * applicable list, same K8s isolation, same Namespace where Self/sameLabels rules need it, same
 * named-port resolution as destination); interchangeable as the remote side when every rule's
 * peer and port test gives the same answer. Classes come from partition refinement, one split
 * per rule, so they are exact: the verdict of a class pair is `resolveSide` on one
 * representative pair — the same resolution function the per-pair path uses.
 */

/** Verdict codes in the matrix: 0 Con, 1 Drp, 2 Rej. */
export const MARKS = ['Con', 'Drp', 'Rej'] as const;

/** A computed matrix (row = source, column = destination). */
export interface EndpointMatrix {
  rows: number[];
  cols: number[];
  /** rows.length * cols.length verdict codes, row-major */
  cells: Uint8Array;
  stats: { classes: Record<Dir, { local: number; remote: number }>; sideEvaluations: number };
}

/** Refine a partition (ids per item) by an integer feature per item. Returns the class count. */
function refine(ids: Int32Array, count: number, feature: (item: number) => number): number {
  const next = new Map<number, number>();
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const key = (ids[i] ?? 0) * 1_000_003 + feature(i);
    let v = next.get(key);
    if (v === undefined) {
      v = n++;
      next.set(key, v);
    }
    ids[i] = v;
  }
  return n === 0 ? count : n;
}

/** Same, for a boolean feature over a small (typed-array) table: faster for the hot loops. */
function refineBool(ids: Int32Array, count: number, feature: (item: number) => boolean, scratch: Int32Array): number {
  scratch.fill(-1, 0, 2 * count);
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const slot = (ids[i] ?? 0) * 2 + (feature(i) ? 1 : 0);
    let v = scratch[slot] ?? -1;
    if (v < 0) {
      v = n++;
      scratch[slot] = v;
    }
    ids[i] = v;
  }
  return n;
}

interface SideClasses {
  localOf: Int32Array;
  localCount: number;
  remoteOf: Int32Array;
  remoteCount: number;
  localRep: Int32Array;
  remoteRep: Int32Array;
}

/** Classes for one direction: locals among `locals`, remotes among `remotes` (endpoint indices). */
function classesFor(c: CompiledPolicySet, d: Dir, locals: number[], remotes: number[], conn: ConnectionSpec): SideClasses {
  const rules = c.rules[d];
  const proto = protoName(conn.protocol);
  const scratch = new Int32Array(2 * Math.max(locals.length, remotes.length) + 2);
  const hasDynamic = rules.some((r) => r.dynamic.length > 0);

  // Local side: applicable rules (appliedTo), isolation, Namespace (dynamic peers), named ports.
  const lIds = new Int32Array(locals.length);
  let lCount = 1;
  lCount = refineBool(lIds, lCount, (i) => c.isolated[d].has(locals[i] ?? 0), scratch);
  if (hasDynamic) lCount = refine(lIds, lCount, (i) => (c.endpoints[locals[i] ?? 0]?.nsIndex ?? -1) + 1);
  // Rules whose appliedTo covers none of the locals are never consulted: they split nothing.
  const relevant = rules.filter((r) => locals.some((e) => r.appliedTo.has(e)));
  for (const r of relevant) {
    lCount = refineBool(lIds, lCount, (i) => r.appliedTo.has(locals[i] ?? 0), scratch);
    if (d === 'ingress' && r.hasNamedPort) {
      lCount = refineBool(lIds, lCount, (i) => portsMatch(r, proto, conn, c.endpoints[locals[i] ?? 0]), scratch);
    }
  }

  // Remote side: every rule's peer test (and named ports when the remote is the destination).
  const rIds = new Int32Array(remotes.length);
  let rCount = 1;
  if (hasDynamic) rCount = refine(rIds, rCount, (i) => (c.endpoints[remotes[i] ?? 0]?.nsIndex ?? -1) + 1);
  for (const r of relevant) {
    if (!r.peerAny) {
      rCount = refineBool(rIds, rCount, (i) => r.peerBits.has(remotes[i] ?? 0), scratch);
      for (const dp of r.dynamic) rCount = refineBool(rIds, rCount, (i) => dp.pods.has(remotes[i] ?? 0), scratch);
    }
    if (d === 'egress' && r.hasNamedPort) {
      rCount = refineBool(rIds, rCount, (i) => portsMatch(r, proto, conn, c.endpoints[remotes[i] ?? 0]), scratch);
    }
  }
  const localRep = new Int32Array(lCount).fill(-1);
  lIds.forEach((id, i) => {
    if ((localRep[id] ?? 0) < 0) localRep[id] = locals[i] ?? 0;
  });
  const remoteRep = new Int32Array(rCount).fill(-1);
  rIds.forEach((id, i) => {
    if ((remoteRep[id] ?? 0) < 0) remoteRep[id] = remotes[i] ?? 0;
  });
  return { localOf: lIds, localCount: lCount, remoteOf: rIds, remoteCount: rCount, localRep, remoteRep };
}

const CODE: Record<Verdict, number> = { allow: 0, drop: 1, reject: 2 };

/**
 * Full matrix of `rows` (sources) × `cols` (destinations), endpoint indices of `c`.
 * Self pairs follow `opts.selfTraffic` (default: exempt, antrea.md §0.0a).
 */
export function computeEndpointMatrix(
  c: CompiledPolicySet,
  rows: number[],
  cols: number[],
  conn: ConnectionSpec,
  opts: EvaluateOptions = {},
): EndpointMatrix {
  const eg = classesFor(c, 'egress', rows, cols, conn);
  const ig = classesFor(c, 'ingress', cols, rows, conn);
  // Class-pair tables filled lazily (-1 = not computed yet).
  const egT = new Int8Array(eg.localCount * eg.remoteCount).fill(-1);
  const igT = new Int8Array(ig.localCount * ig.remoteCount).fill(-1);
  let sideEvaluations = 0;
  const exempt = (opts.selfTraffic ?? 'exempt') === 'exempt';
  const cells = new Uint8Array(rows.length * cols.length);
  const proto = protoName(conn.protocol);
  const side = (d: Dir, local: number, remote: number): number => {
    sideEvaluations++;
    return CODE[walkVerdict(walkSide(c, d, local, { index: remote, ip: null }, proto, conn))];
  };
  for (let i = 0; i < rows.length; i++) {
    const src = rows[i] ?? 0;
    const eL = (eg.localOf[i] ?? 0) * eg.remoteCount;
    const iR = ig.remoteOf[i] ?? 0;
    const base = i * cols.length;
    for (let j = 0; j < cols.length; j++) {
      const dst = cols[j] ?? 0;
      if (src === dst && exempt) continue; // 0 = Con
      const ek = eL + (eg.remoteOf[j] ?? 0);
      let v = egT[ek] ?? -1;
      if (v < 0) {
        v = side('egress', eg.localRep[eg.localOf[i] ?? 0] ?? 0, eg.remoteRep[eg.remoteOf[j] ?? 0] ?? 0);
        egT[ek] = v;
      }
      if (v === 0) {
        const ik = (ig.localOf[j] ?? 0) * ig.remoteCount + iR;
        v = igT[ik] ?? -1;
        if (v < 0) {
          v = side('ingress', ig.localRep[ig.localOf[j] ?? 0] ?? 0, ig.remoteRep[iR] ?? 0);
          igT[ik] = v;
        }
      }
      cells[base + j] = v;
    }
  }
  return {
    rows,
    cols,
    cells,
    stats: {
      classes: {
        egress: { local: eg.localCount, remote: eg.remoteCount },
        ingress: { local: ig.localCount, remote: ig.remoteCount },
      },
      sideEvaluations,
    },
  };
}

/** Direct per-pair matrix (no classes): the baseline the bench compares against. */
export function computeEndpointMatrixNaive(
  c: CompiledPolicySet,
  pairs: Array<[number, number]>,
  conn: ConnectionSpec,
  opts: EvaluateOptions = {},
): Uint8Array {
  const out = new Uint8Array(pairs.length);
  const proto = protoName(conn.protocol);
  const exempt = (opts.selfTraffic ?? 'exempt') === 'exempt';
  pairs.forEach(([s, d], k) => {
    if (s === d && exempt) return;
    const e = walkVerdict(walkSide(c, 'egress', s, { index: d, ip: null }, proto, conn));
    if (e !== 'allow') {
      out[k] = CODE[e];
      return;
    }
    out[k] = CODE[walkVerdict(walkSide(c, 'ingress', d, { index: s, ip: null }, proto, conn))];
  });
  return out;
}
