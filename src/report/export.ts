import { join } from 'node:path';
import type { ExportSummary } from '../store/duckdb/export-summary.js';
import { renderCsv, renderJson, renderTable, type OutputFormat } from './tabular.js';

type SourceRow = ExportSummary['sources'][number];

const COLUMNS = [
  { header: 'source', get: (s: SourceRow) => s.id },
  { header: 'file', get: (s: SourceRow) => s.path },
  { header: 'rows', get: (s: SourceRow) => s.rows },
];

/** `dfwsim export`: JSON is the summary itself; table and CSV list the sources this run wrote (the table adds a total line,
 * without the time: JSON has it, and a line on the replay outcomes). */
export function renderExportSummary(s: ExportSummary, format: OutputFormat): string {
  if (format === 'json') return renderJson({ ...s, seconds: Number(s.seconds.toFixed(3)) });
  if (format === 'csv') return renderCsv(s.sources, COLUMNS);
  const where = s.kind === 'parquet' ? `${s.files} Parquet files in ${s.partitions} partitions of ${s.target}` : `${s.target}${s.files ? ' (created)' : ''}`;
  const total =
    (s.sources.length === 0 ? `nothing new to export to ${s.target}` : `${s.sources.length} sources, ${s.rows} rows -> ${where}`) +
    `; ${s.alreadyExported} sources exported before` +
    (s.partial ? `, ${s.partial} still being ingested (exported once complete)` : '') +
    '\n';
  return (s.sources.length ? renderTable(s.sources, COLUMNS) : '') + total + (s.replay ? `${replayLine(s, s.replay)}\n` : '');
}

function replayLine(s: ExportSummary, r: NonNullable<ExportSummary['replay']>): string {
  switch (r.status) {
    case 'written':
      return `replay outcomes: ${r.rows} rows -> ${s.kind === 'parquet' ? `${r.files ?? 0} Parquet files in ${r.partitions ?? 0} partitions of ${join(s.target, 'replay')}` : `table replay_outcomes of ${s.target}`} (${r.reason ?? ''})`;
    case 'unchanged':
      return `replay outcomes: ${r.rows} rows, unchanged (${r.reason ?? ''})`;
    case 'skipped':
      return `replay outcomes: not written: ${r.reason ?? ''}`;
  }
}
