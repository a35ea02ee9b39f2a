import type { Db } from '../store/open.js';
import type { AnalyticsEngine } from '../store/analytics.js';
import { streamRuleLines } from '../store/audit-repo.js';
import { filterNamesWithRules, listFilters } from '../store/realized-repo.js';

/**
 * Rules never hit in the logs, and rule counts per filter against the platform limit.
 *
 * Only logged rules can be counted: dfwpktlog carries a record only for rules with logging on
 * (`with log` in getrules, NSX "Log" toggle; dfwpktlog.md), so a rule without it has no hits in
 * any log whatever traffic it matched. Those are listed apart (`not-logged`), never as unused.
 * Internal rules (`# internal #`, the host's own DHCP/ND defaults) are left out: nobody can
 * remove them. A filter that logged nothing at all in the store is not counted either: its
 * logs are most likely simply not in the bundle.
 */

export type UsageStatus = 'unused' | 'not-logged';

export interface UnusedRule {
  filter: string;
  name: string;
  vm: string | null;
  host: string | null;
  ruleset: string;
  ruleId: number;
  /** position of the rule's first line in its ruleset (getrules `rule N at P`) */
  position: number;
  action: string;
  tag: string | null;
  logged: boolean;
  status: UsageStatus;
}

/** One realized rule of a filter (its first line) with its logged hits: the audit's rule index. */
export interface RuleHitCount {
  filter: string;
  name: string;
  ruleset: string;
  ruleId: number;
  position: number;
  action: string;
  tag: string | null;
  logged: boolean;
  internal: boolean;
  /** packet records logged by this rule on this filter; null when the filter logged nothing */
  hits: number | null;
}

export interface RuleCount {
  filter: string;
  name: string;
  vm: string | null;
  host: string | null;
  /** distinct rule ids */
  rules: number;
  /** realized rule lines (one id can expand to several lines); what counts against the limit */
  lines: number;
  limit: number;
  over: boolean;
}

export interface HostRuleCount {
  host: string | null;
  lines: number;
  limit: number;
  over: boolean;
}

export interface RuleUsage {
  rules: RuleHitCount[];
  unused: UnusedRule[];
  /** filters with realized rules but no event in the store: their rules are not counted */
  silentFilters: string[];
  counts: RuleCount[];
  hosts: HostRuleCount[];
  /** rules with logging on, of filters that logged something (what `unused` could be judged on) */
  countedRules: number;
}

/**
 * Configuration maximums of NSX 3.2.x / 4.x (Broadcom KB 371437, "DFW Rules Limit Per Host
 * Exceeded"): 4,000 rules per vNIC, 120,000 across the vNICs of one host. Older releases differ
 * (check configmax.broadcom.com for yours): both are options of the audit.
 */
export const DEFAULT_RULE_LIMITS = { perFilter: 4000, perHost: 120_000 } as const;

interface FilterAcc {
  filter: string;
  name: string;
  vm: string | null;
  host: string | null;
  ids: Set<number>;
  lines: number;
}

/** The hash (the key events use) of every filter with realized rules, or its name when no getfilters gave one. */
function listRuleFilterHashes(db: Db, byName: ReadonlyMap<string, { hash: string | null }>): string[] {
  return filterNamesWithRules(db).map((n) => byName.get(n)?.hash ?? n);
}

/** Rule hits from the engine's events, rules from the store (`db`). */
export async function ruleUsage(engine: AnalyticsEngine, db: Db, limits: { perFilter: number; perHost: number } = DEFAULT_RULE_LIMITS): Promise<RuleUsage> {
  const byName = new Map(listFilters(db).map((f) => [f.name, f]));
  // packet records per rule id, only on the filters that have realized rules
  const withRules = [...new Set(listRuleFilterHashes(db, byName))];
  const counted0 = await engine.ruleHitsOn(withRules);
  const hits = new Map<string, Map<number, number>>();
  const logging = new Set(counted0.logging);
  for (const h of counted0.hits) {
    let m = hits.get(h.filterHash);
    if (!m) hits.set(h.filterHash, (m = new Map()));
    m.set(h.ruleId, h.events);
  }
  const rules: RuleHitCount[] = [];
  const unused: UnusedRule[] = [];
  const silent = new Set<string>();
  const accs = new Map<string, FilterAcc>();
  let counted = 0;
  for (const r of streamRuleLines(db)) {
    const f = byName.get(r.filterName);
    const key = f?.hash ?? r.filterName;
    let acc = accs.get(r.filterName);
    if (!acc) accs.set(r.filterName, (acc = { filter: key, name: r.filterName, vm: f?.vmName ?? null, host: f?.host ?? null, ids: new Set(), lines: 0 }));
    acc.lines++;
    const first = !acc.ids.has(r.ruleId);
    acc.ids.add(r.ruleId);
    if (!first) continue;
    const h = logging.has(key) ? (hits.get(key) ?? new Map<number, number>()) : undefined;
    rules.push({ filter: key, name: r.filterName, ruleset: r.ruleset, ruleId: r.ruleId, position: r.position, action: r.action, tag: r.tag, logged: r.log, internal: r.internal, hits: h === undefined ? null : (h.get(r.ruleId) ?? 0) });
    if (r.internal) continue;
    if (h === undefined) {
      silent.add(key);
      continue;
    }
    if (r.log) counted++;
    if (h.has(r.ruleId)) continue;
    unused.push({
      filter: key, name: r.filterName, vm: acc.vm, host: acc.host, ruleset: r.ruleset, ruleId: r.ruleId, position: r.position,
      action: r.action, tag: r.tag, logged: r.log, status: r.log ? 'unused' : 'not-logged',
    });
  }
  const counts = [...accs.values()].map((a) => ({
    filter: a.filter, name: a.name, vm: a.vm, host: a.host, rules: a.ids.size, lines: a.lines, limit: limits.perFilter, over: a.lines > limits.perFilter,
  }));
  const perHost = new Map<string | null, number>();
  for (const c of counts) perHost.set(c.host, (perHost.get(c.host) ?? 0) + c.lines);
  return {
    rules,
    unused,
    silentFilters: [...silent].sort(),
    counts: counts.sort((a, b) => b.lines - a.lines || a.name.localeCompare(b.name)),
    hosts: [...perHost].map(([host, lines]) => ({ host, lines, limit: limits.perHost, over: lines > limits.perHost })).sort((a, b) => b.lines - a.lines),
    countedRules: counted,
  };
}
