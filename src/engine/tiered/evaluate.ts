import type { Decision, RejectResponse, TraceNode, Verdict } from '../../model/decision.js';
import type { EndpointRef, PortSpec, RuleAction, Tier } from '../../model/policy.js';
import { assertNever, ipMatches, resolveEndpoint } from './compile.js';
import type { CompiledEndpoint, CompiledPolicySet, CompiledRule, Dir } from './compile.js';
import type { IpAddr } from './ip.js';

/**
 * The tiered resolution, written once (STYLE habit 10). `resolveSide` walks one direction of
 * one endpoint exactly as antrea.md §0 step 1 (egress) / step 2 (ingress) lists it:
 *   1. tiered rules in (tier, policy priority, rule index) order, first match decides;
 *      Pass leaves the tiered stage and resumes at the pass target (K8s NP for Antrea);
 *   2. K8s NetworkPolicy: if the endpoint is isolated in this direction, a matching K8s rule
 *      allows, otherwise the isolation default drop decides (baseline is never reached);
 *   3. baseline tiers (253, 254), first match decides;
 *   4. nothing matched: allow.
 * `evaluateConnection` combines egress of the source with ingress of the destination (§0.3).
 * Verdicts, walkthrough lines, JSON and the matrix all come from `SideResolution`.
 */

/** The probe: protocol and ports of the first packet of a new connection. */
export interface ConnectionSpec {
  /** `TCP`, `UDP`, `SCTP`, `ICMP`, or an IP protocol number */
  protocol: string | number;
  /** destination port (TCP/UDP/SCTP) */
  port?: number;
  /** client source port, when known */
  srcPort?: number;
  /**
   * the client's ephemeral source-port range when the exact port is unknown (the corpus
   * assumption `client_source_port_range`, e.g. 32768–60999): a sourcePort rule matches only
   * when it covers the whole range. Without srcPort and srcPortRange, sourcePort rules never match.
   */
  srcPortRange?: { lo: number; hi: number };
  icmpType?: number;
  icmpCode?: number;
}

/** One step of a side's walk that changed the course: a Pass, or the deciding outcome. */
export interface SideStep {
  tier: Tier | null;
  /** what happened: a rule action, the K8s isolation drop, or the final default allow */
  outcome: RuleAction | 'isolation-drop' | 'default-allow';
  rule: CompiledRule | null;
}

/** The resolution of one direction on one endpoint. */
export interface SideResolution {
  direction: Dir;
  verdict: Verdict;
  basis: 'rule' | 'default';
  steps: SideStep[];
  /** rules with the same (tier, policy priority, rule index) as the decider that also matched
   * with a different action: Antrea's outcome is nondeterministic (§2) */
  conflicts: CompiledRule[];
  /** skipped / passed rules with reasons, only when explaining */
  trace: TraceNode[];
}

/** Options for evaluation. */
export interface EvaluateOptions {
  /** keep skip nodes in the trace (slower; for `explain`) */
  explain?: boolean;
  /**
   * `exempt` (Antrea, §0.0a): a Pod talking to its own IP is never policed. `policed`:
   * evaluate it like any other pair (cyclonus' model, §9.2).
   */
  selfTraffic?: 'exempt' | 'policed';
  /**
   * endpoint indices on the exclusion list (NSX): their side of a connection is not policed at
   * all, like a bare IP (dfw-stateful.md §6.2: excluded VMs "will not receive any distributed
   * firewall rules"); other endpoints' rules still see their traffic.
   */
  excluded?: ReadonlySet<number>;
}

/** The far side of a direction: an endpoint index, or -1 and a bare IP. */
export interface Remote {
  index: number;
  ip: IpAddr | null;
}

const PROTO_NUMBERS: Record<string, number> = { ICMP: 1, TCP: 6, UDP: 17, SCTP: 132 };

/** Upper-case protocol name of a probe (`TCP`, `UDP`, `SCTP`, `ICMP`, or the number as text). */
export function protoName(p: string | number): string {
  if (typeof p === 'number') {
    for (const [k, v] of Object.entries(PROTO_NUMBERS)) if (v === p) return k;
    return String(p);
  }
  return p.toUpperCase();
}

/** Does one ports entry match the probe? Named ports resolve on the destination (§4.3). */
function portSpecMatches(spec: PortSpec, proto: string, conn: ConnectionSpec, dst: CompiledEndpoint | undefined): boolean {
  switch (spec.kind) {
    case 'l4': {
      if (spec.protocol !== proto) return false;
      if (spec.srcPorts) {
        const { lo, hi } = spec.srcPorts;
        if (conn.srcPort !== undefined) {
          if (conn.srcPort < lo || conn.srcPort > hi) return false;
        } else if (!conn.srcPortRange || conn.srcPortRange.lo < lo || conn.srcPortRange.hi > hi) {
          // a partial overlap cannot be settled without the actual port: not matched
          return false;
        }
      }
      const p = spec.port;
      switch (p.kind) {
        case 'any':
          return true;
        case 'range':
          return conn.port !== undefined && conn.port >= p.lo && conn.port <= p.hi;
        case 'named':
          // name and protocol must both match a container port of the destination Pod
          return (
            dst !== undefined &&
            conn.port !== undefined &&
            dst.ports.some((cp) => cp.name === p.name && cp.protocol === proto && cp.port === conn.port)
          );
        default:
          return assertNever(p);
      }
    }
    case 'icmp':
      return (
        proto === 'ICMP' &&
        (spec.icmpType === null || spec.icmpType === conn.icmpType) &&
        (spec.icmpCode === null || spec.icmpCode === conn.icmpCode)
      );
    case 'ip-protocol':
      return (PROTO_NUMBERS[proto] ?? Number(proto)) === spec.protocol;
    default:
      return assertNever(spec);
  }
}

/** Ports part of a rule (empty = every protocol and port). */
export function portsMatch(r: CompiledRule, proto: string, conn: ConnectionSpec, dst: CompiledEndpoint | undefined): boolean {
  if (r.ports.length === 0) return true;
  for (const s of r.ports) if (portSpecMatches(s, proto, conn, dst)) return true;
  return false;
}

/** Peer part of a rule for remote `R` seen from local endpoint `L`. */
export function peerMatches(c: CompiledPolicySet, r: CompiledRule, local: number, remote: Remote): boolean {
  if (r.peerAny) return true;
  if (remote.index >= 0) {
    if (r.peerBits.has(remote.index)) return true;
    if (r.dynamic.length === 0) return false;
    const le = c.endpoints[local];
    const re = c.endpoints[remote.index];
    if (!le || !re || le.kind !== 'pod' || re.kind !== 'pod') return false;
    for (const dp of r.dynamic) {
      if (!dp.pods.has(remote.index)) continue;
      if (dp.mode === 'self') {
        if (le.namespace === re.namespace) return true;
      } else {
        // sameLabels: every key present on the local Namespace with the same value on the remote's
        const ln = c.namespaces[le.nsIndex]?.labels ?? {};
        const rn = c.namespaces[re.nsIndex]?.labels ?? {};
        if (dp.keys.every((k) => ln[k] !== undefined && rn[k] === ln[k])) return true;
      }
    }
    return false;
  }
  const ip = remote.ip;
  return ip !== null && r.peerIps.some((m) => ipMatches(m, ip));
}

function ruleTraceRef(r: CompiledRule): NonNullable<TraceNode['rule']> {
  return { ruleset: null, ruleId: r.rule.id, position: r.rule.index, tier: r.tier.name, policy: r.policyRef };
}

/** What decided a side: the outcome, the deciding rule (null for defaults) and the Passes on the way. */
export interface SideWalk {
  outcome: 'allow' | 'drop' | 'reject' | 'isolation-drop' | 'default-allow';
  decider: CompiledRule | null;
  /** position of the decider in the endpoint's applicable list (for the conflict check) */
  at: number;
  /** Pass rules taken, in order; null when none (no allocation on the hot path) */
  passes: CompiledRule[] | null;
}

/** Called for each rule considered that did not decide (explain mode only). */
export type SkipVisitor = (r: CompiledRule, why: 'after-pass' | 'peer' | 'port') => void;

/**
 * THE resolution loop (antrea.md §0 steps 1.1–1.4 / 2) for one direction on one endpoint.
 * `local` is the endpoint the rules are applied to, `remote` the other side, `proto` the
 * upper-case protocol name. Everything else (verdicts, walkthroughs, traces, matrices) is
 * derived from its result.
 */
export function walkSide(
  c: CompiledPolicySet,
  direction: Dir,
  local: number,
  remote: Remote,
  proto: string,
  conn: ConnectionSpec,
  onSkip?: SkipVisitor,
): SideWalk {
  const list = c.applicable[direction][local] ?? EMPTY;
  const rules = c.rules[direction];
  const dst = direction === 'egress' ? (remote.index >= 0 ? c.endpoints[remote.index] : undefined) : c.endpoints[local];
  const isolated = c.isolated[direction].has(local);
  let passes: CompiledRule[] | null = null;
  let passFloor = -1;
  let k8sDone = false;
  for (let i = 0; i < list.length; i++) {
    const r = rules[list[i] ?? 0];
    if (!r) continue;
    // 2. Leaving the K8s NP stage: an isolated endpoint is decided there (default drop), so
    //    baseline rules are never reached for it (§0 1.2/1.3, §9.3).
    if (!k8sDone && r.tierOrder > c.k8sTierOrder) {
      k8sDone = true;
      if (isolated) return { outcome: 'isolation-drop', decider: null, at: -1, passes };
    }
    // 1. After a Pass, the tiers before the pass target are skipped (doc l.664–670).
    if (r.tierOrder < passFloor) {
      onSkip?.(r, 'after-pass');
      continue;
    }
    if (!peerMatches(c, r, local, remote)) {
      onSkip?.(r, 'peer');
      continue;
    }
    if (!portsMatch(r, proto, conn, dst)) {
      onSkip?.(r, 'port');
      continue;
    }
    switch (r.action) {
      case 'pass':
        if (r.tier.stage === 'baseline') continue; // refused by validation (§3); never decides
        (passes ??= []).push(r);
        passFloor = c.passResume[r.tierOrder] ?? Number.POSITIVE_INFINITY;
        continue;
      case 'allow':
      case 'drop':
      case 'reject':
        return { outcome: r.action, decider: r, at: i, passes };
      default:
        return assertNever(r.action);
    }
  }
  if (!k8sDone && isolated) return { outcome: 'isolation-drop', decider: null, at: -1, passes };
  // 4. Nothing decided: allowed (Antrea-native policies never isolate implicitly, §3).
  return { outcome: 'default-allow', decider: null, at: -1, passes };
}

const EMPTY = new Int32Array(0);

/** Verdict of a walk. */
export function walkVerdict(w: SideWalk): Verdict {
  switch (w.outcome) {
    case 'allow':
    case 'default-allow':
      return 'allow';
    case 'drop':
    case 'isolation-drop':
      return 'drop';
    case 'reject':
      return 'reject';
    default:
      return assertNever(w.outcome);
  }
}

/**
 * Resolve one direction on one endpoint with steps, trace and conflict check (antrea.md §0).
 */
export function resolveSide(
  c: CompiledPolicySet,
  direction: Dir,
  local: number,
  remote: Remote,
  conn: ConnectionSpec,
  opts: EvaluateOptions = {},
): SideResolution {
  const proto = protoName(conn.protocol);
  const trace: TraceNode[] = [];
  const skip: SkipVisitor | undefined = opts.explain
    ? (r, why) =>
        trace.push({
          kind: 'skip',
          text: why === 'after-pass' ? `skipped after Pass: ${r.policyRef}/${r.rule.id}` : `${r.policyRef}/${r.rule.id}: ${why === 'peer' ? 'peer' : 'port/protocol'} does not match`,
          rule: ruleTraceRef(r),
          span: r.rule.span,
          children: [],
        })
    : undefined;
  const w = walkSide(c, direction, local, remote, proto, conn, skip);
  const steps: SideStep[] = [];
  for (const r of w.passes ?? []) {
    steps.push({ tier: r.tier, outcome: 'pass', rule: r });
    trace.push({ kind: 'pass', text: `Pass by ${r.policyRef}/${r.rule.id} in tier ${r.tier.label}`, rule: ruleTraceRef(r), span: r.rule.span, children: [] });
  }
  const verdict = walkVerdict(w);
  let conflicts: CompiledRule[] = [];
  switch (w.outcome) {
    case 'allow':
    case 'drop':
    case 'reject': {
      const r = w.decider;
      if (!r) throw new Error('a rule outcome has a decider');
      steps.push({ tier: r.tier, outcome: w.outcome, rule: r });
      trace.push({ kind: 'match', text: `${w.outcome} by ${r.policyRef}/${r.rule.id} in tier ${r.tier.label}`, rule: ruleTraceRef(r), span: r.rule.span, children: [] });
      const list = c.applicable[direction][local] ?? EMPTY;
      const dst = direction === 'egress' ? (remote.index >= 0 ? c.endpoints[remote.index] : undefined) : c.endpoints[local];
      conflicts = findConflicts(c, c.rules[direction], list, w.at, r, local, remote, proto, conn, dst);
      return { direction, verdict, basis: 'rule', steps, conflicts, trace };
    }
    case 'isolation-drop': {
      const k8sTier = Number.isFinite(c.k8sTierOrder) ? (c.tiers[c.k8sTierOrder] ?? null) : null;
      steps.push({ tier: k8sTier, outcome: 'isolation-drop', rule: null });
      trace.push({ kind: 'match', text: `isolated by K8s NetworkPolicy for ${direction} and no K8s rule allows: default drop`, children: [] });
      return { direction, verdict, basis: 'default', steps, conflicts, trace };
    }
    case 'default-allow':
      steps.push({ tier: null, outcome: 'default-allow', rule: null });
      trace.push({ kind: 'info', text: `no rule decided ${direction}: allowed (Antrea-native policies do not isolate)`, children: [] });
      return { direction, verdict, basis: 'default', steps, conflicts, trace };
    default:
      return assertNever(w.outcome);
  }
}

/** §2: same (tier, policy priority, rule index), overlapping, different action = nondeterministic. */
function findConflicts(
  c: CompiledPolicySet,
  rules: CompiledRule[],
  list: Int32Array,
  at: number,
  decider: CompiledRule,
  local: number,
  remote: Remote,
  proto: string,
  conn: ConnectionSpec,
  dst: CompiledEndpoint | undefined,
): CompiledRule[] {
  const out: CompiledRule[] = [];
  if (decider.tier.stage === 'k8s-np') return out;
  for (let j = at + 1; j < list.length; j++) {
    const r = rules[list[j] ?? 0];
    if (!r) continue;
    if (r.tierOrder !== decider.tierOrder || r.policy.priority !== decider.policy.priority || r.rule.index !== decider.rule.index) break;
    if (r.action !== decider.action && peerMatches(c, r, local, remote) && portsMatch(r, proto, conn, dst)) out.push(r);
  }
  return out;
}

function actionWord(a: RuleAction): string {
  switch (a) {
    case 'allow':
      return 'Allow';
    case 'drop':
      return 'Drop';
    case 'reject':
      return 'Reject';
    case 'pass':
      return 'Pass';
    default:
      return assertNever(a);
  }
}

/** `[SecurityOps] Pass (acnp-a/rule-1) -> [K8s NP] Allow (x/allow-80)` */
export function sideWalkthrough(s: SideResolution): string {
  return s.steps
    .map((st) => {
      switch (st.outcome) {
        case 'isolation-drop':
          return `[${st.tier?.label ?? 'K8s NP'}] Drop (isolation)`;
        case 'default-allow':
          return '[default] Allow';
        case 'allow':
        case 'drop':
        case 'reject':
        case 'pass':
          return `[${st.tier?.label ?? '?'}] ${actionWord(st.outcome)} (${st.rule?.policyRef ?? '?'}/${st.rule?.rule.id ?? '?'})`;
        default:
          return assertNever(st.outcome);
      }
    })
    .join(' -> ');
}

/** What a Reject sends back (§3): TCP RST for TCP, ICMP unreachable for everything else. */
export function rejectResponse(conn: ConnectionSpec): RejectResponse {
  return protoName(conn.protocol) === 'TCP' ? 'tcp-rst' : 'icmp-unreachable';
}

/** The shared Decision shape for one side. */
export function toDecision(s: SideResolution, conn: ConnectionSpec): Decision {
  const last = s.steps[s.steps.length - 1];
  const rule = last?.rule ?? null;
  return {
    verdict: s.verdict,
    basis: s.basis,
    ruleset: null,
    ruleId: rule ? rule.rule.id : null,
    position: rule ? rule.rule.index : null,
    isDefault: s.basis === 'default',
    tier: last?.tier?.name ?? null,
    policy: rule ? rule.policyRef : null,
    rejectSends: s.verdict === 'reject' ? rejectResponse(conn) : null,
    walkthrough: sideWalkthrough(s),
    trace: s.trace,
  };
}

/** Connection verdict marks as in Antrea's e2e reachability output. */
export type ConnVerdict = 'Con' | 'Drp' | 'Rej';

/** The result of evaluating one new connection. */
export interface ConnectionDecision {
  verdict: ConnVerdict;
  /** src and dst are the same endpoint and self-traffic is exempt (§0.0a) */
  selfTraffic: boolean;
  /** null when the source is not a policed endpoint, or for exempt self-traffic */
  egress: Decision | null;
  /** null when the destination is not a policed endpoint, egress did not allow, or self-traffic */
  ingress: Decision | null;
  /** nondeterministic same-priority conflicts seen on the deciding rules (§2) */
  conflicts: string[];
  walkthrough: string;
}

function mark(v: Verdict): ConnVerdict {
  switch (v) {
    case 'allow':
      return 'Con';
    case 'drop':
      return 'Drp';
    case 'reject':
      return 'Rej';
    default:
      return assertNever(v);
  }
}

/** Verdict code of two sides: egress decides first; ingress only when egress allowed. */
export function combine(egress: SideResolution | null, ingress: SideResolution | null): ConnVerdict {
  if (egress && egress.verdict !== 'allow') return mark(egress.verdict);
  if (ingress) return mark(ingress.verdict);
  return 'Con';
}

/**
 * Evaluate a new connection from `src` to `dst` (antrea.md §0): self-traffic exempt, egress of
 * the source (if it is a policed endpoint), then ingress of the destination; both must allow.
 */
export function evaluateConnection(
  c: CompiledPolicySet,
  src: EndpointRef,
  dst: EndpointRef,
  conn: ConnectionSpec,
  opts: EvaluateOptions = {},
): ConnectionDecision {
  const s = resolveEndpoint(c, src);
  const d = resolveEndpoint(c, dst);
  return evaluateResolved(c, s, d, conn, opts);
}

/** evaluateConnection on already-resolved endpoints (index -1 = bare IP). */
export function evaluateResolved(
  c: CompiledPolicySet,
  s: { index: number; ip: IpAddr | null; label: string },
  d: { index: number; ip: IpAddr | null; label: string },
  conn: ConnectionSpec,
  opts: EvaluateOptions = {},
): ConnectionDecision {
  if (s.index >= 0 && s.index === d.index && (opts.selfTraffic ?? 'exempt') === 'exempt') {
    return {
      verdict: 'Con',
      selfTraffic: true,
      egress: null,
      ingress: null,
      conflicts: [],
      walkthrough: 'self traffic: never policed (antrea.md §0.0a)',
    };
  }
  const excluded = opts.excluded ?? new Set<number>();
  const eg = s.index >= 0 && !excluded.has(s.index) ? resolveSide(c, 'egress', s.index, { index: d.index, ip: d.ip }, conn, opts) : null;
  const ing =
    (eg === null || eg.verdict === 'allow') && d.index >= 0 && !excluded.has(d.index)
      ? resolveSide(c, 'ingress', d.index, { index: s.index, ip: s.ip }, conn, opts)
      : null;
  const unpoliced = (index: number) => (excluded.has(index) ? 'excluded (no DFW)' : 'not policed');
  const conflicts = [...(eg?.conflicts ?? []), ...(ing?.conflicts ?? [])].map((r) => `${r.policyRef}/${r.rule.id}`);
  const parts: string[] = [];
  parts.push(eg ? `egress ${s.label}: ${sideWalkthrough(eg)}` : `egress ${s.label}: ${unpoliced(s.index)}`);
  if (eg && eg.verdict !== 'allow') parts.push(`ingress ${d.label}: not reached`);
  else parts.push(ing ? `ingress ${d.label}: ${sideWalkthrough(ing)}` : `ingress ${d.label}: ${unpoliced(d.index)}`);
  return {
    verdict: combine(eg, ing),
    selfTraffic: false,
    egress: eg ? toDecision(eg, conn) : null,
    ingress: ing ? toDecision(ing, conn) : null,
    conflicts,
    walkthrough: parts.join(' | '),
  };
}
