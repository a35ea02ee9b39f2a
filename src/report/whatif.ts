import type { WhatifChange, WhatifOutcome, WhatifResult, WhatifRuleChange } from '../analysis/whatif.js';
import { renderCsv, renderJson, renderTable, type Column, type OutputFormat } from './tabular.js';

/** `REJECT domain-c7/1026`, `ALLOW state (1795)`, `ALLOW excluded`, `-` (not evaluated). */
export function outcomeText(o: WhatifOutcome): string {
  if (o.verdict === null) return '-';
  const v = o.verdict === 'allow' ? 'ALLOW' : o.verdict.toUpperCase();
  switch (o.basis) {
    case 'rule':
    case 'default':
      return `${v} ${o.ruleset ? `${o.ruleset}/` : ''}${o.ruleId ?? 'default'}`;
    case 'state':
    case 'state-uncertain':
      return `${v} ${o.basis}${o.ruleId !== null ? ` (${o.ruleId})` : ''}`;
    default:
      return `${v} ${o.basis ?? ''}`.trim();
  }
}

const CHANGE_COLUMNS: Column<WhatifChange>[] = [
  { header: 'filter', get: (c) => c.filter },
  { header: 'dir', get: (c) => c.direction },
  { header: 'flow', get: (c) => c.flow.text },
  { header: 'before', get: (c) => outcomeText(c.before) },
  { header: 'after', get: (c) => (c.causeRemoved ? 'would not occur (its REJECT is gone)' : outcomeText(c.after)) },
  { header: 'events', get: (c) => c.events },
  { header: 'first event', get: (c) => c.firstEvent },
];

const verdictRule = (x: { verdict: string | null; ruleId: number | string | null }) => `${x.verdict === null ? '-' : x.verdict.toUpperCase()}${x.ruleId !== null ? ` ${x.ruleId}` : ''}`;

const RULE_COLUMNS: Column<WhatifRuleChange>[] = [
  { header: 'filter', get: (r) => r.filter },
  { header: 'before', get: (r) => verdictRule(r.before) },
  { header: 'after', get: (r) => (r.causeRemoved ? 'would not occur' : verdictRule(r.after)) },
  { header: 'flows', get: (r) => r.flows },
  { header: 'events', get: (r) => r.events },
];

/** Table: the changed flows (up to `limit`), the changes by filter and rule, the summary line. JSON: `{changed, summary, notes}`. */
export function renderWhatif(r: WhatifResult, format: OutputFormat, limit: number): string {
  switch (format) {
    case 'json':
      return renderJson(r);
    case 'csv':
      return renderCsv(r.changed, CHANGE_COLUMNS);
    case 'table': {
      const s = r.summary;
      const parts: string[] = [];
      if (r.changed.length === 0) parts.push('no logged flow changes its verdict or deciding rule\n');
      else {
        parts.push(renderTable(r.changed.slice(0, limit), CHANGE_COLUMNS));
        if (r.changed.length > limit) parts.push(`... ${r.changed.length - limit} more changed flow(s) (--limit, or --format json for all)\n`);
        parts.push(renderTable(s.byFilterRule, RULE_COLUMNS));
      }
      parts.push(
        `${s.events} events replayed: ${s.changedEvents} change, in ${s.changedFlows} flow(s): ${s.newlyDenied} newly denied, ${s.newlyAllowed} newly allowed, ${s.causeRemoved} would not occur, ${s.ruleChanged} other rule change` +
          (s.unchangedOnExcluded > 0 ? `; ${s.unchangedOnExcluded} still allowed, now by an excluded filter` : '') +
          '\n',
      );
      for (const n of r.notes) parts.push(`note: ${n}\n`);
      return parts.join('');
    }
  }
}
