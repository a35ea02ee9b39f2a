/**
 * A `.dfw` policy set -> per-filter realized rulesets, as `vsipioctl getrules -f <filter>` and
 * `getaddrsets -f <filter>` would print them on the host, ready for `compileFilter`.
 *
 * - Applied-to decides which filters get a policy's rules at all (vsipioctl.md §4.7).
 * - Order: tier/category priority (Ethernet, Emergency, Infrastructure, Environment, Application,
 *   Default; nsx-policy-json.md "category order"), then policy priority, then file order, then the
 *   rule order in the block (vsipioctl.md §4.6 "within a category, policies and rules go top-down").
 * - `ethertype` rules go to the `_L2` ruleset, the rest to the L3 one; `at N` is the position the
 *   product numbers (§4.4), so a written `at` is a label and the realized one is recomputed.
 * - Excluded filters get no rulesets at all (the NSX exclusion list).
 * - Address sets: every `addrset NAME` a filter's rules use, with the group's resolved members;
 *   one with members dfwsim cannot know is left out, so the engine reports `unknown` for it.
 */
import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';
import type { AddrSet, RealizedRule, Ruleset } from '../model/rule.js';
import type { Policy } from '../model/policy.js';
import type { DfwFilter, DfwPolicyDocument, DfwRuleStatement } from '../parse/policy-visitor.js';
import { DfwScope, policyOfStatement, type FilterScope } from './dfw-scope.js';
import { addrsetNames, layoutOf, lineFromStatement, realizableAction, renumber, sectionFor } from './realized-line.js';
import { filterKey, type DfwInventoryFilter, type RealizedFilterRules } from './realized-filter.js';

/** The L3 ruleset name NSX-T 3 / 4 / 9 use (vsipioctl.md §4.8). */
export const NSXT_RULESET = 'mainrs';

export interface RealizeOptions {
  /**
   * L3 ruleset name for every filter (its L2 ruleset is `<name>_L2`). Default: the name the filter
   * has in the store (inventory `rulesetName`, e.g. `domain-c7`), else the one name all inventory
   * filters with rules share, else `mainrs` (NSX-T/4/9). The name also decides the layout
   * (sections, `at` numbering: vsipioctl.md §4.4).
   */
  rulesetName?: string;
}

/** Realized rules of a policy set, keyed by filter hash (else filter name), excluded filters left out. */
export interface RealizedPolicySet {
  filters: Map<string, RealizedFilterRules>;
  /** keys (hash, else name) of the filters on the exclusion list: they have no DFW at all */
  excluded: string[];
  /** what was decided, in plain words (`53210: 10 L3 + 1 L2 rule lines`, unknown addrsets) */
  notes: string[];
  /** the document's diagnostics and the realization's own (a `pass` rule has no realized form) */
  diagnostics: Diagnostic[];
}

/** A statement with the policy and order key it is realized under. */
export interface Placed {
  stmt: DfwRuleStatement;
  policy: Policy;
  scope: FilterScope;
}

/** One filter to realize: the document's declaration merged with what the inventory knows. */
interface Target {
  id: string | null;
  key: string;
  name: string;
  hash: string | null;
  host: string | null;
  vmName: string | null;
  rulesetName: string | null;
}

/**
 * Realizes `doc` for every filter it declares and every filter of `inventory` (the store's; use
 * `parsePolicyFilesWithInventory` so the files can name them).
 */
export function realizeDfwPolicySet(doc: DfwPolicyDocument, inventory: readonly DfwInventoryFilter[] = [], options: RealizeOptions = {}): RealizedPolicySet {
  const scope = new DfwScope(doc);
  const diagnostics: Diagnostic[] = [...doc.policySet.diagnostics];
  const notes: string[] = [];
  const placed = placeStatements(doc, scope, diagnostics);
  const excludedIds = new Set(doc.excluded);
  const excluded: string[] = [];
  const filters = new Map<string, RealizedFilterRules>();
  // A filter with no rules in the store (53209, the F5's eth0) is realized by the same NSX Manager
  // as its neighbours: it takes their ruleset name when they all share one.
  const names = new Set(inventory.flatMap((i) => (i.rulesetName === null ? [] : [i.rulesetName])));
  const sharedName = names.size === 1 ? [...names][0] : undefined;
  for (const t of targets(doc.filters, inventory)) {
    if (t.id !== null && excludedIds.has(t.id)) {
      excluded.push(t.key);
      notes.push(`${t.key}: on the exclusion list, no rules`);
      continue;
    }
    const l3 = options.rulesetName ?? t.rulesetName ?? sharedName ?? NSXT_RULESET;
    const mine = placed.filter((p) => p.scope === 'all' || (t.id !== null && p.scope.has(t.id)));
    const rulesets = buildRulesets(mine, l3);
    const addrsets = buildAddrsets(rulesets, scope, t.key, notes);
    notes.push(`${t.key}: ${rulesets.map((r) => `${r.rules.length} ${r.name}`).join(' + ')} rule lines, ${addrsets.length} addrsets`);
    filters.set(t.key, { name: t.name, hash: t.hash, host: t.host, vmName: t.vmName, rulesets, addrsets });
  }
  return { filters, excluded, notes, diagnostics };
}

/** Every realizable statement with its policy, in realization order. */
/**
 * The document's rule statements that realize (not Pass: getrules has no such action), in file
 * order, each with its policy and the filters its applied-to reaches.
 */
export function realizableStatements(doc: DfwPolicyDocument, scope: DfwScope, diagnostics: Diagnostic[]): Placed[] {
  const scopes = new Map<Policy, FilterScope>();
  const out: Placed[] = [];
  for (const stmt of doc.statements) {
    // a statement of a policy the parser dropped (duplicate name, unknown tier) is already reported
    const policy = policyOfStatement(doc.policySet.policies, stmt);
    if (policy === null) continue;
    if (realizableAction(stmt) === null) {
      diagnostics.push(passNotRealizable(stmt));
      continue;
    }
    let s = scopes.get(policy);
    if (s === undefined) scopes.set(policy, (s = scope.appliedTo(policy)));
    out.push({ stmt, policy, scope: s });
  }
  return out;
}

function placeStatements(doc: DfwPolicyDocument, scope: DfwScope, diagnostics: Diagnostic[]): Placed[] {
  const tierPriority = new Map(doc.policySet.tiers.map((t) => [t.name, t.priority]));
  const ordinal = new Map(doc.policySet.policies.map((p, i) => [p, i]));
  const out = realizableStatements(doc, scope, diagnostics);
  const key = (p: Placed): number[] => [tierPriority.get(p.policy.tier) ?? Number.MAX_SAFE_INTEGER, p.policy.priority, ordinal.get(p.policy) ?? 0, p.stmt.index];
  return out.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] as number) - (kb[i] as number);
    return 0;
  });
}

export function passNotRealizable(stmt: DfwRuleStatement): Diagnostic {
  return {
    code: DiagnosticCode.PolicyUnsupportedField,
    severity: 'error',
    span: stmt.span,
    message: `rule ${stmt.fields.ruleId}: 'pass' (jump to application) has no realized rule form; the rule is left out, so the realized rules are not faithful`,
    text: stmt.text,
  };
}

function buildRulesets(placed: readonly Placed[], l3: string): Ruleset[] {
  const layout = layoutOf(l3);
  const l2 = `${l3}_L2`;
  const lines = { L3: [] as RealizedRule[], L2: [] as RealizedRule[] };
  for (const { stmt, policy } of placed) {
    const layer = stmt.fields.ethertype !== null ? 'L2' : 'L3';
    const action = realizableAction(stmt);
    if (action === null) continue;
    lines[layer].push(lineFromStatement(stmt, action, layer === 'L2' ? l2 : l3, sectionFor(layout, layer, policy.tier)));
  }
  // sections in category order: a stable sort keeps the rule order inside each
  const sectionRank = (s: string | null): number => (s === 'PRE_FILTER rules' ? 0 : 1);
  const make = (name: string, layer: 'L2' | 'L3', rules: RealizedRule[]): Ruleset => {
    const ordered = renumber([...rules].sort((a, b) => sectionRank(a.section) - sectionRank(b.section)), name);
    const first = ordered[0];
    return {
      name,
      layer,
      generation: null,
      realizationTime: null,
      rules: ordered,
      span: first !== undefined ? { ...first.span, length: 0 } : { file: '', offset: -1, line: 0, column: 0, length: 0 },
    };
  };
  return [make(l3, 'L3', lines.L3), make(l2, 'L2', lines.L2)];
}

/** The addrsets a filter's rules use, in first-use order; unknown ones are left out and noted. */
function buildAddrsets(rulesets: readonly Ruleset[], scope: DfwScope, key: string, notes: string[]): AddrSet[] {
  const out: AddrSet[] = [];
  const seen = new Set<string>();
  for (const rs of rulesets) {
    for (const r of rs.rules) {
      for (const name of addrsetNames(r)) {
        if (seen.has(name)) continue;
        seen.add(name);
        const content = scope.addrset(name);
        if (content.kind === 'unknown') {
          notes.push(`${key}: addrset ${name} has unknown members (${content.reason}); rules using it evaluate to unknown`);
          continue;
        }
        out.push({ name, entries: content.entries, span: r.span });
      }
    }
  }
  return out;
}

/**
 * The filters to realize: the document's (matched to inventory entries by hash, else filter
 * name), then inventory filters the document does not declare.
 */
function targets(declared: readonly DfwFilter[], inventory: readonly DfwInventoryFilter[]): Target[] {
  const used = new Set<DfwInventoryFilter>();
  const out: Target[] = [];
  for (const f of declared) {
    const inv = inventory.find((i) => (f.hash !== null && i.hash === f.hash) || (f.filterName !== null && i.name === f.filterName) || i.name === f.id);
    if (inv !== undefined) used.add(inv);
    const name = f.filterName ?? inv?.name ?? f.id;
    const hash = f.hash ?? inv?.hash ?? null;
    out.push({ id: f.id, key: filterKey({ hash, name }), name, hash, host: inv?.host ?? null, vmName: f.vmName ?? inv?.vmName ?? null, rulesetName: inv?.rulesetName ?? null });
  }
  for (const i of inventory) {
    if (used.has(i) || out.some((t) => t.key === filterKey(i))) continue;
    out.push({ id: null, key: filterKey(i), name: i.name, hash: i.hash, host: i.host, vmName: i.vmName, rulesetName: i.rulesetName });
  }
  return out;
}
