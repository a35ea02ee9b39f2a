import type { AnalyticsEngine, EngineSpec } from '../store/analytics.js';
import type { Db } from '../store/open.js';
import { filterNamesWithRules } from '../store/realized-repo.js';
import { findDriftVia, type DriftReport } from './drift.js';
import { DriftWorkerOutOfMemory, findDriftParallel, type DriftSplit } from './drift-parallel.js';
import type { Explanation } from './explain.js';
import { explainContext, explainVia } from './explain-store.js';
import { lintStore } from './lint.js';
import { loadOwnershipVia, type Ownership } from './ownership.js';
import type { ShadowReport } from './shadow.js';

/** REJECT/RST connections of one cause, with the first fix that resolves it. */
export interface CauseSummary {
  kind: string;
  filter: string | null;
  ruleId: number | string | null;
  connections: number;
  /** the first fix that resolves it, as a command */
  fix: string | null;
}

export interface ExplainSection {
  /** the first `limit` explained connections */
  explanations: Explanation[];
  connections: number;
  causes: CauseSummary[];
}

/** The REJECT/RST connections explained one at a time (each replayed on its own), summarised by cause. */
export async function explainSection(engine: AnalyticsEngine, db: Db, opts: { limit: number; ownership: Ownership }): Promise<ExplainSection> {
  const explanations: Explanation[] = [];
  const causes = new Map<string, CauseSummary>();
  let connections = 0;
  const ctx = explainContext(db, {}, opts.ownership);
  await explainVia(
    engine,
    {},
    { kind: 'reject-or-reset' },
    (x) => {
      connections++;
      if (explanations.length < opts.limit) explanations.push(x);
      const k = `${x.cause.kind}|${x.cause.filter ?? ''}|${x.cause.ruleId ?? ''}`;
      const c = causes.get(k);
      if (c) c.connections++;
      else causes.set(k, { kind: x.cause.kind, filter: x.cause.filter, ruleId: x.cause.ruleId, connections: 1, fix: x.fixes.find((f) => f.effect.resolves)?.command ?? null });
    },
    ctx,
  );
  return { explanations, connections, causes: [...causes.values()].sort((a, b) => b.connections - a.connections || a.kind.localeCompare(b.kind)) };
}

/**
 * The audit's two whole-store passes over the realized rules: the static shadow analysis and
 * drift (every event replayed in time order). They make most of the audit's short-lived garbage
 * and take about as long as the set queries and the explanations together, so they run one
 * after the other on one thread, a worker with a capped heap when the store is a file
 * (audit-rules-parallel.ts), while the main thread does the rest.
 */
export interface RuleSections {
  shadow: ShadowReport;
  drift: DriftReport;
  /** false: the store has no realized rules, drift was not computed */
  withRules: boolean;
  /** what the audit's notes should say about how these were computed (a parallel replay that fell back) */
  notes: string[];
  /** how drift's replay was split across workers; null: one replay on the calling thread */
  split: DriftSplit | null;
}

export const RULE_STEPS = ['shadowed rules', 'drift'] as const;

/**
 * Drift's replay split across worker threads (issue 11): the store file (the rules), where its
 * events are, and how many replay workers; below 2, the replay runs on the calling thread.
 */
export interface ParallelDrift {
  path: string;
  engine: EngineSpec;
  workers: number;
}

export async function ruleSections(
  engine: AnalyticsEngine,
  db: Db,
  opts: { onStep?: (name: (typeof RULE_STEPS)[number]) => void; parallel?: ParallelDrift | undefined } = {},
): Promise<RuleSections> {
  // the static analysis first, on an empty heap: its short-lived garbage is gone, and its space
  // reused, before the replay loads the compiled rules (after it, the two peaks added up: +80 MB RSS)
  opts.onStep?.('shadowed rules');
  // one filter content at a time, exact union coverage (shadow-realized.ts); the same items as `dfwsim lint`
  const shadow = lintStore(db);
  opts.onStep?.('drift');
  const withRules = filterNamesWithRules(db).length > 0;
  const { drift, notes, split } = withRules ? await driftOf(engine, db, opts.parallel) : { drift: { compared: 0, drifted: 0, groups: [] }, notes: [], split: null };
  return { shadow, drift, withRules, notes, split };
}

/**
 * The whole-store drift, by host partitions in workers when asked and the store splits in two or
 * more (the report is the sequential one, byte for byte: drift.ts mergeDrift), else replayed here.
 */
async function driftOf(engine: AnalyticsEngine, db: Db, parallel: ParallelDrift | undefined): Promise<Pick<RuleSections, 'drift' | 'notes' | 'split'>> {
  const notes: string[] = [];
  let split: DriftSplit | null = null;
  if (parallel !== undefined && parallel.workers >= 2 && parallel.path !== ':memory:') {
    try {
      const drift = await findDriftParallel(parallel.path, parallel.engine, await engine.hostFilterLoads(), parallel.workers, (s) => (split = s));
      if (drift !== null) return { drift, notes, split };
    } catch (e) {
      if (!(e instanceof DriftWorkerOutOfMemory)) throw e;
      notes.push(`drift was replayed on one thread: ${e.message}`);
      split = null;
    }
  }
  return { drift: await findDriftVia(engine, db, {}, { owners: await loadOwnershipVia(engine, db) }), notes, split };
}
