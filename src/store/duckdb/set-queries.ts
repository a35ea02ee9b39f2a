/**
 * The audit's set queries in DuckDB, read straight from the events (no temporary cells table as
 * in SQLite, src/store/audit-repo.ts: a columnar scan of the few columns a query names costs less
 * than writing and re-reading a cells table). Each gives exactly the rows and order of its
 * SQLite counterpart, whose SQL it follows; where DuckDB differs, it says so:
 * - ORDER BY: NULLs first ascending, as SQLite, through the instance's `default_null_order`
 *   (driver.ts); ties broken on every grouped column, as there;
 * - SUM of BIGINT is HUGEINT in DuckDB: cast back, so counts leave as BIGINT (results.ts);
 * - SQLite's two-argument `min(a, b)` / `max(a, b)` scalars are `least` / `greatest`, and `||`
 *   takes no integer operand without a CAST (SQLite converts it to its decimal text, as CAST does).
 */

/** Not a TERM session summary (they close sessions; they are not packets a rule decided). */
export const NOT_TERM = `(reason IS NULL OR reason <> 'TERM')`;
const DENIED = `CAST(SUM(CASE WHEN action IN ('DROP', 'REJECT') THEN 1 ELSE 0 END) AS BIGINT)`;

export const ACTION_COUNTS = `SELECT action, CASE WHEN reason = 'TERM' THEN 1 ELSE 0 END AS term, count(*) AS c
  FROM events GROUP BY 1, 2 ORDER BY c DESC, 1, 2`;

export const HOST_COUNTS = `SELECT host, count(*) AS c, ${DENIED}, count(DISTINCT filter_hash)
  FROM events WHERE ${NOT_TERM} GROUP BY 1 ORDER BY c DESC, 1`;

export const TOP_FILTERS = `SELECT host, filter_hash, c, d, r, count(*) OVER () FROM (
    SELECT host, filter_hash, count(*) AS c, ${DENIED} AS d, CAST(SUM(CASE WHEN action = 'REJECT' THEN 1 ELSE 0 END) AS BIGINT) AS r
      FROM events WHERE ${NOT_TERM} GROUP BY 1, 2)
  ORDER BY c DESC, 1, 2 LIMIT $1`;

export const TOP_RULES = `SELECT filter_hash, ruleset, rule_id, action, c, count(*) OVER () FROM (
    SELECT filter_hash, ruleset, rule_id, action, count(*) AS c FROM events WHERE ${NOT_TERM} GROUP BY 1, 2, 3, 4)
  ORDER BY c DESC, 1, 2, 3, 4 LIMIT $1`;

/** $1: the filter hashes, a VARCHAR[] */
export const RULE_HITS_ON = `SELECT filter_hash, rule_id, CASE WHEN reason = 'TERM' THEN 1 ELSE 0 END AS term, count(*)
  FROM events WHERE filter_hash IN (SELECT unnest($1)) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

export const EVENT_TIME_SPAN = `SELECT min(ts_ms), max(ts_ms), count(*) FROM events`;

/**
 * $1 origin, $2 bucket (BIGINT). `(ts_ms - origin) - (ts_ms - origin) % bucket`: DuckDB's integer
 * `%` truncates toward zero as SQLite's does (the sign of the dividend), so times before the
 * origin land in the same buckets as there.
 */
export const EVENTS_OVER_TIME = `SELECT $1 + ((ts_ms - $1) - ((ts_ms - $1) % $2)) AS b, action, count(*) FROM events
  WHERE ts_ms IS NOT NULL AND ${NOT_TERM} GROUP BY 1, 2 ORDER BY 1, 2`;

export const TOP_DENIED_FLOWS = `SELECT *, count(*) OVER () FROM (
    SELECT host, filter_hash, protocol, src, dst, dst_port, action, ruleset, rule_id, count(*) AS n, min(ts_ms), max(ts_ms), min(id), max(tag)
      FROM events WHERE action IN ('DROP', 'REJECT') AND ${NOT_TERM} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9)
  ORDER BY n DESC, 1, 2, 3, 4, 5, 6, 7, 8, 9 LIMIT $1`;

/** Ordered (SQLite's has no ORDER BY: the contract says any order), so the result is deterministic here. */
export const ADDRESS_CLAIMS = `SELECT coalesce(host, '') AS host, filter_hash,
    CASE direction WHEN 'OUT' THEN src ELSE dst END AS ip,
    CASE direction WHEN 'OUT' THEN 'out-src' ELSE 'in-dst' END AS via, count(*) AS events
  FROM events
  WHERE producer = 'nsx-dfw' AND filter_hash IS NOT NULL AND direction IS NOT NULL AND src IS NOT NULL AND dst IS NOT NULL
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;

/** One endpoint as `addr|port` (`-` without a port), as ownership-repo.ts and the replay's connection key write it. */
export const endpoint = (addr: string, port: string) => `${addr} || '|' || coalesce(CAST(${port} AS VARCHAR), '-')`;

export const BOTH_DIRECTIONS_IN_FILTERS = `SELECT DISTINCT filter_hash AS h FROM (
    SELECT filter_hash, min(src) AS a, max(src) AS b FROM events
     WHERE producer = 'nsx-dfw' AND direction = 'IN' AND filter_hash IS NOT NULL AND src IS NOT NULL AND dst IS NOT NULL
     GROUP BY filter_hash, protocol,
              least(${endpoint('src', 'src_port')}, ${endpoint('dst', 'dst_port')}),
              greatest(${endpoint('src', 'src_port')}, ${endpoint('dst', 'dst_port')}))
  WHERE a <> b ORDER BY 1`;

/** events-repo.ts hostFilterLoads: NULLs first through default_null_order, VARCHAR compared as bytes as SQLite's BINARY. */
export const HOST_FILTER_LOADS = `SELECT host, filter_hash, count(*) FROM events WHERE producer = 'nsx-dfw' GROUP BY 1, 2 ORDER BY 1, 2`;
