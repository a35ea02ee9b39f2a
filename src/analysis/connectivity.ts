import type { CompiledIntent, Direction, IntentRule } from './connectivity-compile.js';
import { connIntersect, connIsEmpty, connSubtract, connUnion, EMPTY_CONN, type ConnSet } from './connectivity-set.js';

/**
 * The symbolic NSX DFW walk, written once: eval, explain, the connectivity map and the
 * explanation probes all call `walkSide`. For one direction on one VM and one remote endpoint
 * it splits a connection set by the rules that capture the pair, in category order, first
 * match per part (nsx-policy-json.md §5 item 7):
 *   1. each category starts with the parts still open; a rule takes the part of its
 *      connection set that no earlier rule of the category took;
 *   2. ALLOW / DROP / REJECT decide their part for good; JUMP_TO_APPLICATION moves its part to
 *      the category it resumes at (Application in NSX, the next one for nsxanalyzer);
 *   3. parts no rule took go on to the next category;
 *   4. what is left after the last category is `undecided` (NSX: the default layer-3 rule,
 *      ALLOW unless the operator changed it, decides it; nsxanalyzer: a fatal error).
 * A connection is permitted when the sender's OUT side and the receiver's IN side both allow
 * it (DESIGN.md §5); an external end is not policed.
 */

/** One rule's share of a side's decision. */
export interface SideDecision {
  rule: IntentRule;
  part: ConnSet;
}

export interface SideWalk {
  allowed: ConnSet;
  /** DROP and REJECT parts (REJECT answers with RST / ICMP unreachable; both deny) */
  denied: ConnSet;
  undecided: ConnSet;
  /** in evaluation order, jumps included; only filled when asked (`explain`) */
  decisions: SideDecision[];
}

/** The rules that capture (local VM, remote endpoint) in `dir`, in evaluation order. */
export function capturingRules(c: CompiledIntent, dir: Direction, local: number, remote: number): IntentRule[] {
  const list = c.applicable[dir][local];
  const rules = c.rules[dir];
  const out: IntentRule[] = [];
  if (!list) return out;
  for (let i = 0; i < list.length; i++) {
    const r = rules[list[i] ?? 0];
    if (r && r.peers.has(remote)) out.push(r);
  }
  return out;
}

/** Walk `captured` (from capturingRules) over the connection set `start`. */
export function walkRules(c: CompiledIntent, captured: readonly IntentRule[], start: ConnSet, explain = false): SideWalk {
  let allowed = EMPTY_CONN;
  let denied = EMPTY_CONN;
  const decisions: SideDecision[] = [];
  const waiting = new Map<number, ConnSet>();
  let active = start;
  let k = 0;
  for (let cat = 0; cat < c.categories.length; cat++) {
    const resumed = waiting.get(cat);
    if (resumed) {
      active = connUnion(active, resumed);
      waiting.delete(cat);
    }
    let open = active;
    for (; k < captured.length; k++) {
      const r = captured[k];
      if (!r) continue;
      if (r.categoryOrder > cat) break;
      if (r.categoryOrder < cat) continue; // parts jumped past this category's rules
      if (open === EMPTY_CONN) continue;
      // a rule on every connection (services ANY) takes all that is open: no set operation
      const part = r.conn === c.universe ? open : connIntersect(r.conn, open);
      if (connIsEmpty(part)) continue;
      open = part === open ? EMPTY_CONN : connSubtract(open, part);
      if (explain) decisions.push({ rule: r, part });
      switch (r.action) {
        case 'ALLOW':
          allowed = connUnion(allowed, part);
          break;
        case 'DROP':
        case 'REJECT':
          denied = connUnion(denied, part);
          break;
        case 'JUMP_TO_APPLICATION': {
          const to = c.jumpResume[cat] ?? cat + 1;
          waiting.set(to, connUnion(waiting.get(to) ?? EMPTY_CONN, part));
          break;
        }
      }
    }
    active = open;
    // nothing open and nothing waiting for a later category: the walk is over
    if (active === EMPTY_CONN && waiting.size === 0) break;
  }
  let undecided = active;
  for (const w of waiting.values()) undecided = connUnion(undecided, w);
  return { allowed, denied, undecided, decisions };
}

/** One side of a pair: the walk over the capturing rules. */
export function walkSide(c: CompiledIntent, dir: Direction, local: number, remote: number, start: ConnSet, explain = false): SideWalk {
  return walkRules(c, capturingRules(c, dir, local, remote), start, explain);
}

/** What a side finally allows: in NSX the default layer-3 rule (ALLOW) takes the undecided rest. */
export function sideAllowed(c: CompiledIntent, w: SideWalk): ConnSet {
  return c.semantics === 'nsx' ? connUnion(w.allowed, w.undecided) : w.allowed;
}

/** Both sides of src -> dst over `start`: OUT on the sender (if a VM), IN on the receiver (if a VM). */
export interface PairResult {
  egress: SideWalk | null;
  ingress: SideWalk | null;
  permitted: ConnSet;
}

export function evaluatePair(c: CompiledIntent, src: number, dst: number, start: ConnSet, explain = false): PairResult {
  const eg = src < c.vmCount ? walkSide(c, 'egress', src, dst, start, explain) : null;
  const ing = dst < c.vmCount ? walkSide(c, 'ingress', dst, src, start, explain) : null;
  let permitted = start;
  if (eg) permitted = connIntersect(permitted, sideAllowed(c, eg));
  if (ing) permitted = connIntersect(permitted, sideAllowed(c, ing));
  return { egress: eg, ingress: ing, permitted };
}
