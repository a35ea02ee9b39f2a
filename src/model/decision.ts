import type { SourceSpan } from './source-span.js';

/** Final verdict on one packet or connection. */
export type Verdict = 'allow' | 'drop' | 'reject';

/**
 * How a decision was reached:
 * - `rule`: a rule matched and decided;
 * - `default`: nothing matched and a stated default applied (Antrea: allow; K8s isolation: drop);
 * - `unknown`: a rule that might match depends on facts dfwsim does not have (address set members);
 *   the verdict is the best lower bound and is flagged, never guessed silently;
 * - `state`: a connection-table entry passed the packet without a rule walk;
 * - `state-uncertain`: the logs cannot settle whether state existed (timers, sessions older than the log);
 * - `excluded`: the filter is on the exclusion list (no DFW at all).
 */
export type DecisionBasis = 'rule' | 'default' | 'unknown' | 'state' | 'state-uncertain' | 'excluded';

/** What a REJECT sends back to the sender of the rejected packet. */
export type RejectResponse = 'tcp-rst' | 'icmp-unreachable' | 'none';

/**
 * One step of an explanation tree. Only branches that decided are kept, plus the rules that
 * were skipped with the reason they did not match (Batfish-style trace).
 */
export interface TraceNode {
  /** `skip`: considered, did not match; `match`: matched and decided; `unknown`: could not tell; `info`: context */
  kind: 'skip' | 'match' | 'unknown' | 'info' | 'pass';
  text: string;
  /** the rule considered, when there is one */
  rule?: { ruleset: string | null; ruleId: number | string; position: number | null; tier?: string; policy?: string };
  span?: SourceSpan;
  children: TraceNode[];
}

/** The result of evaluating one packet on one filter (or one side of a tiered evaluation). */
export interface Decision {
  verdict: Verdict;
  basis: DecisionBasis;
  /** deciding ruleset (NSX) or null */
  ruleset: string | null;
  /** deciding rule id (NSX number; Antrea rule name) or null for a default */
  ruleId: number | string | null;
  /** `at` position of the deciding rule, or null */
  position: number | null;
  /** true when the deciding rule is the section's default rule, or no rule decided */
  isDefault: boolean;
  /** tier and policy for tiered policy sources */
  tier: string | null;
  policy: string | null;
  /** what a reject sends; null unless verdict is reject */
  rejectSends: RejectResponse | null;
  /** one line: `[SecurityOps] Pass (acnp-a/rule-1) -> [K8s NP] Allow (x/allow-80)` */
  walkthrough: string;
  trace: TraceNode[];
}
