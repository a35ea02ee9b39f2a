import type { Db } from './open.js';

/**
 * The audit's set queries (issue 9). Each is one scan (or an index lookup) that SQLite
 * aggregates itself, returning at most a listing limit of rows (or rows bounded by the
 * realized rules), never a row per event or per distinct flow: a log may name millions of
 * distinct filters or flows.
 * Kept to portable SQL (integer epoch-ms times, no integer division, full ORDER BY) so another
 * engine can run the same statements later (DESIGN.md section 7).
 */

const NOT_TERM = `(reason IS NULL OR reason <> 'TERM')`;

/**
 * One scan of the events into a temporary table of (host, filter, ruleset, rule, action, TERM)
 * cells with counts and first/last times; the per-action, host, filter and rule figures are then
 * read from it instead of scanning the events again for each (a scan of a wide events table
 * costs about as much as its GROUP BY). Lives in SQLite's temp database, so it works on a
 * read-only store and is gone when the connection closes.
 */
export function buildTrafficCells(db: Db): void {
  db.exec(`DROP TABLE IF EXISTS temp.audit_cells;
    CREATE TEMP TABLE audit_cells AS
      SELECT host, filter_hash, ruleset, rule_id, action, CASE WHEN reason = 'TERM' THEN 1 ELSE 0 END AS term,
        count(*) AS n, SUM(CASE WHEN action IN ('DROP', 'REJECT') THEN 1 ELSE 0 END) AS denied,
        SUM(CASE WHEN action = 'REJECT' THEN 1 ELSE 0 END) AS rejected, min(ts_ms) AS first_ms, max(ts_ms) AS last_ms
      FROM events GROUP BY 1, 2, 3, 4, 5, 6;`);
}

/** Packet records per action, and TERM session summaries apart (they are not packets a rule decided). */
export function actionCounts(db: Db): { action: string | null; term: boolean; events: number }[] {
  const rows = db
    .prepare(`SELECT action, term, SUM(n) AS c FROM temp.audit_cells GROUP BY 1, 2 ORDER BY c DESC, 1, 2`)
    .raw()
    .all() as [string | null, number, number][];
  return rows.map(([action, term, events]) => ({ action, term: term === 1, events }));
}

export interface HostCount {
  host: string | null;
  events: number;
  denied: number;
  filters: number;
}

export function hostCounts(db: Db): HostCount[] {
  const rows = db
    .prepare(`SELECT host, SUM(n) AS c, SUM(denied), count(DISTINCT filter_hash) FROM temp.audit_cells WHERE term = 0 GROUP BY 1 ORDER BY c DESC, 1`)
    .raw()
    .all() as [string | null, number, number, number][];
  return rows.map(([host, events, denied, filters]) => ({ host, events, denied, filters }));
}

export interface FilterCount {
  host: string | null;
  filterHash: string | null;
  events: number;
  denied: number;
  rejected: number;
}

/** The `limit` filters with the most packet records, and how many (host, filter) pairs there are. */
export function topFilters(db: Db, limit: number): { rows: FilterCount[]; distinct: number } {
  const rows = db
    .prepare(`SELECT host, filter_hash, c, d, r, count(*) OVER () FROM (
        SELECT host, filter_hash, SUM(n) AS c, SUM(denied) AS d, SUM(rejected) AS r FROM temp.audit_cells WHERE term = 0 GROUP BY 1, 2)
      ORDER BY c DESC, 1, 2 LIMIT ?`)
    .raw()
    .all(limit) as [string | null, string | null, number, number, number, number][];
  return { distinct: rows[0]?.[5] ?? 0, rows: rows.map(([host, filterHash, events, denied, rejected]) => ({ host, filterHash, events, denied, rejected })) };
}

export interface RuleCountRow {
  filterHash: string | null;
  ruleset: string | null;
  ruleId: number | null;
  action: string | null;
  events: number;
}

/** The `limit` most logged (filter, rule, action) triples, and how many there are. */
export function topRules(db: Db, limit: number): { rows: RuleCountRow[]; distinct: number } {
  const rows = db
    .prepare(`SELECT filter_hash, ruleset, rule_id, action, c, count(*) OVER () FROM (
        SELECT filter_hash, ruleset, rule_id, action, SUM(n) AS c FROM temp.audit_cells WHERE term = 0 GROUP BY 1, 2, 3, 4)
      ORDER BY c DESC, 1, 2, 3, 4 LIMIT ?`)
    .raw()
    .all(limit) as [string | null, string | null, number | null, string | null, number, number][];
  return { distinct: rows[0]?.[5] ?? 0, rows: rows.map(([filterHash, ruleset, ruleId, action, events]) => ({ filterHash, ruleset, ruleId, action, events })) };
}

/**
 * Packet records per rule id on the given filters (those with realized rules), and which of
 * them logged anything at all: bounded by their rules, however many other filters the log has.
 */
export function ruleHitsOn(db: Db, filterHashes: readonly string[]): { hits: { filterHash: string; ruleId: number; events: number }[]; logging: string[] } {
  if (filterHashes.length === 0) return { hits: [], logging: [] };
  const rows = db
    .prepare(`SELECT filter_hash, rule_id, term, SUM(n) FROM temp.audit_cells
      WHERE filter_hash IN (SELECT value FROM json_each(?)) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
    .raw()
    .all(JSON.stringify(filterHashes)) as [string, number | null, number, number][];
  const logging = new Set<string>();
  const hits: { filterHash: string; ruleId: number; events: number }[] = [];
  for (const [filterHash, ruleId, term, events] of rows) {
    logging.add(filterHash);
    if (ruleId !== null && term === 0) hits.push({ filterHash, ruleId, events });
  }
  return { hits, logging: [...logging] };
}

export interface TimeSpan {
  firstMs: number | null;
  lastMs: number | null;
  events: number;
}

/** First and last event time, and the event count (from the traffic cells when built, else one scan). */
export function eventTimeSpan(db: Db): TimeSpan {
  const from = db.prepare(`SELECT count(*) FROM temp.sqlite_master WHERE name = 'audit_cells'`).pluck().get() === 1 ? 'SELECT min(first_ms), max(last_ms), SUM(n) FROM temp.audit_cells' : 'SELECT min(ts_ms), max(ts_ms), count(*) FROM events';
  const [firstMs, lastMs, events] = db.prepare(from).raw().get() as [number | null, number | null, number | null];
  return { firstMs, lastMs, events: events ?? 0 };
}

export interface TimeBucket {
  startMs: number;
  action: string | null;
  events: number;
}

/** Packet records (not TERM) per time bucket and action; `bucketMs` > 0, buckets aligned to `originMs`. */
export function eventsOverTime(db: Db, originMs: number, bucketMs: number): TimeBucket[] {
  // (ts_ms - origin) - (ts_ms - origin) % bucket: floor without integer division, portable
  const rows = db
    .prepare(`SELECT ? + ((ts_ms - ?) - ((ts_ms - ?) % ?)) AS b, action, count(*) FROM events
      WHERE ts_ms IS NOT NULL AND (reason IS NULL OR reason <> 'TERM') GROUP BY 1, 2 ORDER BY 1, 2`)
    .raw()
    .all(originMs, originMs, originMs, bucketMs) as [number, string | null, number][];
  return rows.map(([startMs, action, events]) => ({ startMs, action, events }));
}

export interface DeniedFlow {
  host: string | null;
  filterHash: string | null;
  protocol: string | null;
  src: string | null;
  dst: string | null;
  dstPort: number | null;
  action: string;
  ruleset: string | null;
  ruleId: number | null;
  events: number;
  firstMs: number | null;
  lastMs: number | null;
  sampleEvent: number;
  /** the rule tag / Antrea log label the records carry (text from the log: escape it) */
  tag: string | null;
}

/** The most frequent denied (DROP / REJECT) flows; the source port is left out (ephemeral). */
export function topDeniedFlows(db: Db, limit: number): { flows: DeniedFlow[]; distinct: number } {
  const rows = db
    .prepare(`SELECT *, count(*) OVER () FROM (
        SELECT host, filter_hash, protocol, src, dst, dst_port, action, ruleset, rule_id, count(*) AS n, min(ts_ms), max(ts_ms), min(id), max(tag)
        FROM events WHERE action IN ('DROP', 'REJECT') AND ${NOT_TERM} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9)
      ORDER BY n DESC, 1, 2, 3, 4, 5, 6, 7, 8, 9 LIMIT ?`)
    .raw()
    .all(limit) as [string | null, string | null, string | null, string | null, string | null, number | null, string, string | null, number | null, number, number | null, number | null, number, string | null, number][];
  return {
    distinct: rows[0]?.[14] ?? 0,
    flows: rows.map(([host, filterHash, protocol, src, dst, dstPort, action, ruleset, ruleId, events, firstMs, lastMs, sampleEvent, tag]) => ({
      host, filterHash, protocol, src, dst, dstPort, action, ruleset, ruleId, events, firstMs, lastMs, sampleEvent, tag,
    })),
  };
}

export interface RejectedReason {
  code: string;
  lines: number;
  /** the first rejected line with this code */
  sample: { path: string; line: number; col: number; reason: string };
}

export function rejectedByCode(db: Db): RejectedReason[] {
  const rows = db
    .prepare(`SELECT r.code, g.n, s.path, r.line, r.col, r.reason
      FROM (SELECT code, count(*) AS n, min(id) AS first FROM rejected_lines GROUP BY code) g
      JOIN rejected_lines r ON r.id = g.first JOIN sources s ON s.id = r.source_id
      ORDER BY g.n DESC, r.code`)
    .raw()
    .all() as [string, number, string, number, number, string][];
  return rows.map(([code, lines, path, line, col, reason]) => ({ code, lines, sample: { path, line, col, reason } }));
}

/** One realized rule line, with what the unused-rule and rule-count sections need. */
export interface RuleLine {
  filterName: string;
  ruleset: string;
  layer: string;
  ruleId: number;
  position: number;
  internal: boolean;
  action: string;
  log: boolean;
  tag: string | null;
}

/** Every realized rule line of every filter, in filter and rule order (bounded by the rules, not the events). */
export function* streamRuleLines(db: Db): Generator<RuleLine> {
  const st = db
    .prepare(`SELECT rs.filter_name, rs.name, rs.layer, r.rule_id, r.position, r.internal, r.action, r.log, r.tag
      FROM rules r JOIN rulesets rs ON rs.id = r.ruleset_id WHERE rs.filter_name IS NOT NULL
      ORDER BY rs.filter_name, rs.id, r.idx`)
    .raw();
  for (const row of st.iterate() as Iterable<[string, string, string, number, number, number, string, number, string | null]>) {
    const [filterName, ruleset, layer, ruleId, position, internal, action, log, tag] = row;
    yield { filterName, ruleset, layer, ruleId, position, internal: internal === 1, action, log: log === 1, tag };
  }
}

export interface StoreCounts {
  sources: number;
  filters: number;
  rulesets: number;
  rules: number;
  addrsets: number;
  rejectedLines: number;
}

export function storeCounts(db: Db): StoreCounts {
  const one = (sql: string) => (db.prepare(sql).raw().get() as [number])[0];
  return {
    sources: one('SELECT count(*) FROM sources'),
    filters: one('SELECT count(*) FROM filters'),
    rulesets: one('SELECT count(*) FROM rulesets'),
    rules: one('SELECT count(*) FROM rules'),
    addrsets: one('SELECT count(*) FROM addrsets'),
    rejectedLines: one('SELECT count(*) FROM rejected_lines'),
  };
}
