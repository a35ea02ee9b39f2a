import type { ReplayInput } from '../../model/packet-event.js';
import type { AnalyticsEngine } from '../analytics.js';
import type { DeniedFlow, FilterCount, HostCount, RuleCountRow, TimeBucket, TimeSpan } from '../audit-repo.js';
import type { PacketRecord, PacketRecordQuery } from '../duplicates-repo.js';
import { parseTimeBound, type ConnectionSelector, type EventStreamQuery, type HostFilterLoad } from '../events-repo.js';
import type { AddressClaim } from '../ownership-repo.js';
import { ClickHouse, DEFAULT_DATABASE, ident, int, str } from './client.js';
import { CONNECTION, HIGH, LOW } from './schema.js';
import { parseUrls } from './sink.js';

/**
 * The audit's reads of the events on a ClickHouse cluster (issue 11), through the Distributed
 * table `events` (schema.ts). Each query is the SQLite statement of audit-repo.ts,
 * duplicates-repo.ts, ownership-repo.ts or events-repo.ts, written for ClickHouse 18.16 where the
 * dialects differ, and returns the same rows in the same order:
 * - NULLs sort first in SQLite: every nullable ORDER BY key says NULLS FIRST (ClickHouse puts them last);
 * - strings compare as bytes in both (SQLite's BINARY collation, ClickHouse's memcmp);
 * - count(DISTINCT x) of only NULLs is 0 in SQLite, NULL for uniqExact over a Nullable column: ifNull(..., 0);
 * - `count(*) OVER ()` (18.16 has no window functions): a second query counts the groups;
 * - SQLite's scalar min(a, b) / max(a, b) of texts: `if(a <= b, a, b)` (least() takes no strings in 18.16);
 * - SQLite's three-valued WHERE: each comparison on a nullable column is `ifNull(cmp, 0)`, which
 *   keeps the same rows for the AND/OR (no NOT) conditions used here;
 * - reads go through the Distributed table, whose GROUP BY, ORDER BY and LIMIT ClickHouse
 *   finishes on the server that was asked, after each shard did its part.
 * Streams yield the batches the HTTP response arrives in; nothing holds the whole result.
 * The catalogue (filters, rules) stays in SQLite; nothing here reads it.
 */

const NOT_TERM = `ifNull(reason, '') != 'TERM'`;
const TERM = `toUInt8(ifNull(reason, '') = 'TERM')`;
const DENIED = `ifNull(action, '') IN ('DROP', 'REJECT')`;

/** ReplayInput columns (events-repo.ts REPLAY_COLUMNS), as c0..c21. */
const REPLAY = [
  'id', 'ts', 'ts_ms', 'host', 'filter_hash', 'af', 'reason', 'action', 'ruleset', 'rule_id', 'direction', 'protocol', 'src',
  'src_port', 'dst', 'dst_port', 'tcp_flags', 'icmp_type', 'icmp_code', 'close_reason', 'tag', 'producer',
].map((c, i) => `${c} AS c${i}`).join(', ');

type R = Record<string, unknown>;

function replayInput(r: R): ReplayInput {
  return {
    id: r['c0'] as number,
    ts: r['c1'] as string | null,
    tsMs: r['c2'] as number | null,
    host: r['c3'] as string | null,
    filterHash: r['c4'] as string | null,
    af: r['c5'] as ReplayInput['af'],
    reason: r['c6'] as string | null,
    action: r['c7'] as string | null,
    ruleset: r['c8'] as string | null,
    ruleId: r['c9'] as number | null,
    direction: r['c10'] as ReplayInput['direction'],
    protocol: r['c11'] as string | null,
    src: r['c12'] as string | null,
    srcPort: r['c13'] as number | null,
    dst: r['c14'] as string | null,
    dstPort: r['c15'] as number | null,
    tcpFlags: r['c16'] as string | null,
    icmpType: r['c17'] as number | null,
    icmpCode: r['c18'] as number | null,
    closeReason: r['c19'] as string | null,
    tag: r['c20'] as string | null,
    producer: r['c21'] as ReplayInput['producer'],
  };
}

/** A time bound as events-repo.ts reads it; an unreadable one matches nothing (SQLite: `ts_ms >= NULL`). */
function bound(op: '>=' | '<=', text: string): string {
  const ms = parseTimeBound(text);
  return ms === null ? '0' : `ifNull(ts_ms ${op} ${int(ms)}, 0)`;
}

/** events-repo.ts streamConds. */
function streamConds(q: EventStreamQuery, dfwOnly = q.dfwOnly ?? false): string[] {
  const conds: string[] = [];
  if (dfwOnly) conds.push(`producer = 'nsx-dfw'`);
  if (q.host !== undefined) conds.push(`ifNull(host = ${str(q.host)}, 0)`);
  if (q.since !== undefined) conds.push(bound('>=', q.since));
  if (q.until !== undefined) conds.push(bound('<=', q.until));
  if (q.ids !== undefined) conds.push(q.ids.length === 0 ? '0' : `id IN (${q.ids.map(int).join(', ')})`);
  if (q.hosts !== undefined) {
    // a partition of the parallel replay: these hosts, null for events without one
    const named = q.hosts.filter((h): h is string => h !== null);
    const either = [named.length > 0 ? `ifNull(host IN (${named.map(str).join(', ')}), 0)` : '0'];
    if (named.length < q.hosts.length) either.push('host IS NULL');
    conds.push(`(${either.join(' OR ')})`);
  }
  return conds;
}

const where = (conds: string[]) => (conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '');

/** events-repo.ts selectorSql: which connections a grouped stream returns. */
function selectorSql(sel: ConnectionSelector): string {
  switch (sel.kind) {
    case 'reject-or-reset':
      // a REJECT, or a TCP reset (RST flag, TERM closed by RST)
      return `(ifNull(action = 'REJECT', 0) OR (ifNull(protocol = 'tcp', 0) AND (ifNull(position(tcp_flags, 'R') > 0, 0) OR ifNull(close_reason = 'RST', 0))))`;
    case 'event':
      return `id = ${int(sel.id)}`;
    case 'flow': {
      // forward: src -> dst:port; reverse (the replies): dst:port -> src
      const fwd: string[] = [];
      const rev: string[] = [];
      if (sel.src !== undefined) {
        fwd.push(`ifNull(src = ${str(sel.src)}, 0)`);
        rev.push(`ifNull(dst = ${str(sel.src)}, 0)`);
      }
      if (sel.dst !== undefined) {
        fwd.push(`ifNull(dst = ${str(sel.dst)}, 0)`);
        rev.push(`ifNull(src = ${str(sel.dst)}, 0)`);
      }
      if (sel.dstPort !== undefined) {
        fwd.push(`ifNull(dst_port = ${int(sel.dstPort)}, 0)`);
        rev.push(`ifNull(src_port = ${int(sel.dstPort)}, 0)`);
      }
      const proto = sel.protocol !== undefined ? `ifNull(protocol = ${str(sel.protocol)}, 0) AND ` : '';
      if (fwd.length === 0) return `(${proto}1)`;
      return `(${proto}((${fwd.join(' AND ')}) OR (${rev.join(' AND ')})))`;
    }
  }
}

export class ClickHouseAnalytics implements AnalyticsEngine {
  readonly kind = 'clickhouse' as const;
  private readonly events: string;

  private constructor(
    private readonly ch: ClickHouse,
    database: string,
  ) {
    this.events = `${ident(database)}.events`;
  }

  /** `url`: the server to ask (the first of a comma-separated list of shard URLs). */
  static async open(url: string, database: string = DEFAULT_DATABASE): Promise<ClickHouseAnalytics> {
    return new ClickHouseAnalytics(await ClickHouse.connect(parseUrls(url)[0]!), database);
  }

  private async count(groupedSql: string): Promise<number> {
    const r = await this.ch.all<{ n: number }>(`SELECT count() AS n FROM (${groupedSql})`);
    return r[0]?.n ?? 0;
  }

  async actionCounts() {
    const rows = await this.ch.all<{ a: string | null; t: number; n: number }>(
      `SELECT action AS a, ${TERM} AS t, count() AS n FROM ${this.events} GROUP BY a, t ORDER BY n DESC, a NULLS FIRST, t`,
    );
    return rows.map((r) => ({ action: r.a, term: r.t === 1, events: r.n }));
  }

  async hostCounts(): Promise<HostCount[]> {
    const rows = await this.ch.all<{ h: string | null; n: number; d: number; f: number }>(
      `SELECT host AS h, count() AS n, countIf(${DENIED}) AS d, ifNull(uniqExact(filter_hash), 0) AS f FROM ${this.events}
        WHERE ${NOT_TERM} GROUP BY h ORDER BY n DESC, h NULLS FIRST`,
    );
    return rows.map((r) => ({ host: r.h, events: r.n, denied: r.d, filters: r.f }));
  }

  async topFilters(limit: number): Promise<{ rows: FilterCount[]; distinct: number }> {
    const grouped = `SELECT host AS h, filter_hash AS f, count() AS n, countIf(${DENIED}) AS d, countIf(ifNull(action, '') = 'REJECT') AS r
      FROM ${this.events} WHERE ${NOT_TERM} GROUP BY h, f`;
    const rows = await this.ch.all<{ h: string | null; f: string | null; n: number; d: number; r: number }>(
      `${grouped} ORDER BY n DESC, h NULLS FIRST, f NULLS FIRST LIMIT ${int(limit)}`,
    );
    // SQLite's count(*) OVER () comes with the first row: none for an empty listing
    const distinct = rows.length > 0 ? await this.count(grouped) : 0;
    return { distinct, rows: rows.map((r) => ({ host: r.h, filterHash: r.f, events: r.n, denied: r.d, rejected: r.r })) };
  }

  async topRules(limit: number): Promise<{ rows: RuleCountRow[]; distinct: number }> {
    const grouped = `SELECT filter_hash AS f, ruleset AS s, rule_id AS i, action AS a, count() AS n
      FROM ${this.events} WHERE ${NOT_TERM} GROUP BY f, s, i, a`;
    const rows = await this.ch.all<{ f: string | null; s: string | null; i: number | null; a: string | null; n: number }>(
      `${grouped} ORDER BY n DESC, f NULLS FIRST, s NULLS FIRST, i NULLS FIRST, a NULLS FIRST LIMIT ${int(limit)}`,
    );
    const distinct = rows.length > 0 ? await this.count(grouped) : 0;
    return { distinct, rows: rows.map((r) => ({ filterHash: r.f, ruleset: r.s, ruleId: r.i, action: r.a, events: r.n })) };
  }

  async ruleHitsOn(filterHashes: readonly string[]) {
    if (filterHashes.length === 0) return { hits: [], logging: [] };
    const rows = await this.ch.all<{ f: string; i: number | null; t: number; n: number }>(
      `SELECT filter_hash AS f, rule_id AS i, ${TERM} AS t, count() AS n FROM ${this.events}
        WHERE filter_hash IN (${filterHashes.map(str).join(', ')}) GROUP BY f, i, t ORDER BY f, i NULLS FIRST, t`,
    );
    const logging = new Set<string>();
    const hits: { filterHash: string; ruleId: number; events: number }[] = [];
    for (const r of rows) {
      logging.add(r.f);
      if (r.i !== null && r.t === 0) hits.push({ filterHash: r.f, ruleId: r.i, events: r.n });
    }
    return { hits, logging: [...logging] };
  }

  async eventTimeSpan(): Promise<TimeSpan> {
    const r = await this.ch.all<{ a: number | null; b: number | null; n: number }>(`SELECT min(ts_ms) AS a, max(ts_ms) AS b, count() AS n FROM ${this.events}`);
    return { firstMs: r[0]?.a ?? null, lastMs: r[0]?.b ?? null, events: r[0]?.n ?? 0 };
  }

  async eventsOverTime(originMs: number, bucketMs: number): Promise<TimeBucket[]> {
    // (ts_ms - origin) - (ts_ms - origin) % bucket: % truncates toward zero in both engines (C semantics)
    const o = `toInt64(${int(originMs)})`;
    const t = `(assumeNotNull(ts_ms) - ${o})`;
    const rows = await this.ch.all<{ b: number; a: string | null; n: number }>(
      `SELECT ${o} + (${t} - (${t} % toInt64(${int(bucketMs)}))) AS b, action AS a, count() AS n FROM ${this.events}
        WHERE ts_ms IS NOT NULL AND ${NOT_TERM} GROUP BY b, a ORDER BY b, a NULLS FIRST`,
    );
    return rows.map((r) => ({ startMs: r.b, action: r.a, events: r.n }));
  }

  async topDeniedFlows(limit: number): Promise<{ flows: DeniedFlow[]; distinct: number }> {
    const grouped = `SELECT host AS c0, filter_hash AS c1, protocol AS c2, src AS c3, dst AS c4, dst_port AS c5, action AS c6,
        ruleset AS c7, rule_id AS c8, count() AS n, min(ts_ms) AS f, max(ts_ms) AS l, min(id) AS s, max(tag) AS t
      FROM ${this.events} WHERE ${DENIED} AND ${NOT_TERM} GROUP BY c0, c1, c2, c3, c4, c5, c6, c7, c8`;
    const keys = Array.from({ length: 9 }, (_, i) => `c${i} NULLS FIRST`).join(', ');
    const rows = await this.ch.all<R>(`${grouped} ORDER BY n DESC, ${keys} LIMIT ${int(limit)}`);
    const distinct = rows.length > 0 ? await this.count(grouped) : 0;
    return {
      distinct,
      flows: rows.map((r) => ({
        host: r['c0'] as string | null, filterHash: r['c1'] as string | null, protocol: r['c2'] as string | null,
        src: r['c3'] as string | null, dst: r['c4'] as string | null, dstPort: r['c5'] as number | null, action: r['c6'] as string,
        ruleset: r['c7'] as string | null, ruleId: r['c8'] as number | null, events: r['n'] as number, firstMs: r['f'] as number | null,
        lastMs: r['l'] as number | null, sampleEvent: r['s'] as number, tag: r['t'] as string | null,
      })),
    };
  }

  async addressClaims(): Promise<AddressClaim[]> {
    const out = `assumeNotNull(direction) = 'OUT'`;
    const rows = await this.ch.all<{ h: string; f: string; ip: string; v: 'out-src' | 'in-dst'; n: number }>(
      `SELECT ifNull(host, '') AS h, assumeNotNull(filter_hash) AS f, if(${out}, assumeNotNull(src), assumeNotNull(dst)) AS ip,
              if(${out}, 'out-src', 'in-dst') AS v, count() AS n
         FROM ${this.events}
        WHERE producer = 'nsx-dfw' AND filter_hash IS NOT NULL AND direction IS NOT NULL AND src IS NOT NULL AND dst IS NOT NULL
        GROUP BY h, f, ip, v ORDER BY h, f, ip, v`,
    );
    return rows.map((r) => ({ host: r.h, filterHash: r.f, ip: r.ip, via: r.v, events: r.n }));
  }

  async bothDirectionsInFilters(): Promise<string[]> {
    const rows = await this.ch.all<{ h: string }>(
      `SELECT DISTINCT h FROM (
         SELECT assumeNotNull(filter_hash) AS h, min(assumeNotNull(src)) AS a, max(assumeNotNull(src)) AS b FROM ${this.events}
          WHERE producer = 'nsx-dfw' AND ifNull(direction = 'IN', 0) AND filter_hash IS NOT NULL AND src IS NOT NULL AND dst IS NOT NULL
          GROUP BY filter_hash, protocol, ${LOW}, ${HIGH})
        WHERE a != b ORDER BY h`,
    );
    return rows.map((r) => r.h);
  }

  async hostFilterLoads(): Promise<HostFilterLoad[]> {
    // the Distributed table finishes the GROUP BY across shards (a (host, filter)'s rows may sit on both)
    const rows = await this.ch.all<{ h: string | null; f: string | null; n: number }>(
      `SELECT host AS h, filter_hash AS f, count() AS n FROM ${this.events} WHERE producer = 'nsx-dfw'
        GROUP BY h, f ORDER BY h NULLS FIRST, f NULLS FIRST`,
    );
    return rows.map((r) => ({ host: r.h, filterHash: r.f, events: r.n }));
  }

  async *packetRecords(q: PacketRecordQuery = {}): AsyncGenerator<PacketRecord[]> {
    const host = q.host !== undefined ? ` AND ifNull(host = ${str(q.host)}, 0)` : '';
    const sql = `SELECT id AS c0, assumeNotNull(ts_ms) AS c1, ifNull(host, '') AS c2, assumeNotNull(filter_hash) AS c3, ifNull(af, '') AS c4,
        assumeNotNull(protocol) AS c5, assumeNotNull(src) AS c6, src_port AS c7, assumeNotNull(dst) AS c8, dst_port AS c9,
        concat(ifNull(tcp_flags, ''), ifNull(concat(toString(icmp_type), '/', toString(icmp_code)), '')) AS c10,
        assumeNotNull(direction) AS c11, action AS c12, concat(ifNull(concat(ruleset, '/'), ''), ifNull(toString(rule_id), '-')) AS c13
      FROM ${this.events}
      WHERE producer = 'nsx-dfw' AND reason IS NOT NULL AND reason != 'TERM' AND filter_hash IS NOT NULL AND direction IS NOT NULL
        AND src IS NOT NULL AND dst IS NOT NULL AND protocol IS NOT NULL AND ts_ms IS NOT NULL${host}
      ORDER BY c2, c4, c5, c6, c8, c7 NULLS FIRST, c9 NULLS FIRST, c10, c1, c0`;
    for await (const rows of this.ch.stream<R>(sql)) {
      yield rows.map((r) => ({
        id: r['c0'] as number, tsMs: r['c1'] as number, host: r['c2'] as string, filterHash: r['c3'] as string, af: r['c4'] as string,
        protocol: r['c5'] as string, src: r['c6'] as string, srcPort: r['c7'] as number | null, dst: r['c8'] as string,
        dstPort: r['c9'] as number | null, flags: r['c10'] as string, direction: r['c11'] as string, action: r['c12'] as string | null,
        rule: r['c13'] as string,
      }));
    }
  }

  async *eventsByHostTime(q: EventStreamQuery = {}): AsyncGenerator<ReplayInput[]> {
    const sql = `SELECT ${REPLAY} FROM ${this.events}${where(streamConds(q))} ORDER BY host NULLS FIRST, ts_ms NULLS FIRST, source_id, line`;
    for await (const rows of this.ch.stream<R>(sql)) yield rows.map(replayInput);
  }

  /**
   * The connections' rows: `IN (SELECT ... FROM events)` runs on each shard against its own
   * events_local (distributed_product_mode = 'local', client.ts), which is exact because all the
   * rows of a connection are on one shard (the sharding key is a hash of the same key).
   */
  async *connectionGroups(q: EventStreamQuery, sel: ConnectionSelector): AsyncGenerator<{ group: string; event: ReplayInput }[]> {
    // SQLite's key is NULL (and its rows left out) when the protocol or an address is NULL
    const conds = [...streamConds(q, true), 'protocol IS NOT NULL', 'src IS NOT NULL', 'dst IS NOT NULL'];
    const sql = `SELECT ${REPLAY}, ${CONNECTION} AS grp FROM ${this.events}
      WHERE ${conds.join(' AND ')} AND grp IN (SELECT ${CONNECTION} FROM ${this.events} WHERE ${conds.join(' AND ')} AND ${selectorSql(sel)})
      ORDER BY grp, ts_ms NULLS FIRST, source_id, line`;
    for await (const rows of this.ch.stream<R>(sql)) yield rows.map((r) => ({ group: r['grp'] as string, event: replayInput(r) }));
  }

  async close(): Promise<void> {
    await this.ch.close();
  }
}
