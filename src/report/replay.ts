import type { ReplaySummary } from '../engine/replay.js';
import type { ReplayInput } from '../model/packet-event.js';
import type { ReplayEventResult } from '../model/replay.js';
import { renderCsv, renderTable, type Column, type OutputFormat } from './tabular.js';

export interface ReplayRow {
  r: ReplayEventResult;
  e: ReplayInput | undefined;
}

/** Which events a replay prints: all, only those worth a look, or none (summaries only). */
export type ReplayShow = 'all' | 'findings' | 'none';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const decided = (d: ReplayEventResult['simulated']) =>
  d === null ? '' : `${d.verdict.toUpperCase()} ${d.basis === 'rule' || d.basis === 'default' ? (d.ruleId !== null ? `${d.ruleset ? `${d.ruleset}/` : ''}${d.ruleId}` : 'default') : d.basis}`;

/** `tcp 10.68.0.250/65448->10.68.145.170/22 S`, as the event table prints a packet. */
export function packetText(e: ReplayInput): string {
  return `${e.protocol} ${e.src}${e.srcPort !== null ? `/${e.srcPort}` : ''}->${e.dst}${e.dstPort !== null ? `/${e.dstPort}` : ''} ${e.tcpFlags ?? e.closeReason ?? ''}`.trim();
}

const COLUMNS: Column<ReplayRow>[] = [
  { header: 'event', get: (x) => x.r.eventId },
  { header: 'ts', get: (x) => x.e?.ts },
  { header: 'filter', get: (x) => x.r.filterHash },
  { header: 'dir', get: (x) => x.r.direction },
  { header: 'packet', get: (x) => (x.e ? packetText(x.e) : '') },
  { header: 'logged', get: (x) => `${x.r.logged.action ?? ''} ${x.r.logged.ruleId ?? ''}`.trim() },
  { header: 'simulated', get: (x) => decided(x.r.simulated) },
  { header: 'agreement', get: (x) => x.r.agreement },
  { header: 'causedBy', get: (x) => x.r.causedBy },
  // notes can be long explanations: the table shows the first one, cut; JSON has them all
  { header: 'notes', get: (x) => clip(x.r.notes[0] ?? '', 90) + (x.r.notes.length > 1 ? ` (+${x.r.notes.length - 1})` : '') },
];

const FILTER_COLUMNS: Column<ReplaySummary['filters'][number]>[] = [
  { header: 'filter', get: (f) => f.filterHash },
  { header: 'host', get: (f) => f.host },
  { header: 'rules', get: (f) => (f.excluded ? 'excluded' : f.hasRules ? 'yes' : 'none') },
  { header: 'events', get: (f) => f.events },
  { header: 'reproduced', get: (f) => f.byAgreement.reproduced },
  { header: 'drift', get: (f) => f.byAgreement.drift },
  { header: 'state-hit', get: (f) => f.byAgreement['state-hit'] },
  { header: 'uncertain', get: (f) => f.byAgreement['state-uncertain'] },
  { header: 'rejects sent', get: (f) => f.rejectsSent },
  { header: 'observer?', get: (f) => (f.observerSuspect ? 'promiscuous suspect' : '') },
];

/** Is this event worth printing under `--show findings`: anything but a reproduced pass. */
export function isFinding(r: ReplayEventResult): boolean {
  return r.agreement !== 'reproduced' || r.simulated?.verdict !== 'allow' || r.causedBy !== null;
}

/** Rows per table chunk: a table needs its rows to size its columns, so a long replay prints several. */
const TABLE_CHUNK = 5000;

/**
 * Writes a replay as it streams. Table: the event rows (in chunks of TABLE_CHUNK), then one row
 * per filter, then the run's notes. CSV: the event rows. JSON: `{events: [...], filters, notes}`,
 * written one event at a time so memory does not grow with the replay.
 */
export class ReplayWriter {
  private rows: ReplayRow[] = [];
  private first = true;
  private csvHeader = true;
  /** events written so far */
  printed = 0;

  constructor(
    private readonly format: OutputFormat,
    private readonly show: ReplayShow,
    private readonly out: (s: string) => void,
  ) {
    if (format === 'json') out('{\n  "events": [');
  }

  event(r: ReplayEventResult, e: ReplayInput): void {
    if (this.show === 'none' || (this.show === 'findings' && !isFinding(r))) return;
    this.printed++;
    switch (this.format) {
      case 'json':
        this.out(`${this.first ? '\n' : ',\n'}${indent(JSON.stringify(r, null, 2), '    ')}`);
        this.first = false;
        return;
      case 'csv':
      case 'table':
        this.rows.push({ r, e });
        if (this.rows.length >= TABLE_CHUNK) this.flush();
        return;
    }
  }

  private flush(): void {
    if (this.rows.length === 0) return;
    if (this.format === 'table') this.out(renderTable(this.rows, COLUMNS));
    else {
      const csv = renderCsv(this.rows, COLUMNS);
      // the header once, at the top
      this.out(this.csvHeader ? csv : csv.slice(csv.indexOf('\n') + 1));
      this.csvHeader = false;
    }
    this.rows = [];
  }

  end(summary: ReplaySummary): void {
    switch (this.format) {
      case 'json':
        this.out(`${this.first ? '' : '\n  '}],\n  "filters": ${indent(JSON.stringify(summary.filters, null, 2), '  ').trimStart()},\n  "notes": ${indent(JSON.stringify(summary.notes, null, 2), '  ').trimStart()}\n}\n`);
        return;
      case 'csv':
        if (this.rows.length === 0 && this.csvHeader) this.out(renderCsv([], COLUMNS));
        this.flush();
        return;
      case 'table':
        if (this.show !== 'none' && this.printed === 0) this.out(renderTable([], COLUMNS));
        this.flush();
        this.out(renderTable(summary.filters, FILTER_COLUMNS) + summary.notes.map((n) => `note: ${n}\n`).join(''));
        return;
    }
  }
}

function indent(text: string, pad: string): string {
  return text.replace(/^/gm, pad);
}
