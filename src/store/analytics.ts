import type { ReplayInput } from '../model/packet-event.js';
import type { DeniedFlow, FilterCount, HostCount, RuleCountRow, TimeBucket, TimeSpan } from './audit-repo.js';
import type { PacketRecord, PacketRecordQuery } from './duplicates-repo.js';
import type { ConnectionSelector, EventStreamQuery, HostFilterLoad } from './events-repo.js';
import type { AddressClaim } from './ownership-repo.js';

/**
 * The analytics interface (issue 11): every read of the events table the audit makes, as
 * named set queries and streams, so the audit runs the same whichever engine holds the events.
 * SQLite (the embedded default) answers from the store; DuckDB from a DuckDB file or a Parquet
 * tree (`dfwsim export --parquet`); ClickHouse from a Distributed table. The catalogue (sources,
 * filters, realized rules, rejected lines: bounded by inputs and rules, not by traffic) stays in
 * the SQLite store in every case.
 *
 * Contract every engine keeps, so the audit JSON is identical across engines:
 * - the same rows in the same order: each query orders fully, with NULLs first (SQLite's order;
 *   DuckDB and ClickHouse sort NULLs last unless told) and strings compared as bytes;
 * - integers as JS numbers (event ids, ms times, counts stay below 2^53), NULL as null;
 * - streams yield batches (arrays) so engines with chunked results pay one await per chunk, not
 *   per row; a batch's order continues the previous one's. Callers must not keep a batch.
 */
export interface AnalyticsEngine {
  readonly kind: EngineKind;
  /** packet records per action, TERM session summaries apart; most first, then action, term */
  actionCounts(): Promise<{ action: string | null; term: boolean; events: number }[]>;
  /** per host: packet records (not TERM), denied ones, distinct filters; most first, then host */
  hostCounts(): Promise<HostCount[]>;
  /** the `limit` filters with most packet records, and how many (host, filter) pairs there are */
  topFilters(limit: number): Promise<{ rows: FilterCount[]; distinct: number }>;
  /** the `limit` most logged (filter, ruleset, rule, action), and how many there are */
  topRules(limit: number): Promise<{ rows: RuleCountRow[]; distinct: number }>;
  /** packet records per rule id on the given filters, and which of them logged anything (TERM included) */
  ruleHitsOn(filterHashes: readonly string[]): Promise<{ hits: { filterHash: string; ruleId: number; events: number }[]; logging: string[] }>;
  /** first and last event time (ms), and the event count, TERM included */
  eventTimeSpan(): Promise<TimeSpan>;
  /** packet records (not TERM) per time bucket and action, buckets aligned to `originMs` */
  eventsOverTime(originMs: number, bucketMs: number): Promise<TimeBucket[]>;
  /** the `limit` most frequent denied (DROP/REJECT) flows without the source port, and how many there are */
  topDeniedFlows(limit: number): Promise<{ flows: DeniedFlow[]; distinct: number }>;
  /** per (host, filter, side, address): the addresses NSX DFW records claim on the VM side (any order) */
  addressClaims(): Promise<AddressClaim[]>;
  /** filters that receive both directions of one connection IN, sorted */
  bothDirectionsInFilters(): Promise<string[]>;
  /** NSX DFW events per (host, filter), ordered by host then filter (NULLs first, bytes): how a parallel replay splits the store */
  hostFilterLoads(): Promise<HostFilterLoad[]>;
  /** NSX DFW first-packet records ordered as `streamPacketRecords` orders them (duplicates sweep) */
  packetRecords(q?: PacketRecordQuery): AsyncIterable<PacketRecord[]>;
  /** events per host in time order, file order for equal ms (host, ts_ms, source_id, line): the replay's order */
  eventsByHostTime(q?: EventStreamQuery): AsyncIterable<ReplayInput[]>;
  /** the selected connections' NSX DFW events, grouped by connection key, time and file order within each */
  connectionGroups(q: EventStreamQuery, sel: ConnectionSelector): AsyncIterable<{ group: string; event: ReplayInput }[]>;
  close(): Promise<void>;
}

export const ENGINES = ['sqlite', 'duckdb', 'clickhouse'] as const;
export type EngineKind = (typeof ENGINES)[number];

/**
 * Where an engine's events are, as plain data (it crosses to worker threads, which open their
 * own engine): the SQLite store file, a DuckDB file or Parquet tree, or a ClickHouse URL.
 */
export type EngineSpec =
  | { kind: 'sqlite'; path: string }
  | { kind: 'duckdb'; path: string }
  | { kind: 'clickhouse'; url: string; database?: string | undefined };
