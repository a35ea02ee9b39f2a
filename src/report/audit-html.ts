import { createHash } from 'node:crypto';
import type { AuditReport } from '../analysis/audit.js';
import { auditHtmlLibraries } from './audit-html-assets.js';
import { auditChartData } from './audit-html-charts.js';
import { AUDIT_CLIENT_SCRIPT } from './audit-html-client.js';
import { AUDIT_STYLE } from './audit-html-style.js';
import type { Cell, Section, SectionTable } from './audit-sections.js';
import { escapeHtml as esc, jsonScriptText } from './html-escape.js';

/**
 * The audit as one self-contained HTML5 file: summary figures first, then the two charts, then
 * every section with sortable tables. The page loads nothing: Chart.js and tablesort are inlined
 * (audit-html-assets.ts), and a Content-Security-Policy meta with `default-src 'none'` allows
 * only the inlined scripts and the stylesheet by their sha256 hashes, and images only as `data:`.
 * So even text that escaped escaping could neither run nor fetch. Output is deterministic (no
 * timestamps), like every other format.
 */

const CHART_DATA_ID = 'audit-chart-data';

/**
 * Rows shown per page of a long table. Every row is in the document (so every link target
 * exists); rows past the first page carry `hidden`, and the page script pages through them.
 * Without it a 17k-row rules table took ~14 s to lay out in Chromium and 4-9 s per sort.
 */
export const PAGE_SIZE = 200;

/** CSP source expression of an inline script or style: sha256 of its exact text, base64 (CSP3 section 8.4). */
const hashSource = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const cellText = (c: Cell): string => (c === null ? '' : typeof c === 'object' ? c.text : String(c));

function cellHtml(c: Cell): string {
  if (c === null) return '<td></td>';
  if (typeof c === 'number') return `<td class="num">${esc(String(c))}</td>`;
  if (typeof c === 'string') return `<td>${esc(c)}</td>`;
  return `<td><a href="#${esc(c.ref)}">${esc(c.text)}</a></td>`;
}

/** A column sorts as numbers when every filled cell is a number (tablesort's own guess looks at three cells only). */
const numericColumn = (t: SectionTable, col: number) => {
  let any = false;
  for (const row of t.rows) {
    const c = row[col] ?? null;
    if (c === null) continue;
    if (typeof c !== 'number') return false;
    any = true;
  }
  return any;
};

/**
 * One sortable table. Row ids are given once per document: a second row with the same anchor
 * (a rule id repeated in another ruleset) would make the link target ambiguous.
 */
function tableHtml(t: SectionTable, id: string, usedIds: Set<string>): string {
  const head = t.headers
    .map((h, i) => (numericColumn(t, i) ? `<th class="num" data-sort-method="number">${esc(h)}</th>` : `<th>${esc(h)}</th>`))
    .join('');
  const body: string[] = [];
  t.rows.forEach((row, r) => {
    const rowId = t.rowIds?.[r];
    const idAttr = rowId !== undefined && !usedIds.has(rowId) ? (usedIds.add(rowId), ` id="${esc(rowId)}"`) : '';
    const hidden = r >= PAGE_SIZE ? ' hidden' : '';
    body.push(`<tr${idAttr}${hidden}>${t.headers.map((_, i) => cellHtml(row[i] ?? null)).join('')}</tr>\n`);
  });
  const paged = t.rows.length > PAGE_SIZE ? ` data-page-size="${PAGE_SIZE}"` : '';
  const count = `<span class="rows">(${t.rows.length.toLocaleString('en-US')} row${t.rows.length === 1 ? '' : 's'})</span>`;
  const more = t.more ? `<p class="more">... ${esc(t.more.toLocaleString('en-US'))} more not listed (raise --limit, or use --format json)</p>\n` : '';
  return (
    `<div class="table-wrap"><table class="sortable" id="${esc(id)}"${paged}>\n<caption>${esc(t.caption)} ${count}</caption>\n` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${body.join('')}</tbody></table></div>\n${more}`
  );
}

/** The key-figures table of the summary section, as figure cards. */
function figuresHtml(t: SectionTable): string {
  const items = t.rows.map((row) => `<div><dt>${esc(cellText(row[0] ?? null))}</dt><dd>${esc(cellText(row[1] ?? null))}</dd></div>`);
  return `<dl class="figures">\n${items.join('\n')}\n</dl>\n`;
}

function sectionHtml(s: Section, usedIds: Set<string>): string {
  const parts = [`<section id="${esc(s.id)}">\n<h2>${esc(s.title)}</h2>\n`, ...s.lead.map((l) => `<p class="lead">${esc(l)}</p>\n`)];
  s.tables.forEach((t, i) => {
    // the summary's figures read at a glance as cards; every other table is a sortable table
    if (s.id === 'summary' && i === 0) parts.push(figuresHtml(t));
    else if (t.rows.length > 0) parts.push(tableHtml(t, `t-${s.id}-${i}`, usedIds));
  });
  for (const b of s.blocks) parts.push(`<pre class="block">${esc(b)}</pre>\n`);
  for (const n of s.notes) parts.push(`<p class="note"><strong>note:</strong> ${esc(n)}</p>\n`);
  parts.push('</section>\n');
  return parts.join('');
}

function chartsHtml(r: AuditReport, bucket: string, day: string | null): string {
  const t = r.traffic;
  const empty = (what: string) => `<p class="note">no ${what} in the store</p>`;
  const overTime =
    t.timeSeries.buckets.length > 0
      ? `<div class="chart-box"><canvas id="chart-over-time" role="img" aria-label="events over time by action, stacked, ${esc(bucket)} per bar">events over time by action</canvas></div>`
      : empty('timestamped events');
  const byAction =
    t.byAction.length > 0 ? `<div class="chart-box"><canvas id="chart-by-action" role="img" aria-label="packet records by action">packet records by action</canvas></div>` : empty('packet records');
  return (
    `<section id="charts">\n<h2>Events over time and by action</h2>\n<div class="charts">\n` +
    `<figure>${overTime}<figcaption>Events over time${day ? ` on ${esc(day)}` : ''}, stacked by action${bucket ? `, ${esc(bucket)} per bar` : ''} (UTC).</figcaption></figure>\n` +
    `<figure>${byAction}<figcaption>Packet records by action (TERM session ends not counted); the numbers are in <a href="#traffic">Traffic</a>.</figcaption></figure>\n` +
    `</div>\n</section>\n`
  );
}

function tocHtml(sections: Section[]): string {
  const items = [sections[0], { id: 'charts', title: 'Charts' }, ...sections.slice(1)]
    .filter((s): s is { id: string; title: string } => s !== undefined)
    .map((s) => `<li><a href="#${esc(s.id)}">${esc(s.title)}</a></li>`);
  return `<nav id="toc" aria-label="Contents">\n<h2>Contents</h2>\n<ol>\n${items.join('\n')}\n</ol>\n</nav>\n`;
}

export function renderAuditHtml(r: AuditReport, sections: Section[]): string {
  const libraries = auditHtmlLibraries();
  const chartData = auditChartData(r.traffic);
  const scripts = [...libraries.map((l) => l.source), AUDIT_CLIENT_SCRIPT];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(hashSource).join(' ')}`,
    `style-src ${hashSource(AUDIT_STYLE)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  const usedIds = new Set<string>();
  const [first, ...rest] = sections;
  const body = [
    tocHtml(sections),
    '<main>\n<header><h1>dfwsim audit</h1></header>\n',
    first ? sectionHtml(first, usedIds) : '',
    chartsHtml(r, chartData.overTime.bucket, chartData.overTime.day),
    ...rest.map((s) => sectionHtml(s, usedIds)),
    `<footer>Generated by dfwsim. Embedded libraries: ${[...new Set(libraries.map((l) => `${l.name} ${l.version} (${l.license} licence)`))].map(esc).join(', ')}.</footer>\n</main>\n`,
  ];
  return [
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">\n`,
    '<meta name="referrer" content="no-referrer">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    '<title>dfwsim audit</title>\n',
    `<style>${AUDIT_STYLE}</style>\n</head>\n<body>\n`,
    ...body,
    `<script type="application/json" id="${CHART_DATA_ID}">${jsonScriptText(chartData)}</script>\n`,
    ...scripts.map((s) => `<script>${s}</script>\n`),
    '</body>\n</html>\n',
  ].join('');
}
