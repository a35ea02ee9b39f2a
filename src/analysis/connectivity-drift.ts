import type { Filter } from '../model/filter.js';
import type { RealizedAction, Ruleset } from '../model/rule.js';
import type { CompiledIntent, IntentRule } from './connectivity-compile.js';

/**
 * Intent vs realized (issue 10 item 5): for every VM of an NSX export whose vNIC filter has
 * ingested `vsipioctl getrules` output, the rules NSX Manager says apply to the VM (either
 * direction, in evaluation order) against the layer-3 rules realized on the filter, compared by
 * `rule_id` (the id the data plane and the logs carry):
 * - `missing`: applied to the VM by the intent, absent from the filter;
 * - `extra`: on the filter, not applied to the VM by the intent;
 * - `action`: both, with another action (realized accept/drop/reject vs ALLOW/DROP/REJECT);
 * - `order`: both, but out of the intent's relative order (not on a longest common ordering).
 */

export type IntentDriftKind = 'missing' | 'extra' | 'action' | 'order';

export interface IntentDriftItem {
  filter: string;
  vm: string;
  kind: IntentDriftKind;
  ruleId: number;
  /** intent side: action and 0-based position among the VM's intent rules; null for `extra` */
  intent: { action: string; position: number; category: string; policy: string } | null;
  /** realized side: action and 0-based position among the filter's L3 rule ids; null for `missing` */
  realized: { action: string; position: number; ruleset: string } | null;
}

export interface IntentDriftReport {
  /** filters matched to a VM of the export */
  compared: { filter: string; vm: string }[];
  /** filters with realized rules that match no VM (by name or UUID) */
  unmatched: string[];
  items: IntentDriftItem[];
}

const REALIZED_ACTION: Record<RealizedAction, string> = { accept: 'ALLOW', drop: 'DROP', reject: 'REJECT', punt: 'PUNT' };

/** `50 1e 02 7b ... 1d` and `501e027b-...` compare equal. */
const uuidKey = (s: string) => s.replace(/[^0-9a-fA-F]/g, '').toLowerCase();

/** The intent rules applied to VM `v` (either direction), in evaluation order, with a rule_id. */
function intentRules(c: CompiledIntent, v: number): IntentRule[] {
  const byOrder = new Map<number, IntentRule>();
  for (const d of ['egress', 'ingress'] as const) {
    for (const seq of c.applicable[d][v] ?? []) {
      const r = c.rules[d][seq];
      if (r && r.ruleId !== null && !byOrder.has(r.order)) byOrder.set(r.order, r);
    }
  }
  return [...byOrder.values()].sort((a, b) => a.order - b.order);
}

/** Indices (into `xs`) of a longest strictly increasing subsequence. */
function lis(xs: number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Array<number>(xs.length).fill(-1);
  for (let i = 0; i < xs.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((xs[tails[mid] ?? 0] ?? 0) < (xs[i] ?? 0)) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1] ?? -1;
    tails[lo] = i;
  }
  const out = new Set<number>();
  for (let k = tails[tails.length - 1] ?? -1; k >= 0; k = prev[k] ?? -1) out.add(k);
  return out;
}

/** Compares the intent with the realized rulesets of the filters given. */
export function intentDrift(c: CompiledIntent, filters: { filter: Filter; rulesets: Ruleset[] }[]): IntentDriftReport {
  const byName = new Map<string, number>();
  const byUuid = new Map<string, number>();
  for (const e of c.endpoints) {
    if (!e.vm) continue;
    byName.set(e.vm.name, e.index);
    byUuid.set(uuidKey(e.vm.id), e.index);
  }
  const report: IntentDriftReport = { compared: [], unmatched: [], items: [] };
  for (const { filter, rulesets } of filters) {
    const v = (filter.vmName !== null ? byName.get(filter.vmName) : undefined) ?? (filter.vmUuid !== null ? byUuid.get(uuidKey(filter.vmUuid)) : undefined);
    if (v === undefined) {
      report.unmatched.push(filter.name);
      continue;
    }
    const vm = c.endpoints[v]?.name ?? '?';
    report.compared.push({ filter: filter.name, vm });
    // realized L3 rules by id, first line of an exploded rule, in evaluation order
    const realized: { ruleId: number; action: string; ruleset: string }[] = [];
    const seen = new Set<number>();
    for (const rs of rulesets) {
      if (rs.layer === 'L2') continue;
      for (const r of rs.rules) {
        if (seen.has(r.ruleId)) continue;
        seen.add(r.ruleId);
        realized.push({ ruleId: r.ruleId, action: REALIZED_ACTION[r.action], ruleset: rs.name });
      }
    }
    const intent = intentRules(c, v);
    const realizedAt = new Map(realized.map((r, i) => [r.ruleId, i]));
    const intentAt = new Map(intent.map((r, i) => [r.ruleId ?? -1, i]));
    const side = (r: IntentRule, i: number) => ({ action: r.action, position: i, category: r.category.name, policy: r.policy.name });
    const common: { r: IntentRule; i: number; j: number }[] = [];
    intent.forEach((r, i) => {
      const j = realizedAt.get(r.ruleId ?? -1);
      if (j === undefined) report.items.push({ filter: filter.name, vm, kind: 'missing', ruleId: r.ruleId ?? -1, intent: side(r, i), realized: null });
      else common.push({ r, i, j });
    });
    realized.forEach((x, j) => {
      if (!intentAt.has(x.ruleId)) report.items.push({ filter: filter.name, vm, kind: 'extra', ruleId: x.ruleId, intent: null, realized: { action: x.action, position: j, ruleset: x.ruleset } });
    });
    const inOrder = lis(common.map((x) => x.j));
    common.forEach((x, k) => {
      const real = realized[x.j];
      if (!real) return;
      const both = { intent: side(x.r, x.i), realized: { action: real.action, position: x.j, ruleset: real.ruleset } };
      if (real.action !== x.r.action) report.items.push({ filter: filter.name, vm, kind: 'action', ruleId: real.ruleId, ...both });
      if (!inOrder.has(k)) report.items.push({ filter: filter.name, vm, kind: 'order', ruleId: real.ruleId, ...both });
    });
  }
  report.items.sort((a, b) => a.filter.localeCompare(b.filter) || (a.intent?.position ?? a.realized?.position ?? 0) - (b.intent?.position ?? b.realized?.position ?? 0) || a.kind.localeCompare(b.kind));
  return report;
}
