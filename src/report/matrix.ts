import { readFileSync } from 'node:fs';
import { unreadableFile } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { hasErrors, runScenario } from '../analysis/matrix.js';
import type { MatrixResult } from '../analysis/matrix.js';
import { renderDiagnostics } from './diagnostics.js';
import { renderCsv, renderJson } from './tabular.js';

/**
 * Renderers for reachability matrices (`table` like Antrea's e2e reachability output, `json`,
 * `csv`) and the `matrix` command body the CLI wires up.
 */

/** Output formats of the matrix command. */
export type MatrixFormat = 'table' | 'json' | 'csv';

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/**
 * Grid of Con/Drp/Rej, rows = sources, columns = destinations. A cell that differs from the
 * expectation shows the actual mark with `*`; a documented disagreement shows `~`. Mismatch
 * details follow the grid.
 */
export function renderMatrixTable(r: MatrixResult): string {
  const head = `${r.case} / ${r.step} / ${r.probe}`;
  if (r.kind === 'single') {
    const ok = r.mismatches.length === 0 ? 'ok' : 'MISMATCH';
    return `${head}: ${r.from} -> ${r.to} expected ${String(r.expected)} actual ${r.actual ?? '?'} ${ok}\n  ${r.walkthrough ?? ''}\n`;
  }
  const m = r.matrix;
  if (!m) return `${head}: no matrix\n`;
  const bad = new Set(r.mismatches.filter((x) => (x.view ?? 'matrix') === 'matrix').map((x) => `${x.from}\u0000${x.to}`));
  const known = new Set(r.knownDisagreements.filter((x) => (x.view ?? 'matrix') === 'matrix').map((x) => `${x.from}\u0000${x.to}`));
  const rows = Object.keys(m.rows);
  const w0 = Math.max(1, ...rows.map((x) => x.length));
  const wc = Math.max(4, ...m.columns.map((x) => x.length));
  let out = `${head}\n${pad('-', w0)}  ${m.columns.map((c) => pad(c, wc)).join(' ')}\n`;
  for (const row of rows) {
    const cells = (m.rows[row] ?? []).map((v, j) => {
      const key = `${row}\u0000${m.columns[j] ?? ''}`;
      return pad(bad.has(key) ? `${v}*` : known.has(key) ? `${v}~` : v, wc);
    });
    out += `${pad(row, w0)}  ${cells.join(' ')}\n`;
  }
  for (const x of r.mismatches) {
    out += `  X ${x.view && x.view !== 'matrix' ? `[${x.view}] ` : ''}${x.from} -> ${x.to}: expected ${x.expected}, actual ${x.actual}\n`;
  }
  for (const x of r.knownDisagreements) {
    out += `  ~ ${x.view && x.view !== 'matrix' ? `[${x.view}] ` : ''}${x.from} -> ${x.to}: scenario says ${x.expected}, Antrea ${x.actual} (${x.reason})\n`;
  }
  for (const n of r.notes) out += `  note: ${n}\n`;
  out += `  ${r.mismatches.length === 0 ? 'ok' : `${r.mismatches.length} mismatch(es)`}\n`;
  return out;
}

/** One CSV / flat row per compared cell. */
interface FlatRow {
  case: string;
  step: string;
  probe: string;
  view: string;
  from: string;
  to: string;
  expected: string;
  actual: string;
  match: string;
}

function flatten(r: MatrixResult): FlatRow[] {
  const base = { case: r.case, step: r.step, probe: r.probe };
  if (r.kind === 'single') {
    return [{ ...base, view: 'single', from: r.from ?? '', to: r.to ?? '', expected: String(r.expected ?? ''), actual: r.actual ?? '', match: r.mismatches.length === 0 ? 'yes' : 'no' }];
  }
  const out: FlatRow[] = [];
  const m = r.matrix;
  if (!m) return out;
  const exp = r.expected && typeof r.expected === 'object' ? r.expected : null;
  const known = new Set(r.knownDisagreements.filter((x) => (x.view ?? 'matrix') === 'matrix').map((x) => `${x.from}\u0000${x.to}`));
  for (const [from, marks] of Object.entries(m.rows)) {
    marks.forEach((actual, j) => {
      const to = m.columns[j] ?? '';
      const e = exp?.rows[from]?.[exp.columns.indexOf(to)];
      const match = e === undefined ? '' : e === actual ? 'yes' : known.has(`${from}\u0000${to}`) ? 'known-disagreement' : 'no';
      out.push({ ...base, view: 'matrix', from, to, expected: e ?? '', actual, match });
    });
  }
  return out;
}

const CSV_COLUMNS: Array<{ header: string; get: (r: FlatRow) => unknown }> = (
  ['case', 'step', 'probe', 'view', 'from', 'to', 'expected', 'actual', 'match'] as const
).map((k) => ({ header: k, get: (r: FlatRow) => r[k] }));

/** Render results in a format. */
export function renderMatrixResults(results: MatrixResult[], format: MatrixFormat): string {
  switch (format) {
    case 'json':
      return renderJson(results);
    case 'csv':
      return renderCsv(results.flatMap(flatten), CSV_COLUMNS);
    case 'table':
      return results.map(renderMatrixTable).join('\n');
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

/**
 * `dfwsim matrix FILE... [--check] [--format table|json|csv]`: run scenario files and print
 * their matrices. Exit 2 when an input is unreadable or invalid (diagnostics with
 * file:line:col first), 1 with `check` when any cell or probe differs from the expectation,
 * else 0. Documented disagreements (self-traffic in cyclonus cases) are not mismatches.
 */
export function matrixCommand(files: string[], opts: { check: boolean; format: MatrixFormat }): { output: string; errors: string; exitCode: 0 | 1 | 2 } {
  const all: MatrixResult[] = [];
  const diags: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      diags.push(unreadableFile(file, e));
      continue;
    }
    sources.set(file, text);
    const r = runScenario(text, file);
    all.push(...r.value);
    diags.push(...r.diagnostics);
  }
  const shown = diags.filter((d) => d.severity !== 'info');
  const diagText = shown.length > 0 ? renderDiagnostics(shown, sources) : '';
  if (hasErrors(diags)) return { output: '', errors: diagText, exitCode: 2 };
  const body = renderMatrixResults(all, opts.format);
  const mismatches = all.reduce((n, r) => n + r.mismatches.length, 0);
  const summary =
    opts.format === 'table'
      ? `\n${all.length} probe result(s), ${mismatches} mismatch(es), ${all.reduce((n, r) => n + r.knownDisagreements.length, 0)} documented disagreement(s)\n`
      : '';
  // warnings go to stderr so that JSON/CSV on stdout stay machine-readable
  return { output: body + summary, errors: diagText, exitCode: opts.check && mismatches > 0 ? 1 : 0 };
}
