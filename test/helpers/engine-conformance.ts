/**
 * The conformance check every analytics engine passes (issue 11): each method's answer, streams
 * consumed whole (test stores are small), beside the answer of the SQLite SQL it stands for,
 * called directly on the store the engine's events came from. A difference in a value, a row or
 * an order fails.
 */
import type { AnalyticsEngine } from '../../src/store/analytics.js';
import { SqliteAnalytics } from '../../src/store/analytics-sqlite.js';
import { actionCounts, buildTrafficCells, eventsOverTime, eventTimeSpan, hostCounts, ruleHitsOn, topDeniedFlows, topFilters, topRules } from '../../src/store/audit-repo.js';
import { streamPacketRecords } from '../../src/store/duplicates-repo.js';
import { hostFilterLoads, streamConnectionGroups, streamEventsByHostTime, type ConnectionSelector, type EventStreamQuery } from '../../src/store/events-repo.js';
import type { Db } from '../../src/store/open.js';
import { addressClaims, bothDirectionsInFilters, type AddressClaim } from '../../src/store/ownership-repo.js';

export interface Probe {
  limits: number[];
  filterHashes: string[];
  buckets: [originMs: number, bucketMs: number][];
  hosts: (string | undefined)[];
  streamQueries: EventStreamQuery[];
  selectors: ConnectionSelector[];
}

/** Probes chosen from the store: every host, a few limits, filters and time buckets, each connection selector kind. */
export function probeFor(db: Db): Probe {
  const hosts = (db.prepare(`SELECT DISTINCT host FROM events WHERE host IS NOT NULL ORDER BY 1`).pluck().all() as string[]).slice(0, 3);
  const filterHashes = db.prepare(`SELECT DISTINCT filter_hash FROM events WHERE filter_hash IS NOT NULL ORDER BY 1 LIMIT 5`).pluck().all() as string[];
  const [first] = db.prepare(`SELECT min(ts_ms) FROM events`).raw().get() as [number | null];
  const anEvent = db.prepare(`SELECT id FROM events WHERE producer = 'nsx-dfw' ORDER BY id LIMIT 1 OFFSET 3`).pluck().get() as number | undefined;
  const aFlow = db.prepare(`SELECT protocol, src, dst, dst_port FROM events WHERE producer = 'nsx-dfw' AND dst_port IS NOT NULL ORDER BY id LIMIT 1`).get() as
    | { protocol: string; src: string; dst: string; dst_port: number }
    | undefined;
  const selectors: ConnectionSelector[] = [{ kind: 'reject-or-reset' }];
  if (anEvent !== undefined) selectors.push({ kind: 'event', id: anEvent });
  if (aFlow) selectors.push({ kind: 'flow', protocol: aFlow.protocol, src: aFlow.src, dst: aFlow.dst, dstPort: aFlow.dst_port }, { kind: 'flow', dst: aFlow.dst });
  return {
    limits: [1, 5, 1000],
    filterHashes,
    buckets: first === null ? [] : [[first - (first % 60_000), 60_000], [first, 7_000], [0, 86_400_000]],
    hosts: [undefined, ...hosts],
    streamQueries: [{}, { dfwOnly: true }, ...hosts.map((host) => ({ host, dfwOnly: true }))],
    selectors,
  };
}

const byClaim = (a: AddressClaim, b: AddressClaim) => {
  const ka = `${a.host}\u0000${a.filterHash}\u0000${a.ip}\u0000${a.via}`;
  const kb = `${b.host}\u0000${b.filterHash}\u0000${b.ip}\u0000${b.via}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

async function all<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of it) out.push(...b);
  return out;
}

/** Every method's answer from `engine`, keyed by method and arguments. */
export async function engineAnswers(engine: AnalyticsEngine, p: Probe): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  out.actionCounts = await engine.actionCounts();
  out.hostCounts = await engine.hostCounts();
  for (const n of p.limits) {
    out[`topFilters(${n})`] = await engine.topFilters(n);
    out[`topRules(${n})`] = await engine.topRules(n);
    out[`topDeniedFlows(${n})`] = await engine.topDeniedFlows(n);
  }
  out.ruleHitsOn = await engine.ruleHitsOn(p.filterHashes);
  out['ruleHitsOn([])'] = await engine.ruleHitsOn([]);
  out.eventTimeSpan = await engine.eventTimeSpan();
  for (const [o, b] of p.buckets) out[`eventsOverTime(${o},${b})`] = await engine.eventsOverTime(o, b);
  out.addressClaims = (await engine.addressClaims()).sort(byClaim);
  out.bothDirectionsInFilters = await engine.bothDirectionsInFilters();
  out.hostFilterLoads = await engine.hostFilterLoads();
  for (const host of p.hosts) out[`packetRecords(${host})`] = await all(engine.packetRecords(host === undefined ? {} : { host }));
  for (const q of p.streamQueries) out[`eventsByHostTime(${JSON.stringify(q)})`] = await all(engine.eventsByHostTime(q));
  for (const s of p.selectors) out[`connectionGroups(${JSON.stringify(s)})`] = await all(engine.connectionGroups({}, s));
  return out;
}

/** The same keys, from the SQLite SQL called directly (not through SqliteAnalytics). */
export function sqliteAnswers(db: Db, p: Probe): Record<string, unknown> {
  buildTrafficCells(db);
  const out: Record<string, unknown> = {};
  out.actionCounts = actionCounts(db);
  out.hostCounts = hostCounts(db);
  for (const n of p.limits) {
    out[`topFilters(${n})`] = topFilters(db, n);
    out[`topRules(${n})`] = topRules(db, n);
    out[`topDeniedFlows(${n})`] = topDeniedFlows(db, n);
  }
  out.ruleHitsOn = ruleHitsOn(db, p.filterHashes);
  out['ruleHitsOn([])'] = ruleHitsOn(db, []);
  out.eventTimeSpan = eventTimeSpan(db);
  for (const [o, b] of p.buckets) out[`eventsOverTime(${o},${b})`] = eventsOverTime(db, o, b);
  out.addressClaims = addressClaims(db).sort(byClaim);
  out.bothDirectionsInFilters = bothDirectionsInFilters(db);
  out.hostFilterLoads = hostFilterLoads(db);
  for (const host of p.hosts) out[`packetRecords(${host})`] = [...streamPacketRecords(db, host === undefined ? {} : { host })];
  for (const q of p.streamQueries) out[`eventsByHostTime(${JSON.stringify(q)})`] = [...streamEventsByHostTime(db, q)];
  for (const s of p.selectors) out[`connectionGroups(${JSON.stringify(s)})`] = [...streamConnectionGroups(db, {}, s)];
  db.exec('DROP TABLE IF EXISTS temp.audit_cells');
  return out;
}

/** The SQLite engine itself, for its own conformance test. */
export const sqliteEngine = (db: Db): AnalyticsEngine => new SqliteAnalytics(db);
