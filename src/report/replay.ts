import type { ReplayEventResult, ReplayResult } from '../model/replay.js';
import type { StoredEvent } from '../model/packet-event.js';
import { renderCsv, renderJson, renderTable, type Column, type OutputFormat } from './tabular.js';

export interface ReplayRow {
  r: ReplayEventResult;
  e: StoredEvent | undefined;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const decided = (d: ReplayEventResult['simulated']) =>
  d === null ? '' : `${d.verdict.toUpperCase()} ${d.basis === 'rule' || d.basis === 'default' ? (d.ruleId !== null ? `${d.ruleset ? `${d.ruleset}/` : ''}${d.ruleId}` : 'default') : d.basis}`;

const COLUMNS: Column<ReplayRow>[] = [
  { header: 'event', get: (x) => x.r.eventId },
  { header: 'ts', get: (x) => x.e?.ts },
  { header: 'filter', get: (x) => x.r.filterHash },
  { header: 'dir', get: (x) => x.r.direction },
  { header: 'packet', get: (x) => (x.e ? `${x.e.protocol} ${x.e.src}${x.e.srcPort !== null ? `/${x.e.srcPort}` : ''}->${x.e.dst}${x.e.dstPort !== null ? `/${x.e.dstPort}` : ''} ${x.e.tcpFlags ?? x.e.closeReason ?? ''}`.trim() : '') },
  { header: 'logged', get: (x) => `${x.r.logged.action ?? ''} ${x.r.logged.ruleId ?? ''}`.trim() },
  { header: 'simulated', get: (x) => decided(x.r.simulated) },
  { header: 'agreement', get: (x) => x.r.agreement },
  { header: 'causedBy', get: (x) => x.r.causedBy },
  // notes can be long explanations: the table shows the first one, cut; JSON has them all
  { header: 'notes', get: (x) => clip(x.r.notes[0] ?? '', 90) + (x.r.notes.length > 1 ? ` (+${x.r.notes.length - 1})` : '') },
];

const FILTER_COLUMNS: Column<ReplayResult['filters'][number]>[] = [
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

/** Table: one row per replayed event, then one per filter, then the run's notes. JSON: the whole result. */
export function renderReplay(result: ReplayResult, events: ReadonlyMap<number, StoredEvent>, format: OutputFormat): string {
  const rows = result.events.map((r) => ({ r, e: events.get(r.eventId) }));
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'csv':
      return renderCsv(rows, COLUMNS);
    case 'table':
      return (
        renderTable(rows, COLUMNS) +
        renderTable(result.filters, FILTER_COLUMNS) +
        result.notes.map((n) => `note: ${n}\n`).join('')
      );
  }
}
