/**
 * `dfwsim lint`: the static shadow / redundancy analysis over its two inputs, realized filters
 * in a store and policy files, as one ShadowReport (the audit uses the same functions).
 */
import { compilePolicySet } from '../engine/tiered/compile.js';
import type { ProductGeneration } from '../model/replay.js';
import type { Db } from '../store/open.js';
import type { Ruleset } from '../model/rule.js';
import { filterNamesWithRules, loadAddrsets, loadRulesets } from '../store/realized-repo.js';
import { loadPolicies, type LoadedPolicies } from './policy-eval.js';
import { shadowPolicySet } from './shadow-policy.js';
import { shadowRealized } from './shadow-realized.js';
import { countKinds, type ShadowItem, type ShadowReport } from './shadow.js';

/** Options of lintStore. */
export interface LintStoreOptions {
  /** only this filter (a name from resolveFilterName); default every filter with realized rules */
  filter?: string;
  generation?: ProductGeneration;
  maxPieces?: number;
}

/**
 * Every filter's realized rules, one filter at a time (its rules are loaded, analysed and
 * dropped before the next: memory holds one filter, not the store).
 */
export function lintStore(db: Db, opts: LintStoreOptions = {}): ShadowReport {
  const names = opts.filter !== undefined ? [opts.filter] : filterNamesWithRules(db);
  const items: ShadowItem[] = [];
  const notes: string[] = [];
  let rules = 0;
  let undetermined = 0;
  // NSX realizes one applied-to table on many vNICs: filters with the same rules and address
  // sets give the same findings, so each distinct content is analysed once (the findings are
  // then re-attributed to each filter, with its own capture line)
  const byContent = new Map<string, ReturnType<typeof shadowRealized>>();
  for (const name of names) {
    const rulesets = loadRulesets(db, name);
    if (rulesets.length === 0) continue;
    const addrsets = loadAddrsets(db, name);
    const key = JSON.stringify([opts.generation ?? null, opts.maxPieces ?? null, rulesets, addrsets], (k, v: unknown) => (k === 'span' ? undefined : v));
    let r = byContent.get(key);
    if (r === undefined) {
      r = shadowRealized(name, { rulesets, addrsets }, {
        ...(opts.generation !== undefined ? { generation: opts.generation } : {}),
        ...(opts.maxPieces !== undefined ? { maxPieces: opts.maxPieces } : {}),
      });
      byContent.set(key, r);
      items.push(...r.items);
    } else items.push(...r.items.map((it) => reattribute(it, name, rulesets)));
    notes.push(...r.notes.map((n) => `${name}: ${n}`));
    rules += r.rules;
    undetermined += r.undetermined;
  }
  return { shadowedRules: items, notes, summary: { units: names.length, rules, ...countKinds(items), undetermined } };
}

/** A finding of a filter with the same content, as this filter's: its name and its own capture line. */
function reattribute(it: ShadowItem, filter: string, rulesets: readonly Ruleset[]): ShadowItem {
  const rule = rulesets.find((rs) => rs.name === it.ruleset)?.rules.find((x) => x.position === it.position && x.ruleId === it.ruleId);
  const source = rule && rule.span.file !== '' ? `${rule.span.file}:${rule.span.line}` : it.source;
  return { ...it, filter, source };
}

/** lintPolicies' result: the report plus what loading said. */
export interface PolicyLint {
  report: ShadowReport;
  loaded: LoadedPolicies;
}

/**
 * Policy files (`.dfw`, or Antrea / K8s YAML with inventory files) loaded as `eval --policy`
 * loads them (policy-eval.ts loadPolicies), compiled by the tiered engine, then analysed.
 * Endpoints on a `.dfw` exclusion list are not policed and not analysed.
 */
export function lintPolicies(policyFiles: string[], inventoryFiles: string[], opts: { maxPieces?: number } = {}): PolicyLint {
  const loaded = loadPolicies(policyFiles, inventoryFiles);
  const compiled = compilePolicySet(loaded.policySet, loaded.inventory);
  const excluded = new Set(loaded.excluded.map((n) => compiled.endpointByKey.get(n)).filter((i): i is number => i !== undefined));
  const r = shadowPolicySet(compiled, { excluded, ...(opts.maxPieces !== undefined ? { maxPieces: opts.maxPieces } : {}) });
  return {
    report: { shadowedRules: r.items, notes: r.notes, summary: { units: 1, rules: r.rules, ...countKinds(r.items), undetermined: r.undetermined } },
    loaded,
  };
}
