import type { CompiledFilter } from '../engine/compile.js';
import { compileFilter } from '../engine/compile.js';
import { replay, type ReplayOptions } from '../engine/replay.js';
import type { ReplayResult } from '../model/replay.js';
import type { Db } from '../store/open.js';
import { queryEvents, type EventQuery } from '../store/events-repo.js';
import { listFilters, loadAddrsets, loadRulesets } from '../store/realized-repo.js';

/** A filter's realized rules from the store, compiled once. */
export interface LoadedFilter {
  name: string;
  hash: string | null;
  host: string | null;
  vmName: string | null;
  compiled: CompiledFilter;
}

/** Names of every filter the store has rules for, with the filter row when getfilters described it. */
function filterNamesWithRules(db: Db): string[] {
  const rows = db.prepare('SELECT DISTINCT filter_name AS name FROM rulesets WHERE filter_name IS NOT NULL ORDER BY 1').all() as {
    name: string;
  }[];
  return rows.map((r) => r.name);
}

/** Compiles the realized rules of one filter (by name) from the store; null when it has none. */
export function loadCompiledFilter(db: Db, name: string): CompiledFilter | null {
  const rulesets = loadRulesets(db, name);
  if (rulesets.length === 0) return null;
  return compileFilter({ rulesets, addrsets: loadAddrsets(db, name) });
}

/**
 * Every filter with realized rules, keyed by filter hash (the key the logs use). A filter whose
 * hash no getfilters output gave cannot be matched to log lines; it is returned under its name.
 */
export function loadCompiledFilters(db: Db): Map<string, LoadedFilter> {
  const byName = new Map(listFilters(db).map((f) => [f.name, f]));
  const out = new Map<string, LoadedFilter>();
  for (const name of filterNamesWithRules(db)) {
    const compiled = loadCompiledFilter(db, name);
    if (!compiled) continue;
    const f = byName.get(name);
    out.set(f?.hash ?? name, { name, hash: f?.hash ?? null, host: f?.host ?? null, vmName: f?.vmName ?? null, compiled });
  }
  return out;
}

/** Replays the stored events (optionally filtered) against the stored realized rules. */
export function replayStore(db: Db, query: EventQuery, opts: ReplayOptions = {}): { result: ReplayResult; filters: Map<string, LoadedFilter> } {
  const filters = loadCompiledFilters(db);
  const events = queryEvents(db, query).filter((e) => e.producer === 'nsx-dfw');
  const compiled = new Map([...filters].map(([k, v]) => [k, v.compiled]));
  return { result: replay(events, compiled, opts), filters };
}
