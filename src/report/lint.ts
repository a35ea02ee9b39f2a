import type { ShadowItem, ShadowReport } from '../analysis/shadow.js';
import { renderCsv, renderJson, renderTable, type Column, type OutputFormat } from './tabular.js';

const where = (i: ShadowItem): string => (i.filter !== null ? `${i.filter} ${i.ruleset ?? ''}`.trim() : (i.tier ?? ''));

const COLUMNS: Column<ShadowItem>[] = [
  { header: 'filter/tier', get: where },
  { header: 'rule', get: (i) => i.ruleId },
  { header: 'at', get: (i) => i.position },
  { header: 'kind', get: (i) => i.kind },
  { header: 'action', get: (i) => i.action },
  { header: 'covered by', get: (i) => i.coverers.map((c) => `${c.ruleId}${c.position >= 0 && i.filter !== null ? ` at ${c.position}` : ''} (${c.action})`).join(', ') },
  { header: 'rule text', get: (i) => i.text },
  { header: 'source', get: (i) => i.source },
];

/**
 * `dfwsim lint` output. JSON: `{"shadowedRules": [...], "notes": [...], "summary": {...}}` (the
 * audit prints the same `shadowedRules`, so `jq .shadowedRules` reads both). CSV: one row per
 * finding. Table: the findings, the summary line, then the notes.
 */
export function renderLint(r: ShadowReport, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return renderJson(r);
    case 'csv':
      return renderCsv(r.shadowedRules, COLUMNS);
    case 'table': {
      const s = r.summary;
      const parts: string[] = [];
      parts.push(r.shadowedRules.length > 0 ? renderTable(r.shadowedRules, COLUMNS) : 'no shadowed or redundant rules\n');
      parts.push(`${s.rules} rules analysed: ${s.shadowed} shadowed, ${s.redundant} redundant${s.undetermined > 0 ? `, ${s.undetermined} not settled` : ''}\n`);
      const itemNotes = r.shadowedRules.flatMap((i) => i.notes.map((n) => `${i.ruleId}${i.filter !== null ? ` at ${i.position}` : ''}: ${n}`));
      parts.push([...itemNotes, ...r.notes].map((n) => `note: ${n}\n`).join(''));
      return parts.join('');
    }
  }
}
