/**
 * Sources, packet events and rejected lines. `events` has no secondary index on purpose:
 * the reads are scans (replay and audits read a window in time order; `events` filters
 * scan at millions of rows/s), while an index keyed by filter hash costs about 45% of the
 * bulk-insert rate (measured: 122k vs 222k rows/s), because log order scatters its keys. Column names are snake_case; the repositories
 * map them to the camelCase contract. Kept to portable SQL (no SQLite-only types) so the
 * audit queries could run on another engine later (DESIGN.md section 7).
 */
export const up = `
CREATE TABLE sources (
  id          INTEGER PRIMARY KEY,
  path        TEXT    NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT    NOT NULL UNIQUE,
  format      TEXT    NOT NULL,
  host        TEXT,
  status      TEXT    NOT NULL CHECK (status IN ('partial', 'complete')),
  lines_done  INTEGER NOT NULL DEFAULT 0,
  events      INTEGER NOT NULL DEFAULT 0,
  skipped     INTEGER NOT NULL DEFAULT 0,
  rejected    INTEGER NOT NULL DEFAULT 0,
  ingested_at TEXT    NOT NULL
);

CREATE TABLE events (
  id             INTEGER PRIMARY KEY,
  source_id      INTEGER NOT NULL REFERENCES sources(id),
  line           INTEGER NOT NULL,
  ts             TEXT,
  ts_ms          INTEGER,
  host           TEXT,
  filter_hash    TEXT,
  af             TEXT,
  reason         TEXT,
  action         TEXT,
  ruleset        TEXT,
  rule_id        INTEGER,
  direction      TEXT,
  length         INTEGER,
  protocol       TEXT,
  src            TEXT,
  src_port       INTEGER,
  dst            TEXT,
  dst_port       INTEGER,
  tcp_flags      TEXT,
  icmp_type      INTEGER,
  icmp_code      INTEGER,
  close_reason   TEXT,
  packets_in     INTEGER,
  packets_out    INTEGER,
  bytes_in       INTEGER,
  bytes_out      INTEGER,
  tag            TEXT,
  producer       TEXT    NOT NULL,
  envelope       TEXT,
  vrf            INTEGER,
  interface_id   TEXT,
  policy_ref     TEXT,
  rule_name      TEXT,
  of_table       TEXT,
  of_priority    TEXT,
  applied_to     TEXT,
  dedup_count    INTEGER,
  dedup_duration TEXT,
  raw            TEXT    NOT NULL
);

CREATE TABLE rejected_lines (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  line      INTEGER NOT NULL,
  col       INTEGER NOT NULL,
  code      TEXT    NOT NULL,
  reason    TEXT    NOT NULL,
  raw       TEXT    NOT NULL,
  UNIQUE (source_id, line)
);
`;
