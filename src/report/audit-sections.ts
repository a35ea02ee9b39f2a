import type { AuditReport } from '../analysis/audit.js';
import { explanationText } from './explain.js';

/**
 * The audit report as format-neutral sections: titled tables and paragraphs that the text,
 * Markdown and HTML renderers lay out their own way. A cell that names a filter or a rule
 * carries a `ref` (the anchor of its row in the Filters or Rules section), so the HTML report
 * links every mention to its definition. Everything here is plain data: escaping is the
 * renderer's job (tags, names and rule text come from logs and are attacker-controllable).
 */

export type Cell = string | number | null | { text: string; ref: string };

export interface SectionTable {
  caption: string;
  headers: string[];
  rows: Cell[][];
  /** anchor of each row (same order as rows), for the tables other sections link to */
  rowIds?: string[];
  /** rows cut by the listing limit */
  more?: number;
}

export interface Section {
  id: string;
  title: string;
  /** one-line figures shown above the tables */
  lead: string[];
  tables: SectionTable[];
  /** preformatted blocks (explanations) */
  blocks: string[];
  notes: string[];
}

export const filterRef = (hash: string | null) => `filter-${hash ?? 'unknown'}`;
export const ruleRef = (filter: string | null, ruleId: number | string | null) => `rule-${filter ?? 'unknown'}-${ruleId ?? 'none'}`;

const fcell = (hash: string | null, name?: string | null): Cell => (hash === null ? null : { text: name ? `${hash} (${name})` : hash, ref: filterRef(hash) });
const rcell = (filter: string | null, ruleId: number | string | null, ruleset?: string | null): Cell =>
  ruleId === null ? null : { text: ruleset ? `${ruleset}/${ruleId}` : String(ruleId), ref: ruleRef(filter, ruleId) };

const n = (x: number) => x.toLocaleString('en-US');

export function auditSections(r: AuditReport): Section[] {
  const s = r.summary;
  const filterRows = new Set(r.ruleCounts.filters.map((f) => f.filter));
  const knownFilter = (h: string | null) => (h !== null && filterRows.has(h) ? fcell(h) : h);
  const ruleIds = new Set(r.rules.map((x) => ruleRef(x.filter, x.ruleId)));
  const knownRule = (f: string | null, id: number | string | null, rs?: string | null): Cell =>
    ruleIds.has(ruleRef(f, id)) ? rcell(f, id, rs) : id === null ? null : rs ? `${rs}/${id}` : String(id);

  // lint items name the filter; the rest of the report keys filters by hash
  const hashOfName = new Map(r.ruleCounts.filters.map((f) => [f.name, f.filter]));
  const out: Section[] = [];
  out.push({
    id: 'summary',
    title: 'Summary',
    lead: [
      `${n(r.inputs.totals.files)} files, ${n(r.inputs.hosts.length)} hosts, ${r.inputs.timeSpan.first ?? '-'} .. ${r.inputs.timeSpan.last ?? '-'}`,
    ],
    tables: [
      {
        caption: 'key figures',
        headers: ['measure', 'value'],
        rows: [
          ['events', s.events],
          ['denied (DROP + REJECT)', s.denied],
          ['rejected', s.rejected],
          ['REJECT/RST connections explained', s.explanations.connections],
          ['duplicate groups with extra observers', s.duplicateGroups],
          ['promiscuous suspects', s.promiscuousSuspects],
          ['unused rules (logged, never hit)', s.unusedRules],
          ['rules without logging (hits unknown)', s.notLoggedRules],
          ['shadowed rules', s.shadowed],
          ['redundant rules', s.redundant],
          ['events drifting from the rules', s.driftedEvents],
          ['filters over the rule limit', s.filtersOverLimit],
        ],
      },
    ],
    blocks: [],
    notes: [],
  });

  const i = r.inputs;
  out.push({
    id: 'inputs',
    title: 'Inputs',
    lead: [
      `${n(i.totals.lines)} lines: ${n(i.totals.events)} events, ${n(i.totals.skipped)} skipped (not firewall records), ${n(i.totals.rejected)} rejected; ` +
        `${n(i.totals.filters)} filters, ${n(i.totals.rules)} realized rule lines, ${n(i.totals.addrsets)} address sets`,
    ],
    tables: [
      { caption: 'files', headers: ['file', 'format', 'host', 'status', 'lines', 'events', 'skipped', 'rejected'], rows: i.files.map((f) => [f.path, f.format, f.host, f.status, f.lines, f.events, f.skipped, f.rejected]) },
      { caption: 'formats', headers: ['format', 'files', 'lines', 'events'], rows: i.formats.map((f) => [f.format, f.files, f.lines, f.events]) },
      { caption: 'hosts', headers: ['host', 'events', 'filters'], rows: i.hosts.map((h) => [h.host, h.events, h.filters]) },
      ...(i.rejectedByReason.length > 0
        ? [{ caption: 'rejected lines by reason', headers: ['code', 'lines', 'first at', 'reason'], rows: i.rejectedByReason.map((x): Cell[] => [x.code, x.lines, `${x.sample.path}:${x.sample.line}:${x.sample.col}`, x.sample.reason]) }]
        : []),
    ],
    blocks: [],
    notes: [],
  });

  const t = r.traffic;
  out.push({
    id: 'traffic',
    title: 'Traffic',
    lead: [`${n(t.packets)} packet records, ${n(t.sessionEnds)} session ends (TERM); ${n(t.distinctDeniedFlows)} distinct denied flows`],
    tables: [
      { caption: 'events by action', headers: ['action', 'events'], rows: t.byAction.map((a) => [a.action, a.events]) },
      { caption: 'events by host', headers: ['host', 'events', 'denied', 'filters'], rows: t.byHost.map((h) => [h.host, h.events, h.denied, h.filters]) },
      { caption: 'events by filter', headers: ['filter', 'name', 'vm', 'host', 'events', 'denied', 'rejected'], rows: t.byFilter.map((f) => [knownFilter(f.filter), f.name, f.vm, f.host, f.events, f.denied, f.rejected]) },
      { caption: 'events by rule', headers: ['filter', 'rule', 'action', 'events'], rows: t.byRule.map((x) => [knownFilter(x.filter), knownRule(x.filter, x.ruleId, x.ruleset), x.action, x.events]) },
      {
        caption: 'top denied flows',
        headers: ['host', 'filter', 'protocol', 'src', 'dst', 'dst port', 'action', 'rule', 'tag', 'events', 'first', 'last', 'sample event'],
        rows: t.topDenied.map((f) => [f.host, knownFilter(f.filter), f.protocol, f.src, f.dst, f.dstPort, f.action, knownRule(f.filter, f.ruleId, f.ruleset), f.tag, f.events, f.first, f.last, f.sampleEvent]),
        more: Math.max(0, t.distinctDeniedFlows - t.topDenied.length),
      },
    ],
    blocks: [],
    notes: [],
  });

  const x = s.explanations;
  out.push({
    id: 'explanations',
    title: 'REJECT and RST explanations',
    lead: [`${n(x.connections)} connection(s) with a REJECT or a TCP reset${x.connections > x.shown ? `; the first ${x.shown} in full` : ''}`],
    tables: x.causes.length > 0 ? [{ caption: 'causes', headers: ['cause', 'filter', 'rule', 'connections', 'fix that resolves it'], rows: x.causes.map((c) => [c.kind, knownFilter(c.filter), knownRule(c.filter, c.ruleId), c.connections, c.fix]) }] : [],
    blocks: r.explanations.map((e) => explanationText(e)),
    notes: [],
  });

  const d = r.duplicates;
  out.push({
    id: 'duplicates',
    title: 'Duplicate filters and promiscuous suspects',
    lead: [
      `${n(d.summary.records)} records, ${n(d.summary.groups)} groups: ${n(d.summary.expectedPairs)} expected pairs, ${n(d.summary.broadcast)} broadcast, ` +
        `${n(d.summary.extraObserverGroups)} with extra observers; ${n(d.summary.observers)} observers (${n(d.summary.promiscuousSuspects)} promiscuous suspects)`,
    ],
    tables: [
      {
        caption: 'extra observers',
        headers: ['filter', 'vm', 'host', 'verdict', 'evidence', 'ownership', 'groups', 'flows not owned', 'drops', 'rules/actions'],
        rows: d.observers.map((o) => [knownFilter(o.filter) ?? o.filter, o.vm, o.host, o.verdict, o.evidence.join(', '), `${o.ownershipBasis}${o.ownedAddresses.length ? ` (${o.ownedAddresses.join(' ')})` : ''}`, o.groups, o.flowsNotOwned, o.drops, o.rules.map((u) => `${u.rule} ${u.action ?? '-'} x${u.count}`).join(', ')]),
      },
      {
        caption: 'duplicate groups',
        headers: ['ts', 'host', 'packet', 'kind', 'records'],
        rows: d.groups.map((g) => [g.ts, g.host, `${g.protocol} ${g.src}${g.srcPort !== null ? `/${g.srcPort}` : ''}->${g.dst}${g.dstPort !== null ? `/${g.dstPort}` : ''} ${g.flags}`.trim(), g.kind, g.records.map((q) => `${q.eventId} ${q.filter} ${q.direction} ${q.action ?? '-'} ${q.rule} ${q.role}`).join('; ')]),
        more: Math.max(0, d.summary.extraObserverGroups + d.summary.unknownGroups - d.groups.length),
      },
    ],
    blocks: [],
    notes: d.notes,
  });

  out.push({
    id: 'unused-rules',
    title: 'Rules never hit',
    lead: [`${n(s.unusedRules)} logged rule(s) never hit, ${n(s.notLoggedRules)} rule(s) without logging whose hits cannot be counted`],
    tables: [
      {
        caption: 'rules never hit in the logs',
        headers: ['filter', 'vm', 'rule', 'position', 'action', 'tag', 'status'],
        rows: r.unusedRules.map((u) => [fcell(u.filter, u.name), u.vm, rcell(u.filter, u.ruleId, u.ruleset), u.position, u.action, u.tag, u.status]),
      },
    ],
    blocks: [],
    notes: [],
  });

  out.push({
    id: 'shadowed-rules',
    title: 'Shadowed and redundant rules',
    lead: [`${n(s.shadowed)} shadowed, ${n(s.redundant)} redundant (covered by the union of earlier rules)`],
    tables: [
      {
        caption: 'shadowed and redundant rules',
        headers: ['filter', 'rule', 'position', 'kind', 'action', 'covered by', 'rule text'],
        rows: r.shadowedRules.map((x) => {
          const h = x.filter === null ? null : (hashOfName.get(x.filter) ?? x.filter);
          return [h === null ? 'policy set' : fcell(h, x.filter), knownRule(h, x.ruleId, x.ruleset), x.position, x.kind, x.action, x.coveredBy.join(', '), x.text];
        }),
      },
    ],
    blocks: [],
    notes: [],
  });

  out.push({
    id: 'drift',
    title: 'Drift between the log and the rules',
    lead: [`${n(r.drift.compared)} events compared with the realized rules, ${n(r.drift.drifted)} differ`],
    tables: [
      {
        caption: 'drift',
        headers: ['filter', 'logged', 'simulated', 'events', 'sample events', 'note'],
        rows: r.drift.groups.map((g) => [knownFilter(g.filter), `${g.logged.action ?? '-'} ${g.logged.ruleId ?? '-'}`, `${g.simulated.verdict ?? '-'} ${g.simulated.ruleId ?? '-'}`, g.events, g.sampleEvents.join(' '), g.note]),
      },
    ],
    blocks: [],
    notes: [],
  });

  out.push({
    id: 'filters',
    title: 'Filters and rule counts',
    lead: [`${n(r.ruleCounts.filters.length)} filter(s) with realized rules, ${n(s.filtersOverLimit)} over the limit`],
    tables: [
      {
        caption: 'rule counts per filter',
        headers: ['filter', 'name', 'vm', 'host', 'rule ids', 'rule lines', 'limit', 'over'],
        rows: r.ruleCounts.filters.map((f) => [f.filter, f.name, f.vm, f.host, f.rules, f.lines, f.limit, f.over ? 'OVER' : '']),
        rowIds: r.ruleCounts.filters.map((f) => filterRef(f.filter)),
      },
      { caption: 'rule counts per host', headers: ['host', 'rule lines', 'limit', 'over'], rows: r.ruleCounts.hosts.map((h) => [h.host, h.lines, h.limit, h.over ? 'OVER' : '']) },
    ],
    blocks: [],
    notes: [],
  });

  out.push({
    id: 'rules',
    title: 'Rules',
    lead: [`${n(r.rules.length)} realized rule(s), first line of each id per filter, with the packet records each logged`],
    tables: [
      {
        caption: 'realized rules',
        headers: ['filter', 'rule', 'position', 'action', 'tag', 'logging', 'hits'],
        rows: r.rules.map((x) => [fcell(x.filter, x.name), `${x.ruleset}/${x.ruleId}${x.internal ? ' (internal)' : ''}`, x.position, x.action, x.tag, x.logged ? 'on' : 'off', x.hits]),
        rowIds: r.rules.map((x) => ruleRef(x.filter, x.ruleId)),
      },
    ],
    blocks: [],
    notes: r.notes,
  });
  return out;
}
