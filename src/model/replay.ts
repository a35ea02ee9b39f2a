import type { Decision } from './decision.js';
import type { Flow } from './flow.js';

/**
 * Types of the stateful per-filter replay (src/engine/replay.ts), following the "Replay
 * algorithm" of shared/reference/dfw-stateful.md. Types only.
 */

/**
 * NSX product generation, which decides TCP strict / mid-stream pick-up (dfw-stateful.md §2):
 * - `nsxv`: NSX for vSphere 6.x: every stateful TCP-service rule is strict;
 * - `nsxt2`: NSX-T 2.x: same as NSX-V ("TCP strict checking is automatically enabled");
 * - `nsxt3+`: NSX-T 3.x, NSX 4.x, VCF 9: strict per policy, shown as `strict` in getrules.
 */
export type ProductGeneration = 'nsxv' | 'nsxt2' | 'nsxt3+';

/**
 * How the replay's simulation compares with what the log line says:
 * - `reproduced`: same action and rule as logged (or TERM closing a known state);
 * - `drift`: the simulation decides differently from the log (rules changed, wrong inventory ...);
 * - `state-hit`: a logged match line although a live state exists in the replay: an anomaly
 *   (a promiscuous observer, stale timers, state created before the log window);
 * - `state-uncertain`: the logs cannot settle whether a state existed (timer interval, TERM
 *   timing, session older than the log);
 * - `no-rules`: the event's filter has no realized rules in the input: nothing was evaluated;
 * - `excluded`: the filter is on the exclusion list: no DFW there, so the line itself is drift.
 */
export type ReplayAgreement = 'reproduced' | 'drift' | 'state-hit' | 'state-uncertain' | 'no-rules' | 'excluded';

/** The TCP / UDP / ICMP timers of a filter, in seconds (dfw-stateful.md §3.3 names). */
export interface TimerProfile {
  tcpFirstPacket: number;
  tcpOpening: number;
  tcpEstablished: number;
  tcpClosing: number;
  tcpFinWait: number;
  tcpClosed: number;
  udpFirstPacket: number;
  udpSingle: number;
  udpMultiple: number;
  icmpFirstPacket: number;
  icmpErrorReply: number;
  otherFirstPacket: number;
  otherSingle: number;
  otherMultiple: number;
}

/** A packet the DFW generates for a REJECT (dfw-stateful.md §4.1, replay step 9). */
export interface SyntheticPacket {
  kind: 'tcp-rst' | 'icmp-unreachable';
  /** the generated packet: from the rejected packet's destination to its source */
  flow: Flow;
  /** filter that generated it (the rejecting filter) */
  fromFilter: string;
  /**
   * the sender's filter on the same host that the packet was injected into, direction IN;
   * null when the rejected packet was OUT (delivered straight into the VM) or the sender's
   * filter is not known
   */
  injectedInto: string | null;
  /** how the sender's filter handled it (null when not injected) */
  decision: Decision | null;
  /** state key on the sender's filter that the packet closed (TCP RST), or null */
  closedState: string | null;
  notes: string[];
}

/** The replay's verdict on one logged event. */
export interface ReplayEventResult {
  eventId: number;
  /** filter hash as logged ('' when the line has none) */
  filterHash: string;
  direction: 'IN' | 'OUT';
  /** `match` (first packet / dropped packet record), `TERM`, or another logged reason */
  kind: 'packet' | 'term' | 'other';
  /** the replay's decision; null only when agreement is `no-rules` */
  simulated: Decision | null;
  /**
   * the rule walk for this packet ignoring state (equal to `simulated` when no state decided);
   * what a logged match line implies happened, and what `whatif` compares rule by rule
   */
  ruleWalk: Decision | null;
  logged: { action: string | null; ruleId: number | null; ruleset: string | null };
  agreement: ReplayAgreement;
  /** connection-table key on this filter (pf orientation), e.g. `6|10.68.0.250|65448|10.68.145.170|22` */
  stateKey: string;
  /**
   * the connection, direction-free (protocol and the two endpoints sorted): the same on every
   * filter and for both directions, so `explain` can gather every filter that saw a connection
   */
  connection: string;
  /** this event created a state on its filter */
  createdState: boolean;
  /** event id of the event this one follows from (a REJECT whose reset caused this RST), or null */
  causedBy: number | null;
  /** the packet a REJECT of this event generated, or null */
  synthetic: SyntheticPacket | null;
  notes: string[];
}

/** One connection-table entry's life on a filter. */
export interface SessionSummary {
  filterHash: string;
  stateKey: string;
  /** IANA protocol number */
  protocol: number;
  /** event that created it */
  createdBy: number;
  createdAtMs: number;
  /** deciding rule at creation */
  ruleset: string | null;
  ruleId: number | null;
  /** events that hit it (logged lines while it was live, TERM included) */
  eventIds: number[];
  /** how it ended within the replay */
  end: 'open' | 'term' | 'reject-reset' | 'expired' | 'replaced';
  endedAtMs: number | null;
  /** TERM close reason (`RST`, `FIN`, `TIMEOUT`) when ended by a TERM */
  closeReason: string | null;
}

/** Per-rule hit counts on one filter (audit: rules never hit, top denied). */
export interface RuleHit {
  ruleset: string;
  ruleId: number;
  position: number;
  verdict: Decision['verdict'];
  /** packets this rule decided in the replay */
  count: number;
}

/** Per-filter summary of a replay. */
export interface FilterReplaySummary {
  filterHash: string;
  host: string | null;
  excluded: boolean;
  hasRules: boolean;
  generation: ProductGeneration | null;
  events: number;
  byAgreement: Record<ReplayAgreement, number>;
  sessions: SessionSummary[];
  ruleHits: RuleHit[];
  /** reject responses generated on this filter */
  rejectsSent: number;
  /** the filter logged both directions of a flow IN: a promiscuous / bridging observer suspect (replay step 12) */
  observerSuspect: boolean;
}

/** Everything a replay returns. */
export interface ReplayResult {
  /** one result per input event, in replay order (per host, by time, then file order) */
  events: ReplayEventResult[];
  filters: FilterReplaySummary[];
  /** assumptions the replay made that hold for the whole run */
  notes: string[];
}

/** One event whose outcome differs between two replays of the same events (`whatif`). */
export interface ReplayChange {
  eventId: number;
  filterHash: string;
  before: { verdict: Decision['verdict'] | null; basis: Decision['basis'] | null; ruleId: number | string | null; agreement: ReplayAgreement; synthetic: SyntheticPacket['kind'] | null };
  after: { verdict: Decision['verdict'] | null; basis: Decision['basis'] | null; ruleId: number | string | null; agreement: ReplayAgreement; synthetic: SyntheticPacket['kind'] | null };
  /**
   * the event followed from a REJECT (causedBy) that no longer happens in `after`: the event
   * itself would likely not occur (e.g. the seed's bare RST once the F5 is excluded)
   */
  causeRemoved: boolean;
}
