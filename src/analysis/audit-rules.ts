import type { Db } from '../store/open.js';
import { filterNamesWithRules } from '../store/realized-repo.js';
import { findDrift, type DriftReport } from './drift.js';
import type { Explanation } from './explain.js';
import { explainContext, explainStore } from './explain-store.js';
import { lintStore } from './lint.js';
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

/**
 * The audit's sections that load and evaluate the realized rules: the REJECT/RST explanations
 * (each connection replayed on its own), drift (the whole store replayed in time order) and the
 * static shadow analysis. The first two share one loaded context (compiled rules and
 * ownership), the largest thing any of them holds; all three make most of the audit's
 * short-lived garbage. So they run one after the other on one thread, a worker with a capped
 * heap when the store is a file (audit-rules-parallel.ts), beside the set queries.
 */
export interface RuleSections {
  /** the first `limit` explained connections */
  explanations: Explanation[];
  connections: number;
  causes: CauseSummary[];
  drift: DriftReport;
  /** false: the store has no realized rules, drift was not computed */
  withRules: boolean;
  shadow: ShadowReport;
}

export const RULE_STEPS = ['shadowed rules', 'explanations', 'drift'] as const;

export function ruleSections(db: Db, opts: { limit: number; onStep?: (name: (typeof RULE_STEPS)[number]) => void }): RuleSections {
  // the static analysis first, on an empty heap: its short-lived garbage is gone, and its space
  // reused, before the replay context is loaded (after it, the two peaks added up: +80 MB RSS)
  opts.onStep?.('shadowed rules');
  // one filter content at a time, exact union coverage (shadow-realized.ts); the same items as `dfwsim lint`
  const shadow = lintStore(db);
  return { ...replaySections(db, opts), shadow };
}

/** Explanations and drift, sharing one context (compiled rules and ownership). */
function replaySections(db: Db, opts: { limit: number; onStep?: (name: (typeof RULE_STEPS)[number]) => void }): Omit<RuleSections, 'shadow'> {
  opts.onStep?.('explanations');
  const explanations: Explanation[] = [];
  const causes = new Map<string, CauseSummary>();
  let connections = 0;
  const ctx = explainContext(db);
  explainStore(
    db,
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

  opts.onStep?.('drift');
  const withRules = filterNamesWithRules(db).length > 0;
  // the replay takes the compiled rules and ownership explaining loaded (not a second copy)
  const drift: DriftReport = withRules ? findDrift(db, {}, { owners: ctx.ownership }, ctx.filters) : { compared: 0, drifted: 0, groups: [] };
  return {
    explanations,
    connections,
    causes: [...causes.values()].sort((a, b) => b.connections - a.connections || a.kind.localeCompare(b.kind)),
    drift,
    withRules,
  };
}
