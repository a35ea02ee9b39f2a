import { DiagnosticCode } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { antreaBuiltinTiers } from '../model/policy.js';
import type { Peer, Policy, PolicySet, Tier } from '../model/policy.js';
import type { SourceSpan } from '../model/source-span.js';
import type { PolicyFragment } from './antrea-yaml.js';

/**
 * Merge loaded fragments into one PolicySet over the Antrea built-in tiers, applying the
 * cross-object checks the Antrea controller makes (antrea.md §1.2): custom tier priorities are
 * unique and not static ones; a policy's tier must exist (else it is not realized); group
 * references must resolve (else the peer matches nothing, reported).
 */
export function buildPolicySet(fragments: PolicyFragment[], diagnostics: Diagnostic[] = [], base: Tier[] = antreaBuiltinTiers()): PolicySet {
  const diags = [...diagnostics];
  const tiers = [...base];
  const byPriority = new Map(tiers.map((t) => [t.priority, t]));
  const byName = new Map(tiers.map((t) => [t.name, t]));
  for (const f of fragments) {
    for (const t of f.tiers) {
      const clash = byPriority.get(t.priority);
      if (byName.has(t.name)) {
        push(diags, t.span, `Tier ${t.name} is defined twice (or is a static tier); the later one is ignored`);
      } else if (clash) {
        push(diags, t.span, `Tier ${t.name} priority ${t.priority} overlaps with existing Tier ${clash.name}`);
      } else {
        tiers.push(t);
        byPriority.set(t.priority, t);
        byName.set(t.name, t);
      }
    }
  }
  tiers.sort((a, b) => a.priority - b.priority);
  const groups = fragments.flatMap((f) => f.groups);
  const groupKeys = new Set(groups.map((g) => `${g.namespace ?? ''}/${g.name}`));
  const policies: Policy[] = [];
  for (const f of fragments) {
    for (const p of f.policies) {
      if (!byName.has(p.tier)) {
        // doc l.107: a Tier must exist before a policy references it.
        push(diags, p.span, `${p.kind} ${p.name}: tier ${p.tier} does not exist; policy not realized`);
        continue;
      }
      const check = (peer: Peer): void => {
        if (peer.kind === 'group' && !groupKeys.has(`${peer.namespace ?? ''}/${peer.name}`)) {
          push(diags, peer.span, `${peer.namespace ? 'Group' : 'ClusterGroup'} ${peer.name} does not exist; it matches nothing`, 'warning');
        }
      };
      p.appliedTo.forEach(check);
      for (const r of p.rules) {
        r.peers.forEach(check);
        r.appliedTo?.forEach(check);
      }
      policies.push(p);
    }
  }
  for (const g of groups) {
    for (const m of g.members) {
      if (m.kind === 'group' && !groupKeys.has(`${m.namespace ?? ''}/${m.name}`)) {
        push(diags, m.span, `child group ${m.name} does not exist; it matches nothing`, 'warning');
      }
    }
  }
  return { tiers, policies, groups, diagnostics: diags };
}

function push(diags: Diagnostic[], span: SourceSpan | null, message: string, severity: 'error' | 'warning' = 'error'): void {
  diags.push({
    code: DiagnosticCode.PolicyInvalid,
    severity,
    span: span ?? { file: '', offset: 0, line: 1, column: 1, length: 0 },
    message,
  });
}
