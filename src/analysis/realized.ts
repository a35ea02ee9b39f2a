import type { CompiledFilter } from '../engine/compile.js';
import { CompileCache, compileFilter } from '../engine/compile.js';
import type { AddrSet, Ruleset } from '../model/rule.js';
import type { Db } from '../store/open.js';
import { listFilters, loadAddrsets, loadRulesets, streamRealizedRulesets, type StoredFilter } from '../store/realized-repo.js';

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

/** Filters by name (the last getfilters row of a name wins, as it always has). */
function filtersByName(db: Db): Map<string, StoredFilter> {
  return new Map(listFilters(db).map((f) => [f.name, f]));
}

/**
 * Every filter with realized rules, one at a time (uncompiled, with its addrsets), in the order
 * their rules were stored; only the current one is held.
 */
export function* streamRealizedFilters(db: Db): Generator<RealizedFilter> {
  const byName = filtersByName(db);
  for (const { filterName: name, rulesets } of streamRealizedRulesets(db)) {
    if (rulesets.length === 0) continue;
    const f = byName.get(name);
    yield { name, hash: f?.hash ?? null, host: f?.host ?? null, vmName: f?.vmName ?? null, rulesets, addrsets: loadAddrsets(db, name) };
  }
}

/** The key a filter is known by: its hash (the key the logs use), else its name. */
const keyOf = (f: { name: string; hash: string | null }) => f.hash ?? f.name;

/** Re-keys a map in filter-name order (the order the per-filter loads always gave). */
function byFilterName<T extends { name: string }>(m: Map<string, T>): Map<string, T> {
  return new Map([...m].sort((a, b) => (a[1].name < b[1].name ? -1 : a[1].name > b[1].name ? 1 : 0)));
}

/**
 * Every filter with realized rules, uncompiled, keyed by filter hash (the key the logs use). A
 * filter whose hash no getfilters output gave cannot be matched to log lines; it is returned
 * under its name. Holds every rule of the store: commands that only evaluate use
 * `loadCompiledFilters`, and load one filter with `loadRealizedFilter` when they must edit it.
 */
export function loadRealizedFilters(db: Db): Map<string, RealizedFilter> {
  const out = new Map<string, RealizedFilter>();
  for (const f of streamRealizedFilters(db)) out.set(keyOf(f), f);
  return byFilterName(out);
}

/** One filter's realized rules (by the key `loadRealizedFilters` uses: hash, else name), or undefined when it has none. */
export function loadRealizedFilter(db: Db, key: string): RealizedFilter | undefined {
  const byName = filtersByName(db);
  let hit: StoredFilter | undefined;
  for (const f of byName.values()) if (f.hash === key) hit = f;
  // a name is the key only of a filter without a hash
  if (hit === undefined && (byName.get(key)?.hash ?? null) !== null) return undefined;
  const name = hit?.name ?? key;
  const rulesets = loadRulesets(db, name);
  if (rulesets.length === 0) return undefined;
  const f = byName.get(name);
  return { name, hash: f?.hash ?? null, host: f?.host ?? null, vmName: f?.vmName ?? null, rulesets, addrsets: loadAddrsets(db, name) };
}

/** Compiles every filter of a realized set; identical parts are compiled once and shared (`cache`). */
export function compileRealized(filters: ReadonlyMap<string, RealizedFilter>, cache: CompileCache = new CompileCache()): Map<string, LoadedFilter> {
  const out = new Map<string, LoadedFilter>();
  for (const [k, f] of filters) out.set(k, compiledOf(f, cache));
  return out;
}

function compiledOf(f: RealizedFilter, cache: CompileCache): LoadedFilter {
  return { name: f.name, hash: f.hash, host: f.host, vmName: f.vmName, compiled: compileFilter({ rulesets: f.rulesets, addrsets: f.addrsets }, cache) };
}

/**
 * Every filter with realized rules, compiled, keyed by filter hash. Streams: each filter's
 * uncompiled rules are dropped once compiled, and filters alike share their compiled parts.
 * `visit` sees each uncompiled filter on the way (what-if builds its changed side from it).
 */
export function loadCompiledFilters(db: Db, cache: CompileCache = new CompileCache(), visit?: (f: RealizedFilter, compiled: LoadedFilter) => void): Map<string, LoadedFilter> {
  const out = new Map<string, LoadedFilter>();
  for (const f of streamRealizedFilters(db)) {
    const c = compiledOf(f, cache);
    out.set(keyOf(f), c);
    visit?.(f, c);
  }
  return byFilterName(out);
}

/** The compiled rules alone, keyed by filter hash: what the replay takes. */
export function compiledOnly(filters: ReadonlyMap<string, LoadedFilter>): Map<string, CompiledFilter> {
  return new Map([...filters].map(([k, v]) => [k, v.compiled]));
}
