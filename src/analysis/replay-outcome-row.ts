import type { Decision } from '../model/decision.js';
import type { ReplayInput } from '../model/packet-event.js';
import type { ReplayOutcomeRow } from '../model/replay-outcome.js';
import type { ReplayEventResult } from '../model/replay.js';

/**
 * The replay's rules are NSX realized rules, whose ids are numbers (CompiledRule.ruleId); a
 * Decision's id is `number | string` only for tiered policy sources, which the replay never walks.
 */
const numericId = (id: Decision['ruleId'] | undefined): number | null => (typeof id === 'number' ? id : null);

/** One replay result as a flat row (model/replay-outcome.ts names). */
export function outcomeRow(r: ReplayEventResult, e: ReplayInput): ReplayOutcomeRow {
  const s = r.simulated;
  const w = r.ruleWalk;
  const syn = r.synthetic;
  return {
    event_id: r.eventId,
    host: e.host,
    ts_ms: e.tsMs,
    filter_hash: r.filterHash,
    direction: r.direction,
    kind: r.kind,
    agreement: r.agreement,
    logged_action: r.logged.action,
    logged_ruleset: r.logged.ruleset,
    logged_rule_id: r.logged.ruleId,
    simulated_verdict: s?.verdict ?? null,
    simulated_basis: s?.basis ?? null,
    simulated_ruleset: s?.ruleset ?? null,
    simulated_rule_id: numericId(s?.ruleId),
    simulated_position: s?.position ?? null,
    simulated_is_default: s === null ? null : s.isDefault,
    simulated_tier: s?.tier ?? null,
    simulated_policy: s?.policy ?? null,
    simulated_reject_sends: s?.rejectSends ?? null,
    simulated_walkthrough: s?.walkthrough ?? null,
    matched_state: s?.basis === 'state',
    rule_walk_verdict: w?.verdict ?? null,
    rule_walk_ruleset: w?.ruleset ?? null,
    rule_walk_rule_id: numericId(w?.ruleId),
    state_key: r.stateKey,
    connection: r.connection,
    created_state: r.createdState,
    caused_by: r.causedBy,
    synthetic_kind: syn?.kind ?? null,
    synthetic_from_filter: syn?.fromFilter ?? null,
    synthetic_injected_into: syn?.injectedInto ?? null,
    synthetic_verdict: syn?.decision?.verdict ?? null,
    synthetic_closed_state: syn?.closedState ?? null,
    notes: r.notes,
  };
}
