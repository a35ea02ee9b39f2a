/**
 * vsipioctl data: filters (getfilters / summarize-dvfilter), realized rulesets and rules per
 * filter (getrules -f), address sets (getaddrsets -f). A rule keeps its full match as JSON
 * (`match_json`) next to the columns the audits query, so the engine can be rebuilt from the
 * store without the original text.
 */
export const up = `
CREATE TABLE filters (
  id          INTEGER PRIMARY KEY,
  source_id   INTEGER NOT NULL REFERENCES sources(id),
  name        TEXT    NOT NULL,
  hash        TEXT,
  vm_uuid     TEXT,
  vm_name     TEXT,
  vnic_index  INTEGER,
  host        TEXT,
  world_id    TEXT,
  port_name   TEXT,
  slot        INTEGER,
  ips_json    TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX filters_name ON filters (name);
CREATE INDEX filters_hash ON filters (hash);

CREATE TABLE rulesets (
  id               INTEGER PRIMARY KEY,
  source_id        INTEGER NOT NULL REFERENCES sources(id),
  filter_name      TEXT,
  name             TEXT    NOT NULL,
  layer            TEXT    NOT NULL,
  generation       TEXT,
  realization_time TEXT,
  line             INTEGER NOT NULL
);

CREATE TABLE rules (
  id          INTEGER PRIMARY KEY,
  ruleset_id  INTEGER NOT NULL REFERENCES rulesets(id),
  idx         INTEGER NOT NULL,
  section     TEXT,
  rule_id     INTEGER NOT NULL,
  position    INTEGER NOT NULL,
  internal    INTEGER NOT NULL,
  direction   TEXT    NOT NULL,
  af          TEXT,
  protocol    TEXT,
  ethertype   TEXT,
  strict      INTEGER NOT NULL,
  stateless   INTEGER NOT NULL,
  icmp_type   INTEGER,
  icmp_code   INTEGER,
  src         TEXT    NOT NULL,
  dst         TEXT    NOT NULL,
  src_ports   TEXT,
  dst_ports   TEXT,
  action      TEXT    NOT NULL,
  log         INTEGER NOT NULL,
  alg         TEXT,
  tag         TEXT,
  line        INTEGER NOT NULL,
  col         INTEGER NOT NULL,
  text        TEXT    NOT NULL,
  match_json  TEXT    NOT NULL
);
CREATE INDEX rules_rule_id ON rules (rule_id);

CREATE TABLE addrsets (
  id          INTEGER PRIMARY KEY,
  source_id   INTEGER NOT NULL REFERENCES sources(id),
  filter_name TEXT,
  name        TEXT    NOT NULL,
  entries_json TEXT   NOT NULL,
  line        INTEGER NOT NULL
);
CREATE INDEX addrsets_name ON addrsets (filter_name, name);
`;
