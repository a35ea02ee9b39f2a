import type { Flow } from '../model/flow.js';
import type { ProductGeneration, SessionSummary, TimerProfile } from '../model/replay.js';

/**
 * One filter's connection table for the offline replay (dfw-stateful.md §1, §3, replay steps
 * 5–7). Logs show only first packets and TERM records, so a state's idle expiry is kept as an
 * interval [earliest, latest]: before `earliest` the state is certainly alive, after `latest`
 * certainly gone, in between the replay answers "uncertain" (step 5) instead of guessing.
 */

/** Default DFW timers (seconds) per product generation, dfw-stateful.md §3.3. */
export function defaultTimers(gen: ProductGeneration): TimerProfile {
  // NSX-T 3.2 / NSX 4.1 DFW column (S12, S13). NSX-T 2.x has no published table: same values
  // assumed [inferred]. "other" protocols: NSX-V internal / pf values (S3, S17a).
  const nsxt: TimerProfile = {
    tcpFirstPacket: 120,
    tcpOpening: 30,
    tcpEstablished: 43200,
    tcpClosing: 120,
    tcpFinWait: 45,
    tcpClosed: 20,
    udpFirstPacket: 60,
    udpSingle: 30,
    udpMultiple: 60,
    icmpFirstPacket: 20,
    icmpErrorReply: 10,
    otherFirstPacket: 60,
    otherSingle: 30,
    otherMultiple: 60,
  };
  switch (gen) {
    case 'nsxt3+':
    case 'nsxt2':
      return nsxt;
    case 'nsxv':
      // NSX-V 6.4 UI (S14) equals the NSX-T values where it states them; established and ICMP
      // come from the NSX-V internal table (S3): 43200, 20, 10.
      return { ...nsxt };
  }
}

/** A live connection-table entry. */
export interface ConnState {
  key: string;
  protocol: number;
  createdBy: number;
  createdAtMs: number;
  lastSeenMs: number;
  ruleset: string | null;
  ruleId: number | null;
  earliestExpiryMs: number;
  latestExpiryMs: number;
  session: SessionSummary;
}

/** A recently closed state whose exact end time the logs cannot give (TERM timing is unknown, §7). */
interface Tombstone {
  endedAtMs: number;
  uncertainUntilMs: number;
  why: string;
}

/** Result of a state lookup. */
export type Lookup =
  | { kind: 'hit'; state: ConnState }
  | { kind: 'uncertain'; state: ConnState | null; why: string }
  | { kind: 'miss'; expired: ConnState | null };

/** ICMP query class: a request and its reply share one state (pf keys echo by id, §3.1 [inferred]). */
function icmpClass(proto: number, type: number | null, code: number | null): string {
  if (type === null) return 'icmp?';
  if (proto === 1) {
    if (type === 8 || type === 0) return 'echo';
    if (type === 13 || type === 14) return 'timestamp';
    if (type === 17 || type === 18) return 'mask';
  }
  if (proto === 58) {
    if (type === 128 || type === 129) return 'echo';
  }
  return `${type}:${code ?? '*'}`;
}

/**
 * The pf-oriented state key (dfw-stateful.md §1.1, S17c): for an IN packet the source is the
 * first address, for an OUT packet the second. So a state created by IN A→B matches IN A→B and
 * OUT B→A, and a state created by OUT A→B matches OUT A→B and IN B→A; IN B→A after IN A→B
 * (a promiscuous observer) gets the other key and misses.
 */
export function stateKey(flow: Flow, direction: 'IN' | 'OUT'): string {
  const icmp = flow.protocol === 1 || flow.protocol === 58;
  const sp = icmp ? icmpClass(flow.protocol, flow.icmpType, flow.icmpCode) : String(flow.srcPort ?? '-');
  const dp = icmp ? sp : String(flow.dstPort ?? '-');
  return direction === 'IN'
    ? `${flow.protocol}|${flow.src}|${sp}|${flow.dst}|${dp}`
    : `${flow.protocol}|${flow.dst}|${dp}|${flow.src}|${sp}`;
}

/** A filter's connection table. */
export class ConnTable {
  private readonly states = new Map<string, ConnState>();
  private readonly tombs = new Map<string, Tombstone>();
  /** every session this table held, in creation order (only when `keepSessions`: it grows with the log) */
  readonly sessions: SessionSummary[] = [];

  constructor(
    readonly filterHash: string,
    readonly timers: TimerProfile,
    private readonly keepSessions = true,
  ) {}

  /**
   * A deep copy (states and their sessions; tombstones are never changed in place). Sessions
   * already ended are not copied: the copy continues the live table.
   */
  clone(): ConnTable {
    const c = new ConnTable(this.filterHash, this.timers, this.keepSessions);
    for (const [k, s] of this.states) c.states.set(k, { ...s, session: { ...s.session, eventIds: [...s.session.eventIds] } });
    for (const [k, t] of this.tombs) c.tombs.set(k, t);
    if (this.keepSessions) for (const s of c.states.values()) c.sessions.push(s.session);
    return c;
  }

  /** live states (for tests and memory checks) */
  get size(): number {
    return this.states.size + this.tombs.size;
  }

  /**
   * Drop what can no longer matter at `nowMs`: states past their latest expiry (certainly gone)
   * and tombstones past their uncertainty. Lookups expire lazily; without a sweep, states of
   * sessions that never log again (no TERM) would pile up as the replay streams a big store.
   * `states` false: tombstones only. Dropping a tombstone past its uncertainty changes no
   * lookup, while an expired state still gives its lookup a note ("state ... expired").
   */
  sweep(nowMs: number, states = true): void {
    if (states)
      for (const [k, s] of this.states)
        if (nowMs > s.latestExpiryMs) {
          this.states.delete(k);
          s.session.end = 'expired';
          s.session.endedAtMs = s.latestExpiryMs;
        }
    for (const [k, t] of this.tombs) if (nowMs > t.uncertainUntilMs) this.tombs.delete(k);
  }

  /** Idle-expiry interval, in ms after the last packet seen (replay step 5). */
  private interval(protocol: number): [number, number] {
    const t = this.timers;
    switch (protocol) {
      case 6:
        // earliest: a handshake that failed after the SYN (first/opening); latest: established
        return [Math.min(t.tcpFirstPacket, t.tcpOpening) * 1000, t.tcpEstablished * 1000];
      case 17:
        // the reference gives first..multiple; `single` (one side only sent) can be shorter, so
        // the interval is widened to include it
        return [Math.min(t.udpFirstPacket, t.udpSingle) * 1000, Math.max(t.udpFirstPacket, t.udpMultiple) * 1000];
      case 1:
      case 58:
        return [t.icmpFirstPacket * 1000, t.icmpFirstPacket * 1000];
      default:
        return [Math.min(t.otherFirstPacket, t.otherSingle) * 1000, Math.max(t.otherFirstPacket, t.otherMultiple) * 1000];
    }
  }

  /** Look a key up at time `nowMs`, expiring lazily (replay steps 5–6). */
  lookup(key: string, nowMs: number): Lookup {
    const s = this.states.get(key);
    if (s !== undefined) {
      if (nowMs <= s.earliestExpiryMs) return { kind: 'hit', state: s };
      if (nowMs > s.latestExpiryMs) {
        this.states.delete(key);
        s.session.end = 'expired';
        s.session.endedAtMs = s.latestExpiryMs;
        return { kind: 'miss', expired: s };
      }
      return {
        kind: 'uncertain',
        state: s,
        why: `state from event ${s.createdBy} idle ${((nowMs - s.lastSeenMs) / 1000).toFixed(3)} s: inside its expiry interval [${(s.earliestExpiryMs - s.lastSeenMs) / 1000} s, ${(s.latestExpiryMs - s.lastSeenMs) / 1000} s] (logs show no middle packets)`,
      };
    }
    const t = this.tombs.get(key);
    if (t !== undefined) {
      if (nowMs <= t.uncertainUntilMs) return { kind: 'uncertain', state: null, why: t.why };
      this.tombs.delete(key);
    }
    return { kind: 'miss', expired: null };
  }

  /** Create (or replace) the state for `key`. */
  create(key: string, protocol: number, eventId: number, nowMs: number, ruleset: string | null, ruleId: number | null): ConnState {
    const old = this.states.get(key);
    if (old !== undefined) {
      old.session.end = 'replaced';
      old.session.endedAtMs = nowMs;
    }
    this.tombs.delete(key);
    const [e, l] = this.interval(protocol);
    const session: SessionSummary = {
      filterHash: this.filterHash,
      stateKey: key,
      protocol,
      createdBy: eventId,
      createdAtMs: nowMs,
      ruleset,
      ruleId,
      eventIds: [eventId],
      end: 'open',
      endedAtMs: null,
      closeReason: null,
    };
    if (this.keepSessions) this.sessions.push(session);
    const s: ConnState = { key, protocol, createdBy: eventId, createdAtMs: nowMs, lastSeenMs: nowMs, ruleset, ruleId, earliestExpiryMs: nowMs + e, latestExpiryMs: nowMs + l, session };
    this.states.set(key, s);
    return s;
  }

  /** A packet matched the state: the idle timer restarts. */
  touch(s: ConnState, nowMs: number, eventId: number | null): void {
    const [e, l] = this.interval(s.protocol);
    s.lastSeenMs = nowMs;
    s.earliestExpiryMs = nowMs + e;
    s.latestExpiryMs = nowMs + l;
    if (eventId !== null) s.session.eventIds.push(eventId);
  }

  /**
   * Close a state. `lingerS`: for how long after `nowMs` a packet of the same key is "state
   * uncertain" (TCP `closed` after an RST, `fin-wait` after a FIN: whether the DFW writes TERM at
   * the RST/FIN or when it purges the state is not documented, step 7).
   */
  close(key: string, nowMs: number, end: SessionSummary['end'], closeReason: string | null, lingerS: number, eventId: number | null): ConnState | null {
    const s = this.states.get(key);
    if (s === undefined) return null;
    this.states.delete(key);
    s.session.end = end;
    s.session.endedAtMs = nowMs;
    s.session.closeReason = closeReason;
    if (eventId !== null) s.session.eventIds.push(eventId);
    if (lingerS > 0) {
      this.tombs.set(key, {
        endedAtMs: nowMs,
        uncertainUntilMs: nowMs + lingerS * 1000,
        why: `state closed at ${new Date(nowMs).toISOString()} (${closeReason ?? end}); it may linger up to ${lingerS} s`,
      });
    }
    return s;
  }

  /** The live state for a key, ignoring timers (TERM records name their state explicitly). */
  peek(key: string): ConnState | null {
    return this.states.get(key) ?? null;
  }
}
