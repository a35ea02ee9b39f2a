/** Policy inputs: Antrea / Kubernetes / network-policy-api YAML, inventories, PolicySet merge. */
export { loadPolicyYaml, loadPolicyNode, readSelector, POLICY_KINDS } from './antrea-yaml.js';
export type { PolicyFragment } from './antrea-yaml.js';
export { cloneInventory, inventoryFromClusterNode, loadInventory, merge as mergeInventory, vmInventory } from './inventory.js';
export { buildPolicySet } from './policy-set.js';
export { MapReader, parseYamlStream, YamlSource } from './yaml-node.js';
