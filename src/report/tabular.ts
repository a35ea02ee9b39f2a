import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';

/** Output formats every tabular command accepts. */
export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Column<T> {
  header: string;
  /** value for table and CSV cells */
  get: (row: T) => unknown;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A plain text table (no colours, so output is stable and diffs cleanly in golden files). */
export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  const t = new Table({
    head: columns.map((c) => c.header),
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) t.push(columns.map((c) => cell(c.get(r))));
  return `${t.toString()}\n`;
}

export function renderCsv<T>(rows: T[], columns: Column<T>[]): string {
  return stringify([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => cell(c.get(r))))]);
}

/** JSON with two-space indentation and a final newline; key order is the objects' own. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Renders rows in the chosen format: JSON prints the objects themselves (the contract), table/CSV the columns. */
export function renderRows<T>(rows: T[], columns: Column<T>[], format: OutputFormat, json: (r: T) => unknown = (r) => r): string {
  switch (format) {
    case 'json':
      return renderJson(rows.map(json));
    case 'csv':
      return renderCsv(rows, columns);
    case 'table':
      return renderTable(rows, columns);
  }
}
