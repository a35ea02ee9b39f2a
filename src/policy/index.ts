/** Policy inputs: Antrea / Kubernetes / network-policy-api YAML, inventories, PolicySet merge. */
export { loadPolicyYaml, loadPolicyNode, readSelector, POLICY_KINDS } from './antrea-yaml.js';
export type { PolicyFragment } from './antrea-yaml.js';
export { cloneInventory, inventoryFromClusterNode, loadInventory, merge as mergeInventory, vmInventory } from './inventory.js';
export { buildPolicySet } from './policy-set.js';
export { MapReader, parseYamlStream, YamlSource } from './yaml-node.js';
export { dfwInventory, parsePolicyFilesWithInventory, INVENTORY_SOURCE } from './dfw-inventory.js';
export { realizeDfwPolicySet, NSXT_RULESET } from './dfw-realized.js';
export type { RealizeOptions, RealizedPolicySet } from './dfw-realized.js';
export { applyDfwChange, removeRule } from './realized-change.js';
export type { RealizedChange, RuleRemoval } from './realized-change.js';
export { filterKey } from './realized-filter.js';
export type { DfwInventoryFilter, RealizedFilterRules } from './realized-filter.js';
