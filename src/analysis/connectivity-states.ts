import type { CompiledIntent, IntentRule } from './connectivity-compile.js';
import { connIntersect, connIsEmpty, connKey, connSubtract, connUnion, EMPTY_CONN, type ConnSet } from './connectivity-set.js';

/**
 * The walk of connectivity.ts (walkRules) as an interned state machine, for the connectivity
 * map: a side's walk state (current category, what is still open in it, what is allowed, what
 * jumped ahead) is interned by value, and a rule step is a memoised transition
 * (state, rule) -> state. Walks of many pairs share their states, so a map over a million
 * pairs costs a few map look-ups per captured rule instead of set operations. `finish` gives
 * what walkRules + sideAllowed give; bench/connectivity.ts cross-checks the two on a sample.
 */

interface State {
  cat: number;
  open: ConnSet;
  allowed: ConnSet;
  /** parts waiting for a later category (JUMP_TO_APPLICATION), by category order */
  waiting: [number, ConnSet][];
}

export class WalkStates {
  private readonly states: State[] = [];
  private readonly ids = new Map<string, number>();
  private readonly steps = new Map<number, number>();
  private readonly finals = new Map<number, { allowed: ConnSet; undecided: boolean }>();
  private readonly stride: number;

  constructor(private readonly c: CompiledIntent) {
    this.stride = Math.max(c.rules.ingress.length, c.rules.egress.length) + 1;
    this.intern({ cat: 0, open: c.universe, allowed: EMPTY_CONN, waiting: [] });
  }

  /**
   * Forgets every state but the initial one (ids handed out before become invalid). The map
   * calls it between two sweeps when the table grew large, so memory stays bounded on exports
   * whose VMs share few rule combinations.
   */
  reset(): void {
    const first = this.states[0];
    this.states.length = 0;
    this.ids.clear();
    this.steps.clear();
    this.finals.clear();
    if (first) this.intern(first);
  }

  /** The state every walk starts in. */
  readonly initial = 0;

  get size(): number {
    return this.states.length;
  }

  private intern(s: State): number {
    const k = `${s.cat}|${connKey(s.open)}|${connKey(s.allowed)}|${s.waiting.map(([c, w]) => `${c}:${connKey(w)}`).join('/')}`;
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.states.length;
      this.states.push(s);
      this.ids.set(k, id);
    }
    return id;
  }

  /** Move to category `to`: what no rule took goes on, jumped parts resume where they wait. */
  private advance(s: State, to: number): State {
    if (s.cat >= to) return s;
    let open = s.open;
    const waiting: [number, ConnSet][] = [];
    for (const [cat, w] of s.waiting) {
      if (cat <= to) open = connUnion(open, w);
      else waiting.push([cat, w]);
    }
    return { cat: to, open, allowed: s.allowed, waiting };
  }

  /** The state after rule `r` (of direction `dir`, seq `r.seq`) captured the pair. */
  step(id: number, r: IntentRule, dirOffset: 0 | 1): number {
    const key = (id * this.stride + r.seq) * 2 + dirOffset;
    const hit = this.steps.get(key);
    if (hit !== undefined) return hit;
    const from = this.states[id];
    let next = id;
    if (from) {
      const s = this.advance(from, r.categoryOrder);
      const part = r.conn === this.c.universe ? s.open : connIntersect(r.conn, s.open);
      if (!connIsEmpty(part)) {
        const open = connSubtract(s.open, part);
        switch (r.action) {
          case 'ALLOW':
            next = this.intern({ ...s, open, allowed: connUnion(s.allowed, part) });
            break;
          case 'DROP':
          case 'REJECT':
            next = this.intern({ ...s, open });
            break;
          case 'JUMP_TO_APPLICATION': {
            const to = this.c.jumpResume[r.categoryOrder] ?? r.categoryOrder + 1;
            const waiting = s.waiting.filter(([c]) => c !== to);
            const prev = s.waiting.find(([c]) => c === to)?.[1] ?? EMPTY_CONN;
            waiting.push([to, connUnion(prev, part)]);
            waiting.sort((a, b) => a[0] - b[0]);
            next = this.intern({ ...s, open, waiting });
            break;
          }
        }
      } else if (s !== from) next = this.intern(s);
    }
    if (this.steps.size >= STEP_CACHE) this.steps.clear();
    this.steps.set(key, next);
    return next;
  }

  /** The end of a walk: allowed (plus, in NSX, the undecided rest the default layer-3 rule allows). */
  finish(id: number): { allowed: ConnSet; undecided: boolean } {
    const hit = this.finals.get(id);
    if (hit) return hit;
    const s = this.states[id];
    let undecided = s?.open ?? EMPTY_CONN;
    for (const [, w] of s?.waiting ?? []) undecided = connUnion(undecided, w);
    const allowed = s ? (this.c.semantics === 'nsx' ? connUnion(s.allowed, undecided) : s.allowed) : EMPTY_CONN;
    const out = { allowed, undecided: !connIsEmpty(undecided) };
    this.finals.set(id, out);
    return out;
  }
}

/** Transition cache entries before it is cleared (memory stays flat; states themselves are few). */
const STEP_CACHE = 500_000;
