import type { AnalyticsEngine } from './analytics.js';
import { actionCounts, buildTrafficCells, eventsOverTime, eventTimeSpan, hostCounts, ruleHitsOn, topDeniedFlows, topFilters, topRules } from './audit-repo.js';
import { streamPacketRecords, type PacketRecordQuery } from './duplicates-repo.js';
import { hostFilterLoads, streamConnectionGroups, streamEventsByHostTime, type ConnectionSelector, type EventStreamQuery } from './events-repo.js';
import type { Db } from './open.js';
import { addressClaims, bothDirectionsInFilters } from './ownership-repo.js';

/** Rows per batch a stream yields: one await per batch costs nothing beside the rows' own work. */
const BATCH = 1024;

/** Gathers a synchronous cursor into batches (the cursor still holds one row at a time). */
async function* batched<T>(it: Iterable<T>): AsyncGenerator<T[]> {
  let b: T[] = [];
  for (const x of it) {
    b.push(x);
    if (b.length === BATCH) {
      yield b;
      b = [];
    }
  }
  if (b.length > 0) yield b;
}

/**
 * The embedded default: the audit's queries on the SQLite store itself (audit-repo.ts and the
 * stream readers). The per-cell figures share one scan into a temporary table, built on the
 * first query that reads it. `close` leaves the store open: its owner closes it.
 */
export class SqliteAnalytics implements AnalyticsEngine {
  readonly kind = 'sqlite' as const;
  private cells = false;

  constructor(private readonly db: Db) {}

  private withCells(): Db {
    if (!this.cells) {
      buildTrafficCells(this.db);
      this.cells = true;
    }
    return this.db;
  }

  async actionCounts() {
    return actionCounts(this.withCells());
  }
  async hostCounts() {
    return hostCounts(this.withCells());
  }
  async topFilters(limit: number) {
    return topFilters(this.withCells(), limit);
  }
  async topRules(limit: number) {
    return topRules(this.withCells(), limit);
  }
  async ruleHitsOn(filterHashes: readonly string[]) {
    return ruleHitsOn(this.withCells(), filterHashes);
  }
  async eventTimeSpan() {
    return eventTimeSpan(this.withCells());
  }
  async eventsOverTime(originMs: number, bucketMs: number) {
    return eventsOverTime(this.db, originMs, bucketMs);
  }
  async topDeniedFlows(limit: number) {
    return topDeniedFlows(this.db, limit);
  }
  async addressClaims() {
    return addressClaims(this.db);
  }
  async bothDirectionsInFilters() {
    return bothDirectionsInFilters(this.db);
  }
  async hostFilterLoads() {
    return hostFilterLoads(this.db);
  }
  packetRecords(q: PacketRecordQuery = {}) {
    return batched(streamPacketRecords(this.db, q));
  }
  eventsByHostTime(q: EventStreamQuery = {}) {
    return batched(streamEventsByHostTime(this.db, q));
  }
  connectionGroups(q: EventStreamQuery, sel: ConnectionSelector) {
    return batched(streamConnectionGroups(this.db, q, sel));
  }
  async close() {
    if (this.cells) this.db.exec('DROP TABLE IF EXISTS temp.audit_cells');
    this.cells = false;
  }
}
