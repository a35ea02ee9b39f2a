import { readFileSync } from 'node:fs';
import { unreadableFile, type Diagnostic } from '../model/diagnostics.js';
import { applyDfwChange, dfwInventory, parsePolicyFilesWithInventory, realizeDfwPolicySet, removeRule } from '../policy/index.js';
import type { PolicySource } from '../parse/policy-visitor.js';
import type { Db } from '../store/open.js';
import { listFilters } from '../store/realized-repo.js';
import { CompileCache } from '../engine/compile.js';
import { compileRealized, loadCompiledFilters, loadRealizedFilter, loadRealizedFilters, type LoadedFilter, type RealizedFilter } from './realized.js';
import { recompileChanged, type WhatifScenario } from './whatif.js';

/** The proposed change of a what-if, as the CLI flags give it. */
export interface WhatifRequest {
  /** filter hashes to put on the exclusion list */
  exclude: readonly string[];
  /** rules to remove: on one filter (hash) or on every filter (null) */
  removeRules: readonly { ruleId: number; filter: string | null }[];
  /** `.dfw` change files: their rules replace or add to the realized ones, their `exclude` lines add to the list */
  changeFiles: readonly string[];
  /** `.dfw` files forming a whole alternative policy set, realized per filter */
  policyFiles: readonly string[];
}

/** Both sides of a what-if, and what building them said. */
export interface WhatifScenarios {
  before: WhatifScenario;
  after: WhatifScenario;
  notes: string[];
  /** errors in the change or policy files (file:line:col); the what-if must not run with errors */
  diagnostics: Diagnostic[];
  /** file texts, for rendering the diagnostics with their source line */
  sources: Map<string, string>;
  /** `--remove-rule` ids that matched no realized line */
  unknownRules: string[];
}

function readSources(files: readonly string[], sources: Map<string, string>, diagnostics: Diagnostic[]): PolicySource[] {
  const out: PolicySource[] = [];
  for (const file of files) {
    try {
      const text = readFileSync(file, 'utf8');
      sources.set(file, text);
      out.push({ file, text });
    } catch (e) {
      diagnostics.push(unreadableFile(file, e));
    }
  }
  return out;
}

/**
 * Builds the current rule set (the store's realized rules) and the proposed one: a whole `.dfw`
 * policy set realized per filter (`policyFiles`), or the current rules with `.dfw` changes,
 * removed rules and exclusions applied, in that order. Filters the change does not touch keep
 * their compiled form.
 */
export function buildWhatifScenarios(db: Db, req: WhatifRequest): WhatifScenarios {
  const cache = new CompileCache();
  if (req.policyFiles.length === 0 && req.changeFiles.length === 0 && req.removeRules.every((r) => r.filter !== null)) return onFilters(db, req, cache);
  const notes: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const unknownRules: string[] = [];
  const realized = loadRealizedFilters(db);
  const filters = compileRealized(realized, cache);
  const before: WhatifScenario = { filters, excluded: [] };
  const inventory = dfwInventory(listFilters(db), realized);
  let after: Map<string, RealizedFilter> = realized;
  const excluded = new Set<string>();

  if (req.policyFiles.length > 0) {
    const doc = parsePolicyFilesWithInventory(readSources(req.policyFiles, sources, diagnostics), inventory);
    diagnostics.push(...doc.diagnostics);
    const set = realizeDfwPolicySet(doc.value, inventory);
    diagnostics.push(...set.diagnostics);
    notes.push(...set.notes, `proposed rules: ${req.policyFiles.join(', ')} realized per filter (${set.filters.size} filters)`);
    after = new Map(set.filters);
    for (const x of set.excluded) excluded.add(x);
  }
  if (req.changeFiles.length > 0) {
    const doc = parsePolicyFilesWithInventory(readSources(req.changeFiles, sources, diagnostics), inventory);
    diagnostics.push(...doc.diagnostics);
    const change = applyDfwChange(after, doc.value, inventory);
    diagnostics.push(...change.diagnostics);
    notes.push(...change.notes);
    after = change.filters;
    for (const x of change.excluded) excluded.add(x);
  }
  for (const r of req.removeRules) {
    const removal = removeRule(after, r.ruleId, r.filter ?? undefined);
    if (removal.removed === 0) {
      unknownRules.push(`${r.ruleId}${r.filter !== null ? ` on filter ${r.filter}` : ''}`);
      continue;
    }
    notes.push(...removal.notes);
    after = removal.filters;
  }
  for (const x of req.exclude) excluded.add(x);
  if (excluded.size > 0) notes.push(`exclusion list: ${[...excluded].sort().join(', ')}`);
  // the realize / change steps pass the parse diagnostics on with their own: report each once
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const k = `${d.span.file}:${d.span.line}:${d.span.column}:${d.code}:${d.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  return { before, after: { filters: recompileChanged(after, realized, filters, cache), excluded: [...excluded].sort() }, notes, diagnostics: unique, sources, unknownRules };
}

/**
 * The same for a change that names its filters (exclusions, rules removed on one filter): only
 * the compiled rules are held, and the uncompiled rules of the filters the change edits are
 * read from the store when needed. Gives what the general path gives for such a request.
 */
function onFilters(db: Db, req: WhatifRequest, cache: CompileCache): WhatifScenarios {
  const notes: string[] = [];
  const unknownRules: string[] = [];
  const filters = loadCompiledFilters(db, cache);
  const edited = new Map<string, RealizedFilter>();
  for (const r of req.removeRules) {
    const key = r.filter as string;
    const current = edited.get(key) ?? (filters.has(key) ? loadRealizedFilter(db, key) : undefined);
    const removal = removeRule(current === undefined ? new Map() : new Map([[key, current]]), r.ruleId, key);
    if (removal.removed === 0) {
      unknownRules.push(`${r.ruleId} on filter ${key}`);
      continue;
    }
    notes.push(...removal.notes);
    edited.set(key, removal.filters.get(key) as RealizedFilter);
  }
  const changed = compileRealized(edited, cache);
  const after = new Map<string, LoadedFilter>();
  for (const [k, f] of filters) after.set(k, changed.get(k) ?? f);
  const excluded = [...new Set(req.exclude)].sort();
  if (excluded.length > 0) notes.push(`exclusion list: ${excluded.join(', ')}`);
  return { before: { filters, excluded: [] }, after: { filters: after, excluded }, notes, diagnostics: [], sources: new Map(), unknownRules };
}
