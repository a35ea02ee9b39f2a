import type { OwnerLookup, ReplayOptions } from '../engine/replay.js';
import type { Verdict } from '../model/decision.js';
import type { AnalyticsEngine } from '../store/analytics.js';
import type { Db } from '../store/open.js';
import type { EventStreamQuery } from '../store/events-repo.js';
import type { LoadedFilter } from './realized.js';
import { replayStore, replayVia, type ReplayVisitor } from './replay-store.js';

/**
 * Drift (DESIGN.md §6): events whose logged action or rule differs from what the engine decides
 * for that filter with the stored realized rules, a sign the host ran another ruleset
 * generation than the one captured, or that the inventory is wrong. Aggregated per filter and
 * (logged, simulated) pair, so the result stays small however big the store is.
 */
export interface DriftGroup {
  filter: string;
  logged: { action: string | null; ruleId: number | null };
  simulated: { verdict: Verdict | null; ruleId: number | string | null; basis: string | null };
  events: number;
  /** the first few event ids, for `dfwsim explain ID` */
  sampleEvents: number[];
  /** the replay's note on the first of them */
  note: string;
}

export interface DriftReport {
  /** events replayed against realized rules (filters with rules, not excluded) */
  compared: number;
  drifted: number;
  groups: DriftGroup[];
}

const SAMPLES = 5;

/** Streams a replay of the store and collects its drift (`filters`: compiled rules already loaded, else read from the store). */
export function findDrift(db: Db, query: EventStreamQuery = {}, opts: ReplayOptions = {}, filters?: ReadonlyMap<string, LoadedFilter>): DriftReport {
  const c = driftCollector();
  replayStore(db, query, opts, c.visit, filters);
  return c.report();
}

/** The same, with the events read through an analytics engine (rules and ownership as `replayVia` takes them). */
export async function findDriftVia(engine: AnalyticsEngine, db: Db, query: EventStreamQuery, opts: ReplayOptions & { owners: OwnerLookup }, filters?: ReadonlyMap<string, LoadedFilter>): Promise<DriftReport> {
  const c = driftCollector();
  await replayVia(engine, db, query, opts, c.visit, filters);
  return c.report();
}

function driftCollector(): { visit: ReplayVisitor; report(): DriftReport } {
  const groups = new Map<string, DriftGroup>();
  let compared = 0;
  let drifted = 0;
  const visit: ReplayVisitor = (r, e) => {
    if (r.agreement === 'no-rules' || r.agreement === 'excluded') return;
    compared++;
    if (r.agreement !== 'drift') return;
    drifted++;
    const d = r.simulated;
    const k = `${r.filterHash}|${e.action}|${e.ruleId}|${d?.verdict}|${d?.ruleId}|${d?.basis}`;
    const g = groups.get(k);
    if (g !== undefined) {
      g.events++;
      if (g.sampleEvents.length < SAMPLES) g.sampleEvents.push(e.id);
      return;
    }
    groups.set(k, {
      filter: r.filterHash,
      logged: { action: e.action, ruleId: e.ruleId },
      simulated: { verdict: d?.verdict ?? null, ruleId: d?.ruleId ?? null, basis: d?.basis ?? null },
      events: 1,
      sampleEvents: [e.id],
      note: r.notes.find((n) => n.startsWith('log says')) ?? r.notes[0] ?? '',
    });
  };
  const report = (): DriftReport => ({ compared, drifted, groups: [...groups.values()].sort((a, b) => b.events - a.events || a.filter.localeCompare(b.filter)) });
  return { visit, report };
}
