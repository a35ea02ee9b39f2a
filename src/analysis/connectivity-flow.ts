import { parseAddrRef } from './connectivity-addr.js';
import type { CompiledIntent, IntentRule } from './connectivity-compile.js';
import { capturingRules, evaluatePair, type SideWalk } from './connectivity.js';
import { connIntersect, connIsEmpty, connSubtract, connUnion, EMPTY_CONN, type ConnSet } from './connectivity-set.js';

/**
 * `eval` / `explain` of one flow between two endpoints of an NSX intent export: the flow is
 * evaluated OUT on the sender's filter and IN on the receiver's (DESIGN.md §5), with the same
 * walk as the connectivity map. A flow may be a set (no --dport = every port); each side then
 * reports one chain per part: the JUMP_TO_APPLICATION rules that passed the part on and the
 * rule (or default) that decided it.
 */

export type SideVerdict = 'allow' | 'drop' | 'reject' | 'partial';

/** One step of a chain. `rule` null = the implicit default layer-3 rule (NSX: ALLOW). */
export interface ChainStep {
  category: string;
  action: IntentRule['action'];
  rule: IntentRule | null;
}

export interface FlowChain {
  part: ConnSet;
  steps: ChainStep[];
}

export interface FlowSide {
  endpoint: string;
  direction: 'egress' | 'ingress';
  verdict: SideVerdict;
  chains: FlowChain[];
  /** rules that capture the pair but whose whole share was decided by earlier rules */
  covered: IntentRule[];
}

export interface FlowResult {
  src: string;
  dst: string;
  flow: ConnSet;
  permitted: ConnSet;
  verdict: SideVerdict;
  egress: FlowSide | null;
  ingress: FlowSide | null;
}

/** A VM by display name or external id, an address owned by a VM, or the external block holding it. */
export function resolveIntentEndpoint(c: CompiledIntent, text: string): number | null {
  const byName = c.byName.get(text);
  if (byName !== undefined) return byName;
  const byId = c.endpoints.findIndex((e) => e.vm?.id === text);
  if (byId >= 0) return byId;
  const a = parseAddrRef(text);
  if (!a || a.family !== 4 || a.range[0] !== a.range[1]) return null;
  const ip = a.range[0];
  const owner = c.endpoints.findIndex((e) => e.vm !== null && e.vm.vnics.some((n) => n.ips.some((x) => {
    const r = parseAddrRef(x);
    return r !== null && r.family === 4 && r.range[0] === ip;
  })));
  if (owner >= 0) return owner;
  const block = c.endpoints.findIndex((e) => e.block !== null && e.block[0] <= ip && ip <= e.block[1]);
  return block >= 0 ? block : null;
}

function sideOf(c: CompiledIntent, w: SideWalk, endpoint: string, direction: 'egress' | 'ingress', local: number, remote: number, flow: ConnSet): FlowSide {
  const chains: FlowChain[] = [];
  const jumps = w.decisions.filter((d) => d.rule.action === 'JUMP_TO_APPLICATION');
  const step = (r: IntentRule): ChainStep => ({ category: r.category.label, action: r.action, rule: r });
  /** Splits a decided part by the jumps it came through (jump parts of one category are disjoint). */
  const pieces = (part: ConnSet): { part: ConnSet; via: IntentRule[] }[] => {
    let out = [{ part, via: [] as IntentRule[] }];
    for (const j of jumps) {
      out = out.flatMap((p) => {
        const inter = connIntersect(p.part, j.part);
        if (connIsEmpty(inter)) return [p];
        const rest = connSubtract(p.part, inter);
        return [{ part: inter, via: [...p.via, j.rule] }, ...(connIsEmpty(rest) ? [] : [{ part: rest, via: p.via }])];
      });
    }
    return out;
  };
  for (const d of w.decisions) {
    if (d.rule.action === 'JUMP_TO_APPLICATION') continue;
    for (const p of pieces(d.part)) chains.push({ part: p.part, steps: [...p.via.map(step), step(d.rule)] });
  }
  if (!connIsEmpty(w.undecided)) {
    for (const p of pieces(w.undecided)) {
      // NSX: the default layer-3 rule (ALLOW as shipped); nsxanalyzer: no decision (reported as DROP)
      chains.push({ part: p.part, steps: [...p.via.map(step), { category: 'Default', action: c.semantics === 'nsx' ? 'ALLOW' : 'DROP', rule: null }] });
    }
  }
  const decided = new Set(w.decisions.map((d) => d.rule));
  const covered = capturingRules(c, direction, local, remote).filter((r) => !decided.has(r) && !connIsEmpty(connIntersect(r.conn, flow)));
  return { endpoint, direction, verdict: verdictOf(chains, flow), chains, covered };
}

function verdictOf(chains: FlowChain[], flow: ConnSet): SideVerdict {
  let allowed = EMPTY_CONN;
  const actions = new Set<string>();
  for (const ch of chains) {
    const last = ch.steps[ch.steps.length - 1];
    if (!last) continue;
    actions.add(last.action);
    if (last.action === 'ALLOW') allowed = connUnion(allowed, ch.part);
  }
  if (connIsEmpty(connSubtract(flow, allowed))) return 'allow';
  if (connIsEmpty(allowed) && actions.size === 1) return actions.has('REJECT') ? 'reject' : 'drop';
  return connIsEmpty(allowed) ? 'drop' : 'partial';
}

/** Evaluates `flow` from `src` to `dst` (endpoint indices) with chains on both sides. */
export function evaluateIntentFlow(c: CompiledIntent, src: number, dst: number, flow: ConnSet): FlowResult {
  const r = evaluatePair(c, src, dst, flow, true);
  const s = c.endpoints[src];
  const d = c.endpoints[dst];
  const egress = r.egress && s ? sideOf(c, r.egress, s.name, 'egress', src, dst, flow) : null;
  const ingress = r.ingress && d ? sideOf(c, r.ingress, d.name, 'ingress', dst, src, flow) : null;
  const sides = [egress, ingress].filter((x): x is FlowSide => x !== null);
  let verdict: SideVerdict = connIsEmpty(connSubtract(flow, r.permitted)) ? 'allow' : connIsEmpty(r.permitted) ? 'drop' : 'partial';
  // a flow denied on one side by REJECT only is rejected (the sender gets RST / ICMP unreachable)
  if (verdict === 'drop' && sides.some((x) => x.verdict === 'reject') && !sides.some((x) => x.verdict === 'drop' || x.verdict === 'partial')) verdict = 'reject';
  return { src: s?.name ?? '?', dst: d?.name ?? '?', flow, permitted: r.permitted, verdict, egress, ingress };
}
