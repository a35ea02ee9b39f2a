/**
 * One event's replay outcome as a flat, typed row: what `dfwsim export` writes beside the events
 * (Parquet `replay/host=/day=/`, or the `replay_outcomes` table of a DuckDB file). Names are the
 * snake_case of `dfwsim replay --format json` (ReplayEventResult in replay.ts: `eventId` ->
 * `event_id`, `simulated.verdict` -> `simulated_verdict`, ...), plus the event's host and time
 * (named as the events columns: `host`, `ts_ms`) so a reader can partition and join without the
 * events. Types only.
 */
export interface ReplayOutcomeRow {
  /** the event's id: joins with the events' `id` */
  event_id: number;
  host: string | null;
  ts_ms: number | null;
  /** as logged ('' when the line has none) */
  filter_hash: string;
  direction: 'IN' | 'OUT';
  /** `packet` (a match line), `term` or `other` */
  kind: 'packet' | 'term' | 'other';
  /** reproduced, drift, state-hit, state-uncertain, no-rules or excluded */
  agreement: string;
  logged_action: string | null;
  logged_ruleset: string | null;
  logged_rule_id: number | null;
  /** the replay's decision (all null when agreement is `no-rules`) */
  simulated_verdict: string | null;
  simulated_basis: string | null;
  simulated_ruleset: string | null;
  simulated_rule_id: number | null;
  simulated_position: number | null;
  simulated_is_default: boolean | null;
  simulated_tier: string | null;
  simulated_policy: string | null;
  /** what a REJECT sends: tcp-rst, icmp-unreachable or none */
  simulated_reject_sends: string | null;
  simulated_walkthrough: string | null;
  /** a connection-table state decided (basis `state`), not a rule walk */
  matched_state: boolean;
  /** the rule walk ignoring state (`ruleWalk`) */
  rule_walk_verdict: string | null;
  rule_walk_ruleset: string | null;
  rule_walk_rule_id: number | null;
  state_key: string;
  connection: string;
  created_state: boolean;
  /** the event this one follows from (a REJECT whose reset caused it) */
  caused_by: number | null;
  /** the packet a REJECT of this event generated: tcp-rst or icmp-unreachable */
  synthetic_kind: string | null;
  synthetic_from_filter: string | null;
  synthetic_injected_into: string | null;
  /** how the sender's filter handled the generated packet */
  synthetic_verdict: string | null;
  synthetic_closed_state: string | null;
  notes: string[];
}
