import type { AnalyticsEngine } from '../store/analytics.js';
import type { Db } from '../store/open.js';
import { streamPacketRecords, type PacketRecord } from '../store/duplicates-repo.js';
import { bothDirectionsInFilters } from '../store/ownership-repo.js';
import { listFilters } from '../store/realized-repo.js';
import { isGroupAddress, loadOwnership, loadOwnershipVia, mayBeDirectedBroadcast, type Ownership } from './ownership.js';

/**
 * Duplicate-filter detection (DESIGN.md §6 "Duplicate-filter match"): the same packet logged on
 * two or more filters of one host within a window. NSX logs a VM-to-VM packet on one host twice,
 * OUT on the sender's vNIC and IN on the receiver's (dfwpktlog.md: direction is relative to the
 * vNIC's VM); any further filter is an extra observer, typically a promiscuous or bridging vNIC
 * (dfw-stateful.md, observer evidence).
 */

export type RecordRole = 'sender' | 'receiver' | 'observer' | 'unknown';
export type GroupKind = 'expected-pair' | 'broadcast' | 'extra-observer' | 'unknown';
export type Verdict = 'promiscuous-suspect' | 'extra-observer';

export interface GroupRecord {
  eventId: number;
  filter: string;
  direction: string;
  action: string | null;
  rule: string;
  role: RecordRole;
  /** ms after the group's first record */
  offsetMs: number;
}

export interface DuplicateGroup {
  kind: GroupKind;
  host: string;
  af: string;
  protocol: string;
  src: string;
  srcPort: number | null;
  dst: string;
  dstPort: number | null;
  flags: string;
  ts: string;
  records: GroupRecord[];
}

export interface RuleUse {
  rule: string;
  action: string | null;
  count: number;
}

export interface ObserverReport {
  filter: string;
  name: string | null;
  vm: string | null;
  host: string;
  verdict: Verdict;
  /** why: `not-owned` (saw traffic for addresses it does not own), `both-directions-in` (received both directions of a connection) */
  evidence: string[];
  ownershipBasis: 'inventory' | 'inferred' | 'none';
  ownedAddresses: string[];
  /** duplicate groups in which it is an extra observer */
  groups: number;
  /** distinct flows (protocol, addresses, ports) it logged where it owns neither address */
  flowsNotOwned: number;
  /** REJECT/DROP records among those */
  drops: number;
  /** the rules and actions it applied to those records */
  rules: RuleUse[];
}

export interface DuplicatesSummary {
  records: number;
  groups: number;
  expectedPairs: number;
  broadcast: number;
  extraObserverGroups: number;
  unknownGroups: number;
  observers: number;
  promiscuousSuspects: number;
  groupsListed: number;
}

export interface DuplicatesReport {
  observers: ObserverReport[];
  /** extra-observer and unknown groups, the first `limit` of them in key order */
  groups: DuplicateGroup[];
  summary: DuplicatesSummary;
  notes: string[];
}

export interface DuplicatesOptions {
  /** records of one packet join a group while within this many ms of the group's first record */
  windowMs: number;
  host?: string | undefined;
  /** most groups listed (the summary counts all) */
  limit: number;
  /** addresses declared outside the store (.dfw `filter ... ip`) */
  extraFilters?: { hash: string; ips: string[] }[];
  /** ownership already loaded from this store (the audit shares one with explaining); else loaded here */
  ownership?: Ownership;
}

/**
 * A destination every vNIC on the segment may receive: multicast, limited broadcast, or a
 * directed broadcast. Subnet masks are not in the inventory, so an IPv4 address ending in .255
 * that no filter owns (sends from, or declares), carried by anything but TCP, is taken as the
 * directed broadcast of its subnet.
 */
function isBroadcastLike(r: PacketRecord, own: Ownership): boolean {
  if (isGroupAddress(r.dst)) return true;
  return r.protocol !== 'tcp' && mayBeDirectedBroadcast(r.dst) && own.ownerOf(r.host, r.dst) === null;
}

/** Per-filter tallies over every record it logged where it owns neither address. */
interface FilterTally {
  host: string;
  lastFlow: string;
  flowsNotOwned: number;
  drops: number;
  rules: Map<string, RuleUse>;
  observerGroups: number;
  notOwnedInGroup: boolean;
}

export function findDuplicates(db: Db, opts: DuplicatesOptions): DuplicatesReport {
  const own = opts.ownership ?? loadOwnership(db, opts.extraFilters ? { filters: opts.extraFilters } : {});
  const sweep = duplicateSweep(own, bothDirectionsInFilters(db), opts);
  for (const r of streamPacketRecords(db, { host: opts.host })) sweep.push(r);
  return sweep.finish(filterNames(db));
}

/** The same, with the events read through an analytics engine (the catalogue stays in `db`). */
export async function findDuplicatesVia(engine: AnalyticsEngine, db: Db, opts: DuplicatesOptions): Promise<DuplicatesReport> {
  const own = opts.ownership ?? (await loadOwnershipVia(engine, db, opts.extraFilters ? { filters: opts.extraFilters } : {}));
  const sweep = duplicateSweep(own, await engine.bothDirectionsInFilters(), opts);
  for await (const batch of engine.packetRecords({ host: opts.host })) for (const r of batch) sweep.push(r);
  return sweep.finish(filterNames(db));
}

type FilterNameMap = ReadonlyMap<string, { name: string; vm: string | null; host: string | null }>;

function filterNames(db: Db): FilterNameMap {
  const names = new Map<string, { name: string; vm: string | null; host: string | null }>();
  for (const f of listFilters(db)) if (f.hash !== null && !names.has(f.hash)) names.set(f.hash, { name: f.name, vm: f.vmName, host: f.host });
  return names;
}

/**
 * The sweep over packet records in `streamPacketRecords` order: records of one packet on one
 * host are adjacent, so a group is held only until the next key; per-filter tallies are bounded
 * by filters and rules.
 */
function duplicateSweep(own: Ownership, bothDirectionsIn: readonly string[], opts: DuplicatesOptions): { push(r: PacketRecord): void; finish(names: FilterNameMap): DuplicatesReport } {
  const bothIn = new Set(bothDirectionsIn);
  const tallies = new Map<string, FilterTally>();
  const summary: DuplicatesSummary = { records: 0, groups: 0, expectedPairs: 0, broadcast: 0, extraObserverGroups: 0, unknownGroups: 0, observers: 0, promiscuousSuspects: 0, groupsListed: 0 };
  const listed: DuplicateGroup[] = [];
  const seenFilters = new Set<string>();

  const tally = (r: PacketRecord): FilterTally => {
    let t = tallies.get(r.filterHash);
    if (t === undefined) tallies.set(r.filterHash, (t = { host: r.host, lastFlow: '', flowsNotOwned: 0, drops: 0, rules: new Map(), observerGroups: 0, notOwnedInGroup: false }));
    return t;
  };
  const ownsNeither = (r: PacketRecord) => !own.owns(r.filterHash, r.src) && !own.owns(r.filterHash, r.dst);
  const roleOf = (r: PacketRecord): RecordRole => {
    if (r.direction === 'OUT' && own.owns(r.filterHash, r.src)) return 'sender';
    if (r.direction === 'IN' && own.owns(r.filterHash, r.dst)) return 'receiver';
    // its own address side (OUT: source, IN: destination) has no known owner and nothing is known about the filter: do not guess
    const side = r.direction === 'OUT' ? r.src : r.dst;
    if (own.ownerOf(r.host, side) === null && own.basis(r.filterHash) === 'none' && !bothIn.has(r.filterHash)) return 'unknown';
    return 'observer';
  };

  let group: PacketRecord[] = [];
  const flush = () => {
    const first = group[0];
    if (first === undefined) return;
    const filters = new Set(group.map((r) => r.filterHash));
    if (filters.size >= 2) {
      summary.groups++;
      let kind: GroupKind;
      let roles: RecordRole[] = [];
      if (isBroadcastLike(first, own)) kind = 'broadcast';
      else {
        roles = group.map(roleOf);
        kind = roles.includes('observer') ? 'extra-observer' : roles.includes('unknown') ? 'unknown' : 'expected-pair';
      }
      if (kind === 'broadcast') summary.broadcast++;
      else if (kind === 'expected-pair') summary.expectedPairs++;
      else if (kind === 'unknown') summary.unknownGroups++;
      else summary.extraObserverGroups++;
      if (kind === 'extra-observer') {
        const seen = new Set<string>();
        group.forEach((r, i) => {
          if (roles[i] !== 'observer' || seen.has(r.filterHash)) return;
          seen.add(r.filterHash);
          const t = tally(r);
          t.observerGroups++;
          if (ownsNeither(r)) t.notOwnedInGroup = true;
        });
      }
      if ((kind === 'extra-observer' || kind === 'unknown') && listed.length < opts.limit) {
        listed.push({
          kind, host: first.host, af: first.af, protocol: first.protocol, src: first.src, srcPort: first.srcPort, dst: first.dst,
          dstPort: first.dstPort, flags: first.flags, ts: new Date(first.tsMs).toISOString(),
          records: group.map((r, i) => ({ eventId: r.id, filter: r.filterHash, direction: r.direction, action: r.action, rule: r.rule, role: roles[i] as RecordRole, offsetMs: r.tsMs - first.tsMs })),
        });
      }
    }
    group = [];
  };

  const sameKey = (a: PacketRecord, b: PacketRecord) =>
    a.host === b.host && a.af === b.af && a.protocol === b.protocol && a.src === b.src && a.dst === b.dst &&
    a.srcPort === b.srcPort && a.dstPort === b.dstPort && a.flags === b.flags;

  const push = (r: PacketRecord) => {
    summary.records++;
    seenFilters.add(r.filterHash);
    const first = group[0];
    // anchored window: a record more than windowMs after the group's first starts a new group (a retransmission, not a copy)
    if (first !== undefined && (!sameKey(first, r) || r.tsMs - first.tsMs > opts.windowMs)) flush();
    group.push(r);
    if (!isBroadcastLike(r, own) && ownsNeither(r)) {
      const t = tally(r);
      // records of one flow are adjacent in the stream: counting changes counts distinct flows without a set
      const flow = `${r.af}|${r.protocol}|${r.src}|${r.srcPort}|${r.dst}|${r.dstPort}`;
      if (flow !== t.lastFlow) {
        t.flowsNotOwned++;
        t.lastFlow = flow;
      }
      if (r.action === 'REJECT' || r.action === 'DROP') t.drops++;
      const k = `${r.rule}|${r.action}`;
      const u = t.rules.get(k);
      if (u === undefined) t.rules.set(k, { rule: r.rule, action: r.action, count: 1 });
      else u.count++;
    }
  };

  const finish = (names: FilterNameMap): DuplicatesReport => {
    flush();
    const observers: ObserverReport[] = [];
    for (const [hash, t] of [...tallies].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (t.observerGroups === 0) continue;
      const evidence: string[] = [];
      if (t.notOwnedInGroup) evidence.push('not-owned');
      if (bothIn.has(hash)) evidence.push('both-directions-in');
      const n = names.get(hash);
      observers.push({
        filter: hash, name: n?.name ?? null, vm: n?.vm ?? null, host: n?.host ?? t.host,
        verdict: t.notOwnedInGroup ? 'promiscuous-suspect' : 'extra-observer', evidence,
        ownershipBasis: own.basis(hash), ownedAddresses: own.addressesOf(hash), groups: t.observerGroups,
        flowsNotOwned: t.flowsNotOwned, drops: t.drops,
        rules: [...t.rules.values()].sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)),
      });
    }
    summary.observers = observers.length;
    summary.promiscuousSuspects = observers.filter((o) => o.verdict === 'promiscuous-suspect').length;
    summary.groupsListed = listed.length;
    return { observers, groups: listed, summary, notes: notesFor(observers, [...seenFilters].map((h) => own.basis(h)), opts) };
  };
  return { push, finish };
}

function notesFor(observers: ObserverReport[], bases: ('inventory' | 'inferred' | 'none')[], opts: DuplicatesOptions): string[] {
  const count = (b: string) => bases.filter((x) => x === b).length;
  const notes = [
    `ownership of the ${bases.length} filters logging packets: ${count('inventory')} from inventory, ${count('inferred')} inferred from the logs (the addresses a filter sends from; a non-observer also owns the unclaimed destinations it receives), ${count('none')} unknown`,
    `a group is one packet (host, family, protocol, addresses, ports, flags) logged on two or more filters within ${opts.windowMs} ms of its first record; the same packet on two hosts is the normal cross-host pair and never grouped; TERM records are session summaries and left out`,
    'broadcast and multicast (224.0.0.0/4, ff00::/8, 255.255.255.255, and non-TCP to an unowned IPv4 address ending in .255, taken as a directed broadcast) reach every vNIC on the segment: counted as broadcast, not duplicates',
  ];
  for (const o of observers) if (o.drops === 0) notes.push(`${o.filter} only passed the traffic it does not own: it caused no drops`);
  return notes;
}
