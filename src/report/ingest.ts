import type { IngestSummary } from '../ingest/ingest.js';
import { renderCsv, renderJson, renderTable, type OutputFormat } from './tabular.js';

/**
 * JSON summary: counts first (the contract keys `events`, `rejected`, `skipped`), then detail.
 * Every line read is counted once: `lines = events + records + skipped + rejected` (records: lines
 * of vsipioctl outputs), per file and in total, and `rejected` is the number of rejected_lines rows.
 */
export function ingestSummaryJson(s: IngestSummary) {
  return {
    files: s.files,
    filesIngested: s.filesIngested,
    filesDuplicate: s.filesDuplicate,
    filesSkipped: s.filesSkipped,
    filesFailed: s.filesFailed,
    lines: s.lines,
    events: s.events,
    records: s.records,
    skipped: s.skipped,
    rejected: s.rejected,
    filters: s.filters,
    rules: s.rules,
    addrsets: s.addrsets,
    bytes: s.bytes,
    seconds: Number(s.seconds.toFixed(3)),
    linesPerSec: s.linesPerSec,
    perFile: s.perFile,
    problems: s.problems.map((p) => ({ path: p.path, line: p.line, col: p.col, code: p.code, message: p.message })),
    rejectedSamples: s.rejectedSamples,
  };
}

export function renderIngestSummary(s: IngestSummary, format: OutputFormat): string {
  if (format === 'json') return renderJson(ingestSummaryJson(s));
  const cols = [
    { header: 'file', get: (f: IngestSummary['perFile'][number]) => f.path },
    { header: 'format', get: (f: IngestSummary['perFile'][number]) => f.format },
    { header: 'status', get: (f: IngestSummary['perFile'][number]) => f.status },
    { header: 'host', get: (f: IngestSummary['perFile'][number]) => f.host },
    { header: 'lines', get: (f: IngestSummary['perFile'][number]) => f.lines },
    { header: 'events', get: (f: IngestSummary['perFile'][number]) => f.events },
    { header: 'records', get: (f: IngestSummary['perFile'][number]) => f.records },
    { header: 'skipped', get: (f: IngestSummary['perFile'][number]) => f.skipped },
    { header: 'rejected', get: (f: IngestSummary['perFile'][number]) => f.rejected },
    { header: 'filters', get: (f: IngestSummary['perFile'][number]) => f.filters },
    { header: 'rules', get: (f: IngestSummary['perFile'][number]) => f.rules },
  ];
  const shown = s.perFile.filter((f) => f.status !== 'skipped');
  if (format === 'csv') return renderCsv(shown, cols);
  const total =
    `${s.files} files (${s.filesIngested} ingested, ${s.filesDuplicate} already in the store, ${s.filesSkipped} not a known format, ${s.filesFailed} failed): ` +
    `${s.events} events, ${s.skipped} skipped, ${s.rejected} rejected` +
    (s.rules || s.filters ? `, ${s.filters} filters, ${s.rules} rules, ${s.addrsets} address sets` : '') +
    ` in ${s.seconds.toFixed(2)} s (${s.linesPerSec} lines/s)\n`;
  return (shown.length ? renderTable(shown, cols) : '') + total;
}
