import { readFileSync } from 'node:fs';
import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';
import { applyDfwChange, dfwInventory, parsePolicyFilesWithInventory, realizeDfwPolicySet, removeRule } from '../policy/index.js';
import type { PolicySource } from '../parse/policy-visitor.js';
import type { Db } from '../store/open.js';
import { listFilters } from '../store/realized-repo.js';
import { compileRealized, loadRealizedFilters, type RealizedFilter } from './realized.js';
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
      diagnostics.push({
        code: DiagnosticCode.InputUnreadable,
        severity: 'error',
        span: { file, offset: 0, line: 0, column: 0, length: 0 },
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      });
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
  const notes: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const unknownRules: string[] = [];
  const realized = loadRealizedFilters(db);
  const filters = compileRealized(realized);
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
  return { before, after: { filters: recompileChanged(after, realized, filters), excluded: [...excluded].sort() }, notes, diagnostics: unique, sources, unknownRules };
}
