import type { Db } from './open.js';

/** One address a filter's records claim: as the source of an OUT record (strong) or the destination of an IN record (weak). */
export interface AddressClaim {
  host: string;
  filterHash: string;
  ip: string;
  via: 'out-src' | 'in-dst';
  events: number;
}

/**
 * The addresses each filter's NSX DFW records name on the VM side (OUT: the source, IN: the
 * destination), aggregated in SQL: one row per (host, filter, side, address), however many
 * events there are.
 */
export function addressClaims(db: Db): AddressClaim[] {
  return db
    .prepare(
      `SELECT coalesce(host, '') AS host, filter_hash AS filterHash,
              CASE direction WHEN 'OUT' THEN src ELSE dst END AS ip,
              CASE direction WHEN 'OUT' THEN 'out-src' ELSE 'in-dst' END AS via, count(*) AS events
         FROM events
        WHERE producer = 'nsx-dfw' AND filter_hash IS NOT NULL AND direction IS NOT NULL AND src IS NOT NULL AND dst IS NOT NULL
        GROUP BY 1, 2, 3, 4`,
    )
    .all() as AddressClaim[];
}

/**
 * Filters that receive both directions of one connection IN: they see traffic between other
 * machines (a promiscuous or bridging observer, dfw-stateful.md replay step 12).
 */
export function bothDirectionsInFilters(db: Db): string[] {
  const rows = db
    .prepare(
      `SELECT DISTINCT filter_hash AS h FROM (
         SELECT filter_hash, min(src) AS a, max(src) AS b FROM events
          WHERE producer = 'nsx-dfw' AND direction = 'IN' AND filter_hash IS NOT NULL AND src IS NOT NULL AND dst IS NOT NULL
          GROUP BY filter_hash, protocol,
                   min(src || '|' || coalesce(src_port, '-'), dst || '|' || coalesce(dst_port, '-')),
                   max(src || '|' || coalesce(src_port, '-'), dst || '|' || coalesce(dst_port, '-')))
        WHERE a <> b ORDER BY 1`,
    )
    .all() as { h: string }[];
  return rows.map((r) => r.h);
}

/** Addresses declared for filters by an inventory (filters.ips_json). */
export function declaredAddresses(db: Db): { filterHash: string; host: string; ips: string[] }[] {
  const rows = db.prepare(`SELECT hash, coalesce(host, '') AS host, ips_json FROM filters WHERE hash IS NOT NULL AND ips_json <> '[]'`).all() as { hash: string; host: string; ips_json: string }[];
  return rows.map((r) => ({ filterHash: r.hash, host: r.host, ips: JSON.parse(r.ips_json) as string[] }));
}
