import type { Decision, TraceNode } from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import { protocolLabel } from '../net/protocols.js';
import { renderCsv, renderJson, renderTable, type OutputFormat } from './tabular.js';

/** The `dfwsim eval --format json` object: contract keys first, then the rest of the Decision. */
export function decisionJson(d: Decision, context: Record<string, unknown> = {}) {
  return {
    verdict: d.verdict,
    ruleset: d.ruleset,
    ruleId: d.ruleId,
    position: d.position,
    isDefault: d.isDefault,
    trace: d.trace,
    basis: d.basis,
    tier: d.tier,
    policy: d.policy,
    rejectSends: d.rejectSends,
    walkthrough: d.walkthrough,
    ...context,
  };
}

/** Flattens a trace tree to rows: depth-first, children indented under their parent. */
export function traceRows(nodes: readonly TraceNode[], depth = 0): { step: string; rule: string; text: string }[] {
  const out: { step: string; rule: string; text: string }[] = [];
  for (const n of nodes) {
    const r = n.rule;
    out.push({
      step: n.kind,
      rule: r ? [r.tier, r.policy, r.ruleset, r.ruleId, r.position !== null ? `at ${r.position}` : null].filter((x) => x !== undefined && x !== null).join(' ') : '',
      text: `${'  '.repeat(depth)}${n.text}`,
    });
    out.push(...traceRows(n.children, depth + 1));
  }
  return out;
}

export function flowText(f: Flow): string {
  const p = (a: string, port: number | null) => (port === null ? a : `${a}/${port}`);
  const proto = protocolLabel(f.protocol);
  return `${proto} ${p(f.src, f.srcPort)}->${p(f.dst, f.dstPort)}${f.tcpFlags ? ` ${f.tcpFlags}` : ''}${f.icmpType !== null ? ` type ${f.icmpType}` : ''}${f.icmpCode !== null ? ` code ${f.icmpCode}` : ''}`;
}

/** Table: the verdict line and walkthrough, then the trace; CSV: the trace rows. */
export function renderDecision(d: Decision, format: OutputFormat, context: Record<string, unknown> = {}): string {
  if (format === 'json') return renderJson(decisionJson(d, context));
  const rows = traceRows(d.trace);
  const cols = [
    { header: 'step', get: (r: (typeof rows)[number]) => r.step },
    { header: 'rule', get: (r: (typeof rows)[number]) => r.rule },
    { header: 'why', get: (r: (typeof rows)[number]) => r.text },
  ];
  if (format === 'csv') return renderCsv(rows, cols);
  const head = `${d.verdict.toUpperCase()}${d.rejectSends && d.rejectSends !== 'none' ? ` (sends ${d.rejectSends})` : ''}  ${d.walkthrough}\n`;
  return head + renderTable(rows, cols);
}
