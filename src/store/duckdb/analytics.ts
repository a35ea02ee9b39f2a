import type { ReplayInput } from '../../model/packet-event.js';
import type { AnalyticsEngine } from '../analytics.js';
import type { DeniedFlow, FilterCount, HostCount, RuleCountRow, TimeBucket, TimeSpan } from '../audit-repo.js';
import type { PacketRecord, PacketRecordQuery } from '../duplicates-repo.js';
import type { ConnectionSelector, EventStreamQuery, HostFilterLoad } from '../events-repo.js';
import type { AddressClaim } from '../ownership-repo.js';
import type { DuckDbLimits } from './driver.js';
import { loadDuckDb } from './driver.js';
import { allRows, streamRows } from './results.js';
import * as Q from './set-queries.js';
import { replayInput } from '../events-repo.js';
import { connectionGroupsSql, eventsByHostTimeSql, packetRecord, packetRecordsSql } from './streams.js';
import { openDuckDbSource, type DuckDbSource } from './source.js';

/**
 * The analytics interface (src/store/analytics.ts) on DuckDB: a DuckDB file or a Parquet tree
 * written by `dfwsim export`. Every method returns what its SQLite counterpart returns on the
 * same events (rows, values, order), test/store/duckdb-analytics.test.ts checks each one.
 */
export class DuckDbAnalytics implements AnalyticsEngine {
  readonly kind = 'duckdb' as const;

  private constructor(private readonly source: DuckDbSource) {}

  /** Opens a DuckDB file or a Parquet folder (source.ts), read-only. */
  static async open(path: string, limits: DuckDbLimits = {}): Promise<DuckDbAnalytics> {
    return new DuckDbAnalytics(await openDuckDbSource(path, limits));
  }

  private rows(sql: string, params: unknown[] = []): Promise<unknown[][]> {
    return allRows(() => this.source.connect(), sql, params as never);
  }

  async actionCounts(): Promise<{ action: string | null; term: boolean; events: number }[]> {
    const rows = await this.rows(Q.ACTION_COUNTS);
    return rows.map(([action, term, events]) => ({ action: action as string | null, term: term === 1, events: events as number }));
  }

  async hostCounts(): Promise<HostCount[]> {
    const rows = await this.rows(Q.HOST_COUNTS);
    return rows.map(([host, events, denied, filters]) => ({ host, events, denied, filters }) as HostCount);
  }

  async topFilters(limit: number): Promise<{ rows: FilterCount[]; distinct: number }> {
    const rows = await this.rows(Q.TOP_FILTERS, [BigInt(limit)]);
    return {
      distinct: (rows[0]?.[5] as number | undefined) ?? 0,
      rows: rows.map(([host, filterHash, events, denied, rejected]) => ({ host, filterHash, events, denied, rejected }) as FilterCount),
    };
  }

  async topRules(limit: number): Promise<{ rows: RuleCountRow[]; distinct: number }> {
    const rows = await this.rows(Q.TOP_RULES, [BigInt(limit)]);
    return {
      distinct: (rows[0]?.[5] as number | undefined) ?? 0,
      rows: rows.map(([filterHash, ruleset, ruleId, action, events]) => ({ filterHash, ruleset, ruleId, action, events }) as RuleCountRow),
    };
  }

  async ruleHitsOn(filterHashes: readonly string[]): Promise<{ hits: { filterHash: string; ruleId: number; events: number }[]; logging: string[] }> {
    if (filterHashes.length === 0) return { hits: [], logging: [] };
    const { listValue, LIST, VARCHAR } = await loadDuckDb();
    const c = await this.source.connect();
    let rows: unknown[][];
    try {
      const reader = await c.runAndReadAll(Q.RULE_HITS_ON, [listValue([...filterHashes])], [LIST(VARCHAR)]);
      rows = reader.getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    } finally {
      c.closeSync();
    }
    const logging = new Set<string>();
    const hits: { filterHash: string; ruleId: number; events: number }[] = [];
    for (const [filterHash, ruleId, term, events] of rows as [string, number | null, number, number][]) {
      logging.add(filterHash);
      if (ruleId !== null && term === 0) hits.push({ filterHash, ruleId, events });
    }
    return { hits, logging: [...logging] };
  }

  async eventTimeSpan(): Promise<TimeSpan> {
    const [row] = await this.rows(Q.EVENT_TIME_SPAN);
    const [firstMs, lastMs, events] = (row ?? [null, null, 0]) as [number | null, number | null, number | null];
    return { firstMs, lastMs, events: events ?? 0 };
  }

  async eventsOverTime(originMs: number, bucketMs: number): Promise<TimeBucket[]> {
    const rows = await this.rows(Q.EVENTS_OVER_TIME, [BigInt(originMs), BigInt(bucketMs)]);
    return rows.map(([startMs, action, events]) => ({ startMs, action, events }) as TimeBucket);
  }

  async topDeniedFlows(limit: number): Promise<{ flows: DeniedFlow[]; distinct: number }> {
    const rows = await this.rows(Q.TOP_DENIED_FLOWS, [BigInt(limit)]);
    return {
      distinct: (rows[0]?.[14] as number | undefined) ?? 0,
      flows: rows.map(
        ([host, filterHash, protocol, src, dst, dstPort, action, ruleset, ruleId, events, firstMs, lastMs, sampleEvent, tag]) =>
          ({ host, filterHash, protocol, src, dst, dstPort, action, ruleset, ruleId, events, firstMs, lastMs, sampleEvent, tag }) as DeniedFlow,
      ),
    };
  }

  async addressClaims(): Promise<AddressClaim[]> {
    const rows = await this.rows(Q.ADDRESS_CLAIMS);
    return rows.map(([host, filterHash, ip, via, events]) => ({ host, filterHash, ip, via, events }) as AddressClaim);
  }

  async bothDirectionsInFilters(): Promise<string[]> {
    return (await this.rows(Q.BOTH_DIRECTIONS_IN_FILTERS)).map((r) => r[0] as string);
  }

  async hostFilterLoads(): Promise<HostFilterLoad[]> {
    const rows = await this.rows(Q.HOST_FILTER_LOADS);
    return rows.map(([host, filterHash, events]) => ({ host, filterHash, events }) as HostFilterLoad);
  }

  packetRecords(q: PacketRecordQuery = {}): AsyncIterable<PacketRecord[]> {
    const { sql, params } = packetRecordsSql(q);
    return streamRows(() => this.source.connect(), sql, params, packetRecord);
  }

  eventsByHostTime(q: EventStreamQuery = {}): AsyncIterable<ReplayInput[]> {
    const { sql, params } = eventsByHostTimeSql(q);
    return streamRows(() => this.source.connect(), sql, params, replayInput);
  }

  connectionGroups(q: EventStreamQuery, sel: ConnectionSelector): AsyncIterable<{ group: string; event: ReplayInput }[]> {
    const { sql, params } = connectionGroupsSql(q, sel);
    return streamRows(() => this.source.connect(), sql, params, (r) => ({ group: r[22] as string, event: replayInput(r) }));
  }

  async close(): Promise<void> {
    this.source.close();
  }
}
