import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';
import { jsonDiagnostic } from '../policy/nsx-fields.js';
import type { CompiledIntent, Direction, IntentEndpoint } from './connectivity-compile.js';
import { WalkStates } from './connectivity-states.js';
import { connIntersect, connIsEmpty, connKey, type ConnSet } from './connectivity-set.js';

/**
 * The permitted connections of every ordered pair of endpoints (VM -> VM, VM -> external block,
 * external block -> VM; never self pairs or external -> external), computed symbolically.
 * Per VM and direction all remotes are walked together: each applicable rule advances the
 * interned walk state (connectivity-states.ts) of the remotes it captures, so the cost is a
 * map look-up per (rule, captured remote), and set operations only for distinct states.
 * Memory: two result arrays of endpoint count per VM (set ids), nothing per event or row.
 */

export interface ConnectivityRow {
  src: IntentEndpoint;
  dst: IntentEndpoint;
  permitted: ConnSet;
  /** id of `permitted` among the distinct sets of this run (for renderers' caches) */
  setId: number;
}

export interface ConnectivityStats {
  pairs: number;
  rows: number;
  /** endpoint equivalence classes */
  classes: number;
  /** distinct walk states */
  distinctWalks: number;
  distinctSets: number;
}

/** Endpoints in nsxanalyzer's row order: names in byte order (its rows sort by `src\tdst\tconn`). */
export function endpointOrder(c: CompiledIntent): IntentEndpoint[] {
  const eps = c.endpoints.filter((e) => e.kind === 'external' || c.analysed.has(e.index));
  return eps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index));
}

/**
 * Calls `emit` for every pair with a non-empty permitted set, in row order. Returns counts and
 * the diagnostics of the run (undecided VM pairs under nsxanalyzer semantics).
 */
export function connectivityMap(c: CompiledIntent, emit: (row: ConnectivityRow) => void): { stats: ConnectivityStats; diagnostics: Diagnostic[] } {
  // 1. Equivalence classes: endpoints in the same rules' peers and applied-to sets, in both
  //    directions, get the same results everywhere (exact, not a heuristic).
  const n = c.endpoints.length;
  const { classOf, reps } = endpointClasses(c);
  const nc = reps.length;
  const peerClasses: Record<Direction, Int32Array[]> = { ingress: [], egress: [] };
  for (const dir of ['ingress', 'egress'] as const) {
    const seen = new Int32Array(nc).fill(-1);
    for (const r of c.rules[dir]) {
      const ks: number[] = [];
      for (const i of r.peers) {
        const k = classOf[i] ?? 0;
        if (seen[k] !== r.seq) {
          seen[k] = r.seq;
          ks.push(k);
        }
      }
      peerClasses[dir][r.seq] = Int32Array.from(ks);
    }
  }
  // 2. Per class of VMs and direction, every remote class at once: interned walk states
  //    (connectivity-states.ts) advanced by each applicable rule for the classes it captures.
  const states = new WalkStates(c);
  const sets: ConnSet[] = [];
  const undecidedOf: boolean[] = [];
  const setIds = new Map<string, number>();
  const intern = (set: ConnSet, undecided: boolean): number => {
    const k = `${undecided ? 1 : 0}${connKey(set)}`;
    let id = setIds.get(k);
    if (id === undefined) {
      id = sets.length;
      sets.push(set);
      undecidedOf.push(undecided);
      setIds.set(k, id);
    }
    return id;
  };
  const finalId = new Map<number, number>();
  let walked = 0;
  const sideResults = (dir: Direction, local: number): Int32Array => {
    // state ids live only during one sweep (they become set ids at its end)
    if (states.size > STATE_LIMIT) {
      walked += states.size;
      states.reset();
      finalId.clear();
    }
    const st = new Int32Array(nc); // every remote class starts in the initial state (0)
    const rules = c.rules[dir];
    const offset = dir === 'egress' ? 0 : 1;
    for (const seq of c.applicable[dir][local] ?? []) {
      const r = rules[seq];
      const ks = peerClasses[dir][seq];
      if (!r || !ks) continue;
      for (let j = 0; j < ks.length; j++) {
        const k = ks[j] ?? 0;
        st[k] = states.step(st[k] ?? 0, r, offset);
      }
    }
    for (let k = 0; k < nc; k++) {
      const s = st[k] ?? 0;
      let id = finalId.get(s);
      if (id === undefined) {
        const f = states.finish(s);
        finalId.set(s, (id = intern(f.allowed, f.undecided)));
      }
      st[k] = id;
    }
    return st;
  };
  const egress: Int32Array[] = [];
  const ingress: Int32Array[] = [];
  for (let k = 0; k < nc; k++) {
    const v = reps[k] ?? 0;
    if (v >= c.vmCount || !c.analysed.has(v)) continue;
    egress[k] = sideResults('egress', v);
    ingress[k] = sideResults('ingress', v);
  }
  // 2. Pairs: egress of the sender ∩ ingress of the receiver, memoised by the two set ids.
  const pairMemo = new Map<number, number>();
  const diagnostics: Diagnostic[] = [];
  const undecidedPairs: string[] = [];
  let pairs = 0;
  let rows = 0;
  const order = endpointOrder(c);
  for (const s of order) {
    for (const d of order) {
      if (s === d || (s.kind === 'external' && d.kind === 'external')) continue;
      pairs++;
      const cs = classOf[s.index] ?? 0;
      const cd = classOf[d.index] ?? 0;
      const eg = s.kind === 'vm' ? (egress[cs]?.[cd] ?? -1) : -1;
      const ing = d.kind === 'vm' ? (ingress[cd]?.[cs] ?? -1) : -1;
      const key = (eg + 1) * 2 ** 26 + (ing + 1);
      let id = pairMemo.get(key);
      if (id === undefined) {
        let set = c.universe;
        if (eg >= 0) set = connIntersect(set, sets[eg] ?? set);
        if (ing >= 0) set = connIntersect(set, sets[ing] ?? set);
        id = intern(set, false);
        pairMemo.set(key, id);
      }
      if (c.semantics === 'nsxanalyzer' && s.kind === 'vm' && d.kind === 'vm' && (undecidedOf[eg] || undecidedOf[ing]) && undecidedPairs.length < 5) {
        undecidedPairs.push(`${s.name} -> ${d.name}`);
      }
      const set = sets[id] ?? c.universe;
      if (connIsEmpty(set)) continue;
      rows++;
      emit({ src: s, dst: d, permitted: set, setId: id });
    }
  }
  if (undecidedPairs.length > 0) {
    // nsxanalyzer stops here ("no default rule - unexpected connections"); NSX would apply its default rule
    diagnostics.push(
      jsonDiagnostic(DiagnosticCode.PolicyInvalid, 'warning', '', '$', `no rule decides every connection of some VM pairs (${undecidedPairs.join(', ')}): nsxanalyzer fails on this input; here the undecided part is not permitted`),
    );
  }
  void n;
  return { stats: { pairs, rows, classes: nc, distinctWalks: walked + states.size, distinctSets: sets.length }, diagnostics };
}

/** Walk states kept across sweeps before the table is reset. */
const STATE_LIMIT = 50_000;

/**
 * Endpoints that are in exactly the same rules' peer sets and applied-to sets (both
 * directions), and of the same kind, behave identically as sender and as receiver.
 */
function endpointClasses(c: CompiledIntent): { classOf: Int32Array; reps: number[] } {
  const n = c.endpoints.length;
  const sig: number[][] = Array.from({ length: n }, () => []);
  let base = 0;
  for (const dir of ['ingress', 'egress'] as const) {
    for (const r of c.rules[dir]) {
      for (const i of r.peers) sig[i]?.push(base + 2 * r.seq);
      for (const i of r.applied) sig[i]?.push(base + 2 * r.seq + 1);
    }
    base += 2 * c.rules[dir].length;
  }
  const classOf = new Int32Array(n);
  const reps: number[] = [];
  const ids = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = c.endpoints[i];
    const k = `${e?.kind === 'vm' ? (c.analysed.has(i) ? 'v' : 'x') : 'e'}${(sig[i] ?? []).join(',')}`;
    let id = ids.get(k);
    if (id === undefined) {
      id = reps.length;
      reps.push(i);
      ids.set(k, id);
    }
    classOf[i] = id;
  }
  return { classOf, reps };
}
