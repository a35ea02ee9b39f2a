import type { CompiledFilter } from '../engine/compile.js';
import { compileFilter } from '../engine/compile.js';
import type { AddrSet, Ruleset } from '../model/rule.js';
import type { Db } from '../store/open.js';
import { listFilters, loadAddrsets, loadRulesets, filterNamesWithRules } from '../store/realized-repo.js';

/** A filter's realized rules as stored (uncompiled): what what-if changes edit before compiling. */
export interface RealizedFilter {
  name: string;
  hash: string | null;
  host: string | null;
  vmName: string | null;
  rulesets: Ruleset[];
  addrsets: AddrSet[];
}

/** A filter's realized rules from the store, compiled once. */
export interface LoadedFilter {
  name: string;
  hash: string | null;
  host: string | null;
  vmName: string | null;
  compiled: CompiledFilter;
}

/** Compiles the realized rules of one filter (by name) from the store; null when it has none. */
export function loadCompiledFilter(db: Db, name: string): CompiledFilter | null {
  const rulesets = loadRulesets(db, name);
  if (rulesets.length === 0) return null;
  return compileFilter({ rulesets, addrsets: loadAddrsets(db, name) });
}

/**
 * Every filter with realized rules, uncompiled, keyed by filter hash (the key the logs use). A
 * filter whose hash no getfilters output gave cannot be matched to log lines; it is returned
 * under its name.
 */
export function loadRealizedFilters(db: Db): Map<string, RealizedFilter> {
  const byName = new Map(listFilters(db).map((f) => [f.name, f]));
  const out = new Map<string, RealizedFilter>();
  for (const name of filterNamesWithRules(db)) {
    const rulesets = loadRulesets(db, name);
    if (rulesets.length === 0) continue;
    const f = byName.get(name);
    out.set(f?.hash ?? name, { name, hash: f?.hash ?? null, host: f?.host ?? null, vmName: f?.vmName ?? null, rulesets, addrsets: loadAddrsets(db, name) });
  }
  return out;
}

/** Compiles every filter of a realized set. */
export function compileRealized(filters: ReadonlyMap<string, RealizedFilter>): Map<string, LoadedFilter> {
  const out = new Map<string, LoadedFilter>();
  for (const [k, f] of filters)
    out.set(k, { name: f.name, hash: f.hash, host: f.host, vmName: f.vmName, compiled: compileFilter({ rulesets: f.rulesets, addrsets: f.addrsets }) });
  return out;
}

/** Every filter with realized rules, compiled, keyed by filter hash. */
export function loadCompiledFilters(db: Db): Map<string, LoadedFilter> {
  return compileRealized(loadRealizedFilters(db));
}

/** The compiled rules alone, keyed by filter hash: what the replay takes. */
export function compiledOnly(filters: ReadonlyMap<string, LoadedFilter>): Map<string, CompiledFilter> {
  return new Map([...filters].map(([k, v]) => [k, v.compiled]));
}
