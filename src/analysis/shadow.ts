/**
 * Result types of the static shadow / redundancy analysis (issue 9), shared by the realized
 * adapter (shadow-realized.ts), the policy-set adapter (shadow-policy.ts), `dfwsim lint` and
 * the audit. JSON key order is the field order below (the `shadowedRules` contract).
 */

/**
 * `shadowed`: no packet can reach the rule, and at least one of the rules that take its
 * packets has a different action (the rule's intent is overridden: usually a mistake).
 * `redundant`: no packet can reach the rule, and every rule that takes its packets has the
 * same action (removing it changes nothing: clean-up).
 */
export type ShadowKind = 'shadowed' | 'redundant';

/** One earlier rule that takes part of the covered rule's packets. */
export interface Coverer {
  ruleId: number | string;
  position: number;
  action: string;
}

/** One rule that no packet can reach. */
export interface ShadowItem {
  /** the vNIC filter name for realized rules; null for a policy set */
  filter: string | null;
  /** the realized ruleset (`domain-c7`, `mainrs_L2`); null for a policy set */
  ruleset: string | null;
  /** the tier (policy set); null for realized rules */
  tier: string | null;
  /** the policy reference (`ns/name` or `name`); null for realized rules */
  policy: string | null;
  /** realized: the rule id; policy set: `<policy>/<rule id>`, as walkthroughs print it */
  ruleId: number | string;
  /** realized: `at N`; policy set: the rule's 0-based index in its policy (the rule priority) */
  position: number;
  kind: ShadowKind;
  action: string;
  /** ids of the earlier rules whose union covers it (each takes some of its packets), in evaluation order */
  coveredBy: (number | string)[];
  /** the same rules with their positions and actions (a realized id can repeat on exploded lines) */
  coverers: Coverer[];
  /** `file:line` of the rule */
  source: string | null;
  /** the rule as printed (realized) or its direction and peers summary (policy set) */
  text: string;
  /** caveats of this finding (unresolved members of an earlier rule that could change the kind) */
  notes: string[];
}

/** What the analysis looked at and what it could not settle. */
export interface ShadowSummary {
  /** realized: filters; policy set: 1 */
  units: number;
  rules: number;
  shadowed: number;
  redundant: number;
  /** rules whose remainder fragmented beyond the budget: neither claimed nor cleared */
  undetermined: number;
}

/** The analysis result: the `shadowedRules` array plus notes and counts. */
export interface ShadowReport {
  shadowedRules: ShadowItem[];
  /** what the analysis could not resolve (unknown addrsets, FQDNs, ...) and how it treated it */
  notes: string[];
  summary: ShadowSummary;
}

/** Counts of a list of items. */
export function countKinds(items: readonly ShadowItem[]): { shadowed: number; redundant: number } {
  let shadowed = 0;
  for (const i of items) if (i.kind === 'shadowed') shadowed++;
  return { shadowed, redundant: items.length - shadowed };
}

/** Coverers to ids: first occurrence order, duplicates (exploded lines of one id) dropped. */
export function coverIds(cs: readonly Coverer[]): (number | string)[] {
  const seen = new Set<number | string>();
  const out: (number | string)[] = [];
  for (const c of cs) {
    if (seen.has(c.ruleId)) continue;
    seen.add(c.ruleId);
    out.push(c.ruleId);
  }
  return out;
}
