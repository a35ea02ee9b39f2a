import type { AddrSet, Ruleset } from '../model/rule.js';

/**
 * One filter's realized rules, uncompiled: what `vsipioctl getrules -f` + `getaddrsets -f` print for
 * it. The same shape as the store's `RealizedFilter` (src/analysis/realized.ts), so either can be
 * handed to `compileFilter` / `compileRealized`.
 */
export interface RealizedFilterRules {
  /** filter name (`nic-11251234-eth1-vmware-sfw.2`), or the `.dfw` filter id when no name is known */
  name: string;
  /** the hash log events use (`53210`), or null when no source gave one */
  hash: string | null;
  host: string | null;
  vmName: string | null;
  rulesets: Ruleset[];
  addrsets: AddrSet[];
}

/** The key a filter's realized rules are stored under: its hash (what log lines carry), else its name. */
export function filterKey(f: { hash: string | null; name: string }): string {
  return f.hash ?? f.name;
}

/**
 * One filter the store knows (getfilters / summarize-dvfilter), as the `.dfw` resolver and the
 * realizer need it. Built by {@link dfwInventory} (src/policy/dfw-inventory.ts).
 */
export interface DfwInventoryFilter {
  /** filter name */
  name: string;
  hash: string | null;
  vmName: string | null;
  host: string | null;
  ips: string[];
  /** the L3 ruleset name the filter has in the store (`domain-c7`), null when it has no rules there */
  rulesetName: string | null;
}
