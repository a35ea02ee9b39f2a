import type { DuplicateGroup, DuplicatesReport, ObserverReport } from '../analysis/duplicates.js';
import { renderCsv, renderJson, renderTable, type Column, type OutputFormat } from './tabular.js';

const rulesText = (o: ObserverReport) => o.rules.map((u) => `${u.rule} ${u.action ?? '-'} x${u.count}`).join(', ');

const OBSERVER_COLUMNS: Column<ObserverReport>[] = [
  { header: 'filter', get: (o) => o.filter },
  { header: 'name', get: (o) => o.name },
  { header: 'vm', get: (o) => o.vm },
  { header: 'host', get: (o) => o.host },
  { header: 'verdict', get: (o) => o.verdict },
  { header: 'evidence', get: (o) => o.evidence.join(', ') },
  { header: 'ownership', get: (o) => `${o.ownershipBasis}${o.ownedAddresses.length > 0 ? ` (${o.ownedAddresses.join(' ')})` : ''}` },
  { header: 'groups', get: (o) => o.groups },
  { header: 'flows not owned', get: (o) => o.flowsNotOwned },
  { header: 'drops', get: (o) => o.drops },
  { header: 'rules/actions', get: rulesText },
];

const packet = (g: DuplicateGroup) =>
  `${g.protocol} ${g.src}${g.srcPort !== null ? `/${g.srcPort}` : ''}->${g.dst}${g.dstPort !== null ? `/${g.dstPort}` : ''} ${g.flags}`.trim();

const GROUP_COLUMNS: Column<DuplicateGroup>[] = [
  { header: 'ts', get: (g) => g.ts },
  { header: 'host', get: (g) => g.host },
  { header: 'packet', get: packet },
  { header: 'kind', get: (g) => g.kind },
  { header: 'records (event filter dir action rule role +ms)', get: (g) => g.records.map((r) => `${r.eventId} ${r.filter} ${r.direction} ${r.action ?? '-'} ${r.rule} ${r.role}${r.offsetMs > 0 ? ` +${r.offsetMs}` : ''}`).join('; ') },
];

/**
 * Table: the extra observers, the listed groups ("N more" when --limit cut them), the summary
 * and the notes. JSON: the whole report, keys in a fixed order. CSV: one row per observer (the
 * finding; the groups are in JSON).
 */
export function renderDuplicates(r: DuplicatesReport, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return renderJson(r);
    case 'csv':
      return renderCsv(r.observers, OBSERVER_COLUMNS);
    case 'table': {
      const s = r.summary;
      const parts: string[] = [];
      parts.push(r.observers.length > 0 ? `extra observers:\n${renderTable(r.observers, OBSERVER_COLUMNS)}` : 'no extra observers\n');
      if (r.groups.length > 0) {
        const more = s.extraObserverGroups + s.unknownGroups - r.groups.length;
        parts.push(`duplicate groups:\n${renderTable(r.groups, GROUP_COLUMNS)}${more > 0 ? `${more} more (raise --limit)\n` : ''}`);
      }
      parts.push(
        `${s.records} records, ${s.groups} groups: ${s.expectedPairs} expected pairs, ${s.broadcast} broadcast, ${s.extraObserverGroups} with extra observers, ${s.unknownGroups} unknown; ${s.observers} observers (${s.promiscuousSuspects} promiscuous suspects)\n`,
      );
      parts.push(r.notes.map((n) => `note: ${n}\n`).join(''));
      return parts.join('\n');
    }
  }
}
