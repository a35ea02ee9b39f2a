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

/** Where an event stands in the sequential replay's order: its host's rank, then its position in that host's stream. */
type Pos = [hostRank: number, index: number];

/** A drift group of one replay partition, with where it first occurred in the whole replay. */
interface PartialGroup extends DriftGroup {
  first: Pos;
}

/** What one partition of a parallel replay found (replay-partitions.ts); `mergeDrift` joins them. */
export interface DriftPartial {
  compared: number;
  drifted: number;
  groups: PartialGroup[];
}

/** The events of `hosts` (a partition) replayed on their own, groups keyed with their places in the whole replay. */
export async function findDriftPartialVia(engine: AnalyticsEngine, db: Db, hosts: readonly (string | null)[], rank: ReadonlyMap<string | null, number>, opts: ReplayOptions & { owners: OwnerLookup }): Promise<DriftPartial> {
  const c = driftCollector(rank);
  await replayVia(engine, db, { hosts }, opts, c.visit);
  return c.partial();
}

/**
 * The partitions' drift as the sequential replay reports it. A group is one filter's, and a
 * filter's events all sit in one partition, so no group spans two: the groups are put in order
 * of first occurrence (the sequential map's order, which the final sort's ties keep) and sorted
 * as `findDrift` sorts them.
 */
export function mergeDrift(partials: readonly DriftPartial[]): DriftReport {
  const all = partials.flatMap((p) => p.groups);
  const owners = new Map<string, number>();
  partials.forEach((p, i) => {
    for (const g of p.groups) if ((owners.get(g.filter) ?? i) !== i) throw new Error(`drift: filter ${g.filter} was replayed in two partitions`);
    else owners.set(g.filter, i);
  });
  const groups = all
    .sort((a, b) => a.first[0] - b.first[0] || a.first[1] - b.first[1])
    .map(({ first: _f, ...g }): DriftGroup => g)
    .sort((a, b) => b.events - a.events || a.filter.localeCompare(b.filter));
  return { compared: partials.reduce((n, p) => n + p.compared, 0), drifted: partials.reduce((n, p) => n + p.drifted, 0), groups };
}

function groupKey(filter: string, action: string | null, ruleId: number | null, verdict: unknown, simRule: unknown, basis: unknown): string {
  return `${filter}|${action}|${ruleId}|${verdict}|${simRule}|${basis}`;
}

/** Collects drift groups from replay results; with `rank`, also where each group first occurs in the whole replay. */
function driftCollector(rank?: ReadonlyMap<string | null, number>): { visit: ReplayVisitor; report(): DriftReport; partial(): DriftPartial } {
  const groups = new Map<string, PartialGroup>();
  let compared = 0;
  let drifted = 0;
  let host: string | null | undefined;
  let hostRank = 0;
  let index = 0;
  const visit: ReplayVisitor = (r, e) => {
    if (rank !== undefined) {
      if (e.host !== host) {
        host = e.host;
        hostRank = rank.get(e.host) ?? -1;
        index = 0;
      } else index++;
    }
    if (r.agreement === 'no-rules' || r.agreement === 'excluded') return;
    compared++;
    if (r.agreement !== 'drift') return;
    drifted++;
    const d = r.simulated;
    const k = groupKey(r.filterHash, e.action, e.ruleId, d?.verdict, d?.ruleId, d?.basis);
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
      first: [hostRank, index],
    });
  };
  const report = (): DriftReport => ({
    compared,
    drifted,
    groups: [...groups.values()].map(({ first: _f, ...g }): DriftGroup => g).sort((a, b) => b.events - a.events || a.filter.localeCompare(b.filter)),
  });
  return { visit, report, partial: () => ({ compared, drifted, groups: [...groups.values()] }) };
}
