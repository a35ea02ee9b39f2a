import type { Filter } from '../model/filter.js';
import type { AddrSet, GetaddrsetsDocument, GetrulesDocument, PortRange, RealizedRule, Ruleset } from '../model/rule.js';
import { portsText as portsTextOf } from '../model/rule-text.js';
import type { Db } from './open.js';
import { RealizedWriter } from './realized-writer.js';
import { decodeRule, RULE_COLUMNS, type RuleRowValues } from './rule-match.js';

/** `80`, `49152-65535`, `{67, 68}`; null (any) stays null. */
export function portsText(p: PortRange[] | null): string | null {
  return p === null ? null : portsTextOf(p);
}

/** Stores filters; a filter already known by name is updated with the fields this source adds. */
export function saveFilters(db: Db, sourceId: number, filters: Filter[]): void {
  const find = db.prepare('SELECT id FROM filters WHERE name = ? AND (host IS ? OR host IS NULL OR ? IS NULL)');
  const insert = db.prepare(`INSERT INTO filters (source_id, name, hash, vm_uuid, vm_name, vnic_index, host, world_id,
    port_name, slot, ips_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const update = db.prepare(`UPDATE filters SET hash = COALESCE(?, hash), vm_uuid = COALESCE(?, vm_uuid),
    vm_name = COALESCE(?, vm_name), vnic_index = COALESCE(?, vnic_index), host = COALESCE(?, host),
    world_id = COALESCE(?, world_id), port_name = COALESCE(?, port_name), slot = COALESCE(?, slot) WHERE id = ?`);
  for (const f of filters) {
    const row = find.get(f.name, f.host, f.host) as { id: number } | undefined;
    if (row) update.run(f.hash, f.vmUuid, f.vmName, f.vnicIndex, f.host, f.worldId, f.portName, f.slot, row.id);
    else
      insert.run(sourceId, f.name, f.hash, f.vmUuid, f.vmName, f.vnicIndex, f.host, f.worldId, f.portName, f.slot,
        JSON.stringify(f.ips));
  }
}

export interface StoredFilter extends Filter {
  id: number;
}

export function listFilters(db: Db): StoredFilter[] {
  const rows = db
    .prepare(`SELECT id, name, hash, vm_uuid AS vmUuid, vm_name AS vmName, vnic_index AS vnicIndex, host,
      world_id AS worldId, port_name AS portName, slot, ips_json FROM filters ORDER BY host, name`)
    .all() as (Omit<StoredFilter, 'ips'> & { ips_json: string })[];
  return rows.map(({ ips_json, ...f }) => ({ ...f, ips: JSON.parse(ips_json) as string[] }));
}

/**
 * Finds the filter a user names: by filter name or by hash (both identify a filter everywhere).
 * Also matches rulesets stored for a filter name that no getfilters output described.
 */
export function resolveFilterName(db: Db, nameOrHash: string): string | null {
  const f = db.prepare('SELECT name FROM filters WHERE name = ? OR hash = ? ORDER BY id LIMIT 1').get(nameOrHash, nameOrHash) as
    | { name: string }
    | undefined;
  if (f) return f.name;
  const r = db.prepare('SELECT filter_name AS name FROM rulesets WHERE filter_name = ? LIMIT 1').get(nameOrHash) as
    | { name: string }
    | undefined;
  return r?.name ?? null;
}

/** Names of every filter the store has realized rules for. */
export function filterNamesWithRules(db: Db): string[] {
  const rows = db.prepare('SELECT DISTINCT filter_name AS name FROM rulesets WHERE filter_name IS NOT NULL ORDER BY 1').all() as { name: string }[];
  return rows.map((r) => r.name);
}

/**
 * Resolves a filter a user names (`--exclude-filter`, `--filter`) to the hash the logs use: by
 * filter name, hash or VM name (every vNIC of that VM). Empty when nothing matches.
 */
export function resolveFilterHashes(db: Db, nameOrHash: string): string[] {
  const rows = db
    .prepare('SELECT DISTINCT hash FROM filters WHERE (name = ? OR hash = ? OR vm_name = ?) AND hash IS NOT NULL ORDER BY hash')
    .all(nameOrHash, nameOrHash, nameOrHash) as { hash: string }[];
  return rows.map((r) => r.hash);
}

/**
 * Stores one getrules document: its rulesets and every rule line (the row layout: rule-match.ts),
 * through the writer ingest streams captures with (realized-writer.ts).
 */
export function saveGetrules(db: Db, sourceId: number, doc: GetrulesDocument): number {
  const w = new RealizedWriter(db, sourceId);
  const sink = w.getrules();
  for (const set of doc.rulesets) {
    sink.open(set, doc.filter);
    for (const r of set.rules) sink.rule(set, r);
    sink.close(set);
  }
  sink.end(doc.filter);
  return w.rules;
}

export function saveGetaddrsets(db: Db, sourceId: number, doc: GetaddrsetsDocument): number {
  const w = new RealizedWriter(db, sourceId);
  const sink = w.getaddrsets();
  for (const a of doc.addrsets) sink.set(a, doc.filter);
  sink.end(doc.filter);
  return w.addrsets;
}

/**
 * The realized rulesets of one filter, newest capture first wins: when a filter's rules were
 * ingested from several captures, the latest source is the one the engine uses.
 */
export function loadRulesets(db: Db, filterName: string): Ruleset[] {
  const latest = db.prepare('SELECT MAX(source_id) AS sid FROM rulesets WHERE filter_name = ?').get(filterName) as {
    sid: number | null;
  };
  if (latest.sid === null) return [];
  const sets = db
    .prepare(`SELECT id, name FROM rulesets WHERE filter_name = ? AND source_id = ? ORDER BY id`)
    .all(filterName, latest.sid) as { id: number; name: string }[];
  const rules = db.prepare(`SELECT ${RULE_COLUMNS} FROM rules WHERE ruleset_id = ? ORDER BY idx`).raw();
  const file = (db.prepare('SELECT path FROM sources WHERE id = ?').get(latest.sid) as { path: string }).path;
  const meta = db.prepare('SELECT layer, generation, realization_time AS realizationTime, line FROM rulesets WHERE id = ?');
  return sets.map((s) => {
    const m = meta.get(s.id) as { layer: 'L2' | 'L3'; generation: string | null; realizationTime: string | null; line: number };
    const parsed = (rules.all(s.id) as RuleRowValues[]).map((r) => decodeRule(r, s.name, file));
    return {
      name: s.name,
      layer: m.layer,
      generation: m.generation,
      realizationTime: m.realizationTime,
      rules: parsed,
      span: parsed[0]?.span ?? { file: '', offset: -1, line: m.line, column: 1, length: 0 },
    };
  });
}

/** One filter's latest realized rulesets, as `streamRealizedRulesets` yields them. */
export interface FilterRulesets {
  filterName: string;
  rulesets: Ruleset[];
}

/**
 * Every filter's realized rulesets (the latest capture of each, as `loadRulesets`), one filter at
 * a time: the rules of all filters are read in one pass in ruleset order, so only the current
 * filter's rules are held, and no query runs per ruleset. Filters come in the order their rules
 * were stored. Identical strings (the capture's file name in every span) are shared.
 */
export function* streamRealizedRulesets(db: Db): Generator<FilterRulesets> {
  const latest = new Map<string, number>();
  for (const [name, sid] of db.prepare('SELECT filter_name, MAX(source_id) FROM rulesets WHERE filter_name IS NOT NULL GROUP BY filter_name').raw().iterate() as IterableIterator<[string, number]>)
    latest.set(name, sid);
  type Pending = { filter: string; sid: number; name: string; layer: 'L2' | 'L3'; generation: string | null; realizationTime: string | null; line: number; rules: RealizedRule[] };
  const sets = new Map<number, Pending>();
  // each filter's rulesets (ids ascending); a filter is complete once the rules pass its last one
  const byFilter = new Map<string, number[]>();
  const meta = db.prepare('SELECT id, filter_name, source_id, name, layer, generation, realization_time, line FROM rulesets WHERE filter_name IS NOT NULL ORDER BY id').raw();
  for (const [id, filter, sid, name, layer, generation, realizationTime, line] of meta.iterate() as IterableIterator<[number, string, number, string, 'L2' | 'L3', string | null, string | null, number]>) {
    if (latest.get(filter) !== sid) continue;
    sets.set(id, { filter, sid, name, layer, generation, realizationTime, line, rules: [] });
    let ids = byFilter.get(filter);
    if (ids === undefined) byFilter.set(filter, (ids = []));
    ids.push(id);
  }
  const emit = (filter: string): FilterRulesets => {
    const ids = byFilter.get(filter) as number[];
    byFilter.delete(filter);
    return {
      filterName: filter,
      rulesets: ids.map((id) => {
        const { name, layer, generation, realizationTime, line, rules } = sets.get(id) as Pending;
        sets.delete(id);
        return { name, layer, generation, realizationTime, rules, span: rules[0]?.span ?? { file: '', offset: -1, line, column: 1, length: 0 } };
      }),
    };
  };
  // filters whose rules are being read, in the order they started
  const started = new Set<string>();
  const files = new Map<string, string>();
  const paths = new Map<number, string>();
  const sourcePath = db.prepare('SELECT path FROM sources WHERE id = ?').pluck();
  const pathOf = (sid: number) => paths.get(sid) ?? (paths.set(sid, sourcePath.get(sid) as string), paths.get(sid) as string);
  const rules = db.prepare(`SELECT ruleset_id, ${RULE_COLUMNS} FROM rules ORDER BY ruleset_id, idx`).raw();
  for (const [rsId, ...row] of rules.iterate() as IterableIterator<[number, ...RuleRowValues]>) {
    const set = sets.get(rsId);
    if (set === undefined) continue;
    for (const f of started) {
      const ids = byFilter.get(f) as number[];
      if ((ids[ids.length - 1] as number) >= rsId) continue;
      started.delete(f);
      yield emit(f);
    }
    started.add(set.filter);
    const r = decodeRule(row, set.name, pathOf(set.sid));
    const file = files.get(r.span.file);
    if (file !== undefined) r.span.file = file;
    else files.set(r.span.file, r.span.file);
    set.rules.push(r);
  }
  // the filters still open, then those whose rulesets have no rules at all
  for (const f of [...started, ...byFilter.keys()]) if (byFilter.has(f)) yield emit(f);
}

/** Address sets visible to a filter: its own getaddrsets output, else sets captured without a filter name. */
export function loadAddrsets(db: Db, filterName: string): AddrSet[] {
  const rows = db
    .prepare(`SELECT a.name, a.entries_json, a.line, s.path FROM addrsets a JOIN sources s ON s.id = a.source_id
      WHERE a.filter_name = ? OR a.filter_name IS NULL ORDER BY (a.filter_name IS NULL), a.id`)
    .all(filterName) as { name: string; entries_json: string; line: number; path: string }[];
  const seen = new Set<string>();
  const out: AddrSet[] = [];
  for (const r of rows) {
    if (seen.has(r.name)) continue;
    seen.add(r.name);
    out.push({
      name: r.name,
      entries: JSON.parse(r.entries_json) as AddrSet['entries'],
      span: { file: r.path, offset: -1, line: r.line, column: 1, length: 0 },
    });
  }
  return out;
}

/** Rules as the `dfwsim rules` contract lists them. */
export interface RuleRow {
  filter: string | null;
  ruleset: string;
  ruleId: number;
  position: number;
  direction: string;
  af: string | null;
  protocol: string | null;
  strict: boolean;
  icmpType: number | null;
  src: string;
  dst: string;
  srcPorts: string | null;
  dstPorts: string | null;
  action: string;
  log: boolean;
  tag: string | null;
  alg: string | null;
  internal: boolean;
  line: number;
  section: string | null;
  source: string;
}

export function listRules(db: Db, filterName?: string): RuleRow[] {
  const rows = db
    .prepare(`SELECT rs.filter_name AS filter, rs.name AS ruleset, r.rule_id AS ruleId, r.position, r.direction, r.af,
        r.protocol, r.strict, r.icmp_type AS icmpType, r.src, r.dst, r.src_ports AS srcPorts, r.dst_ports AS dstPorts,
        r.action, r.log, r.tag, r.alg, r.internal, r.line, r.section, s.path AS source
      FROM rules r JOIN rulesets rs ON rs.id = r.ruleset_id JOIN sources s ON s.id = rs.source_id
      ${filterName !== undefined ? 'WHERE rs.filter_name = ?' : ''}
      ORDER BY rs.filter_name, rs.id, r.idx`)
    .all(...(filterName !== undefined ? [filterName] : [])) as (Omit<RuleRow, 'strict' | 'log' | 'internal'> & {
    strict: number;
    log: number;
    internal: number;
  })[];
  return rows.map((r) => ({ ...r, strict: r.strict === 1, log: r.log === 1, internal: r.internal === 1 }));
}
