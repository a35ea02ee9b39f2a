import type { Db } from './open.js';

/** One NSX DFW record as the duplicate sweep needs it. */
export interface PacketRecord {
  id: number;
  tsMs: number;
  host: string;
  filterHash: string;
  af: string;
  protocol: string;
  src: string;
  srcPort: number | null;
  dst: string;
  dstPort: number | null;
  /** TCP flags, or for ICMP `type/code`: part of "the same packet" */
  flags: string;
  direction: string;
  action: string | null;
  rule: string;
}

export interface PacketRecordQuery {
  host?: string | undefined;
}

/**
 * NSX DFW first-packet records (TERM summaries left out: they close sessions, they are not
 * packets) ordered so that records of the same packet on the same host are adjacent and in
 * time order. A cursor: SQLite sorts in bounded memory (spilling to a temp file) and only the
 * current row reaches JavaScript.
 */
export function* streamPacketRecords(db: Db, q: PacketRecordQuery = {}): Generator<PacketRecord> {
  const params: unknown[] = [];
  let hostCond = '';
  if (q.host !== undefined) {
    hostCond = ' AND host = ?';
    params.push(q.host);
  }
  const stmt = db
    .prepare(
      `SELECT id, ts_ms, coalesce(host, ''), filter_hash, coalesce(af, ''), protocol, src, src_port, dst, dst_port,
              coalesce(tcp_flags, '') || coalesce(icmp_type || '/' || icmp_code, ''), direction, action,
              coalesce(ruleset || '/', '') || coalesce(rule_id, '-')
         FROM events
        WHERE producer = 'nsx-dfw' AND reason <> 'TERM' AND filter_hash IS NOT NULL AND direction IS NOT NULL
          AND src IS NOT NULL AND dst IS NOT NULL AND protocol IS NOT NULL AND ts_ms IS NOT NULL${hostCond}
        ORDER BY 3, 5, 6, 7, 9, 8, 10, 11, 2, id`,
    )
    .raw();
  for (const r of stmt.iterate(...params) as IterableIterator<unknown[]>) {
    yield {
      id: r[0] as number, tsMs: r[1] as number, host: r[2] as string, filterHash: r[3] as string, af: r[4] as string,
      protocol: r[5] as string, src: r[6] as string, srcPort: r[7] as number | null, dst: r[8] as string,
      dstPort: r[9] as number | null, flags: r[10] as string, direction: r[11] as string, action: r[12] as string | null,
      rule: r[13] as string,
    };
  }
}
