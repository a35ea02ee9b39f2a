/**
 * Exact coverage of one rule's match space by the rules evaluated before it, by subtraction:
 * the earlier rules' definite match spaces are subtracted from the target's possible match
 * space in evaluation order, and an empty remainder means no packet can reach the target.
 *
 * It is not pairwise: the remainder after rule k is what rules 0..k left, so a target covered
 * only by the union of several earlier rules is found, and the rules that took part are named.
 *
 * Pass rules (tiered policies) are modelled as in the engine (src/engine/tiered/evaluate.ts
 * walkSide): a Pass that resumes beyond the target's tier removes what it matches; one that
 * resumes at or before the target's tier moves what it matches to a "floor", and rules of tiers
 * below that floor no longer see those packets (antrea.md §0 step 1.1; NSX Jump to Application).
 */
import { boxHas, boxIntersect, boxMeets, boxSubtract, witnesses, type Box } from './shadow-space.js';

/** One rule evaluated before the target, as the coverage sees it. */
export interface CoverStep {
  /** the rule's definite match space (what it surely matches: unknown members match nothing here) */
  boxes: readonly Box[];
  /** tier order of the rule (0 for realized rulesets): skipped for packets passed to a later floor */
  tier: number;
  /** null: the rule decides (or passes beyond the target's tier); a tier order: a Pass resuming there */
  passTo: number | null;
}

/**
 * The steps of one target in evaluation order, read by increasing index (a driver can build the
 * list lazily, so a target covered by its first candidates never scans the rest); `get` returns
 * undefined past the end.
 */
export interface StepList {
  get(k: number): CoverStep | undefined;
}

/** A StepList over an array. */
export function arraySteps(steps: readonly CoverStep[]): StepList {
  return { get: (k) => steps[k] };
}

/** What the subtraction found. */
export type CoverOutcome =
  /** nothing of the target is left; `by` = the steps that removed part of it, in order */
  | { status: 'covered'; by: number[] }
  /** a packet of the target reaches it */
  | { status: 'open' }
  /** the remainder fragmented beyond the budget before a verdict: not claimed either way */
  | { status: 'budget'; pieces: number };

/** Options of cover(). */
export interface CoverOptions {
  /** stop (status `budget`) when the remainder holds more boxes than this; default 4096 */
  maxPieces?: number;
}

const DEFAULT_MAX_PIECES = 4096;

/** The remainder of packets that were passed to one floor (tier order) and still reach the target. */
interface Part {
  floor: number;
  boxes: Box[];
}

/**
 * Walk one point through the steps from `from` on (the engine's first match with Pass floors):
 * true when it survives every step, i.e. it is a packet that reaches the target.
 */
function survives(point: readonly number[], floor0: number, steps: StepList, from: number): boolean {
  let floor = floor0;
  for (let i = from; ; i++) {
    const s = steps.get(i);
    if (s === undefined) break;
    if (s.tier < floor) continue;
    let hit = false;
    for (const b of s.boxes) {
      if (boxHas(b, point)) {
        hit = true;
        break;
      }
    }
    if (!hit) continue;
    if (s.passTo === null) return false;
    floor = s.passTo;
  }
  return true;
}

/** Is some witness point of these boxes a packet that reaches the target? */
function anySurvivor(boxes: readonly Box[], floor: number, steps: StepList, from: number, limit: number): boolean {
  const n = Math.min(boxes.length, limit);
  for (let k = 0; k < n; k++) {
    for (const p of witnesses(boxes[k] as Box)) if (survives(p, floor, steps, from)) return true;
  }
  return false;
}

/**
 * Subtract `steps` (in evaluation order) from `target` (the target's possible match space).
 *
 * `by` names every step that removed a non-empty part of what was still left at that point:
 * exactly the rules that decide some packet of the target in first-match order. It is not a
 * minimum cover (an earlier rule can take a part a later rule would also have covered), but
 * none of the named rules can be dropped without leaving some packet of the target decided by
 * a rule that is not named, which is the set an operator needs to see.
 *
 * Fast path: a few witness points of the target are walked through the steps first; one that
 * survives proves the target reachable without any subtraction (most rules of a large ruleset).
 */
export function cover(target: readonly Box[], steps: StepList, opts: CoverOptions = {}): CoverOutcome {
  if (target.length === 0) return { status: 'covered', by: [] };
  if (anySurvivor(target, -1, steps, 0, 4)) return { status: 'open' };
  const maxPieces = opts.maxPieces ?? DEFAULT_MAX_PIECES;
  let parts: Part[] = [{ floor: -1, boxes: target.slice() }];
  const by: number[] = [];
  for (let i = 0; ; i++) {
    const s = steps.get(i);
    if (s === undefined) break;
    let removed = false;
    const next: Part[] = [];
    const moved: Box[] = [];
    for (const part of parts) {
      if (s.tier < part.floor) {
        next.push(part);
        continue;
      }
      let rest = part.boxes;
      for (const b of s.boxes) {
        const out: Box[] = [];
        for (const r of rest) {
          if (!boxMeets(r, b)) {
            out.push(r);
            continue;
          }
          removed = true;
          for (const piece of boxSubtract(r, b)) out.push(piece);
          // a Pass to a floor at or before the target's tier keeps the matched part alive there
          if (s.passTo !== null) {
            const m = boxIntersect(r, b);
            if (m !== null) moved.push(m);
          }
        }
        rest = out;
      }
      if (rest.length > 0) next.push({ floor: part.floor, boxes: rest });
    }
    if (moved.length > 0) {
      const to = s.passTo as number;
      const at = next.find((p) => p.floor === to);
      if (at) at.boxes.push(...moved);
      else next.push({ floor: to, boxes: moved });
    }
    if (removed && s.passTo === null) by.push(i);
    parts = next;
    if (parts.length === 0) return { status: 'covered', by };
    let pieces = 0;
    for (const p of parts) pieces += p.boxes.length;
    if (pieces > maxPieces) {
      // Before giving up: a surviving witness of the remainder still proves the target open.
      for (const p of parts) if (anySurvivor(p.boxes, p.floor, steps, i + 1, 64)) return { status: 'open' };
      return { status: 'budget', pieces };
    }
  }
  return { status: 'open' };
}
