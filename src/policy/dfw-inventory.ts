/**
 * The store's filters as `.dfw` names: so a change file can say `applied-to f5-bigip-01`,
 * `exclude 53210` or `applied-to nic-11251234-eth1-vmware-sfw.2` without declaring the filters
 * itself. The store's filters are written as `filter` declarations of one extra, generated
 * source that is parsed with the user's files (the resolver then treats them like any other
 * declaration: by filter name, VM name, hash).
 */
import type { ParseResult } from '../model/diagnostics.js';
import type { Filter } from '../model/filter.js';
import type { Ruleset } from '../model/rule.js';
import { parseIp } from '../net/ip.js';
import { parsePolicyFiles, type DfwPolicyDocument, type PolicySource } from '../parse/policy-visitor.js';
import type { DfwInventoryFilter } from './realized-filter.js';

/** The file name diagnostics give for the generated declarations. */
export const INVENTORY_SOURCE = '<store filters>';

/**
 * The inventory the `.dfw` side needs from the store's filters (`listFilters`): name, hash, VM
 * name, host, addresses, and the L3 ruleset name each filter has realized (from
 * `loadRealizedFilters`, matched by filter name), which realization reuses.
 */
export function dfwInventory(
  filters: readonly Filter[],
  realized: ReadonlyMap<string, { name: string; rulesets: readonly Pick<Ruleset, 'name' | 'layer'>[] }> = new Map(),
): DfwInventoryFilter[] {
  const rulesetByName = new Map<string, string>();
  for (const r of realized.values()) {
    const l3 = r.rulesets.find((s) => s.layer === 'L3');
    if (l3 !== undefined) rulesetByName.set(r.name, l3.name);
  }
  const seen = new Set<string>();
  const out: DfwInventoryFilter[] = [];
  for (const f of filters) {
    // the same filter seen by getfilters and summarize-dvfilter on one host is one row; keep the first
    if (seen.has(f.name)) continue;
    seen.add(f.name);
    out.push({ name: f.name, hash: f.hash, vmName: f.vmName, host: f.host, ips: [...f.ips], rulesetName: rulesetByName.get(f.name) ?? null });
  }
  return out;
}

/**
 * Parses `.dfw` files as one policy set, with the inventory's filters declared as well. A filter
 * the files declare themselves (same hash or filter name) keeps the files' declaration; so does a
 * name the files already use for a filter or group.
 */
export function parsePolicyFilesWithInventory(sources: readonly PolicySource[], inventory: readonly DfwInventoryFilter[]): ParseResult<DfwPolicyDocument> {
  if (inventory.length === 0) return parsePolicyFiles(sources);
  const own = parsePolicyFiles(sources).value;
  const taken = new Set<string>([...own.policySet.groups.map((g) => g.name), ...own.filters.map((f) => f.id)]);
  const hashes = new Set(own.filters.flatMap((f) => (f.hash === null ? [] : [f.hash])));
  const names = new Set(own.filters.flatMap((f) => (f.filterName === null ? [] : [f.filterName])));
  const lines = inventory
    .filter((f) => !taken.has(f.name) && !names.has(f.name) && (f.hash === null || !hashes.has(f.hash)))
    .map(declaration)
    .filter((l): l is string => l !== null);
  if (lines.length === 0) return parsePolicyFiles(sources);
  return parsePolicyFiles([...sources, { file: INVENTORY_SOURCE, text: `${lines.join('\n')}\n` }]);
}

/** `filter 'NAME' hash 'H' name 'NAME' vm 'VM' ip A, B`; null when the name cannot be quoted. */
function declaration(f: DfwInventoryFilter): string | null {
  const q = (s: string): string | null => (/['\n\r]/.test(s) ? null : `'${s}'`);
  const name = q(f.name);
  if (name === null) return null;
  const parts = [`filter ${name}`];
  const hash = f.hash === null ? null : q(f.hash);
  if (hash !== null) parts.push(`hash ${hash}`);
  parts.push(`name ${name}`);
  const vm = f.vmName === null ? null : q(f.vmName);
  if (vm !== null) parts.push(`vm ${vm}`);
  // a filter owns single addresses; anything else the store holds is not declarable
  const ips = f.ips.filter((ip) => parseIp(ip) !== null);
  if (ips.length > 0) parts.push(`ip ${ips.join(', ')}`);
  return parts.join(' ');
}
