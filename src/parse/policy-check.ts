/**
 * `dfwsim policy check FILE...`: read `.dfw` files, parse them as one policy set, render every
 * diagnostic the one way (src/report/diagnostics.ts). The CLI handler only prints `output` and exits
 * with `exitCode`.
 */
import { readFileSync } from 'node:fs';
import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';
import { renderDiagnostics } from '../report/diagnostics.js';
import { parsePolicyFiles, type DfwPolicyDocument, type PolicySource } from './policy-visitor.js';

/** What `checkPolicyFiles` returns. */
export interface PolicyCheckResult {
  /** rendered diagnostics (empty when the files are clean), or a one-line summary when clean */
  output: string;
  /** 0 = no errors (warnings allowed); 2 = at least one error diagnostic or unreadable file */
  exitCode: 0 | 2;
  /** the policy set of all files together (null when no file could be read) */
  document: DfwPolicyDocument | null;
  diagnostics: Diagnostic[];
}

/**
 * Checks `.dfw` files together (declarations are shared across them, so an overlay such as
 * rules/f5-exclude.dfw is checked with its base). Paths appear in messages as given.
 */
export function checkPolicyFiles(paths: readonly string[]): PolicyCheckResult {
  const sources: PolicySource[] = [];
  const unreadable: Diagnostic[] = [];
  for (const file of paths) {
    try {
      sources.push({ file, text: readFileSync(file, 'utf8') });
    } catch (e) {
      const reason = e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : 'unreadable';
      unreadable.push({
        code: DiagnosticCode.InputUnreadable,
        severity: 'error',
        span: { file, offset: 0, line: 1, column: 1, length: 0 },
        message: `cannot read the file (${reason})`,
      });
    }
  }
  const parsed = sources.length > 0 ? parsePolicyFiles(sources) : null;
  const diagnostics = [...unreadable, ...(parsed?.diagnostics ?? [])];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  let output = renderDiagnostics(diagnostics, new Map(sources.map((s) => [s.file, s.text])));
  if (parsed !== null && errors === 0) output += summary(parsed.value, diagnostics.length);
  return { output, exitCode: errors > 0 ? 2 : 0, document: parsed?.value ?? null, diagnostics };
}

/** `ok: 9 policies, 20 rules, 6 groups, 3 filters, 0 excluded (nsx categories), 0 warnings`. */
function summary(doc: DfwPolicyDocument, warnings: number): string {
  const s = doc.policySet;
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  return `ok: ${n(s.policies.length, 'policy').replace('policys', 'policies')}, ${n(doc.statements.length, 'rule')}, ${n(s.groups.length, 'group')}, ` +
    `${n(doc.filters.length, 'filter')}, ${doc.excluded.length} excluded (${doc.family === 'nsx' ? 'NSX categories' : 'Antrea tiers'}), ${n(warnings, 'warning')}\n`;
}
