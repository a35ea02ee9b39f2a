import type { ConnectionDecision } from '../engine/tiered/index.js';
import type { Decision } from '../model/decision.js';
import { decisionJson, traceRows } from './decision.js';
import { renderCsv, renderJson, renderTable, type OutputFormat } from './tabular.js';

/** The side that decided the connection: the first that did not allow, else the last evaluated. */
export function decidingSide(d: ConnectionDecision): { side: 'egress' | 'ingress'; decision: Decision } | null {
  if (d.egress && d.egress.verdict !== 'allow') return { side: 'egress', decision: d.egress };
  if (d.ingress) return { side: 'ingress', decision: d.ingress };
  if (d.egress) return { side: 'egress', decision: d.egress };
  return null;
}

const VERDICT = { Con: 'allow', Drp: 'drop', Rej: 'reject' } as const;

/**
 * JSON: the `eval` contract keys (verdict, ruleset, ruleId, position, isDefault, trace) taken
 * from the deciding side, then the connection mark and both sides in full.
 */
export function connectionJson(d: ConnectionDecision, context: Record<string, unknown>) {
  const decider = decidingSide(d);
  return {
    verdict: VERDICT[d.verdict],
    ruleset: decider?.decision.ruleset ?? null,
    ruleId: decider?.decision.ruleId ?? null,
    position: decider?.decision.position ?? null,
    isDefault: decider?.decision.isDefault ?? true,
    trace: [
      ...(d.egress ? [{ kind: 'info', text: `egress on ${String(context['src'])}`, children: d.egress.trace }] : []),
      ...(d.ingress ? [{ kind: 'info', text: `ingress on ${String(context['dst'])}`, children: d.ingress.trace }] : []),
    ],
    connection: d.verdict,
    decidedBy: decider?.side ?? null,
    tier: decider?.decision.tier ?? null,
    policy: decider?.decision.policy ?? null,
    selfTraffic: d.selfTraffic,
    walkthrough: d.walkthrough,
    egress: d.egress ? decisionJson(d.egress) : null,
    ingress: d.ingress ? decisionJson(d.ingress) : null,
    conflicts: d.conflicts,
    ...context,
  };
}

export function renderConnection(d: ConnectionDecision, format: OutputFormat, context: Record<string, unknown>): string {
  if (format === 'json') return renderJson(connectionJson(d, context));
  const rows = [
    ...(d.egress ? traceRows([{ kind: 'info', text: `egress on ${String(context['src'])}: ${d.egress.walkthrough}`, children: d.egress.trace }]) : []),
    ...(d.ingress ? traceRows([{ kind: 'info', text: `ingress on ${String(context['dst'])}: ${d.ingress.walkthrough}`, children: d.ingress.trace }]) : []),
  ];
  const cols = [
    { header: 'step', get: (r: (typeof rows)[number]) => r.step },
    { header: 'rule', get: (r: (typeof rows)[number]) => r.rule },
    { header: 'why', get: (r: (typeof rows)[number]) => r.text },
  ];
  if (format === 'csv') return renderCsv(rows, cols);
  return `${d.verdict}  ${d.walkthrough}\n${rows.length ? renderTable(rows, cols) : ''}${d.conflicts.map((c) => `note: ${c}\n`).join('')}`;
}
