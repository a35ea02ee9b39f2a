import type * as DuckDb from '@duckdb/node-api';
import type { PacketRecord, PacketRecordQuery } from '../duplicates-repo.js';
import {
  REPLAY_COLUMNS, selectorSql as sharedSelectorSql, streamConds as sharedStreamConds, type ConnectionSelector, type EventStreamQuery,
} from '../events-repo.js';
import { endpoint } from './set-queries.js';

type Value = DuckDb.DuckDBValue;

/**
 * The streams' SQL in DuckDB: the statements of src/store/events-repo.ts and duplicates-repo.ts
 * (same columns, conditions and ORDER BY), with DuckDB's spelling where SQLite's differs:
 * `least`/`greatest` for the two-argument `min`/`max` scalars, CASTs where `||` or coalesce mix
 * integers and text. The WHERE conditions are events-repo.ts's own (streamConds, selectorSql),
 * with integers bound as BIGINT.
 */

const int = (n: number): Value => BigInt(n);
/** The conditions of events-repo.ts, integers bound as BIGINT. */
const streamConds = (q: EventStreamQuery) => sharedStreamConds<Value>(q, int) as { conds: string[]; params: Value[] };
const selectorSql = (sel: ConnectionSelector) => sharedSelectorSql<Value>(sel, int) as { cond: string; params: Value[] };

export function eventsByHostTimeSql(q: EventStreamQuery): { sql: string; params: Value[] } {
  const { conds, params } = streamConds(q);
  const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  return { sql: `SELECT ${REPLAY_COLUMNS} FROM events e${where} ORDER BY e.host, e.ts_ms, e.source_id, e.line`, params };
}

/** CONNECTION_SQL of events-repo.ts: protocol and the two endpoints sorted. */
const CONNECTION_SQL = `e.protocol || '|' || least(${endpoint('e.src', 'e.src_port')}, ${endpoint('e.dst', 'e.dst_port')})
  || '|' || greatest(${endpoint('e.src', 'e.src_port')}, ${endpoint('e.dst', 'e.dst_port')})`;


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
