import type { Explanation, Observation } from '../analysis/explain.js';
import { renderCsv, renderTable, type Column, type OutputFormat } from './tabular.js';

const OBSERVATION_COLUMNS: Column<Observation>[] = [
  { header: 'filter', get: (o) => o.filter },
  { header: 'vm', get: (o) => o.vm },
  { header: 'role', get: (o) => o.role },
  { header: 'decision', get: (o) => o.decision.text },
  { header: 'source', get: (o) => o.decision.source },
  { header: 'records', get: (o) => o.events.map((e) => `${e.eventId} ${e.direction} ${e.packet}`).join(', ') },
];

/** One explanation as text: the flow, a table of the filters that saw it, the cause, the fixes with their effect. */
export function explanationText(x: Explanation): string {
  const lines: string[] = [];
  lines.push(`flow ${x.flow.text}${x.flow.hosts.length > 0 ? ` on ${x.flow.hosts.join(', ')}` : ''}`);
  lines.push(renderTable(x.observations, OBSERVATION_COLUMNS).trimEnd());
  lines.push(`cause (${x.cause.kind}): ${x.cause.text}`);
  if (x.drift.length > 0) for (const d of x.drift) lines.push(`drift: event ${d.eventId} on ${d.filter}: ${d.note}`);
  if (x.fixes.length > 0) {
    lines.push('fixes:');
    x.fixes.forEach((f, i) => {
      lines.push(`  ${i + 1}. ${f.kind}: ${f.description}`);
      lines.push(`     effect: ${f.effect.text}${f.effect.checked ? '' : ''}`);
      lines.push(`     store-wide: ${f.command}`);
    });
  }
  for (const n of x.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}

interface CsvRow {
  x: Explanation;
  o: Observation;
}

const CSV_COLUMNS: Column<CsvRow>[] = [
  { header: 'flow', get: (r) => r.x.flow.text },
  { header: 'hosts', get: (r) => r.x.flow.hosts.join(' ') },
  { header: 'filter', get: (r) => r.o.filter },
  { header: 'vm', get: (r) => r.o.vm },
  { header: 'role', get: (r) => r.o.role },
  { header: 'decision', get: (r) => r.o.decision.text },
  { header: 'source', get: (r) => r.o.decision.source },
  { header: 'cause', get: (r) => r.x.cause.kind },
  { header: 'fixes', get: (r) => r.x.fixes.map((f) => `${f.kind} ${f.filter}${f.ruleId !== null ? ` rule ${f.ruleId}` : ''}: ${f.effect.resolves ? 'resolves' : 'does not resolve'}`).join('; ') },
];

/** Causes counted over many explanations (the `--all` summary). */
interface CauseCount {
  kind: string;
  filter: string | null;
  ruleId: number | string | null;
  connections: number;
  fix: string;
}

const SUMMARY_COLUMNS: Column<CauseCount>[] = [
  { header: 'cause', get: (c) => c.kind },
  { header: 'filter', get: (c) => c.filter },
  { header: 'rule', get: (c) => c.ruleId },
  { header: 'connections', get: (c) => c.connections },
  { header: 'fix that resolves it', get: (c) => c.fix },
];

/**
 * Writes explanations as they stream. JSON: one object when a single event was asked for
 * (`single`), else an array; table: each explanation in full up to `limit`, then a summary of
 * the causes over all of them; CSV: one row per filter that saw a connection.
 */
export class ExplainWriter {
  private n = 0;
  private readonly causes = new Map<string, CauseCount>();

  constructor(
    private readonly format: OutputFormat,
    private readonly out: (s: string) => void,
    private readonly single: boolean,
    private readonly limit: number,
  ) {
    if (format === 'json' && !single) out('[');
    if (format === 'csv') out(renderCsv([], CSV_COLUMNS));
  }

  write(x: Explanation): void {
    const i = this.n++;
    const k = `${x.cause.kind}|${x.cause.filter ?? ''}|${x.cause.ruleId ?? ''}`;
    const c = this.causes.get(k);
    if (c !== undefined) c.connections++;
    else {
      const fix = x.fixes.find((f) => f.effect.resolves);
      this.causes.set(k, { kind: x.cause.kind, filter: x.cause.filter, ruleId: x.cause.ruleId, connections: 1, fix: fix ? fix.command : '' });
    }
    switch (this.format) {
      case 'json':
        this.out(this.single ? `${JSON.stringify(x, null, 2)}\n` : `${i === 0 ? '\n' : ',\n'}${JSON.stringify(x, null, 2).replace(/^/gm, '  ')}`);
        return;
      case 'csv': {
        const csv = renderCsv(x.observations.map((o) => ({ x, o })), CSV_COLUMNS);
        this.out(csv.slice(csv.indexOf('\n') + 1));
        return;
      }
      case 'table':
        if (i < this.limit) this.out(`${i === 0 ? '' : '\n'}${explanationText(x)}`);
        return;
    }
  }

  end(): void {
    switch (this.format) {
      case 'json':
        if (this.single) {
          if (this.n === 0) this.out('null\n');
        } else this.out(this.n === 0 ? ']\n' : '\n]\n');
        return;
      case 'csv':
        return;
      case 'table': {
        if (this.n === 0) {
          this.out('nothing to explain: no matching connection\n');
          return;
        }
        if (this.n > this.limit) this.out(`\n... ${this.n - this.limit} more connection(s) explained (--limit to show more, --format json for all)\n`);
        if (this.n > 1) {
          const rows = [...this.causes.values()].sort((a, b) => b.connections - a.connections || a.kind.localeCompare(b.kind));
          this.out(`\n${this.n} connection(s) explained; causes:\n${renderTable(rows, SUMMARY_COLUMNS)}`);
        }
        return;
      }
    }
  }

  get count(): number {
    return this.n;
  }
}
