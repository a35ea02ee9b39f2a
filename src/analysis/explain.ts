import type { CompiledFilter, CompiledRule } from '../engine/compile.js';
import { CompileCache, compileFilter } from '../engine/compile.js';
import { Replayer, type FilterLookup, type OwnerLookup, type ReplayOptions } from '../engine/replay.js';
import type { Decision, Verdict } from '../model/decision.js';
import { removeRule } from '../policy/realized-change.js';
import type { ReplayInput } from '../model/packet-event.js';
import type { ReplayEventResult } from '../model/replay.js';
import type { Ownership } from './ownership.js';
import type { LoadedFilter, RealizedFilter } from './realized.js';

/**
 * `explain`: why a connection was rejected or reset (DESIGN.md §6 "Explain"). One connection at
 * a time: its records on every filter of a host are replayed on their own (a connection's
 * stateful outcome depends only on its own records: states are keyed by the connection), each
 * filter gets a role from address ownership, the deciding REJECT/DROP is classified into a
 * cause told in words, and candidate fixes are checked by replaying the same records again
 * under each change.
 */

/** How a filter stands to a connection: it owns the responder (owner), the initiator (peer), neither (extra). */
export type ObservationRole = 'owner' | 'peer' | 'extra' | 'unknown';

/** The connection, oriented client -> server (the initiator is the sender of the first SYN, else of the first record). */
export interface ExplainedFlow {
  /** the host of the first record */
  host: string | null;
  /** every host that logged the connection (VMs on two hosts: each logs its side) */
  hosts: string[];
  protocol: string;
  client: string;
  clientPort: number | null;
  server: string;
  serverPort: number | null;
  /** `tcp 10.68.0.250:65448 -> 10.68.145.170:22` */
  text: string;
}

/** A decision in the few fields a reader needs. */
export interface DecisionBrief {
  verdict: Verdict | null;
  /** `rule`, `default`, `state`, `state-uncertain`, `excluded`, `unknown`; `logged` when only the log says */
  basis: string;
  ruleset: string | null;
  ruleId: number | string | null;
  tag: string | null;
}

/** One record of the connection on one filter. */
export interface ObservedEvent {
  eventId: number;
  ts: string | null;
  direction: 'IN' | 'OUT';
  /** `SYN`, `SYN/ACK`, `bare RST`, `UDP`, ... */
  packet: string;
  logged: { action: string | null; ruleset: string | null; ruleId: number | null; tag: string | null };
  /** the replay's decision; null when the filter has no realized rules in the store */
  simulated: DecisionBrief | null;
  agreement: string;
  causedBy: number | null;
  notes: string[];
}

/** What one filter did with the connection. */
export interface Observation {
  filter: string;
  name: string | null;
  vm: string | null;
  role: ObservationRole;
  /** where the role comes from: declared inventory, inferred from the logs, or the packets themselves */
  roleBasis: 'inventory' | 'inferred' | 'packets' | 'none';
  /** the decision that mattered on this filter: its first REJECT/DROP, else its first record's */
  decision: DecisionBrief & { source: 'replay' | 'log'; eventId: number; text: string };
  events: ObservedEvent[];
}

export type CauseKind =
  /** an extra observer received the reply IN, in the reverse direction, found no state and denied it (the promiscuous case) */
  | 'observer-reverse-direction'
  /** an extra observer denied a packet of a connection it does not own */
  | 'extra-observer-deny'
  /** the owner's or the sender's own filter denied it: a real policy decision */
  | 'policy-deny'
  /** a reset with no DFW REJECT in the logs: an endpoint reset the connection */
  | 'endpoint-reset'
  /** the log shows a deny the rules in the store do not give (stale or different ruleset) */
  | 'drift'
  /** nothing denied or reset the connection (a flow asked for by --src/--dst) */
  | 'not-denied';

export interface Cause {
  kind: CauseKind;
  /** the chain in words */
  text: string;
  /** the same, one step per entry */
  chain: string[];
  /** the event that decided (the first REJECT/DROP), or null */
  decidingEvent: number | null;
  /** the filter and rule that decided */
  filter: string | null;
  ruleId: number | string | null;
}

/** Outcome counts of the connection's records under one rule set. */
export interface OutcomeCounts {
  reject: number;
  drop: number;
  allow: number;
}

export interface FixEffect {
  /** `REJECT 3 -> 0, DROP 0 -> 0 on this connection; ...` */
  text: string;
  before: OutcomeCounts;
  after: OutcomeCounts;
  /** records whose decision changes, and records that would not happen (their causing REJECT is gone) */
  changes: { eventId: number; filter: string; before: DecisionBrief | null; after: DecisionBrief | null; causeRemoved: boolean }[];
  /** false when the change could not be simulated (no realized rules for the filter) */
  checked: boolean;
  /** the fix removes every REJECT and DROP of the connection */
  resolves: boolean;
}

export interface Fix {
  kind: 'exclude-filter' | 'narrow-applied-to';
  filter: string;
  ruleId: number | string | null;
  description: string;
  /** the store-wide check of this fix */
  command: string;
  effect: FixEffect;
}

/** An event whose logged decision differs from what the stored rules decide (DESIGN.md §6 drift). */
export interface DriftItem {
  eventId: number;
  filter: string;
  logged: { action: string | null; ruleId: number | null };
  simulated: DecisionBrief | null;
  note: string;
}

export interface Explanation {
  flow: ExplainedFlow;
  observations: Observation[];
  cause: Cause;
  fixes: Fix[];
  drift: DriftItem[];
  notes: string[];
}

/** What explaining needs besides the records: rules, ownership, the filters' names. */
export interface ExplainContext {
  filters: ReadonlyMap<string, LoadedFilter>;
  /**
   * a filter's uncompiled rules, by the key of `filters` (to check a fix that edits them);
   * loaded on demand: explaining holds only the compiled rules
   */
  realized: (filter: string) => RealizedFilter | undefined;
  /** shares compiled parts between `filters` and the variants fixes are checked with */
  cache?: CompileCache;
  ownership: Ownership;
  /** filter hash -> name and VM, from getfilters / summarize-dvfilter */
  names: ReadonlyMap<string, { name: string; vm: string | null }>;
  replay?: Omit<ReplayOptions, 'owners' | 'trace'>;
}

/** Per-context caches: filters recompiled without one rule (a fix checked on many connections). */
const removedCache = new WeakMap<ExplainContext, Map<string, CompiledFilter | null>>();

/** Per-context: the compiled rules alone (built once, not per connection). */
const compiledCache = new WeakMap<ExplainContext, ReadonlyMap<string, CompiledFilter>>();

function compiledOf(ctx: ExplainContext): ReadonlyMap<string, CompiledFilter> {
  let c = compiledCache.get(ctx);
  if (c === undefined) compiledCache.set(ctx, (c = new Map([...ctx.filters].map(([k, v]) => [k, v.compiled]))));
  return c;
}

/** `filters` with one of them replaced (no copy of the map). */
function withFilter(filters: ReadonlyMap<string, CompiledFilter>, key: string, compiled: CompiledFilter): FilterLookup {
  return { get: (k: string) => (k === key ? compiled : filters.get(k)) };
}

function brief(d: Decision | null, tag: string | null): DecisionBrief | null {
  if (d === null) return null;
  return { verdict: d.verdict, basis: d.basis, ruleset: d.ruleset, ruleId: d.ruleId, tag };
}

/** `SYN`, `SYN/ACK`, `bare RST`, `FIN`, `UDP`, `ICMP 8`: how the chain names a packet. */
export function packetName(e: ReplayInput): string {
  if ((e.reason ?? '').toUpperCase() === 'TERM') return `TERM (${e.closeReason ?? 'end'})`;
  if (e.protocol === 'tcp') {
    const f = (e.tcpFlags ?? '').toUpperCase();
    if (f === '') return 'TCP packet';
    if (f.includes('R')) return f.replace(/[EW]/g, '') === 'R' ? 'bare RST' : 'RST/ACK';
    if (f.includes('S')) return f.includes('A') ? 'SYN/ACK' : 'SYN';
    if (f.includes('F')) return 'FIN';
    return `TCP ${f}`;
  }
  if (e.protocol === 'icmp' || e.protocol === 'ipv6-icmp') return `${e.protocol.toUpperCase()}${e.icmpType !== null ? ` ${e.icmpType}` : ''}`;
  return (e.protocol ?? 'packet').toUpperCase();
}

const isInitialSyn = (e: ReplayInput) => e.protocol === 'tcp' && /S/i.test(e.tcpFlags ?? '') && !/A/i.test(e.tcpFlags ?? '');

/** Orient the connection: the initiator sent the first SYN; without one, the first record's sender (a SYN/ACK's receiver). */
export function orient(events: readonly ReplayInput[]): ExplainedFlow {
  const syn = events.find(isInitialSyn);
  const first = syn ?? (events[0] as ReplayInput);
  const reply = syn === undefined && first.protocol === 'tcp' && /SA/i.test(first.tcpFlags ?? '');
  const [client, clientPort, server, serverPort] = reply
    ? [first.dst ?? '', first.dstPort, first.src ?? '', first.srcPort]
    : [first.src ?? '', first.srcPort, first.dst ?? '', first.dstPort];
  const ep = (a: string, p: number | null) => (p === null ? a : a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
  const protocol = first.protocol ?? '?';
  const hosts = [...new Set(events.map((e) => e.host).filter((h): h is string => h !== null))].sort();
  return { host: first.host, hosts, protocol, client, clientPort, server, serverPort, text: `${protocol} ${ep(client, clientPort)} -> ${ep(server, serverPort)}` };
}

function ruleOf(c: CompiledFilter | undefined, d: Decision | null): CompiledRule | null {
  if (c === undefined || d === null || d.ruleset === null || d.position === null) return null;
  for (const rs of c.rulesets) if (rs.name === d.ruleset) for (const r of rs.rules) if (r.ruleId === d.ruleId && r.position === d.position) return r;
  return null;
}

/** Replays one connection's records on their own; `filters` and `excluded` give the rule set. */
function replayGroup(events: readonly ReplayInput[], filters: FilterLookup, owners: OwnerLookup, opts: ReplayOptions): ReplayEventResult[] {
  const r = new Replayer(filters, owners, { ...opts, trace: 'minimal' });
  return events.map((e) => r.push(e));
}

const isDeny = (v: Verdict | null) => v === 'reject' || v === 'drop';

/** The verdict the log line states (PASS, DROP, REJECT), or null. */
function loggedVerdict(e: ReplayInput): Verdict | null {
  switch ((e.action ?? '').toUpperCase()) {
    case 'DROP':
      return 'drop';
    case 'REJECT':
      return 'reject';
    case 'PASS':
    case 'ALLOW':
      return 'allow';
    default:
      return null;
  }
}

/** The replay's verdict for a record, or the logged one when its filter has no rules. */
function verdictOfResult(r: ReplayEventResult, e: ReplayInput): Verdict | null {
  return r.simulated !== null ? r.simulated.verdict : loggedVerdict(e);
}

function counts(results: readonly ReplayEventResult[], events: readonly ReplayInput[]): OutcomeCounts {
  const c: OutcomeCounts = { reject: 0, drop: 0, allow: 0 };
  results.forEach((r, i) => {
    const v = verdictOfResult(r, events[i] as ReplayInput);
    if (v !== null) c[v]++;
  });
  return c;
}

/** Explains one connection from its records (every filter of one host, time order). */
export function explainConnection(events: readonly ReplayInput[], ctx: ExplainContext): Explanation {
  const compiled = compiledOf(ctx);
  const base: ReplayOptions = { ...ctx.replay };
  const results = replayGroup(events, compiled, ctx.ownership, base);
  const flow = orient(events);
  const notes: string[] = [];

  // 1. observations per filter, in the order the filters first saw the connection
  const byFilter = new Map<string, { ev: ReplayInput; r: ReplayEventResult }[]>();
  events.forEach((ev, i) => {
    const k = ev.filterHash ?? '';
    let list = byFilter.get(k);
    if (list === undefined) byFilter.set(k, (list = []));
    list.push({ ev, r: results[i] as ReplayEventResult });
  });
  const observations: Observation[] = [];
  for (const [filter, list] of byFilter) {
    const cf = ctx.filters.get(filter)?.compiled;
    const observed: ObservedEvent[] = list.map(({ ev, r }) => ({
      eventId: ev.id,
      ts: ev.ts,
      direction: r.direction,
      packet: packetName(ev),
      logged: { action: ev.action, ruleset: ev.ruleset, ruleId: ev.ruleId, tag: ev.tag },
      simulated: brief(r.simulated, ruleOf(cf, r.simulated)?.tag ?? null),
      agreement: r.agreement,
      causedBy: r.causedBy,
      notes: r.notes,
    }));
    const decisive =
      list.find(({ ev, r }) => isDeny(verdictOfResult(r, ev))) ?? list.find(({ ev }) => isDeny(loggedVerdict(ev))) ?? (list[0] as { ev: ReplayInput; r: ReplayEventResult });
    const fromReplay = decisive.r.simulated !== null;
    const tag = fromReplay ? (ruleOf(cf, decisive.r.simulated)?.tag ?? null) : decisive.ev.tag;
    const d: DecisionBrief = fromReplay
      ? (brief(decisive.r.simulated, tag) as DecisionBrief)
      : { verdict: verdictOfResult(decisive.r, decisive.ev), basis: 'logged', ruleset: decisive.ev.ruleset, ruleId: decisive.ev.ruleId, tag };
    const { role, basis } = roleOf(filter, flow, list.map((x) => x.ev), ctx.ownership);
    const n = ctx.names.get(filter);
    observations.push({
      filter,
      name: n?.name ?? ctx.filters.get(filter)?.name ?? null,
      vm: n?.vm ?? ctx.filters.get(filter)?.vmName ?? null,
      role,
      roleBasis: basis,
      decision: { ...d, source: fromReplay ? 'replay' : 'log', eventId: decisive.ev.id, text: `${packetName(decisive.ev)} ${decisionText(d)}` },
      events: observed,
    });
  }

  // 2. drift: what the log says against what the stored rules decide
  const drift: DriftItem[] = [];
  events.forEach((ev, i) => {
    const r = results[i] as ReplayEventResult;
    if (r.agreement !== 'drift') return;
    drift.push({ eventId: ev.id, filter: ev.filterHash ?? '', logged: { action: ev.action, ruleId: ev.ruleId }, simulated: brief(r.simulated, null), note: r.notes.find((x) => x.startsWith('log says')) ?? r.notes[0] ?? '' });
  });

  // 3. the cause, and 4. the fixes, each checked by replaying the connection under it
  const cause = causeOf(events, results, observations, flow, drift);
  const fixes = fixesFor(cause, events, results, observations, ctx, compiled, base);
  if (observations.some((o) => o.roleBasis === 'inferred')) notes.push('roles from address ownership inferred from the logs (the addresses each filter sends from); no inventory declares them');
  if (observations.some((o) => o.decision.source === 'log')) notes.push('filters without realized rules in the store: their decisions are the logged ones, not simulated');
  return { flow, observations, cause, fixes, drift, notes };
}

function roleOf(filter: string, flow: ExplainedFlow, evs: readonly ReplayInput[], own: Ownership): { role: ObservationRole; basis: Observation['roleBasis'] } {
  const basis = own.basis(filter);
  if (own.owns(filter, flow.server)) return { role: 'owner', basis };
  if (own.owns(filter, flow.client)) return { role: 'peer', basis };
  // receiving both directions IN is what an observer of other VMs' traffic does (replay step 12)
  const inFromClient = evs.some((e) => e.direction === 'IN' && e.src === flow.client);
  const inFromServer = evs.some((e) => e.direction === 'IN' && e.src === flow.server);
  if (inFromClient && inFromServer) return { role: 'extra', basis: basis === 'none' ? 'packets' : basis };
  if (basis === 'none') return { role: 'unknown', basis };
  return { role: 'extra', basis };
}

function decisionText(d: DecisionBrief): string {
  const v = d.verdict === null ? '?' : d.verdict === 'allow' ? 'passed' : d.verdict === 'reject' ? 'REJECT' : 'DROP';
  const rule = d.ruleId !== null ? ` rule ${d.ruleId}` : '';
  const tag = d.tag ? ` (${d.tag})` : '';
  switch (d.basis) {
    case 'state':
      return `passed by state${rule ? ` (from${rule})` : ''}`;
    case 'excluded':
      return 'passed (filter excluded)';
    case 'state-uncertain':
      return `${v}${rule}${tag} (state uncertain)`;
    default:
      return `${v}${rule}${tag}`;
  }
}

const roleWord: Record<ObservationRole, string> = { owner: 'owner', peer: 'peer', extra: 'extra observer', unknown: 'role unknown' };

function who(o: Observation): string {
  return `${o.filter}${o.vm ? ` (${o.vm}, ${roleWord[o.role]})` : ` (${roleWord[o.role]})`}`;
}

function causeOf(events: readonly ReplayInput[], results: readonly ReplayEventResult[], obs: readonly Observation[], flow: ExplainedFlow, drift: readonly DriftItem[]): Cause {
  const obsOf = new Map(obs.map((o) => [o.filter, o]));
  // the deciding record: the first one the replay denies, or the log says was denied (drift)
  const idx = events.findIndex((ev, i) => isDeny(verdictOfResult(results[i] as ReplayEventResult, ev)) || isDeny(loggedVerdict(ev)));
  const chain: string[] = [];
  // the initial packet, and where it passed
  const syn = events.find(isInitialSyn) ?? events[0];
  if (syn !== undefined) {
    const copies = events
      .map((e, i) => ({ e, r: results[i] as ReplayEventResult }))
      .filter(({ e }) => e.src === syn.src && e.dst === syn.dst && e.srcPort === syn.srcPort && e.dstPort === syn.dstPort && packetName(e) === packetName(syn));
    const allowed = copies.filter(({ e, r }) => verdictOfResult(r, e) === 'allow' && (idx < 0 || e.id !== (events[idx] as ReplayInput).id));
    if (allowed.length > 0)
      chain.push(`${packetName(syn)} passed ${allowed.map(({ e, r }) => `rule ${r.simulated?.ruleId ?? e.ruleId ?? '?'} on ${who(obsOf.get(e.filterHash ?? '') as Observation)}`).join(' and ')}`);
  }
  if (idx < 0) {
    const reset = events.find((e) => /R/i.test(e.tcpFlags ?? '') || (e.closeReason ?? '').toUpperCase() === 'RST');
    chain.push(reset ? `the ${packetName(reset)} came from an endpoint: no DFW REJECT of this connection is in the logs` : 'no REJECT, DROP or reset of this connection is in the logs');
    return { kind: reset ? 'endpoint-reset' : 'not-denied', text: chain.join('; '), chain, decidingEvent: null, filter: null, ruleId: null };
  }
  const ev = events[idx] as ReplayInput;
  const r = results[idx] as ReplayEventResult;
  const o = obsOf.get(ev.filterHash ?? '') as Observation;
  const simulatedDeny = isDeny(verdictOfResult(r, ev));
  const v = (simulatedDeny ? verdictOfResult(r, ev) : loggedVerdict(ev)) as Verdict;
  const d = r.simulated ?? null;
  const ruleId = d?.ruleId ?? ev.ruleId;
  const tag = o.events.find((x) => x.eventId === ev.id)?.simulated?.tag ?? ev.tag;
  const rule = `${v === 'reject' ? 'REJECT' : 'DROP'} rule ${ruleId ?? '?'}${tag ? ` (${tag})` : ''}`;
  const response = v === 'reject' ? (r.synthetic?.kind === 'tcp-rst' || (ev.protocol === 'tcp' && d === null) ? ' -> session reset' : r.synthetic?.kind === 'icmp-unreachable' ? ' -> ICMP unreachable to the sender' : '') : ' (dropped silently)';
  const reverse = ev.src === flow.server && ev.direction === 'IN';
  const sawForwardIn = o.events.some((x) => x.direction === 'IN' && events.find((e) => e.id === x.eventId)?.src === flow.client && x.eventId !== ev.id);
  let kind: CauseKind;
  if (r.agreement === 'drift') {
    kind = 'drift';
    chain.push(`the ${packetName(ev)} was logged as ${ev.action ?? '?'} rule ${ev.ruleId ?? '?'} on ${who(o)}, but the stored rules decide ${d ? decisionText(brief(d, null) as DecisionBrief) : '?'}: the host ran other rules than the captured ones`);
  } else if (o.role === 'extra' && reverse && sawForwardIn) {
    kind = 'observer-reverse-direction';
    chain.push(`the ${packetName(ev)} reached ${o.filter} in the reverse direction (IN again), matched no state there (the state from the ${syn ? packetName(syn) : 'first packet'} covers replies going OUT, not IN) and hit ${rule}${response}`);
  } else if (o.role === 'extra') {
    kind = 'extra-observer-deny';
    chain.push(`the ${packetName(ev)} was denied on ${who(o)}, a filter that owns neither ${flow.client} nor ${flow.server}: ${rule}${response}`);
  } else {
    kind = 'policy-deny';
    chain.push(`the ${packetName(ev)} hit ${rule} on ${who(o)}${response}: the policy denies this connection (not a duplicate-filter problem)`);
  }
  // consequences: records that follow from the reject (step 11)
  const later = events.map((e, i) => ({ e, r: results[i] as ReplayEventResult })).filter(({ e, r: x }) => x.causedBy !== null && e.id !== ev.id);
  if (later.length > 0) chain.push(`the later ${[...new Set(later.map(({ e }) => `${packetName(e)} on ${e.filterHash}`))].join(', ')} ${later.length === 1 ? 'is a consequence' : 'are consequences'}`);
  if (drift.length > 0 && kind !== 'drift') chain.push(`${drift.length} record(s) of this connection disagree with the stored rules (drift)`);
  return { kind, text: chain.join('; '), chain, decidingEvent: ev.id, filter: ev.filterHash, ruleId };
}

function fixesFor(
  cause: Cause,
  events: readonly ReplayInput[],
  before: readonly ReplayEventResult[],
  obs: readonly Observation[],
  ctx: ExplainContext,
  compiled: ReadonlyMap<string, CompiledFilter>,
  base: ReplayOptions,
): Fix[] {
  if (cause.filter === null || cause.decidingEvent === null) return [];
  const filter = cause.filter;
  const o = obs.find((x) => x.filter === filter);
  const fixes: Fix[] = [];
  const excluded = [...(base.excluded ?? [])];
  if (o !== undefined && (o.role === 'extra' || o.role === 'unknown')) {
    fixes.push({
      kind: 'exclude-filter',
      filter,
      ruleId: null,
      description: `put ${filter}${o.vm ? ` (${o.vm})` : ''} on the DFW exclusion list: it sees traffic of addresses it does not own`,
      command: `dfwsim whatif --exclude-filter ${filter}`,
      effect: effectOf(events, before, replayGroup(events, compiled, ctx.ownership, { ...base, excluded: [...excluded, filter] }), true),
    });
  }
  if (cause.ruleId !== null && typeof cause.ruleId === 'number') {
    const without = withoutRule(ctx, filter, cause.ruleId);
    const checked = without !== null;
    const after = checked ? replayGroup(events, withFilter(compiled, filter, without), ctx.ownership, base) : before;
    fixes.push({
      kind: 'narrow-applied-to',
      filter,
      ruleId: cause.ruleId,
      description: `narrow the applied-to of rule ${cause.ruleId} so it no longer reaches ${filter}${o?.vm ? ` (${o.vm})` : ''}`,
      command: `dfwsim whatif --remove-rule ${cause.ruleId} --filter ${filter}`,
      effect: effectOf(events, before, after, checked),
    });
  }
  return fixes;
}

/** The filter compiled without rule `ruleId` (every line of it), or null when it has no realized rules. */
function withoutRule(ctx: ExplainContext, filter: string, ruleId: number): CompiledFilter | null {
  let cache = removedCache.get(ctx);
  if (cache === undefined) removedCache.set(ctx, (cache = new Map()));
  // filters alike (same rules and addrsets, spans aside) give the same variant: a fix's effect is
  // told in verdicts and rules only, never in spans, so one variant serves all of them
  const compiled = ctx.filters.get(filter)?.compiled;
  const content = compiled !== undefined ? ctx.cache?.contentKey(compiled) : undefined;
  const k = `${content ?? filter}|${ruleId}`;
  const hit = cache.get(k);
  if (hit !== undefined) return hit;
  const f = ctx.realized(filter);
  if (f === undefined) {
    cache.set(k, null);
    return null;
  }
  const without = removeRule(new Map([[filter, f]]), ruleId, filter).filters.get(filter) ?? f;
  const c = compileFilter({ rulesets: without.rulesets, addrsets: without.addrsets }, ctx.cache ?? new CompileCache());
  cache.set(k, c);
  return c;
}

function effectOf(events: readonly ReplayInput[], before: readonly ReplayEventResult[], after: readonly ReplayEventResult[], checked: boolean): FixEffect {
  const b = counts(before, events);
  const a = counts(after, events);
  const rejectsAfter = new Set(after.filter((r) => r.synthetic !== null).map((r) => r.eventId));
  const changes: FixEffect['changes'] = [];
  events.forEach((e, i) => {
    const rb = before[i] as ReplayEventResult;
    const ra = after[i] as ReplayEventResult;
    const causeRemoved = rb.causedBy !== null && !rejectsAfter.has(rb.causedBy);
    const vb = verdictOfResult(rb, e);
    const va = verdictOfResult(ra, e);
    if (causeRemoved || vb !== va || rb.simulated?.ruleId !== ra.simulated?.ruleId)
      changes.push({ eventId: e.id, filter: e.filterHash ?? '', before: brief(rb.simulated, null), after: brief(ra.simulated, null), causeRemoved });
  });
  if (!checked) return { text: 'not checked: the store has no realized rules for this filter', before: b, after: a, changes: [], checked, resolves: false };
  const removed = changes.filter((c) => c.causeRemoved).length;
  const resolves = a.reject === 0 && a.drop === 0;
  const text =
    `REJECT ${b.reject} -> ${a.reject}, DROP ${b.drop} -> ${a.drop} on this connection` +
    (removed > 0 ? `; ${removed} record(s) would not happen (their causing REJECT is gone)` : '') +
    (resolves ? '' : '; the connection is still denied');
  return { text, before: b, after: a, changes, checked, resolves };
}
