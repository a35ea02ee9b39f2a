import type { Statement } from 'better-sqlite3';
import type { PacketEvent, ReplayInput, StoredEvent } from '../model/packet-event.js';
import { COL as C, SHAPE_DFW_MATCH, SHAPE_DFW_TERM, WIDTH, type EventBatch, type EventBatchReader } from '../model/event-batch.js';
import type { Db } from './open.js';

/**
 * Insert statements per record shape. Binding a parameter costs even when it is null
 * (measured: 39 bound columns 230k rows/s, the 21 non-null ones 283k rows/s), so each shape
 * binds only the columns its records can carry; the rest default to NULL. Which fields a
 * shape may leave out is checked by test/store/events-roundtrip.test.ts over the whole corpus.
 */
export interface EventInserts {
  /** NSX DFW `match` (and other non-TERM) records: no TERM counters, no Edge or Antrea fields */
  dfwMatch: Statement<unknown[]>;
  /** NSX DFW TERM records: counters and close reason, no length or flags */
  dfwTerm: Statement<unknown[]>;
  /** everything else (Edge gateway, Antrea): every column */
  full: Statement<unknown[]>;
}

const DFW_MATCH = [
  'source_id', 'line', 'ts', 'ts_ms', 'host', 'filter_hash', 'af', 'reason', 'action', 'ruleset', 'rule_id',
  'direction', 'length', 'protocol', 'src', 'src_port', 'dst', 'dst_port', 'tcp_flags', 'icmp_type', 'icmp_code',
  'tag', 'producer', 'envelope', 'raw',
] as const;
const DFW_TERM = [
  'source_id', 'line', 'ts', 'ts_ms', 'host', 'filter_hash', 'af', 'reason', 'action', 'ruleset', 'rule_id',
  'direction', 'protocol', 'src', 'src_port', 'dst', 'dst_port', 'icmp_type', 'icmp_code', 'close_reason',
  'packets_in', 'packets_out', 'bytes_in', 'bytes_out', 'tag', 'producer', 'envelope', 'raw',
] as const;
const ALL = [
  'source_id', 'line', 'ts', 'ts_ms', 'host', 'filter_hash', 'af', 'reason', 'action', 'ruleset', 'rule_id',
  'direction', 'length', 'protocol', 'src', 'src_port', 'dst', 'dst_port', 'tcp_flags', 'icmp_type', 'icmp_code',
  'close_reason', 'packets_in', 'packets_out', 'bytes_in', 'bytes_out', 'tag', 'producer', 'envelope', 'vrf',
  'interface_id', 'policy_ref', 'rule_name', 'of_table', 'of_priority', 'applied_to', 'dedup_count',
  'dedup_duration', 'raw',
] as const;

const insertSql = (cols: readonly string[]) =>
  `INSERT INTO events (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;

/**
 * Plain INSERTs: a resumed ingest starts after the last committed line (its progress is
 * committed in the same transaction as its events), so no uniqueness index is needed.
 */
export function prepareEventInserts(db: Db): EventInserts {
  return { dfwMatch: db.prepare(insertSql(DFW_MATCH)), dfwTerm: db.prepare(insertSql(DFW_TERM)), full: db.prepare(insertSql(ALL)) };
}

/** Binds one event positionally (no intermediate array: the fastest path in better-sqlite3). */
export function insertEvent(ins: EventInserts, sourceId: number, e: PacketEvent): void {
  if (e.producer === 'nsx-dfw') {
    if (e.reason !== 'TERM') {
      ins.dfwMatch.run(
        sourceId, e.line, e.ts, e.tsMs, e.host, e.filterHash, e.af, e.reason, e.action, e.ruleset, e.ruleId,
        e.direction, e.length, e.protocol, e.src, e.srcPort, e.dst, e.dstPort, e.tcpFlags, e.icmpType, e.icmpCode,
        e.tag, e.producer, e.envelope, e.raw,
      );
    } else {
      ins.dfwTerm.run(
        sourceId, e.line, e.ts, e.tsMs, e.host, e.filterHash, e.af, e.reason, e.action, e.ruleset, e.ruleId,
        e.direction, e.protocol, e.src, e.srcPort, e.dst, e.dstPort, e.icmpType, e.icmpCode, e.closeReason,
        e.packetsIn, e.packetsOut, e.bytesIn, e.bytesOut, e.tag, e.producer, e.envelope, e.raw,
      );
    }
    return;
  }
  ins.full.run(
    sourceId, e.line, e.ts, e.tsMs, e.host, e.filterHash, e.af, e.reason, e.action, e.ruleset, e.ruleId,
    e.direction, e.length, e.protocol, e.src, e.srcPort, e.dst, e.dstPort, e.tcpFlags, e.icmpType, e.icmpCode,
    e.closeReason, e.packetsIn, e.packetsOut, e.bytesIn, e.bytesOut, e.tag, e.producer, e.envelope, e.vrf,
    e.interfaceId, e.policyRef, e.ruleName, e.table, e.ofPriority, e.appliedTo, e.dedupCount,
    e.dedupDuration, e.raw,
  );
}

/**
 * Inserts a packed batch (model/event-batch.ts) with the same shapes as `insertEvent`,
 * binding straight from the slots: no PacketEvent is rebuilt. Arguments are evaluated left
 * to right, so the free texts (ts, src, dst, raw) are consumed in column order.
 */
export function insertEventBatch(ins: EventInserts, r: EventBatchReader, sourceId: number, b: EventBatch): void {
  r.open(b);
  for (let row = 0; row < b.count; row++) {
    const o = row * WIDTH;
    const shape = b.shapes[row];
    if (shape === SHAPE_DFW_MATCH) {
      ins.dfwMatch.run(
        sourceId, r.num(o + C.line), r.text(o + C.ts), r.num(o + C.tsMs), r.dict(o + C.host), r.dict(o + C.filterHash),
        r.dict(o + C.af), r.dict(o + C.reason), r.dict(o + C.action), r.dict(o + C.ruleset), r.num(o + C.ruleId),
        r.dict(o + C.direction), r.num(o + C.length), r.dict(o + C.protocol), r.text(o + C.src), r.num(o + C.srcPort),
        r.text(o + C.dst), r.num(o + C.dstPort), r.dict(o + C.tcpFlags), r.num(o + C.icmpType), r.num(o + C.icmpCode),
        r.dict(o + C.tag), r.dict(o + C.producer), r.dict(o + C.envelope), r.text(o + C.raw),
      );
    } else if (shape === SHAPE_DFW_TERM) {
      ins.dfwTerm.run(
        sourceId, r.num(o + C.line), r.text(o + C.ts), r.num(o + C.tsMs), r.dict(o + C.host), r.dict(o + C.filterHash),
        r.dict(o + C.af), r.dict(o + C.reason), r.dict(o + C.action), r.dict(o + C.ruleset), r.num(o + C.ruleId),
        r.dict(o + C.direction), r.dict(o + C.protocol), r.text(o + C.src), r.num(o + C.srcPort), r.text(o + C.dst),
        r.num(o + C.dstPort), r.num(o + C.icmpType), r.num(o + C.icmpCode), r.dict(o + C.closeReason),
        r.num(o + C.packetsIn), r.num(o + C.packetsOut), r.num(o + C.bytesIn), r.num(o + C.bytesOut), r.dict(o + C.tag),
        r.dict(o + C.producer), r.dict(o + C.envelope), r.text(o + C.raw),
      );
    } else {
      ins.full.run(
        sourceId, r.num(o + C.line), r.text(o + C.ts), r.num(o + C.tsMs), r.dict(o + C.host), r.dict(o + C.filterHash),
        r.dict(o + C.af), r.dict(o + C.reason), r.dict(o + C.action), r.dict(o + C.ruleset), r.num(o + C.ruleId),
        r.dict(o + C.direction), r.num(o + C.length), r.dict(o + C.protocol), r.text(o + C.src), r.num(o + C.srcPort),
        r.text(o + C.dst), r.num(o + C.dstPort), r.dict(o + C.tcpFlags), r.num(o + C.icmpType), r.num(o + C.icmpCode),
        r.dict(o + C.closeReason), r.num(o + C.packetsIn), r.num(o + C.packetsOut), r.num(o + C.bytesIn),
        r.num(o + C.bytesOut), r.dict(o + C.tag), r.dict(o + C.producer), r.dict(o + C.envelope), r.num(o + C.vrf),
        r.dict(o + C.interfaceId), r.dict(o + C.policyRef), r.dict(o + C.ruleName), r.dict(o + C.table),
        r.dict(o + C.ofPriority), r.dict(o + C.appliedTo), r.num(o + C.dedupCount), r.dict(o + C.dedupDuration),
        r.text(o + C.raw),
      );
    }
  }
}

/** The fields a shape leaves out, for the round-trip test: they must be null for its records. */
export const SHAPE_OMITS = {
  dfwMatch: ['closeReason', 'packetsIn', 'packetsOut', 'bytesIn', 'bytesOut', 'vrf', 'interfaceId', 'policyRef', 'ruleName', 'table', 'ofPriority', 'appliedTo', 'dedupCount', 'dedupDuration'],
  dfwTerm: ['length', 'tcpFlags', 'vrf', 'interfaceId', 'policyRef', 'ruleName', 'table', 'ofPriority', 'appliedTo', 'dedupCount', 'dedupDuration'],
} as const;

/** Filters of `dfwsim events`; every one is optional. */
export interface EventQuery {
  filterHash?: string | undefined;
  rule?: string | undefined;
  action?: string | undefined;
  src?: string | undefined;
  dst?: string | undefined;
  port?: number | undefined;
  since?: string | undefined;
  until?: string | undefined;
  host?: string | undefined;
  limit?: number | undefined;
  ids?: number[] | undefined;
}

const SELECT = `
SELECT e.id, e.ts, e.ts_ms AS tsMs, e.host, e.filter_hash AS filterHash, e.af, e.reason, e.action, e.ruleset,
       e.rule_id AS ruleId, e.direction, e.length, e.protocol, e.src, e.src_port AS srcPort, e.dst,
       e.dst_port AS dstPort, e.tcp_flags AS tcpFlags, e.icmp_type AS icmpType, e.icmp_code AS icmpCode,
       e.close_reason AS closeReason, e.packets_in AS packetsIn, e.packets_out AS packetsOut,
       e.bytes_in AS bytesIn, e.bytes_out AS bytesOut, e.tag, s.path AS source, e.line,
       e.producer, e.envelope, e.vrf, e.interface_id AS interfaceId, e.policy_ref AS policyRef,
       e.rule_name AS ruleName, e.of_table AS "table", e.of_priority AS ofPriority, e.applied_to AS appliedTo,
       e.dedup_count AS dedupCount, e.dedup_duration AS dedupDuration, e.raw
  FROM events e JOIN sources s ON s.id = e.source_id`;

/** Parses `--since/--until`: an ISO date or date-time (UTC when no zone), to epoch ms. */
export function parseTimeBound(text: string): number | null {
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text) || !text.includes('T') ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Reads events back in log order (time, then source and line). `rule` matches the numeric
 * rule id, `ruleset/id`, or an Antrea rule name / policy reference.
 */
export function queryEvents(db: Db, q: EventQuery): StoredEvent[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.filterHash !== undefined) {
    where.push('e.filter_hash = ?');
    params.push(q.filterHash);
  }
  if (q.rule !== undefined) {
    const m = /^(?:(.+)\/)?(\d+)$/.exec(q.rule);
    if (m) {
      where.push(m[1] ? '(e.rule_id = ? AND e.ruleset = ?)' : 'e.rule_id = ?');
      params.push(Number(m[2]));
      if (m[1]) params.push(m[1]);
    } else {
      where.push('(e.rule_name = ? OR e.policy_ref = ?)');
      params.push(q.rule, q.rule);
    }
  }
  if (q.action !== undefined) {
    where.push('e.action = ?');
    params.push(q.action.toUpperCase());
  }
  if (q.src !== undefined) {
    where.push('e.src = ?');
    params.push(q.src);
  }
  if (q.dst !== undefined) {
    where.push('e.dst = ?');
    params.push(q.dst);
  }
  if (q.port !== undefined) {
    where.push('(e.src_port = ? OR e.dst_port = ?)');
    params.push(q.port, q.port);
  }
  if (q.since !== undefined) {
    where.push('e.ts_ms >= ?');
    params.push(parseTimeBound(q.since));
  }
  if (q.until !== undefined) {
    where.push('e.ts_ms <= ?');
    params.push(parseTimeBound(q.until));
  }
  if (q.host !== undefined) {
    where.push('e.host = ?');
    params.push(q.host);
  }
  if (q.ids !== undefined) {
    where.push(`e.id IN (${q.ids.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...q.ids);
  }
  const sql =
    SELECT +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY e.ts_ms, e.source_id, e.line' +
    (q.limit !== undefined ? ' LIMIT ?' : '');
  if (q.limit !== undefined) params.push(q.limit);
  return db.prepare(sql).all(...params) as StoredEvent[];
}

/** The columns a ReplayInput is read from (DuckDB reads the same: duckdb/streams.ts). */
export const REPLAY_COLUMNS = `e.id, e.ts, e.ts_ms, e.host, e.filter_hash, e.af, e.reason, e.action, e.ruleset, e.rule_id, e.direction,
       e.protocol, e.src, e.src_port, e.dst, e.dst_port, e.tcp_flags, e.icmp_type, e.icmp_code, e.close_reason, e.tag,
       e.producer`;

/** Builds a ReplayInput from a raw row of REPLAY_COLUMNS (raw arrays read about twice as fast as row objects). */
export function replayInput(r: unknown[]): ReplayInput {
  return {
    id: r[0] as number,
    ts: r[1] as string | null,
    tsMs: r[2] as number | null,
    host: r[3] as string | null,
    filterHash: r[4] as string | null,
    af: r[5] as ReplayInput['af'],
    reason: r[6] as string | null,
    action: r[7] as string | null,
    ruleset: r[8] as string | null,
    ruleId: r[9] as number | null,
    direction: r[10] as ReplayInput['direction'],
    protocol: r[11] as string | null,
    src: r[12] as string | null,
    srcPort: r[13] as number | null,
    dst: r[14] as string | null,
    dstPort: r[15] as number | null,
    tcpFlags: r[16] as string | null,
    icmpType: r[17] as number | null,
    icmpCode: r[18] as number | null,
    closeReason: r[19] as string | null,
    tag: r[20] as string | null,
    producer: r[21] as ReplayInput['producer'],
  };
}

/** Which events a streaming pass reads, and in what order. */
export interface EventStreamQuery {
  host?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** only NSX DFW records (the vNIC filters' logs) */
  dfwOnly?: boolean;
  /** only these events (explain by id) */
  ids?: readonly number[] | undefined;
  /** only events of these hosts (null: events without a host); a partition of a parallel replay */
  hosts?: readonly (string | null)[] | undefined;
}

/**
 * The WHERE conditions of a stream query, with `?` placeholders: shared with DuckDB
 * (duckdb/streams.ts), whose driver binds integers as BigInt (`int`); SQLite takes numbers.
 */
export function streamConds<V = unknown>(q: EventStreamQuery, int: (n: number) => V = (n) => n as V): { conds: string[]; params: (V | string | null)[] } {
  const conds: string[] = [];
  const params: (V | string | null)[] = [];
  const time = (text: string) => {
    const ms = parseTimeBound(text);
    return ms === null ? null : int(ms);
  };
  if (q.dfwOnly) conds.push(`e.producer = 'nsx-dfw'`);
  if (q.host !== undefined) {
    conds.push('e.host = ?');
    params.push(q.host);
  }
  if (q.since !== undefined) {
    conds.push('e.ts_ms >= ?');
    params.push(time(q.since));
  }
  if (q.until !== undefined) {
    conds.push('e.ts_ms <= ?');
    params.push(time(q.until));
  }
  if (q.ids !== undefined) {
    conds.push(`e.id IN (${q.ids.map(() => '?').join(', ') || 'NULL'})`);
    for (const id of q.ids) params.push(int(id));
  }
  if (q.hosts !== undefined) {
    // one placeholder per host: a partition names a few hosts, and no engine needs a list type
    const named = q.hosts.filter((h): h is string => h !== null);
    const either = [`e.host IN (${named.map(() => '?').join(', ') || 'NULL'})`];
    params.push(...named);
    if (named.length < q.hosts.length) either.push('e.host IS NULL');
    conds.push(`(${either.join(' OR ')})`);
  }
  return { conds, params };
}

/**
 * Streams events per host in time order (file order for equal ms): the order the stateful
 * replay needs. A cursor: SQLite sorts in its own bounded memory (spilling to a temp file), and
 * only the current row is in JavaScript, so memory stays flat however big the store is.
 */
export function* streamEventsByHostTime(db: Db, q: EventStreamQuery = {}): Generator<ReplayInput> {
  const { conds, params } = streamConds(q);
  const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  const stmt = db.prepare(`SELECT ${REPLAY_COLUMNS} FROM events e${where} ORDER BY e.host, e.ts_ms, e.source_id, e.line`).raw();
  for (const r of stmt.iterate(...params) as IterableIterator<unknown[]>) yield replayInput(r);
}

/** SQL for the direction-free connection of an event: protocol and the two endpoints sorted (as the replay's `connection`). */
const CONNECTION_SQL = `e.protocol || '|' || min(e.src || '|' || coalesce(e.src_port, '-'), e.dst || '|' || coalesce(e.dst_port, '-'))
  || '|' || max(e.src || '|' || coalesce(e.src_port, '-'), e.dst || '|' || coalesce(e.dst_port, '-'))`;

/** What makes a connection worth explaining: a REJECT, or a TCP reset (RST flag, TERM closed by RST). */
const RESET_OR_REJECT_SQL = `(e.action = 'REJECT' OR (e.protocol = 'tcp' AND (instr(e.tcp_flags, 'R') > 0 OR e.close_reason = 'RST')))`;

/** Which connections a grouped stream returns. */
export type ConnectionSelector =
  /** every connection with a REJECT or a TCP reset (`explain --all`) */
  | { kind: 'reject-or-reset' }
  /** the connection of one event */
  | { kind: 'event'; id: number }
  /** connections with a packet from `src` to `dst` (port `dstPort`), either direction of it; unset fields match anything */
  | { kind: 'flow'; protocol?: string | undefined; src?: string | undefined; dst?: string | undefined; dstPort?: number | undefined };

/** The condition that selects connections, with `?` placeholders and integers bound by `int` (as `streamConds`). */
export function selectorSql<V = unknown>(sel: ConnectionSelector, int: (n: number) => V = (n) => n as V): { cond: string; params: (V | string)[] } {
  switch (sel.kind) {
    case 'reject-or-reset':
      return { cond: RESET_OR_REJECT_SQL, params: [] };
    case 'event':
      return { cond: 'e.id = ?', params: [int(sel.id)] };
    case 'flow': {
      // forward: src -> dst:port; reverse (the replies): dst:port -> src
      const fwd: string[] = [];
      const rev: string[] = [];
      const pf: (V | string)[] = [];
      const pr: (V | string)[] = [];
      const add = (f: string, vf: V | string, r: string, vr: V | string) => {
        fwd.push(f);
        pf.push(vf);
        rev.push(r);
        pr.push(vr);
      };
      if (sel.src !== undefined) add('e.src = ?', sel.src, 'e.dst = ?', sel.src);
      if (sel.dst !== undefined) add('e.dst = ?', sel.dst, 'e.src = ?', sel.dst);
      if (sel.dstPort !== undefined) add('e.dst_port = ?', int(sel.dstPort), 'e.src_port = ?', int(sel.dstPort));
      const proto = sel.protocol !== undefined ? 'e.protocol = ? AND ' : '';
      const pp = sel.protocol !== undefined ? [sel.protocol] : [];
      if (fwd.length === 0) return { cond: `${proto}TRUE`, params: pp };
      return { cond: `${proto}((${fwd.join(' AND ')}) OR (${rev.join(' AND ')}))`, params: [...pp, ...pf, ...pr] };
    }
  }
}

/**
 * Streams the events of the selected connections, grouped by connection (every filter's
 * records of one connection together, both directions, on every host: a connection between
 * VMs on two hosts is logged on each), in time order within each group; each row carries its
 * group key. The stateful outcome of a connection depends only on
 * its own records on each filter (states are keyed by the connection), so each group can be
 * replayed on its own. Only the matching rows are sorted.
 */
export function* streamConnectionGroups(db: Db, q: EventStreamQuery, sel: ConnectionSelector): Generator<{ group: string; event: ReplayInput }> {
  // dfwOnly makes `conds` non-empty
  const { conds, params } = streamConds({ ...q, dfwOnly: true });
  const filter = conds.join(' AND ');
  const s = selectorSql(sel);
  const sql = `
    WITH hits AS (SELECT DISTINCT ${CONNECTION_SQL} AS conn FROM events e WHERE ${filter} AND ${s.cond})
    SELECT ${REPLAY_COLUMNS}, h.conn AS grp
      FROM events e JOIN hits h ON h.conn = ${CONNECTION_SQL}
     WHERE ${filter}
     ORDER BY h.conn, e.ts_ms, e.source_id, e.line`;
  const stmt = db.prepare(sql).raw();
  for (const r of stmt.iterate(...params, ...s.params, ...params) as IterableIterator<unknown[]>) yield { group: r[22] as string, event: replayInput(r) };
}

/** NSX DFW events of one (host, filter): what a parallel replay is split by (analysis/replay-partitions.ts). */
export interface HostFilterLoad {
  host: string | null;
  filterHash: string | null;
  events: number;
}

/**
 * NSX DFW events per (host, filter), bounded by filters: hosts in the replay's order (NULL first,
 * then bytes, as streamEventsByHostTime's ORDER BY e.host), filters in the same order within a host.
 */
export function hostFilterLoads(db: Db): HostFilterLoad[] {
  return db
    .prepare(`SELECT host, filter_hash AS filterHash, count(*) AS events FROM events WHERE producer = 'nsx-dfw' GROUP BY 1, 2 ORDER BY 1, 2`)
    .all() as HostFilterLoad[];
}
