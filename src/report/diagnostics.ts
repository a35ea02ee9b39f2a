import type { Diagnostic } from '../model/diagnostics.js';

/**
 * Renders diagnostics the one way dfwsim shows them:
 *
 *     rules/bad.dfw:3:17  error  parse/mismatched-token  expected 'to' after the source endpoint, found 'port'
 *       rule 10 at 1 inout protocol tcp from any port 22 accept;
 *                       ^^^^
 *
 * `sources` maps a file to its text so the offending line can be shown with a caret under the
 * span; without it only the first line is printed. Output is sorted by file, line, column.
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string> = new Map()): string {
  const sorted = [...diagnostics].sort(
    (a, b) => a.span.file.localeCompare(b.span.file) || a.span.line - b.span.line || a.span.column - b.span.column,
  );
  const lineCache = new Map<string, string[]>();
  let out = '';
  for (const d of sorted) {
    out += `${d.span.file}:${d.span.line}:${d.span.column}  ${d.severity}  ${d.code}  ${d.message}\n`;
    const text = sources.get(d.span.file);
    if (text === undefined) continue;
    let lines = lineCache.get(d.span.file);
    if (!lines) {
      lines = text.split(/\r?\n/);
      lineCache.set(d.span.file, lines);
    }
    const src = lines[d.span.line - 1];
    if (src === undefined) continue;
    const col = Math.max(1, d.span.column);
    const width = Math.max(1, Math.min(d.span.length || 1, src.length - col + 1));
    out += `  ${src}\n  ${' '.repeat(col - 1)}${'^'.repeat(width)}\n`;
  }
  return out;
}
