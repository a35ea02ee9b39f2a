import type { Decision, TraceNode } from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import type { ReplayInput, StoredEvent } from '../model/packet-event.js';
import type {
  FilterReplaySummary,
  ProductGeneration,
  ReplayAgreement,
  ReplayEventResult,
  ReplayResult,
  ReplayChange,
  RuleHit,
  SyntheticPacket,
  TimerProfile,
} from '../model/replay.js';
import type { CompiledFilter, CompiledRule } from './compile.js';
import { ConnTable, defaultTimers, stateKey, type ConnState } from './conntrack.js';
import { evaluate, rejectResponse, type EvaluateOptions } from './evaluate.js';
import { protocolNumber } from '../net/protocols.js';

/**
 * Stateful per-filter replay of logged DFW events, following the "Replay algorithm" of
 * shared/reference/dfw-stateful.md (steps cited as "step N"). Each filter has its own rule
 * table and connection table; events are replayed per host in time order.
 */

/** Options of replay. */
export interface ReplayOptions {
  /** product generation for every filter; default: each compiled filter's guess from its ruleset names */
  generation?: ProductGeneration;
  /** filter hashes on the exclusion list (step 3) */
  excluded?: Iterable<string>;
  /** timer overrides for every filter (seconds); default §3.3 per generation */
  timers?: Partial<TimerProfile>;
  /** per-filter timer overrides (`vsipioctl gettimeout`), by filter hash */
  filterTimers?: ReadonlyMap<string, Partial<TimerProfile>>;
  /**
   * Which filter owns an address, per host: key `${host}|${ip}` (host '' when events carry none)
   * → filter hash. Used to inject REJECT responses into the sender's filter (step 11). Default:
   * inferred from the events (a filter that logs traffic IN to, or OUT from, the address and is
   * not an observer suspect), and the synthetic packet's notes say so.
   */
  owners?: OwnerLookup;
  /** window after a REJECT in which a bare RST of the same connection is its consequence; default 1000 ms [inferred] */
  consequenceWindowMs?: number;
  /**
   * trace detail of the decisions: `minimal` (default: match / unknown / strict-skip nodes, fast
   * enough for whole logs) or `full` (every skipped rule with its reason, for `explain`)
   */
  trace?: 'full' | 'minimal';
  /** keep every session in the filter summaries (`replay()` does; the streaming replay does not: they grow with the log) */
  keepSessions?: boolean;
}

/** A logged action in the engine's verdict terms; null when the log has none / another kind. */
function loggedVerdict(action: string | null): Decision['verdict'] | null {
  switch ((action ?? '').toUpperCase()) {
    case 'PASS':
    case 'ACCEPT':
    case 'ALLOW':
    case 'PUNT':
    case 'COPY':
      return 'allow';
    case 'DROP':
      return 'drop';
    case 'REJECT':
      return 'reject';
    default:
      return null;
  }
}

/** Build the Flow of a logged event, or a reason why it cannot be replayed. */
export function eventFlow(e: ReplayInput): Flow | string {
  if (e.af === 'L2') return 'L2 record: its layout is not known (dfwpktlog.md §3), not replayed';
  if (e.src === null || e.dst === null) return 'record without addresses';
  if (e.protocol === null) return 'record without protocol';
  const proto = protocolNumber(e.protocol);
  if (proto === null || proto < 0) return `protocol ${e.protocol} not known`;
  const af = e.af === 'INET6' || e.src.includes(':') ? 'inet6' : 'inet';
  return {
    af,
    protocol: proto,
    src: e.src,
    dst: e.dst,
    srcPort: e.srcPort,
    dstPort: e.dstPort,
    tcpFlags: e.tcpFlags,
    icmpType: e.icmpType,
    icmpCode: e.icmpCode,
  };
}

function infoDecision(basis: Decision['basis'], verdict: Decision['verdict'], walkthrough: string, rule: { ruleset: string | null; ruleId: number | null } | null): Decision {
  const trace: TraceNode[] = [{ kind: 'info', text: walkthrough, children: [] }];
  return {
    verdict,
    basis,
    ruleset: rule?.ruleset ?? null,
    ruleId: rule?.ruleId ?? null,
    position: null,
    isDefault: false,
    tier: null,
    policy: null,
    rejectSends: null,
    walkthrough,
    trace,
  };
}

function stateDecision(s: ConnState, what: string): Decision {
  return infoDecision('state', 'allow', `${what}: state from event ${s.createdBy} (${s.ruleset ?? '?'} rule ${s.ruleId ?? '?'}) passes it`, {
    ruleset: s.ruleset,
    ruleId: s.ruleId,
  });
}

/** ruleset name -> position -> the rules at it (usually one), in filter order. */
type RuleIndex = Map<string, Map<number, CompiledRule[]>>;

/** Rule lookups already built, per compiled filter (a replayer per connection, as explain runs, would rebuild them each time). */
const ruleIndexes = new WeakMap<CompiledFilter, RuleIndex>();
/** per shared rule array (filters alike share theirs, compile.ts): position -> rules */
const positionIndexes = new WeakMap<readonly CompiledRule[], Map<number, CompiledRule[]>>();

/**
 * Rule lookup by the fields a Decision carries (ruleset, position, rule id). Keyed by name and
 * number, not by a composed string, and shared by filters alike: a string key per rule of every
 * filter cost about 35 MB of heap on a 147k-rule store (measured), for a lookup done once per
 * rule walk.
 */
function ruleIndex(c: CompiledFilter): RuleIndex {
  const known = ruleIndexes.get(c);
  if (known !== undefined) return known;
  const m: RuleIndex = new Map();
  ruleIndexes.set(c, m);
  for (const rs of c.rulesets) {
    let byPos = positionIndexes.get(rs.rules);
    if (byPos === undefined) {
      positionIndexes.set(rs.rules, (byPos = new Map()));
      for (const r of rs.rules) {
        const at = byPos.get(r.position);
        if (at === undefined) byPos.set(r.position, [r]);
        else at.push(r);
      }
    }
    // rules name their ruleset (r.ruleset === rs.name); a second ruleset of one name adds to the first
    const prev = m.get(rs.name);
    if (prev === undefined) m.set(rs.name, byPos);
    else {
      const merged = new Map([...prev].map(([k, v]) => [k, [...v]]));
      for (const [k, v] of byPos) merged.set(k, [...(merged.get(k) ?? []), ...v]);
      m.set(rs.name, merged);
    }
  }
  return m;
}

/** The filter's first rule (in evaluation order) with this ruleset and rule id, at any position. */
function firstRule(c: CompiledFilter, ruleset: string, ruleId: number | string): CompiledRule | null {
  for (const rs of c.rulesets) for (const r of rs.rules) if (r.ruleset === ruleset && r.ruleId === ruleId) return r;
  return null;
}

/** The first rule of the filter with this ruleset, rule id and position (as the Decision names it). */
function ruleAt(index: RuleIndex, ruleset: string, ruleId: number | string, position: number): CompiledRule | null {
  for (const r of index.get(ruleset)?.get(position) ?? []) if (r.ruleId === ruleId) return r;
  return null;
}

function isInitial(flow: Flow): boolean {
  if (flow.protocol !== 6 || flow.tcpFlags === null) return true;
  const f = flow.tcpFlags.toUpperCase();
  return f.includes('S') && !f.includes('A');
}

/**
 * Does an ALLOW create state (step 9)? Stateful L3 rule and: not TCP; or an initial SYN; or
 * NSX-T 3.x+ mid-stream pick-up by a non-strict rule (S9). A `protocol any` rule picking up a
 * mid-stream packet on NSX-T 3.x+ is open question 2: assumed to create state [inferred];
 * on NSX-V / NSX-T 2.0 it does not (S6). A packet carrying RST never opens a state.
 */
function createsState(d: Decision, r: CompiledRule | null, flow: Flow, gen: ProductGeneration, notes: string[]): boolean {
  if (d.verdict !== 'allow' || r === null) return false;
  if (r.layer === 'L2' || r.stateless) return false;
  if (flow.protocol !== 6) return true;
  const flags = (flow.tcpFlags ?? '').toUpperCase();
  if (flags.includes('R')) return false;
  if (isInitial(flow)) return true;
  if (gen !== 'nsxt3+') {
    notes.push('mid-stream TCP packet passed without a SYN: no state on NSX-V / NSX-T 2.0 (S6)');
    return false;
  }
  if (r.proto === 6 && !r.strict) {
    notes.push('mid-stream pick-up by a non-strict TCP rule creates state (NSX-T 3.x+, S9)');
    return true;
  }
  notes.push('mid-stream pick-up by a protocol-any rule assumed to create state [unverified: open question 2]');
  return true;
}

function compare(sim: Decision, e: ReplayInput, decider: CompiledRule | null, notes: string[]): ReplayAgreement {
  const lv = loggedVerdict(e.action);
  if (lv === null) {
    notes.push(`logged action ${e.action ?? '(none)'} is not modelled`);
    return 'drift';
  }
  const candidates = new Set<number | string>();
  if (sim.ruleId !== null) candidates.add(sim.ruleId);
  if (sim.basis === 'unknown') for (const n of sim.trace) if (n.kind === 'unknown' && n.rule) candidates.add(n.rule.ruleId);
  const ruleOk = e.ruleId === null || candidates.has(e.ruleId);
  if (sim.verdict !== lv || !ruleOk) {
    notes.push(`log says ${e.action ?? ''} rule ${e.ruleId ?? '?'}, simulation ${sim.verdict.toUpperCase()} rule ${sim.ruleId ?? 'none'}`);
    return 'drift';
  }
  if (sim.basis === 'unknown' && e.ruleId !== sim.ruleId) notes.push(`the log resolves the unknown outcome: rule ${e.ruleId ?? '?'} decided`);
  // step 10: a line is expected only from a rule that logs
  if (decider !== null && !decider.log && (sim.basis === 'rule' || e.ruleId === decider.ruleId)) {
    notes.push(`${decider.ref} does not log (no "with log"), yet this line was logged`);
    return 'drift';
  }
  return 'reproduced';
}

interface FilterCtx {
  hash: string;
  host: string | null;
  compiled: CompiledFilter | null;
  rules: RuleIndex;
  excluded: boolean;
  gen: ProductGeneration | null;
  table: ConnTable;
  summary: FilterReplaySummary;
  hits: Map<string, RuleHit>;
  /** IN tuples seen lately (tuple -> ms), for the observer signature */
  inTuples: Map<string, number>;
  sinceSweep: number;
  /** log time of the last sweep */
  sweptAt: number;
}

interface RejectMark {
  eventId: number;
  host: string;
  tMs: number;
  proto: number;
  pair: string;
}

function unorderedPair(f: Flow): string {
  const a = `${f.src}|${f.srcPort ?? '-'}`;
  const b = `${f.dst}|${f.dstPort ?? '-'}`;
  return `${f.protocol}|${a < b ? a + '|' + b : b + '|' + a}`;
}

function emptyAgreements(): Record<ReplayAgreement, number> {
  return { reproduced: 0, drift: 0, 'state-hit': 0, 'state-uncertain': 0, 'no-rules': 0, excluded: 0 };
}

/** One filter's replay state, copied out of a Replayer (`exportFilter`). */
export interface FilterSnapshot {
  readonly ctx: FilterCtx;
}

/** How to find the filter of the VM that owns an address on a host (REJECT injection, step 11). */
export type OwnerLookup = ReadonlyMap<string, string> | { ownerOf(host: string | null, ip: string): string | null };

function ownerOf(owners: OwnerLookup, host: string, ip: string): string | null {
  if ('ownerOf' in owners) return owners.ownerOf(host === '' ? null : host, ip);
  return owners.get(`${host}|${ip}`) ?? null;
}

/** How often (events per filter) a filter's tables are swept of entries that can no longer matter. */
const SWEEP_EVERY = 2048;

/**
 * ... and of tombstones and IN tuples at least this often in log time: a filter that logs a few
 * lines a second reaches SWEEP_EVERY only after many minutes, while they pile up (measured:
 * 100k tombstones and 113k IN tuples after 600k events on 500 filters).
 */
const SWEEP_INTERVAL_MS = 300_000;

/** The filters a replay can look up: a Map, or a view over one (explain swaps one filter). */
export type FilterLookup = Pick<ReadonlyMap<string, CompiledFilter>, 'get'>;

/** How long an IN tuple is remembered for the observer signature (a reply follows within the handshake). */
const OBSERVER_HORIZON_MS = 120_000;

/** The replay's outcome for the whole run: per-filter summaries and run notes (events are streamed). */
export interface ReplaySummary {
  filters: FilterReplaySummary[];
  notes: string[];
}

/**
 * Stateful replay of logged events, one event at a time, holding only per-filter state: the
 * connection tables (swept of dead states), rule-hit counters and a bounded window of recent
 * IN tuples and REJECTs. Feed events per host in time order (`push`), then call `finish`.
 * `replay()` below is the same over an array.
 */
export class Replayer {
  private readonly excluded: Set<string>;
  private readonly window: number;
  private readonly traceMode: 'full' | 'minimal';
  private readonly ctxs = new Map<string, FilterCtx>();
  private readonly rejectsByHost = new Map<string, RejectMark[]>();
  private lastT = 0;
  /**
   * Called when a REJECT's response is about to be injected into another filter (step 11),
   * before that filter's state is touched; `replicate` applies the same injection to another
   * replayer. whatif uses it to keep a second replayer exact while feeding it only the filters
   * whose outcome can differ.
   */
  onInject: ((from: string, to: string, replicate: (other: Replayer) => void) => void) | null = null;

  constructor(
    private readonly filters: FilterLookup,
    private readonly owners: OwnerLookup,
    private readonly opts: ReplayOptions = {},
  ) {
    this.excluded = new Set(opts.excluded ?? []);
    this.window = opts.consequenceWindowMs ?? 1000;
    this.traceMode = opts.trace ?? 'minimal';
  }

  private ctxOf(hash: string, host: string | null): FilterCtx {
    let c = this.ctxs.get(hash);
    if (c !== undefined) return c;
    const opts = this.opts;
    const compiled = this.filters.get(hash) ?? null;
    const gen = compiled === null ? null : (opts.generation ?? compiled.generation);
    const timers: TimerProfile = { ...defaultTimers(gen ?? 'nsxt3+'), ...opts.timers, ...opts.filterTimers?.get(hash) };
    const excluded = this.excluded.has(hash);
    c = {
      hash,
      host,
      compiled,
      rules: compiled === null ? new Map() : ruleIndex(compiled),
      excluded,
      gen,
      table: new ConnTable(hash, timers, opts.keepSessions ?? false),
      summary: {
        filterHash: hash,
        host,
        excluded,
        hasRules: compiled !== null,
        generation: gen,
        events: 0,
        byAgreement: emptyAgreements(),
        sessions: [],
        ruleHits: [],
        rejectsSent: 0,
        observerSuspect: false,
      },
      hits: new Map(),
      inTuples: new Map(),
      sinceSweep: 0,
      sweptAt: this.lastT,
    };
    this.ctxs.set(hash, c);
    return c;
  }

  /**
   * Replay one event. Events of one host must arrive in time order (file order for equal ms);
   * a line without a time takes the time of the line before it (it was appended in order).
   */
  push(e: ReplayInput): ReplayEventResult {
    return this.pushAt(e, e.tsMs ?? this.lastT);
  }

  /** The log time of the latest event pushed (what a following line without a time takes). */
  get clock(): number {
    return this.lastT;
  }

  /**
   * `push` with the event's time given: a replay fed a subset of a stream (whatif's second
   * replayer) takes the time a line without one has in the whole stream.
   */
  pushAt(e: ReplayInput, t: number): ReplayEventResult {
    this.lastT = t;
    const host = e.host ?? '';
    let rejects = this.rejectsByHost.get(host);
    if (rejects === undefined) this.rejectsByHost.set(host, (rejects = []));
    return this.replayOne(e, t, host, rejects);
  }

  private replayOne(e: ReplayInput, t: number, host: string, rejects: RejectMark[]): ReplayEventResult {
    const notes: string[] = [];
    const hash = e.filterHash ?? '';
    const ctx = this.ctxOf(hash, e.host);
    ctx.summary.events++;
    if (++ctx.sinceSweep >= SWEEP_EVERY) this.sweep(ctx, t, rejects, true);
    else if (t - ctx.sweptAt >= SWEEP_INTERVAL_MS) this.sweep(ctx, t, rejects, false);
    const direction: 'IN' | 'OUT' = e.direction ?? 'IN';
    const reason = (e.reason ?? '').toLowerCase();
    const kind: ReplayEventResult['kind'] = reason === 'term' ? 'term' : reason === 'match' || reason === 'reason-match' ? 'packet' : 'other';
    const flowOr = eventFlow(e);
    const base = {
      eventId: e.id,
      filterHash: hash,
      direction,
      kind,
      logged: { action: e.action, ruleId: e.ruleId, ruleset: e.ruleset },
      causedBy: null as number | null,
      synthetic: null as SyntheticPacket | null,
      notes,
    };
    // the result, written out in the key order of its JSON (a spread of `base` was the replay's
    // costliest line: about a third of its own time)
    const finish = (
      simulated: Decision | null,
      ruleWalk: Decision | null,
      agreement: ReplayAgreement,
      stateKey: string,
      connection: string,
      createdState: boolean,
      synthetic: SyntheticPacket | null = null,
    ): ReplayEventResult => {
      ctx.summary.byAgreement[agreement]++;
      return {
        eventId: base.eventId,
        filterHash: base.filterHash,
        direction: base.direction,
        kind: base.kind,
        logged: base.logged,
        causedBy: base.causedBy,
        synthetic,
        notes,
        simulated,
        ruleWalk,
        agreement,
        stateKey,
        connection,
        createdState,
      };
    };
    if (typeof flowOr === 'string' || e.direction === null || e.producer !== 'nsx-dfw') {
      notes.push(
        e.producer !== 'nsx-dfw'
          ? `${e.producer} record: not replayed against vNIC filters (gateway / Antrea state tables are separate, step 13)`
          : typeof flowOr === 'string'
            ? flowOr
            : 'record without direction: not replayed',
      );
      return finish(null, null, 'no-rules', '', typeof flowOr === 'string' ? '' : unorderedPair(flowOr), false);
    }
    const flow = flowOr;
    const key = stateKey(flow, direction);
    const connection = unorderedPair(flow);

    // consequence of an earlier REJECT (step 11): a reset of the same connection shortly after
    const isReset = flow.protocol === 6 && ((flow.tcpFlags ?? '').toUpperCase().includes('R') || (kind === 'term' && (e.closeReason ?? '').toUpperCase() === 'RST'));
    if (isReset) {
      for (let i = rejects.length - 1; i >= 0; i--) {
        const m = rejects[i] as RejectMark;
        if (t - m.tMs > this.window) break;
        if (m.pair === connection && m.eventId !== e.id) {
          base.causedBy = m.eventId;
          notes.push(`follows from the REJECT of event ${m.eventId} ${t - m.tMs} ms earlier (the connection was reset) [inferred §4.4]`);
          break;
        }
      }
    }

    // observer signature (step 12): both directions of one connection arrive IN on this filter
    if (direction === 'IN') {
      ctx.inTuples.set(`${flow.protocol}|${flow.src}|${flow.srcPort ?? '-'}|${flow.dst}|${flow.dstPort ?? '-'}`, t);
      const rev = ctx.inTuples.get(`${flow.protocol}|${flow.dst}|${flow.dstPort ?? '-'}|${flow.src}|${flow.srcPort ?? '-'}`);
      // within the horizon only, so whether a sweep ran in between changes nothing
      if (rev !== undefined && t - rev <= OBSERVER_HORIZON_MS) {
        if (!ctx.summary.observerSuspect) notes.push('this filter receives both directions of the connection IN: promiscuous / bridging observer suspect');
        ctx.summary.observerSuspect = true;
      }
    }

    // 3. excluded filter: no DFW at all
    if (ctx.excluded) {
      notes.push('excluded filter: passes everything, keeps no state; an excluded vNIC should not log, so this line is drift [inferred, S34/S35]');
      const d = infoDecision('excluded', 'allow', `filter ${hash} is excluded: ALLOW (no DFW)`, null);
      return finish(d, null, 'excluded', key, connection, false);
    }
    if (ctx.compiled === null || ctx.gen === null) {
      notes.push(`no realized rules for filter ${hash || '(none)'} in the input: nothing evaluated`);
      return finish(null, null, 'no-rules', key, connection, false);
    }
    const compiled = ctx.compiled;
    const gen = ctx.gen;
    const evalOpts: EvaluateOptions = { generation: gen, trace: this.traceMode };

    // 7. TERM closes the state it names
    if (kind === 'term') {
      const s = ctx.table.peek(key);
      const cr = (e.closeReason ?? '').toUpperCase();
      if (s === null) {
        const lk = ctx.table.lookup(key, t);
        notes.push(lk.kind === 'uncertain' ? lk.why : 'TERM without a known state: the session started before the log window, or its first packet was not logged');
        const d = infoDecision('state-uncertain', 'allow', 'TERM for a session the replay does not know', null);
        return finish(d, null, 'state-uncertain', key, connection, false);
      }
      const linger = flow.protocol !== 6 ? 0 : cr === 'RST' ? ctx.table.timers.tcpClosed : cr === 'FIN' ? ctx.table.timers.tcpFinWait : 0;
      ctx.table.close(key, t, 'term', cr || null, linger, e.id);
      const d = stateDecision(s, `TERM ${cr}`);
      let agreement: ReplayAgreement = 'reproduced';
      if (e.ruleId !== null && s.ruleId !== null && e.ruleId !== s.ruleId) {
        notes.push(`TERM names rule ${e.ruleId}, the state was created by rule ${s.ruleId}`);
        agreement = 'drift';
      }
      return finish(d, null, agreement, key, connection, false);
    }

    // 4 + 8. the rule walk (L2 first, then L3), computed once: it is what a logged match line
    // implies happened, and what whatif compares
    const walk = evaluate(compiled, flow, direction, evalOpts);
    const decider = walk.ruleset !== null && walk.ruleId !== null && walk.position !== null ? ruleAt(ctx.rules, walk.ruleset, walk.ruleId, walk.position) : null;
    const l2Dropped = decider !== null && decider.layer === 'L2' && walk.verdict !== 'allow';

    let simulated: Decision = walk;
    let agreement: ReplayAgreement;
    let createdState = false;
    let rejectApplies = false;
    // 5 + 6. state lookup (after L2: an L2 drop ends the walk before any state)
    const lk = l2Dropped ? ({ kind: 'miss', expired: null } as const) : ctx.table.lookup(key, t);
    switch (lk.kind) {
      case 'hit': {
        simulated = stateDecision(lk.state, 'existing state');
        ctx.table.touch(lk.state, t, e.id);
        notes.push(`a live state passes this packet, yet it was logged as a first packet: anomaly (observer, stale timers, or state older than the log); rule walk: ${walk.walkthrough}`);
        agreement = kind === 'packet' ? 'state-hit' : compare(simulated, e, null, notes);
        break;
      }
      case 'uncertain': {
        notes.push(lk.why);
        notes.push('a logged match line implies the DFW walked the rules, i.e. no state existed');
        simulated = { ...walk, basis: 'state-uncertain', walkthrough: `state uncertain; without state: ${walk.walkthrough}` };
        agreement = 'state-uncertain';
        // whether or not the old state lived, an allowed packet leaves a state behind
        if (createsState(walk, decider, flow, gen, notes)) {
          ctx.table.create(key, flow.protocol, e.id, t, walk.ruleset, typeof walk.ruleId === 'number' ? walk.ruleId : null);
          createdState = true;
        }
        rejectApplies = walk.verdict === 'reject' && loggedVerdict(e.action) === 'reject';
        break;
      }
      case 'miss': {
        if (lk.expired !== null) notes.push(`state from event ${lk.expired.createdBy} expired (idle longer than its latest timer)`);
        agreement = compare(walk, e, decider, notes);
        if (kind === 'other') notes.push(`logged reason ${e.reason ?? ''} is not a rule match; compared as one`);
        if (createsState(walk, decider, flow, gen, notes)) {
          ctx.table.create(key, flow.protocol, e.id, t, walk.ruleset, typeof walk.ruleId === 'number' ? walk.ruleId : null);
          createdState = true;
        }
        rejectApplies = walk.verdict === 'reject';
        break;
      }
    }
    if (simulated.basis === 'rule' || simulated.basis === 'unknown' || simulated.basis === 'default' || simulated.basis === 'state-uncertain') countHit(ctx, walk);

    // 9 + 11. REJECT: synthetic response toward the sender
    let synthetic: SyntheticPacket | null = null;
    if (rejectApplies && walk.rejectSends !== null && walk.rejectSends !== 'none') {
      synthetic = this.rejectPacket(ctx.hash, ctx.host, flow, direction, walk.rejectSends, t, host);
      ctx.summary.rejectsSent++;
      rejects.push({ eventId: e.id, host, tMs: t, proto: flow.protocol, pair: connection });
    } else if (rejectApplies) {
      notes.push(`REJECT sends nothing: ${rejectResponse(flow).why}`);
    }
    return finish(simulated, walk, agreement, key, connection, createdState, synthetic);
  }

  /**
   * Forget what can no longer matter at `t`: old IN tuples, REJECTs past the window, tombstones
   * past their uncertainty, and (`states`: every SWEEP_EVERY events) dead states. The sweep by
   * log time keeps expired states: a later packet of theirs still says it found one expired.
   */
  private sweep(ctx: FilterCtx, t: number, rejects: RejectMark[], states: boolean): void {
    if (states) ctx.sinceSweep = 0;
    ctx.sweptAt = t;
    ctx.table.sweep(t, states);
    for (const [k, seen] of ctx.inTuples) if (t - seen > OBSERVER_HORIZON_MS) ctx.inTuples.delete(k);
    let drop = 0;
    while (drop < rejects.length && t - (rejects[drop] as RejectMark).tMs > this.window) drop++;
    if (drop > 0) rejects.splice(0, drop);
  }

  /** Build the REJECT response and inject it into the sender's filter (steps 9, 11). */
  private rejectPacket(fromHash: string, fromHost: string | null, flow: Flow, direction: 'IN' | 'OUT', sends: 'tcp-rst' | 'icmp-unreachable', t: number, host: string): SyntheticPacket {
    const notes: string[] = [];
    const v6 = flow.af === 'inet6';
    const out: Flow =
      sends === 'tcp-rst'
        ? // pf answers with RST+ACK from the original destination to the original source (S17b)
          { af: flow.af, protocol: 6, src: flow.dst, dst: flow.src, srcPort: flow.dstPort, dstPort: flow.srcPort, tcpFlags: 'RA', icmpType: null, icmpCode: null }
        : // admin-prohibited: ICMP 3/13, ICMPv6 1/1 (usual codes; NSX names no number [inferred]);
          // its source address is not documented: the rejected packet's destination is assumed
          { af: flow.af, protocol: v6 ? 58 : 1, src: flow.dst, dst: flow.src, srcPort: null, dstPort: null, tcpFlags: null, icmpType: v6 ? 1 : 3, icmpCode: v6 ? 1 : 13 };
    if (sends === 'icmp-unreachable') notes.push('ICMP code and source address assumed (admin-prohibited, from the rejected destination) [unverified]');
    notes.push('the generated packet is not logged (dfw-stateful.md §4.2 [unknown])');
    const synth: SyntheticPacket = { kind: sends, flow: out, fromFilter: fromHash, injectedInto: null, decision: null, closedState: null, notes };
    if (direction === 'OUT') {
      notes.push('the rejected packet was leaving the VM: the response is delivered straight back into it');
      return synth;
    }
    const owner = ownerOf(this.owners, host, flow.src);
    if (owner === null) {
      notes.push(`the sender ${flow.src} has no known filter on this host: the response leaves toward the network`);
      return synth;
    }
    if (this.opts.owners === undefined) notes.push(`sender's filter ${owner} inferred from the logs (it logs traffic of ${flow.src})`);
    if (owner === fromHash) {
      notes.push('the sender owns this filter: not injected again');
      return synth;
    }
    this.onInject?.(fromHash, owner, (other) => other.injectResponse(fromHash, fromHost, flow, direction, sends, t, host));
    const target = this.ctxOf(owner, fromHost);
    synth.injectedInto = owner;
    if (target.excluded) {
      synth.decision = infoDecision('excluded', 'allow', `filter ${owner} is excluded: the response passes`, null);
      return synth;
    }
    if (target.compiled === null || target.gen === null) {
      notes.push(`filter ${owner} has no realized rules in the input: outcome there not evaluated`);
      return synth;
    }
    // The sender's state is the one its original packet created leaving it (OUT): key
    // stateKey(flow, 'OUT'). The RST arriving IN has that very key (pf orientation); an ICMP
    // error is matched to the state of the packet it quotes (pf, §3.1 [inferred]).
    const k = stateKey(flow, 'OUT');
    const lk = target.table.lookup(k, t);
    if (lk.kind === 'hit' || (lk.kind === 'uncertain' && lk.state !== null)) {
      const s = lk.kind === 'hit' ? lk.state : (lk.state as ConnState);
      synth.decision = stateDecision(s, `synthetic ${sends === 'tcp-rst' ? 'RST' : 'ICMP unreachable (related)'} on ${owner} IN`);
      if (lk.kind === 'uncertain') notes.push(lk.why);
      if (sends === 'tcp-rst') {
        // the RST moves the sender's state to TCP closed (§4.3 [inferred]); a TERM RST is expected if the creating rule logs
        target.table.close(k, t, 'reject-reset', 'RST', target.table.timers.tcpClosed, null);
        synth.closedState = k;
        const creator = s.ruleset !== null && s.ruleId !== null ? firstRule(target.compiled, s.ruleset, s.ruleId) : null;
        if (creator?.log) notes.push(`expect a TERM ... TCP RST line on ${owner} for rule ${s.ruleId} [inferred §4.3]`);
      }
      return synth;
    }
    // no state on the sender's filter: the response walks its rules (it creates no state: RST / ICMP error)
    synth.decision = evaluate(target.compiled, out, 'IN', { generation: target.gen, trace: this.traceMode });
    return synth;
  }

  /** Inject a REJECT's response that another replayer's filter `fromHash` sent at `t` (see `onInject`). */
  private injectResponse(fromHash: string, fromHost: string | null, flow: Flow, direction: 'IN' | 'OUT', sends: 'tcp-rst' | 'icmp-unreachable', t: number, host: string): void {
    this.lastT = t;
    this.rejectPacket(fromHash, fromHost, flow, direction, sends, t, host);
  }

  /** A deep copy of one filter's replay state (null when the filter was not seen yet), for `adoptFilter` of another replayer. */
  exportFilter(hash: string): FilterSnapshot | null {
    const c = this.ctxs.get(hash);
    if (c === undefined) return null;
    return {
      ctx: {
        ...c,
        table: c.table.clone(),
        summary: { ...c.summary, byAgreement: { ...c.summary.byAgreement }, sessions: [], ruleHits: [] },
        hits: new Map([...c.hits].map(([k, h]) => [k, { ...h }])),
        inTuples: new Map(c.inTuples),
      },
    };
  }

  /**
   * Take over a filter's state from another replayer at the same point of the same stream:
   * from here on this replayer continues it. The filter must have the same rules and exclusion
   * here as there (its state would differ otherwise).
   */
  adoptFilter(snapshot: FilterSnapshot): void {
    const c = snapshot.ctx;
    const compiled = this.filters.get(c.hash) ?? null;
    if (compiled !== c.compiled || this.excluded.has(c.hash) !== c.excluded) throw new Error(`adoptFilter: filter ${c.hash} has other rules or exclusion here`);
    if (this.ctxs.has(c.hash)) throw new Error(`adoptFilter: filter ${c.hash} is already replayed here`);
    this.ctxs.set(c.hash, c);
  }

  /** Per-filter summaries (in first-seen order) and the run's notes. */
  finish(): ReplaySummary {
    const notes: string[] = [];
    for (const c of this.ctxs.values()) {
      c.summary.sessions = c.table.sessions;
      c.summary.ruleHits = [...c.hits.values()].sort((a, b) => a.ruleset.localeCompare(b.ruleset) || a.position - b.position);
    }
    if (this.opts.generation === undefined) notes.push('product generation guessed per filter from its ruleset names (domain-cN = NSX-V, mainrs = NSX-T 3.x+)');
    return { filters: [...this.ctxs.values()].map((c) => c.summary), notes };
  }
}

function countHit(ctx: FilterCtx, d: Decision): void {
  if (d.ruleset === null || typeof d.ruleId !== 'number' || d.position === null) return;
  const k = `${d.ruleset}|${d.ruleId}|${d.position}`;
  const h = ctx.hits.get(k);
  if (h !== undefined) h.count++;
  else ctx.hits.set(k, { ruleset: d.ruleset, ruleId: d.ruleId, position: d.position, verdict: d.verdict, count: 1 });
}

/**
 * Replay an array of logged events statefully (tests, small inputs). `filters` maps a filter
 * hash to its compiled rules; a filter absent from the map has no realized rules in the input
 * (events there: `no-rules`). Events are ordered per host by time (file order for equal ms);
 * returns one result per event, in replay order, and per-filter summaries with sessions.
 */
export function replay(events: readonly StoredEvent[], filters: ReadonlyMap<string, CompiledFilter>, opts: ReplayOptions = {}): ReplayResult {
  const byHost = new Map<string, { e: StoredEvent; t: number; i: number }[]>();
  let lastT = 0;
  events.forEach((e, i) => {
    const t = e.tsMs ?? lastT;
    lastT = t;
    const h = e.host ?? '';
    let list = byHost.get(h);
    if (list === undefined) byHost.set(h, (list = []));
    list.push({ e: e.tsMs === null ? { ...e, tsMs: t } : e, t, i });
  });
  const results: ReplayEventResult[] = [];
  const owners = new Map<string, string>();
  for (const [host, list] of byHost) for (const [k, v] of inferOwners(host, list.map((x) => x.e))) owners.set(k, v);
  const r = new Replayer(filters, opts.owners ?? owners, { keepSessions: true, ...opts });
  for (const list of byHost.values()) {
    list.sort((a, b) => a.t - b.t || a.i - b.i);
    for (const { e } of list) results.push(r.push(e));
  }
  const { filters: summaries, notes } = r.finish();
  return { events: results, filters: summaries, notes };
}

/**
 * Infer which filter owns an address on one host (step 11/12): a filter that logs packets IN
 * to it or OUT from it. Filters that receive both directions of a connection IN are observer
 * suspects and never owners; an address claimed by two or more filters has no owner.
 */
export function inferOwners(host: string, events: readonly ReplayInput[]): Map<string, string> {
  const inSeen = new Map<string, Set<string>>();
  const observers = new Set<string>();
  for (const e of events) {
    if (e.filterHash === null || e.direction !== 'IN' || e.src === null || e.dst === null) continue;
    let s = inSeen.get(e.filterHash);
    if (s === undefined) inSeen.set(e.filterHash, (s = new Set()));
    const fwd = `${e.protocol}|${e.src}|${e.srcPort}|${e.dst}|${e.dstPort}`;
    const rev = `${e.protocol}|${e.dst}|${e.dstPort}|${e.src}|${e.srcPort}`;
    s.add(fwd);
    if (s.has(rev)) observers.add(e.filterHash);
  }
  const claims = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.filterHash === null || observers.has(e.filterHash) || e.direction === null) continue;
    const ip = e.direction === 'IN' ? e.dst : e.src;
    if (ip === null) continue;
    let s = claims.get(ip);
    if (s === undefined) claims.set(ip, (s = new Set()));
    s.add(e.filterHash);
  }
  const out = new Map<string, string>();
  for (const [ip, s] of claims) if (s.size === 1) out.set(`${host}|${ip}`, [...s][0] as string);
  return out;
}

function outcomeOf(r: ReplayEventResult): ReplayChange['before'] {
  return {
    verdict: r.simulated?.verdict ?? null,
    basis: r.simulated?.basis ?? null,
    ruleId: r.simulated?.ruleId ?? null,
    agreement: r.agreement,
    synthetic: r.synthetic?.kind ?? null,
  };
}

/**
 * Compare two replays of the same events (`whatif`: other rules, a filter excluded): every
 * event whose verdict, deciding rule, basis or generated response changes, plus the events
 * whose causing REJECT disappears.
 */
export function diffReplays(before: ReplayResult, after: ReplayResult): ReplayChange[] {
  const afterById = new Map(after.events.map((e) => [e.eventId, e]));
  const beforeById = new Map(before.events.map((e) => [e.eventId, e]));
  const out: ReplayChange[] = [];
  for (const b of before.events) {
    const a = afterById.get(b.eventId);
    if (a === undefined) continue;
    const ob = outcomeOf(b);
    const oa = outcomeOf(a);
    const cause = b.causedBy !== null ? beforeById.get(b.causedBy) : undefined;
    const causeAfter = b.causedBy !== null ? afterById.get(b.causedBy) : undefined;
    const causeRemoved = cause?.synthetic != null && causeAfter?.synthetic == null;
    if (causeRemoved || ob.verdict !== oa.verdict || ob.ruleId !== oa.ruleId || ob.basis !== oa.basis || ob.synthetic !== oa.synthetic) {
      out.push({ eventId: b.eventId, filterHash: b.filterHash, before: ob, after: oa, causeRemoved });
    }
  }
  return out;
}
