import type { AnalyticsEngine } from '../store/analytics.js';
import type { Db } from '../store/open.js';
import { filterNamesWithRules } from '../store/realized-repo.js';
import { findDriftVia, type DriftReport } from './drift.js';
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
}

export const RULE_STEPS = ['shadowed rules', 'drift'] as const;

export async function ruleSections(engine: AnalyticsEngine, db: Db, opts: { onStep?: (name: (typeof RULE_STEPS)[number]) => void } = {}): Promise<RuleSections> {
  // the static analysis first, on an empty heap: its short-lived garbage is gone, and its space
  // reused, before the replay loads the compiled rules (after it, the two peaks added up: +80 MB RSS)
  opts.onStep?.('shadowed rules');
  // one filter content at a time, exact union coverage (shadow-realized.ts); the same items as `dfwsim lint`
  const shadow = lintStore(db);
  opts.onStep?.('drift');
  const withRules = filterNamesWithRules(db).length > 0;
  const drift: DriftReport = withRules ? await findDriftVia(engine, db, {}, { owners: await loadOwnershipVia(engine, db) }) : { compared: 0, drifted: 0, groups: [] };
  return { shadow, drift, withRules };
}
