import type { Bitset } from '../engine/tiered/bitset.js';
import type { CompiledIntent, Direction, IntentRule } from './connectivity-compile.js';
import type { ConnSet, Ivl, Set2 } from './connectivity-set.js';
import { arraySteps, cover, type CoverStep } from './shadow-cover.js';
import { coverIds, type Coverer, type ShadowItem } from './shadow.js';
import type { Box, ISet } from './shadow-space.js';

/**
 * Shadowed rules of an NSX intent export through the generic static coverage (shadow-cover.ts,
 * issue 9), in its `shadowedRules` item shape. What is compared is nsxanalyzer's lint
 * definition (cases README "Lint cases"; nsx-policy-json.md §5 item 10): per category and per
 * direction, a rule whose (sources × destinations × connections) set (scope ignored) is covered
 * by the union of the earlier rules of the same category and direction, whatever their action;
 * an IN_OUT rule only when covered in both directions. Each rule becomes boxes over
 * [source endpoint, destination endpoint, protocol, src port / ICMP type, dst port / ICMP code].
 */

export interface IntentShadowItem extends ShadowItem {
  category: string;
  direction: 'IN' | 'OUT' | 'IN_OUT';
}

/** Inclusive Ivl -> half-open ISet. */
function iset(a: Ivl): ISet {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 2) out.push(a[i] ?? 0, (a[i + 1] ?? 0) + 1);
  return out;
}

function bitsIset(b: Bitset): ISet {
  const out: number[] = [];
  for (const i of b) {
    const n = out.length;
    if (n > 0 && out[n - 1] === i) out[n - 1] = i + 1;
    else out.push(i, i + 1);
  }
  return out;
}

function connBoxes(src: ISet, dst: ISet, c: ConnSet): Box[] {
  if (src.length === 0 || dst.length === 0) return [];
  const out: Box[] = [];
  const strips = (proto: number, s: Set2) => {
    for (const st of s) out.push([src, dst, [proto, proto + 1], [st.lo, st.hi + 1], iset(st.y)]);
  };
  strips(6, c.tcp);
  strips(17, c.udp);
  strips(1, c.icmp);
  strips(58, c.icmp6);
  if (c.proto.length > 0) out.push([src, dst, iset(c.proto), [0, 65537], [0, 65537]]);
  return out;
}

/** Sources and destinations of a compiled rule, whatever its direction (scope ignored). */
function ruleBoxes(r: IntentRule): Box[] {
  const [src, dst] = r.direction === 'ingress' ? [r.peers, r.local] : [r.local, r.peers];
  return connBoxes(bitsIset(src), bitsIset(dst), r.conn);
}

/** The covered rules of every category and direction. */
export function shadowIntent(c: CompiledIntent): IntentShadowItem[] {
  const found = new Map<string, { r: IntentRule; dirs: Map<Direction, Coverer[]> }>();
  const keyOf = (r: IntentRule) => `${r.policy.index}/${r.rule?.index ?? 'default'}`;
  for (const d of ['ingress', 'egress'] as const) {
    const rules = c.rules[d];
    const boxes = rules.map(ruleBoxes);
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (!r) continue;
      const target = boxes[i] ?? [];
      if (target.length === 0) continue; // an ineffective rule (empty source, destination or services)
      const earlier: { rule: IntentRule; step: CoverStep }[] = [];
      for (let j = 0; j < i; j++) {
        const e = rules[j];
        if (e && e.categoryOrder === r.categoryOrder) earlier.push({ rule: e, step: { boxes: boxes[j] ?? [], tier: 0, passTo: null } });
      }
      const out = cover(target, arraySteps(earlier.map((x) => x.step)));
      if (out.status !== 'covered') continue;
      const entry = found.get(keyOf(r)) ?? { r, dirs: new Map() };
      entry.dirs.set(d, out.by.map((k) => earlier[k]?.rule).filter((x): x is IntentRule => x !== undefined).map((x) => ({ ruleId: x.ruleId ?? x.label, position: x.rule?.index ?? -1, action: x.action })));
      found.set(keyOf(r), entry);
    }
  }
  const items: IntentShadowItem[] = [];
  for (const { r, dirs } of found.values()) {
    const direction = r.rule?.direction ?? 'IN_OUT';
    // an IN_OUT rule is reported only when covered in both directions
    if (direction === 'IN_OUT' && dirs.size < 2) continue;
    const coverers = [...dirs.values()].flat();
    const ids = coverIds(coverers);
    const byId = new Map(coverers.map((x) => [x.ruleId, x]));
    items.push({
      filter: null,
      ruleset: null,
      tier: r.category.name,
      policy: r.policy.name,
      ruleId: r.ruleId ?? r.label,
      position: r.rule?.index ?? -1,
      kind: coverers.every((x) => x.action === r.action) ? 'redundant' : 'shadowed',
      action: r.action,
      coveredBy: ids,
      coverers: ids.map((id) => byId.get(id)).filter((x): x is Coverer => x !== undefined),
      source: `${r.at.file}:${r.at.path}`,
      text: `${direction} ${(r.rule?.sources ?? ['ANY']).join(',')} -> ${(r.rule?.destinations ?? ['ANY']).join(',')}`,
      notes: [],
      category: r.category.name,
      direction,
    });
  }
  return items.sort((a, b) => String(a.ruleId).localeCompare(String(b.ruleId), 'en', { numeric: true }));
}
