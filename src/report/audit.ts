import { markdownTable } from 'markdown-table';
import type { AuditReport } from '../analysis/audit.js';
import { auditSections, type Cell, type Section } from './audit-sections.js';
import { renderAuditHtml } from './audit-html.js';
import { jsonChunks } from './json-chunks.js';
import { renderCsv, renderJson, renderTable } from './tabular.js';

export const AUDIT_FORMATS = ['table', 'json', 'md', 'csv', 'html'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const text = (c: Cell): string => (c === null ? '' : typeof c === 'object' ? c.text : String(c));

/** JSON: the report object, contract keys first (`inputs`, `traffic`, `explanations`, `duplicates`, `unusedRules`, `shadowedRules`, `drift`). */
export function auditJson(r: AuditReport) {
  return {
    inputs: r.inputs,
    traffic: r.traffic,
    explanations: r.explanations,
    duplicates: r.duplicates,
    unusedRules: r.unusedRules,
    shadowedRules: r.shadowedRules,
    drift: r.drift,
    ruleCounts: r.ruleCounts,
    rules: r.rules,
    summary: r.summary,
    notes: r.notes,
  };
}

function tableText(s: Section): string {
  const parts = [`== ${s.title} ==\n`, ...s.lead.map((l) => `${l}\n`)];
  for (const t of s.tables) {
    if (t.rows.length === 0) continue;
    parts.push(`\n${t.caption}:\n`);
    parts.push(renderTable(t.rows, t.headers.map((h, i) => ({ header: h, get: (row: Cell[]) => text(row[i] ?? null) }))));
    if (t.more) parts.push(`... ${t.more} more (raise --limit, or --format json)\n`);
  }
  for (const b of s.blocks) parts.push(`\n${b}`);
  if (s.notes.length > 0) parts.push(`\n${s.notes.map((n) => `note: ${n}\n`).join('')}`);
  return parts.join('');
}

/** Markdown cells: pipes escaped, line breaks flattened (GFM tables are one line per row). */
const mdCell = (c: Cell) => text(c).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function markdownText(s: Section): string {
  const parts = [`## ${s.title}\n\n`, ...s.lead.map((l) => `${l}\n\n`)];
  for (const t of s.tables) {
    if (t.rows.length === 0) continue;
    parts.push(`**${t.caption}**\n\n`);
    parts.push(`${markdownTable([t.headers, ...t.rows.map((row) => t.headers.map((_, i) => mdCell(row[i] ?? null)))])}\n\n`);
    if (t.more) parts.push(`... ${t.more} more (raise --limit, or --format json)\n\n`);
  }
  for (const b of s.blocks) parts.push(`\`\`\`text\n${b.replace(/```/g, '`\u200b``')}\`\`\`\n\n`);
  for (const n of s.notes) parts.push(`> note: ${n}\n\n`);
  return parts.join('');
}

/** CSV: one row per finding (what a spreadsheet filters and counts), across sections. */
function findingsCsv(r: AuditReport): string {
  type Row = { section: string; filter: string | null; rule: string | null; kind: string; count: number; detail: string };
  const rows: Row[] = [];
  for (const c of r.summary.explanations.causes)
    rows.push({ section: 'explanations', filter: c.filter, rule: c.ruleId === null ? null : String(c.ruleId), kind: c.kind, count: c.connections, detail: c.fix ?? '' });
  for (const o of r.duplicates.observers)
    rows.push({ section: 'duplicates', filter: o.filter, rule: null, kind: o.verdict, count: o.groups, detail: `${o.flowsNotOwned} flows not owned, ${o.drops} drops; ${o.evidence.join(', ')}` });
  for (const u of r.unusedRules) rows.push({ section: 'unusedRules', filter: u.filter, rule: String(u.ruleId), kind: u.status, count: 0, detail: `${u.ruleset} position ${u.position} ${u.action}` });
  for (const x of r.shadowedRules) rows.push({ section: 'shadowedRules', filter: x.filter, rule: String(x.ruleId), kind: x.kind, count: x.coveredBy.length, detail: `covered by ${x.coveredBy.join(' ')}` });
  for (const g of r.drift.groups)
    rows.push({ section: 'drift', filter: g.filter, rule: g.logged.ruleId === null ? null : String(g.logged.ruleId), kind: 'drift', count: g.events, detail: g.note });
  for (const f of r.ruleCounts.filters) if (f.over) rows.push({ section: 'ruleCounts', filter: f.filter, rule: null, kind: 'over-limit', count: f.lines, detail: `limit ${f.limit}` });
  const cols = (['section', 'filter', 'rule', 'kind', 'count', 'detail'] as const).map((k) => ({ header: k, get: (x: Row) => x[k] }));
  return renderCsv(rows, cols);
}

/**
 * The report as pieces to write one after the other: JSON is streamed (json-chunks.ts: a large
 * store's report is tens of MB, never built as one string); the other formats are one piece.
 */
export function* renderAuditChunks(r: AuditReport, format: AuditFormat): Generator<string> {
  if (format === 'json') yield* jsonChunks(auditJson(r));
  else yield renderAudit(r, format);
}

export function renderAudit(r: AuditReport, format: AuditFormat): string {
  switch (format) {
    case 'json':
      return renderJson(auditJson(r));
    case 'csv':
      return findingsCsv(r);
    case 'table':
      return auditSections(r).map(tableText).join('\n');
    case 'md':
      return `# dfwsim audit\n\n${auditSections(r).map(markdownText).join('')}`;
    case 'html':
      return renderAuditHtml(r, auditSections(r));
  }
}
