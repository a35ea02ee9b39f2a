/**
 * What-if edits of realized rules (issue 8, `whatif --change FILE` / `--remove-rule`): a `.dfw`
 * change file applied to the per-filter rulesets loaded from the store. The semantics are
 * documented in rules/README.md, "Change files for whatif":
 *
 * - `exclude X` puts X's filters on the exclusion list (no rules at all);
 * - a rule whose id a filter already has replaces every line with that id there, in place;
 * - a rule with a new id is inserted at its `at N` position, else just before the defaults;
 * - a policy's applied-to limits the filters touched (default: every filter);
 * - groups of the change file become / replace the addrsets of that name.
 *
 * `current` is never modified: changed filters get new ruleset arrays and rule objects.
 */
import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';
import type { Policy } from '../model/policy.js';
import type { AddrSet, RealizedRule, Ruleset } from '../model/rule.js';
import type { SourceSpan } from '../model/source-span.js';
import type { DfwPolicyDocument, DfwRuleStatement } from '../parse/policy-visitor.js';
import { NSXT_RULESET, realizableStatements } from './dfw-realized.js';
import { DfwScope, type FilterScope } from './dfw-scope.js';
import { addrsetNames, defaultsStart, layoutOf, lineFromStatement, realizableAction, renumber, sectionFor } from './realized-line.js';
import type { DfwInventoryFilter, RealizedFilterRules } from './realized-filter.js';

/** The realized rules after a change. */
export interface RealizedChange {
  /** every filter of `current` that is not excluded, changed or not, by the same keys */
  filters: Map<string, RealizedFilterRules>;
  /** keys (hash, else name) of the filters on the exclusion list */
  excluded: string[];
  /** what the change did, one line each (`53210: rule 1026 replaced in domain-c7 at 5 (1 line -> 1)`) */
  notes: string[];
  /** the change file's diagnostics (unknown names with file:line:col) and the change's own */
  diagnostics: Diagnostic[];
}

interface ChangeRule {
  stmt: DfwRuleStatement;
  policy: Policy;
  scope: FilterScope;
}

/**
 * Applies a parsed change file (parse it with `parsePolicyFilesWithInventory` so it can name the
 * store's filters) to `current` (hash -> realized rules, as `loadRealizedFilters` gives).
 * `inventory` maps a filter the change declares by name only to its hash.
 */
export function applyDfwChange(
  current: ReadonlyMap<string, RealizedFilterRules>,
  change: DfwPolicyDocument,
  inventory: readonly DfwInventoryFilter[] = [],
): RealizedChange {
  const scope = new DfwScope(change);
  const notes: string[] = [];
  const diagnostics = changeDiagnostics(change, current, scope);
  const keyOfId = docFilterKeys(change, current, inventory);

  const excluded: string[] = [];
  for (const ex of change.exclusions) {
    for (const id of ex.filters) {
      const key = keyOfId.get(id);
      if (key === undefined || excluded.includes(key)) continue;
      excluded.push(key);
      notes.push(`${key}: excluded (exclude ${ex.ref} at ${where(ex.span)})`);
    }
  }

  const rules = changeRules(change, scope, diagnostics);
  reportUntouchable(rules, keyOfId, current, excluded, notes);
  const idOfKey = new Map([...keyOfId].map(([id, key]) => [key, id]));
  const filters = new Map<string, RealizedFilterRules>();
  for (const [key, rf] of current) {
    if (excluded.includes(key)) continue;
    const id = idOfKey.get(key);
    const mine = rules.filter((r) => r.scope === 'all' || (id !== undefined && r.scope.has(id)));
    const rulesets = mine.length > 0 ? editRulesets(rf, mine, key, notes) : rf.rulesets;
    const addrsets = editAddrsets(rf, rulesets, mine.length > 0, change, scope, key, notes);
    filters.set(key, rulesets === rf.rulesets && addrsets === rf.addrsets ? rf : { ...rf, rulesets, addrsets });
  }
  return { filters, excluded, notes, diagnostics };
}

/** The result of {@link removeRule}. */
export interface RuleRemoval {
  filters: Map<string, RealizedFilterRules>;
  /** number of rule lines removed over all filters (0: the id is on none of them) */
  removed: number;
  notes: string[];
}

/**
 * `whatif --remove-rule ID [--filter F]`: every line with that rule id goes, on one filter (its
 * key: hash, else name) or on all; positions are renumbered the way the product numbers them.
 */
export function removeRule(current: ReadonlyMap<string, RealizedFilterRules>, ruleId: number, filterKey?: string): RuleRemoval {
  const filters = new Map<string, RealizedFilterRules>();
  const notes: string[] = [];
  let removed = 0;
  for (const [key, rf] of current) {
    const has = rf.rulesets.some((rs) => rs.rules.some((r) => r.ruleId === ruleId));
    if ((filterKey !== undefined && key !== filterKey) || !has) {
      filters.set(key, rf);
      continue;
    }
    const rulesets = rf.rulesets.map((rs) => {
      const kept = rs.rules.filter((r) => r.ruleId !== ruleId);
      if (kept.length === rs.rules.length) return rs;
      removed += rs.rules.length - kept.length;
      notes.push(`${key}: rule ${ruleId} removed from ${rs.name} (${rs.rules.length - kept.length} line${rs.rules.length - kept.length === 1 ? '' : 's'})`);
      return { ...rs, rules: renumber(kept, rs.name) };
    });
    filters.set(key, { ...rf, rulesets });
  }
  if (removed === 0) notes.push(`rule ${ruleId} is on ${filterKey === undefined ? 'no filter' : `no ruleset of filter ${filterKey}`}: nothing removed`);
  return { filters, removed, notes };
}

// ---------------------------------------------------------------------------------------------

/** The change's realizable rule statements, in file order, with their policy's filters. */
function changeRules(change: DfwPolicyDocument, scope: DfwScope, diagnostics: Diagnostic[]): ChangeRule[] {
  return realizableStatements(change, scope, diagnostics);
}

/** Document filter id -> the key its realized rules have in `current` (else its hash, else its name). */
function docFilterKeys(change: DfwPolicyDocument, current: ReadonlyMap<string, RealizedFilterRules>, inventory: readonly DfwInventoryFilter[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of change.filters) {
    const inv = inventory.find((i) => (f.hash !== null && i.hash === f.hash) || (f.filterName !== null && i.name === f.filterName) || i.name === f.id);
    const hash = f.hash ?? inv?.hash ?? null;
    const name = f.filterName ?? inv?.name ?? null;
    let key: string | undefined;
    if (hash !== null && current.has(hash)) key = hash;
    else {
      for (const [k, rf] of current) {
        if ((hash !== null && rf.hash === hash) || (name !== null && rf.name === name)) {
          key = k;
          break;
        }
      }
    }
    out.set(f.id, key ?? hash ?? name ?? f.id);
  }
  return out;
}

/** A rule applied to filters that have no realized rules in the store cannot change anything there: say so. */
function reportUntouchable(rules: readonly ChangeRule[], keyOfId: ReadonlyMap<string, string>, current: ReadonlyMap<string, RealizedFilterRules>, excluded: readonly string[], notes: string[]): void {
  const said = new Set<string>();
  for (const r of rules) {
    if (r.scope === 'all') continue;
    if (r.scope.size === 0) {
      const k = `none:${r.policy.name}`;
      if (!said.has(k)) notes.push(`policy ${r.policy.name} (${where(r.policy.span)}) applies to no filter: its rules change nothing`);
      said.add(k);
      continue;
    }
    for (const id of r.scope) {
      const key = keyOfId.get(id) ?? id;
      if (current.has(key) || excluded.includes(key) || said.has(key)) continue;
      said.add(key);
      notes.push(`${key}: has no realized rules in the store; policy ${r.policy.name} changes nothing there`);
    }
  }
}

/** The filter's rulesets with the change's rules replacing or inserted, renumbered. */
function editRulesets(rf: RealizedFilterRules, rules: readonly ChangeRule[], key: string, notes: string[]): Ruleset[] {
  const sets: Ruleset[] = rf.rulesets.map((rs) => ({ ...rs, rules: [...rs.rules] }));
  const byId = new Map<number, ChangeRule[]>();
  for (const r of rules) {
    const list = byId.get(r.stmt.fields.ruleId);
    if (list === undefined) byId.set(r.stmt.fields.ruleId, [r]);
    else list.push(r);
  }
  for (const [ruleId, group] of byId) {
    const home = sets.find((rs) => rs.rules.some((r) => r.ruleId === ruleId));
    const anchor = home?.rules.findIndex((r) => r.ruleId === ruleId) ?? -1;
    const homeSection = home?.rules[anchor]?.section ?? null;
    const oldLines = sets.reduce((n, rs) => n + rs.rules.filter((r) => r.ruleId === ruleId).length, 0);
    for (const rs of sets) rs.rules = rs.rules.filter((r) => r.ruleId !== ruleId);
    for (const layer of ['L3', 'L2'] as const) {
      const mine = group.filter((g) => (g.stmt.fields.ethertype !== null ? 'L2' : 'L3') === layer);
      const first = mine[0];
      if (first === undefined) continue;
      if (home !== undefined && home.layer === layer) {
        // in place: where the first old line was, under its section
        home.rules.splice(anchor, 0, ...lines(mine, home.name, homeSection));
        notes.push(`${key}: rule ${ruleId} replaced in ${home.name} at ${anchor + 1} (${oldLines} line${oldLines === 1 ? '' : 's'} -> ${mine.length})`);
        continue;
      }
      const rs = rulesetFor(sets, layer);
      const { index, section } = insertionPoint(rs, first);
      rs.rules.splice(index, 0, ...lines(mine, rs.name, section));
      const how = first.stmt.fields.position !== null ? `at ${first.stmt.fields.position}` : 'before the default rules';
      notes.push(`${key}: rule ${ruleId} ${home === undefined ? 'added' : 'moved'} to ${rs.name} ${how} (line ${index + 1})`);
    }
  }
  return sets.map((rs) => ({ ...rs, rules: renumber(rs.rules, rs.name) }));
}

function lines(group: readonly ChangeRule[], ruleset: string, section: string | null): RealizedRule[] {
  return group.flatMap(({ stmt, policy }) => {
    const action = realizableAction(stmt);
    if (action === null) return [];
    const layer = stmt.fields.ethertype !== null ? 'L2' : 'L3';
    return [lineFromStatement(stmt, action, ruleset, section ?? sectionFor(layoutOf(ruleset), layer, policy.tier))];
  });
}

/** The filter's ruleset of one layer, created (empty, named after its L3 ruleset) when it has none. */
function rulesetFor(sets: Ruleset[], layer: 'L2' | 'L3'): Ruleset {
  const found = sets.find((rs) => rs.layer === layer);
  if (found !== undefined) return found;
  const l3 = sets.find((rs) => rs.layer === 'L3')?.name ?? sets.find((rs) => rs.layer === 'L2')?.name.replace(/_L2$/, '') ?? NSXT_RULESET;
  const rs: Ruleset = { name: layer === 'L2' ? `${l3}_L2` : l3, layer, generation: null, realizationTime: null, rules: [], span: { file: '', offset: -1, line: 0, column: 0, length: 0 } };
  sets.push(rs);
  return rs;
}

/**
 * Where a new rule goes. With `at N`: before the first line of its section whose position is N or
 * more (so it takes position N); the section is the one its category is realized under when the
 * ruleset has it, else the last one. Without: just before the default rules of the last section.
 */
function insertionPoint(rs: Ruleset, rule: ChangeRule): { index: number; section: string | null } {
  const layer = rs.layer;
  const layout = layoutOf(rs.name);
  const at = rule.stmt.fields.position;
  const lastSection = rs.rules[rs.rules.length - 1]?.section ?? null;
  if (at === null) {
    const index = defaultsStart(rs.rules);
    return { index, section: rs.rules[index]?.section ?? lastSection };
  }
  const wanted = sectionFor(layout, layer, rule.policy.tier);
  const section = layout === 'nsxv' || !rs.rules.some((r) => r.section === wanted) ? lastSection : wanted;
  const inSection = rs.rules.map((r, i) => ({ r, i })).filter(({ r }) => layout === 'nsxv' || r.section === section);
  const before = inSection.find(({ r }) => r.position >= at);
  const index = before?.i ?? (inSection.length > 0 ? (inSection[inSection.length - 1] as { i: number }).i + 1 : rs.rules.length);
  return { index, section };
}

/**
 * The filter's addrsets after the change: a group the change declares replaces the addrset of
 * that name wherever one exists, and is added where the changed rules use it; other names the
 * changed rules use come from the filter's own addrsets, else from a filter / VM / hash the change
 * names. A name that resolves to nothing stays out (the engine reports `unknown`), noted.
 */
function editAddrsets(rf: RealizedFilterRules, rulesets: readonly Ruleset[], touched: boolean, change: DfwPolicyDocument, scope: DfwScope, key: string, notes: string[]): AddrSet[] {
  const used = new Set(rulesets.flatMap((rs) => rs.rules.flatMap((r) => addrsetNames(r))));
  let out: AddrSet[] | null = null;
  const edit = (): AddrSet[] => (out ??= [...rf.addrsets]);
  for (const g of change.policySet.groups) {
    const has = rf.addrsets.some((a) => a.name === g.name);
    if (!has && !(touched && used.has(g.name))) continue;
    const content = scope.addrset(g.name);
    const list = edit().filter((a) => a.name !== g.name);
    if (content.kind === 'known') list.push({ name: g.name, entries: content.entries, span: g.span });
    else notes.push(`${key}: addrset ${g.name} has unknown members (${content.reason}); rules using it evaluate to unknown`);
    out = list;
    if (content.kind === 'known') notes.push(`${key}: addrset ${g.name} ${has ? 'replaced' : 'added'} from group ${g.name} (${where(g.span)})`);
  }
  if (touched) {
    for (const name of used) {
      if (scope.isGroup(name) || rf.addrsets.some((a) => a.name === name)) continue;
      const content = scope.addrset(name);
      if (content.kind === 'known') {
        edit().push({ name, entries: content.entries, span: rf.rulesets[0]?.span ?? { file: '', offset: -1, line: 0, column: 0, length: 0 } });
        notes.push(`${key}: addrset ${name} added from the change's filter / VM '${name}'`);
      } else notes.push(`${key}: addrset ${name} is not on this filter and the change does not declare it; rules using it evaluate to unknown`);
    }
  }
  return out ?? rf.addrsets;
}

/**
 * The change file's diagnostics, less the unknown-addrset errors of names the store's filters
 * already have (a change file may use `addrset ip-securitygroup-32` without redeclaring it).
 */
function changeDiagnostics(change: DfwPolicyDocument, current: ReadonlyMap<string, RealizedFilterRules>, scope: DfwScope): Diagnostic[] {
  const stored = new Set<string>();
  for (const rf of current.values()) for (const a of rf.addrsets) stored.add(a.name);
  return change.policySet.diagnostics.filter((d) => {
    if (d.code !== DiagnosticCode.RulesUnknownAddrset) return true;
    const stmt = change.statements.find((s) => contains(s.span, d.span));
    if (stmt === undefined) return true;
    const unresolved = addrsetNames(stmt.fields).filter((n) => scope.addrset(n).kind === 'unknown' && !scope.isGroup(n));
    return unresolved.length === 0 || !unresolved.every((n) => stored.has(n));
  });
}

function contains(outer: SourceSpan, inner: SourceSpan): boolean {
  return outer.file === inner.file && inner.offset >= outer.offset && inner.offset < outer.offset + outer.length;
}

function where(span: SourceSpan): string {
  return `${span.file}:${span.line}:${span.column}`;
}
