import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../model/diagnostics.js';
import { DiagnosticCode } from '../model/diagnostics.js';
import { emptyInventory, type EndpointRef, type Inventory, type PolicySet } from '../model/policy.js';
import { buildPolicySet, loadInventory, loadPolicyYaml, mergeInventory } from '../policy/index.js';
import type { PolicyFragment } from '../policy/antrea-yaml.js';
import { compilePolicySet, evaluateConnection, type ConnectionDecision, type ConnectionSpec } from '../engine/tiered/index.js';
import { parsePolicyFiles } from '../parse/policy-visitor.js';
import { vmInventory } from '../policy/inventory.js';
import { inferOwners } from '../engine/replay.js';
import type { Db } from '../store/open.js';
import { listFilters } from '../store/realized-repo.js';
import { queryEvents } from '../store/events-repo.js';

/** Policies and inventory loaded from files, with every diagnostic and the source texts (for carets). */
export interface LoadedPolicies {
  policySet: PolicySet;
  inventory: Inventory;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  /** endpoints (VM / filter ids) on the NSX exclusion list (`exclude` in .dfw files) */
  excluded: string[];
}

function unreadable(file: string, e: unknown): Diagnostic {
  return {
    code: DiagnosticCode.InputUnreadable,
    severity: 'error',
    span: { file, offset: 0, line: 1, column: 1, length: 0 },
    message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
  };
}

/**
 * Loads policy files (Antrea / Kubernetes YAML; `.dfw` once supported by the policy language)
 * and inventory files (kubectl JSON/YAML, scenario `cluster:`, `vms:`) into one PolicySet over
 * the built-in tiers and one Inventory.
 */
export function loadPolicies(policyFiles: string[], inventoryFiles: string[]): LoadedPolicies {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const fragments: PolicyFragment[] = [];
  let inventory = emptyInventory();
  const dfwFiles = policyFiles.filter((f) => f.endsWith('.dfw'));
  const yamlFiles = policyFiles.filter((f) => !f.endsWith('.dfw'));
  const read = (file: string): string | null => {
    try {
      const text = readFileSync(file, 'utf8');
      sources.set(file, text);
      return text;
    } catch (e) {
      diagnostics.push(unreadable(file, e));
      return null;
    }
  };
  for (const file of yamlFiles) {
    const text = read(file);
    if (text === null) continue;
    const r = loadPolicyYaml(text, file);
    fragments.push(r.value);
    diagnostics.push(...r.diagnostics);
  }
  let dfw: ReturnType<typeof parsePolicyFiles> | null = null;
  if (dfwFiles.length > 0) {
    // .dfw files given together form one policy set (an overlay such as rules/f5-exclude.dfw
    // adds to its base); they carry their own tier family, so they are not merged with YAML
    const texts = dfwFiles.flatMap((file) => {
      const text = read(file);
      return text === null ? [] : [{ text, file }];
    });
    dfw = parsePolicyFiles(texts);
    diagnostics.push(...dfw.diagnostics);
    inventory = mergeInventory(inventory, dfw.value.inventory);
    if (yamlFiles.length > 0) {
      diagnostics.push({
        code: DiagnosticCode.PolicyInvalid,
        severity: 'error',
        span: { file: yamlFiles[0]!, offset: 0, line: 1, column: 1, length: 0 },
        message: 'mixing .dfw and YAML policy files in one evaluation is not supported: give one kind',
      });
    }
  }
  for (const file of inventoryFiles) {
    const text = read(file);
    if (text === null) continue;
    const r = loadInventory(text, file);
    inventory = mergeInventory(inventory, r.value);
    diagnostics.push(...r.diagnostics);
  }
  if (dfw) return { policySet: dfw.value.policySet, inventory, diagnostics, sources, excluded: dfw.value.excluded };
  const policySet = buildPolicySet(fragments, []);
  diagnostics.push(...policySet.diagnostics);
  return { policySet, inventory, diagnostics, sources, excluded: [] };
}

const IP = /^[0-9.]+$|^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$/;

/** `ns/pod` → a Pod, an IP address → a bare IP, anything else → a VM by name. */
export function endpointRef(text: string): EndpointRef {
  if (IP.test(text)) return { kind: 'ip', ip: text };
  const slash = text.indexOf('/');
  if (slash > 0) return { kind: 'pod', namespace: text.slice(0, slash), name: text.slice(slash + 1) };
  return { kind: 'vm', name: text };
}

/** Evaluates one connection under loaded policies: egress on the sender, ingress on the receiver. */
export function evaluatePolicyConnection(
  loaded: LoadedPolicies,
  src: string,
  dst: string,
  conn: ConnectionSpec,
): ConnectionDecision {
  const compiled = compilePolicySet(loaded.policySet, loaded.inventory);
  const excluded = new Set(loaded.excluded.map((name) => compiled.endpointByKey.get(name)).filter((i): i is number => i !== undefined));
  return evaluateConnection(compiled, endpointRef(src), endpointRef(dst), conn, { explain: true, excluded });
}

/**
 * VMs from ingested vsipioctl data: one VM endpoint per stored filter (named by the filter name,
 * labelled with its VM name and hash), owning the addresses getfilters gave it plus those the
 * logs show it owns (traffic delivered IN to the address or sent OUT from it on that filter,
 * by a filter that is not a promiscuous observer). The inference is stated in `notes`.
 */
export function inventoryFromStore(db: Db): { inventory: Inventory; notes: string[] } {
  const events = queryEvents(db, {}).filter((e) => e.producer === 'nsx-dfw');
  const ipsByHash = new Map<string, Set<string>>();
  for (const host of new Set(events.map((e) => e.host ?? ''))) {
    const owners = inferOwners(host, events.filter((e) => (e.host ?? '') === host));
    for (const [key, hash] of owners) {
      const ip = key.slice(key.indexOf('|') + 1);
      let set = ipsByHash.get(hash);
      if (!set) ipsByHash.set(hash, (set = new Set()));
      set.add(ip);
    }
  }
  const filters = listFilters(db);
  const inventory = vmInventory({
    vms: filters.map((f) => ({
      name: f.name,
      filterHash: f.hash,
      filterName: f.name,
      ips: [...new Set([...f.ips, ...(f.hash ? [...(ipsByHash.get(f.hash) ?? [])] : [])])],
      labels: { ...(f.vmName ? { vm: f.vmName } : {}), ...(f.hash ? { 'filter-hash': f.hash } : {}) },
    })),
  });
  const notes = filters.length
    ? [`inventory: ${filters.length} filters from the store; their addresses inferred from logged traffic (not from the manager)`]
    : [];
  return { inventory, notes };
}
