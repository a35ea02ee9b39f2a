import type * as DuckDb from '@duckdb/node-api';
import type { ReplayInput } from '../../model/packet-event.js';
import type { PacketRecord, PacketRecordQuery } from '../duplicates-repo.js';
import { parseTimeBound, type ConnectionSelector, type EventStreamQuery } from '../events-repo.js';
import { endpoint } from './set-queries.js';

type Value = DuckDb.DuckDBValue;

/**
 * The streams' SQL in DuckDB: the statements of src/store/events-repo.ts and duplicates-repo.ts
 * (same columns, conditions and ORDER BY), with DuckDB's spelling where SQLite's differs:
 * `least`/`greatest` for the two-argument `min`/`max` scalars, CASTs where `||` or coalesce mix
 * integers and text, `TRUE` for a bare `1` condition, and integers bound as BIGINT.
 */

const int = (n: number | null): Value => (n === null ? null : BigInt(n));

/** REPLAY_COLUMNS of events-repo.ts, in the same order. */
const REPLAY_COLUMNS = `e.id, e.ts, e.ts_ms, e.host, e.filter_hash, e.af, e.reason, e.action, e.ruleset, e.rule_id, e.direction,
       e.protocol, e.src, e.src_port, e.dst, e.dst_port, e.tcp_flags, e.icmp_type, e.icmp_code, e.close_reason, e.tag,
       e.producer`;

/** A ReplayInput from a row of REPLAY_COLUMNS (values already JS: results.ts). */
export function replayInput(r: unknown[]): ReplayInput {
  return {
    id: r[0] as number, ts: r[1] as string | null, tsMs: r[2] as number | null, host: r[3] as string | null,
    filterHash: r[4] as string | null, af: r[5] as ReplayInput['af'], reason: r[6] as string | null,
    action: r[7] as string | null, ruleset: r[8] as string | null, ruleId: r[9] as number | null,
    direction: r[10] as ReplayInput['direction'], protocol: r[11] as string | null, src: r[12] as string | null,
    srcPort: r[13] as number | null, dst: r[14] as string | null, dstPort: r[15] as number | null,
    tcpFlags: r[16] as string | null, icmpType: r[17] as number | null, icmpCode: r[18] as number | null,
    closeReason: r[19] as string | null, tag: r[20] as string | null, producer: r[21] as ReplayInput['producer'],
  };
}

/** streamConds of events-repo.ts. */
function streamConds(q: EventStreamQuery): { conds: string[]; params: Value[] } {
  const conds: string[] = [];
  const params: Value[] = [];
  if (q.dfwOnly) conds.push(`e.producer = 'nsx-dfw'`);
  if (q.host !== undefined) {
    conds.push('e.host = ?');
    params.push(q.host);
  }
  if (q.since !== undefined) {
    conds.push('e.ts_ms >= ?');
    params.push(int(parseTimeBound(q.since)));
  }
  if (q.until !== undefined) {
    conds.push('e.ts_ms <= ?');
    params.push(int(parseTimeBound(q.until)));
  }
  if (q.ids !== undefined) {
    conds.push(`e.id IN (${q.ids.map(() => '?').join(', ') || 'NULL'})`);
    for (const id of q.ids) params.push(BigInt(id));
  }
  if (q.hosts !== undefined) {
    // one placeholder per host (SQLite's json_each list): the same rows, no list type to bind
    const named = q.hosts.filter((h): h is string => h !== null);
    const either = [`e.host IN (${named.map(() => '?').join(', ') || 'NULL'})`];
    params.push(...named);
    if (named.length < q.hosts.length) either.push('e.host IS NULL');
    conds.push(`(${either.join(' OR ')})`);
  }
  return { conds, params };
}

export function eventsByHostTimeSql(q: EventStreamQuery): { sql: string; params: Value[] } {
  const { conds, params } = streamConds(q);
  const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  return { sql: `SELECT ${REPLAY_COLUMNS} FROM events e${where} ORDER BY e.host, e.ts_ms, e.source_id, e.line`, params };
}

/** CONNECTION_SQL of events-repo.ts: protocol and the two endpoints sorted. */
const CONNECTION_SQL = `e.protocol || '|' || least(${endpoint('e.src', 'e.src_port')}, ${endpoint('e.dst', 'e.dst_port')})
  || '|' || greatest(${endpoint('e.src', 'e.src_port')}, ${endpoint('e.dst', 'e.dst_port')})`;

/** RESET_OR_REJECT_SQL of events-repo.ts (DuckDB has `instr` too). */
const RESET_OR_REJECT_SQL = `(e.action = 'REJECT' OR (e.protocol = 'tcp' AND (instr(e.tcp_flags, 'R') > 0 OR e.close_reason = 'RST')))`;

function selectorSql(sel: ConnectionSelector): { cond: string; params: Value[] } {
  switch (sel.kind) {
    case 'reject-or-reset':
      return { cond: RESET_OR_REJECT_SQL, params: [] };
    case 'event':
      return { cond: 'e.id = ?', params: [BigInt(sel.id)] };
    case 'flow': {
      // forward: src -> dst:port; reverse (the replies): dst:port -> src
      const fwd: string[] = [];
      const rev: string[] = [];
      const pf: Value[] = [];
      const pr: Value[] = [];
      const add = (f: string, vf: Value, r: string, vr: Value) => {
        fwd.push(f);
        pf.push(vf);
        rev.push(r);
        pr.push(vr);
      };
      if (sel.src !== undefined) add('e.src = ?', sel.src, 'e.dst = ?', sel.src);
      if (sel.dst !== undefined) add('e.dst = ?', sel.dst, 'e.src = ?', sel.dst);
      if (sel.dstPort !== undefined) add('e.dst_port = ?', BigInt(sel.dstPort), 'e.src_port = ?', BigInt(sel.dstPort));
      const proto = sel.protocol !== undefined ? 'e.protocol = ? AND ' : '';
      const pp: Value[] = sel.protocol !== undefined ? [sel.protocol] : [];
      if (fwd.length === 0) return { cond: `${proto}TRUE`, params: pp };
      return { cond: `${proto}((${fwd.join(' AND ')}) OR (${rev.join(' AND ')}))`, params: [...pp, ...pf, ...pr] };
    }
  }
}

export function connectionGroupsSql(q: EventStreamQuery, sel: ConnectionSelector): { sql: string; params: Value[] } {
  const { conds, params } = streamConds({ ...q, dfwOnly: true });
  const filter = conds.join(' AND ');
  const s = selectorSql(sel);
  const sql = `
    WITH hits AS (SELECT DISTINCT ${CONNECTION_SQL} AS conn FROM events e WHERE ${filter} AND ${s.cond})
    SELECT ${REPLAY_COLUMNS}, h.conn AS grp
      FROM events e JOIN hits h ON h.conn = ${CONNECTION_SQL}
     WHERE ${filter}
     ORDER BY h.conn, e.ts_ms, e.source_id, e.line`;
  return { sql, params: [...params, ...s.params, ...params] };
}

/** streamPacketRecords of duplicates-repo.ts. */
export function packetRecordsSql(q: PacketRecordQuery): { sql: string; params: Value[] } {
  const params: Value[] = [];
  let hostCond = '';
  if (q.host !== undefined) {
    hostCond = ' AND host = ?';
    params.push(q.host);
  }
  const sql = `SELECT id, ts_ms, coalesce(host, ''), filter_hash, coalesce(af, ''), protocol, src, src_port, dst, dst_port,
              coalesce(tcp_flags, '') || coalesce(CAST(icmp_type AS VARCHAR) || '/' || CAST(icmp_code AS VARCHAR), ''), direction, action,
              coalesce(ruleset || '/', '') || coalesce(CAST(rule_id AS VARCHAR), '-')
         FROM events
        WHERE producer = 'nsx-dfw' AND reason <> 'TERM' AND filter_hash IS NOT NULL AND direction IS NOT NULL
          AND src IS NOT NULL AND dst IS NOT NULL AND protocol IS NOT NULL AND ts_ms IS NOT NULL${hostCond}
        ORDER BY 3, 5, 6, 7, 9, 8, 10, 11, 2, id`;
  return { sql, params };
}

export function packetRecord(r: unknown[]): PacketRecord {
  return {
    id: r[0] as number, tsMs: r[1] as number, host: r[2] as string, filterHash: r[3] as string, af: r[4] as string,
    protocol: r[5] as string, src: r[6] as string, srcPort: r[7] as number | null, dst: r[8] as string,
    dstPort: r[9] as number | null, flags: r[10] as string, direction: r[11] as string, action: r[12] as string | null,
    rule: r[13] as string,
  };
}
