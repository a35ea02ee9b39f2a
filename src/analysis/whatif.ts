import { Replayer, type OwnerLookup, type ReplayOptions } from '../engine/replay.js';
import type { Verdict } from '../model/decision.js';
import type { ReplayInput } from '../model/packet-event.js';
import type { ReplayEventResult } from '../model/replay.js';
import type { Db } from '../store/open.js';
import { streamEventsByHostTime, type EventStreamQuery } from '../store/events-repo.js';
import type { CompileCache } from '../engine/compile.js';
import { compiledOnly, compileRealized, type LoadedFilter, type RealizedFilter } from './realized.js';

/**
 * `whatif` (DESIGN.md §6): the stored events replayed under the current rules and under a
 * proposed set, in one pass over the store (two replayers fed the same cursor), and every flow
 * whose verdict or deciding rule changes, grouped by filter and rule with counts.
 */

/** One side of a what-if: the compiled rules per filter hash and the exclusion list. */
export interface WhatifScenario {
  filters: ReadonlyMap<string, LoadedFilter>;
  excluded: readonly string[];
}

/** A flow as whatif groups it: the ephemeral (higher) port of a ported flow is left out, so every connection of one service is one flow. */
export interface WhatifFlow {
  protocol: string;
  src: string;
  srcPort: number | null;
  dst: string;
  dstPort: number | null;
  /** `tcp 10.68.145.170:22 -> 10.68.0.250` */
  text: string;
}

export interface WhatifOutcome {
  verdict: Verdict | null;
  ruleset: string | null;
  ruleId: number | string | null;
  /** `rule`, `default`, `state`, `state-uncertain`, `excluded`, `unknown`, or null (no rules for the filter) */
  basis: string | null;
}

export interface WhatifChange {
  flow: WhatifFlow;
  filter: string;
  direction: 'IN' | 'OUT';
  before: WhatifOutcome;
  after: WhatifOutcome;
  /** records of this flow with this change */
  events: number;
  firstEvent: number;
  /** the records follow from a REJECT that no longer happens: they would not occur at all */
  causeRemoved: boolean;
}

export interface WhatifRuleChange {
  filter: string;
  /** these records would not occur at all (their causing REJECT is gone) */
  causeRemoved: boolean;
  before: { verdict: Verdict | null; ruleId: number | string | null };
  after: { verdict: Verdict | null; ruleId: number | string | null };
  flows: number;
  events: number;
}

export interface WhatifSummary {
  /** records replayed */
  events: number;
  changedEvents: number;
  changedFlows: number;
  /** flows allowed before and dropped or rejected after (each flow is counted in one class, the first that fits) */
  newlyDenied: number;
  /** flows dropped or rejected before and allowed after */
  newlyAllowed: number;
  /** flows that would not occur: their causing REJECT is gone */
  causeRemoved: number;
  /** flows whose only change is the deciding rule (or a verdict change not covered above) */
  ruleChanged: number;
  /** records still allowed, now because their filter is excluded (no DFW): no change in what passes */
  unchangedOnExcluded: number;
  byFilterRule: WhatifRuleChange[];
}

export interface WhatifResult {
  changed: WhatifChange[];
  summary: WhatifSummary;
  notes: string[];
}

/** The flow key of a record: the ephemeral side's port dropped (the higher of two ports). */
export function whatifFlow(e: ReplayInput): WhatifFlow {
  let sp = e.srcPort;
  let dp = e.dstPort;
  if (sp !== null && dp !== null) {
    if (sp > dp) sp = null;
    else if (dp > sp) dp = null;
  }
  const ep = (a: string, p: number | null) => (p === null ? a : a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
  const protocol = e.protocol ?? '?';
  const src = e.src ?? '?';
  const dst = e.dst ?? '?';
  return { protocol, src, srcPort: sp, dst, dstPort: dp, text: `${protocol} ${ep(src, sp)} -> ${ep(dst, dp)}` };
}

function outcome(r: ReplayEventResult): WhatifOutcome {
  const d = r.simulated;
  return { verdict: d?.verdict ?? null, ruleset: d?.ruleset ?? null, ruleId: d?.ruleId ?? null, basis: d?.basis ?? null };
}

const denied = (v: Verdict | null) => v === 'drop' || v === 'reject';

/** How long a REJECT is remembered to settle whether the records it caused still happen (2x the replay's consequence window). */
const CAUSE_MEMORY_MS = 2000;

/** Options of `whatif`. */
export interface WhatifOptions extends Omit<ReplayOptions, 'excluded' | 'owners'> {
  /**
   * feed the `after` replayer only the filters whose outcome can differ (default true); false:
   * both replayers take every record (the reference the incremental path must equal)
   */
  incremental?: boolean;
}

/** The filters whose rules or exclusion differ between the two sides (by compiled identity: unchanged filters keep their compiled form). */
export function changedFilters(before: WhatifScenario, after: WhatifScenario): Set<string> {
  const out = new Set<string>();
  for (const k of new Set([...before.filters.keys(), ...after.filters.keys()])) if (before.filters.get(k)?.compiled !== after.filters.get(k)?.compiled) out.add(k);
  const bx = new Set(before.excluded);
  const ax = new Set(after.excluded);
  for (const k of bx) if (!ax.has(k)) out.add(k);
  for (const k of ax) if (!bx.has(k)) out.add(k);
  return out;
}

/**
 * Replays the stored events under `before` and `after` in one pass and collects the changes.
 * Memory: the two replayers' per-filter state plus one entry per changed flow.
 *
 * Incremental (default): each filter has its own rule and connection tables; the only state
 * one filter's records change in another is a REJECT's response injected into the sender's
 * filter (dfw-stateful.md steps 9, 11: an RST closes the sender's state). So the `after`
 * replayer takes only the records of the "affected" filters: those the change edits, and
 * every filter an affected filter's REJECT response reaches (in either replay), from that
 * moment on, continuing a copy of its `before` state (until then the two are equal). An
 * unaffected filter's REJECT into an affected one is applied to both replayers. Every other
 * record has the same outcome in both replays; only whether its causing REJECT still happens
 * is looked up (the cause may be on another filter of the host).
 */
export function whatif(db: Db, query: EventStreamQuery, before: WhatifScenario, after: WhatifScenario, owners: OwnerLookup, opts: WhatifOptions = {}): WhatifResult {
  const { incremental = true, ...replayOpts } = opts;
  const rb = new Replayer(compiledOnly(before.filters), owners, { ...replayOpts, excluded: before.excluded });
  const ra = new Replayer(compiledOnly(after.filters), owners, { ...replayOpts, excluded: after.excluded });
  const affected = changedFilters(before, after);
  const join = (hash: string) => {
    const snap = rb.exportFilter(hash);
    if (snap !== null) ra.adoptFilter(snap);
    affected.add(hash);
  };
  if (incremental) {
    // called before the target's state is touched: `rb` has not applied this injection yet
    rb.onInject = (from, to, replicate) => {
      if (affected.has(from)) {
        if (!affected.has(to)) join(to);
      } else if (affected.has(to)) replicate(ra);
    };
    // `ra` runs affected filters only; `rb` has already replayed this record, but a target it
    // did not inject into (else it would be affected already) is as it was before the record
    ra.onInject = (_from, to) => {
      if (!affected.has(to)) join(to);
    };
  }
  const changes = new Map<string, WhatifChange>();
  // REJECTs of `before` that sent a response -> does `after` still send it (bounded by time)
  const recentRejects = new Map<number, { t: number; stillSent: boolean }>();
  let events = 0;
  let changedEvents = 0;
  let unchangedOnExcluded = 0;
  let sinceTrim = 0;
  for (const e of streamEventsByHostTime(db, { ...query, dfwOnly: true })) {
    events++;
    const b = rb.push(e);
    const t = rb.clock;
    // an unaffected filter: same state, same rules in both replays, hence the same result
    const a = !incremental || affected.has(b.filterHash) ? ra.pushAt(e, t) : b;
    const te = e.tsMs ?? 0;
    if (b.synthetic !== null) recentRejects.set(e.id, { t: te, stillSent: a.synthetic !== null });
    if (++sinceTrim >= 4096) {
      sinceTrim = 0;
      for (const [id, x] of recentRejects) if (te - x.t > CAUSE_MEMORY_MS) recentRejects.delete(id);
    }
    const cause = b.causedBy !== null ? recentRejects.get(b.causedBy) : undefined;
    const causeRemoved = cause !== undefined && !cause.stillSent;
    if (a === b && !causeRemoved) continue;
    const ob = outcome(b);
    const oa = a === b ? ob : outcome(a);
    const verdictChanged = ob.verdict !== oa.verdict;
    const ruleChanged = ob.ruleId !== oa.ruleId || ob.ruleset !== oa.ruleset;
    if (!causeRemoved && !verdictChanged && !ruleChanged) continue;
    if (!causeRemoved && !verdictChanged && (oa.basis === 'excluded' || ob.basis === 'excluded')) {
      unchangedOnExcluded++;
      continue;
    }
    changedEvents++;
    const flow = whatifFlow(e);
    const k = `${b.filterHash}|${b.direction}|${flow.text}|${ob.verdict}|${ob.ruleset}|${ob.ruleId}|${ob.basis}|${oa.verdict}|${oa.ruleset}|${oa.ruleId}|${oa.basis}|${causeRemoved}`;
    const c = changes.get(k);
    if (c !== undefined) c.events++;
    else changes.set(k, { flow, filter: b.filterHash, direction: b.direction, before: ob, after: oa, events: 1, firstEvent: e.id, causeRemoved });
  }
  rb.finish();
  ra.finish();
  const changed = [...changes.values()].sort((x, y) => x.filter.localeCompare(y.filter) || x.flow.text.localeCompare(y.flow.text) || x.firstEvent - y.firstEvent);
  return { changed, summary: summarize(changed, events, changedEvents, unchangedOnExcluded), notes: [] };
}

function summarize(changed: readonly WhatifChange[], events: number, changedEvents: number, unchangedOnExcluded: number): WhatifSummary {
  // each flow counts once, in the first class that fits: newly denied, newly allowed, would
  // not occur, other rule
  const classOf = new Map<string, number>();
  const rank = (c: WhatifChange) =>
    !denied(c.before.verdict) && denied(c.after.verdict) && !c.causeRemoved ? 0 : denied(c.before.verdict) && c.after.verdict === 'allow' && !c.causeRemoved ? 1 : c.causeRemoved ? 2 : 3;
  for (const c of changed) {
    const fk = `${c.filter}|${c.direction}|${c.flow.text}`;
    classOf.set(fk, Math.min(classOf.get(fk) ?? 3, rank(c)));
  }
  const classCount = (n: number) => [...classOf.values()].filter((x) => x === n).length;
  const byRule = new Map<string, WhatifRuleChange & { flowKeys: Set<string> }>();
  for (const c of changed) {
    const fk = `${c.filter}|${c.direction}|${c.flow.text}`;
    const rk = `${c.filter}|${c.before.verdict}|${c.before.ruleId}|${c.after.verdict}|${c.after.ruleId}|${c.causeRemoved}`;
    let r = byRule.get(rk);
    if (r === undefined)
      byRule.set(rk, (r = { filter: c.filter, causeRemoved: c.causeRemoved, before: { verdict: c.before.verdict, ruleId: c.before.ruleId }, after: { verdict: c.after.verdict, ruleId: c.after.ruleId }, flows: 0, events: 0, flowKeys: new Set() }));
    r.flowKeys.add(fk);
    r.events += c.events;
  }
  const byFilterRule = [...byRule.values()]
    .map(({ flowKeys, ...r }) => ({ ...r, flows: flowKeys.size }))
    .sort((a, b) => a.filter.localeCompare(b.filter) || b.events - a.events);
  return {
    events,
    changedEvents,
    changedFlows: classOf.size,
    newlyDenied: classCount(0),
    newlyAllowed: classCount(1),
    causeRemoved: classCount(2),
    ruleChanged: classCount(3),
    unchangedOnExcluded,
    byFilterRule,
  };
}

/** Compiles a realized set, reusing the compiled filters of `base` for the filters it did not change. */
export function recompileChanged(realized: ReadonlyMap<string, RealizedFilter>, original: ReadonlyMap<string, RealizedFilter>, base: ReadonlyMap<string, LoadedFilter>, cache?: CompileCache): Map<string, LoadedFilter> {
  const changed = new Map<string, RealizedFilter>();
  for (const [k, f] of realized) if (original.get(k) !== f || !base.has(k)) changed.set(k, f);
  const out = new Map<string, LoadedFilter>();
  const fresh = compileRealized(changed, cache);
  for (const k of realized.keys()) out.set(k, (fresh.get(k) ?? base.get(k)) as LoadedFilter);
  return out;
}
