import { isMap } from 'yaml';
import type { Node } from 'yaml';
import type { ParseResult } from '../model/diagnostics.js';
import { emptyInventory } from '../model/policy.js';
import type { ContainerPort, Inventory, NamespaceInfo, PodInfo, PortProtocol, VmInfo } from '../model/policy.js';
import { MapReader, parseYamlStream, scalarValue } from './yaml-node.js';
import type { YamlSource } from './yaml-node.js';

/**
 * Inventories: what policies can select on (antrea.md §4.4 "minimum model"). Three inputs:
 * a scenario `cluster:` block (corpus/antrea-cases schema), `kubectl get pods,namespaces -A
 * -o json|yaml` output (a List of Pods / Namespaces / Nodes), and a VM/filter list
 * `{ vms: [{name, filterHash, filterName, ips, labels?}] }` for NSX-style endpoints.
 * Unknown keys are not reported here: kubectl output carries many fields that do not matter.
 */

function labelsOf(src: YamlSource, r: MapReader | null, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  const n = r?.get(key);
  if (n === undefined || n === null) return out;
  if (!isMap(n)) {
    src.invalid(n, `${r?.path}.${key} must be a mapping`);
    return out;
  }
  for (const item of n.items) {
    const k = scalarValue(item.key as Node);
    const v = scalarValue(item.value as Node);
    if (typeof k === 'string') out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

function strings(r: MapReader, key: string): string[] {
  return r.seq(key).map((n) => String(scalarValue(n) ?? ''));
}

/** The automatic Namespace label K8s (1.21+) adds; the corpus README relies on it. */
function withMetadataName(ns: NamespaceInfo): NamespaceInfo {
  if (ns.labels['kubernetes.io/metadata.name'] === undefined) ns.labels['kubernetes.io/metadata.name'] = ns.name;
  return ns;
}

function readPorts(src: YamlSource, items: Node[], path: string, portKey: string): ContainerPort[] {
  const out: ContainerPort[] = [];
  items.forEach((n, i) => {
    const r = MapReader.of(src, n, `${path}[${i}]`);
    if (!r) return;
    const port = r.num(portKey);
    const protocol = (r.str('protocol') ?? 'TCP').toUpperCase();
    if (port === undefined || !['TCP', 'UDP', 'SCTP'].includes(protocol)) {
      src.invalid(n, `${path}[${i}] needs ${portKey} and protocol TCP|UDP|SCTP`);
      return;
    }
    out.push({ port, protocol: protocol as PortProtocol, name: r.str('name') ?? null });
  });
  return out;
}

/** Inventory from a scenario's `cluster:` mapping node. */
export function inventoryFromClusterNode(src: YamlSource, node: Node): Inventory {
  const inv = emptyInventory();
  const r = MapReader.of(src, node, 'cluster');
  if (!r) return inv;
  r.seq('namespaces').forEach((n, i) => {
    const nr = MapReader.of(src, n, `cluster.namespaces[${i}]`);
    const name = nr?.str('name');
    if (!nr || !name) return void src.invalid(n, `cluster.namespaces[${i}].name is required`);
    inv.namespaces.push(withMetadataName({ name, labels: labelsOf(src, nr, 'labels') }));
  });
  r.seq('pods').forEach((n, i) => {
    const path = `cluster.pods[${i}]`;
    const pr = MapReader.of(src, n, path);
    const namespace = pr?.str('namespace');
    const name = pr?.str('name');
    if (!pr || !namespace || !name) return void src.invalid(n, `${path} needs namespace and name`);
    inv.pods.push({
      namespace,
      name,
      labels: labelsOf(src, pr, 'labels'),
      ip: pr.str('ip') ?? null,
      node: pr.str('node') ?? null,
      serviceAccount: pr.str('serviceAccount') ?? 'default',
      ports: readPorts(src, pr.seq('ports'), `${path}.ports`, 'port'),
    });
  });
  r.seq('nodes').forEach((n, i) => {
    const nr = MapReader.of(src, n, `cluster.nodes[${i}]`);
    const name = nr?.str('name');
    if (!nr || !name) return void src.invalid(n, `cluster.nodes[${i}].name is required`);
    const ip = nr.str('ip');
    inv.nodes.push({ name, ips: ip ? [ip] : [], labels: labelsOf(src, nr, 'labels') });
  });
  r.seq('vms').forEach((n, i) => {
    const vm = readVm(src, n, `cluster.vms[${i}]`);
    if (vm) inv.vms.push(vm);
  });
  addMissingNamespaces(inv);
  return inv;
}

function readVm(src: YamlSource, n: Node, path: string): VmInfo | null {
  const r = MapReader.of(src, n, path);
  const name = r?.str('name');
  if (!r || !name) {
    src.invalid(n, `${path}.name is required`);
    return null;
  }
  return {
    name,
    filterHash: r.str('filterHash') ?? null,
    filterName: r.str('filterName') ?? null,
    ips: strings(r, 'ips'),
    labels: labelsOf(src, r, 'labels'),
  };
}

/** A Pod referenced by a Namespace that is not listed gets an unlabeled Namespace entry. */
function addMissingNamespaces(inv: Inventory): void {
  const known = new Set(inv.namespaces.map((n) => n.name));
  for (const p of inv.pods) {
    if (!known.has(p.namespace)) {
      known.add(p.namespace);
      inv.namespaces.push(withMetadataName({ name: p.namespace, labels: {} }));
    }
  }
}

/** One kubectl object (Pod / Namespace / Node) into `inv`. */
function addKubeObject(src: YamlSource, n: Node, inv: Inventory): void {
  const r = MapReader.of(src, n, 'item');
  if (!r) return;
  const kind = r.str('kind');
  if (kind === 'List' || kind?.endsWith('List')) {
    for (const it of r.seq('items')) addKubeObject(src, it, inv);
    return;
  }
  const meta = r.map('metadata');
  const name = meta?.str('name');
  if (!meta || !name) return void src.invalid(n, `${kind ?? 'object'} needs metadata.name`);
  const labels = labelsOf(src, meta, 'labels');
  switch (kind) {
    case 'Namespace':
      inv.namespaces.push(withMetadataName({ name, labels }));
      return;
    case 'Pod': {
      const spec = r.map('spec');
      const status = r.map('status');
      const ports: ContainerPort[] = [];
      spec?.seq('containers').forEach((c, i) => {
        const cr = MapReader.of(src, c, `spec.containers[${i}]`);
        if (cr) ports.push(...readPorts(src, cr.seq('ports'), `spec.containers[${i}].ports`, 'containerPort'));
      });
      const pod: PodInfo = {
        namespace: meta.str('namespace') ?? 'default',
        name,
        labels,
        ip: status?.str('podIP') ?? null,
        node: spec?.str('nodeName') ?? null,
        serviceAccount: spec?.str('serviceAccountName') ?? 'default',
        ports,
      };
      inv.pods.push(pod);
      return;
    }
    case 'Node': {
      const status = r.map('status');
      const ips: string[] = [];
      status?.seq('addresses').forEach((a) => {
        const ar = MapReader.of(src, a, 'status.addresses[]');
        const t = ar?.str('type');
        const addr = ar?.str('address');
        if (addr && (t === 'InternalIP' || t === 'ExternalIP')) ips.push(addr);
      });
      inv.nodes.push({ name, ips, labels });
      return;
    }
    default:
      // Other kinds in a kubectl dump (Services, Deployments ...) do not select anything.
      return;
  }
}

/**
 * Load an inventory file: kubectl `-o json`/`-o yaml` output, a scenario-style `cluster:`
 * block (alone or under `cluster:`), or a VM list `{ vms: [...] }`.
 */
export function loadInventory(text: string, file: string): ParseResult<Inventory> {
  const { source, docs } = parseYamlStream(text, file);
  const inv = emptyInventory();
  for (const doc of docs) {
    const root = doc.contents as Node | null;
    if (!isMap(root)) {
      if (root !== null) source.invalid(root, 'an inventory document must be a mapping');
      continue;
    }
    const r = new MapReader(source, root, 'inventory');
    const cluster = r.get('cluster');
    if (cluster) {
      merge(inv, inventoryFromClusterNode(source, cluster));
    } else if (r.has('kind')) {
      addKubeObject(source, root, inv);
    } else if (r.has('pods') || r.has('namespaces') || r.has('vms')) {
      merge(inv, inventoryFromClusterNode(source, root));
    } else {
      source.invalid(root, 'not an inventory: expected kubectl output (kind: List), cluster:, or vms:');
    }
  }
  addMissingNamespaces(inv);
  return { value: inv, diagnostics: source.diagnostics };
}

/** VM / filter inventory from a plain object (hook for the NSX side). */
export function vmInventory(input: { vms: Array<{ name: string; filterHash?: string | null; filterName?: string | null; ips?: string[]; labels?: Record<string, string> }> }): Inventory {
  const inv = emptyInventory();
  for (const v of input.vms) {
    inv.vms.push({
      name: v.name,
      filterHash: v.filterHash ?? null,
      filterName: v.filterName ?? null,
      ips: v.ips ?? [],
      labels: v.labels ?? {},
    });
  }
  return inv;
}

/** Append `b` into `a` (later duplicates of a Pod / Namespace replace earlier ones). */
export function merge(a: Inventory, b: Inventory): Inventory {
  const put = <T>(list: T[], items: T[], key: (t: T) => string): void => {
    const idx = new Map(list.map((t, i) => [key(t), i]));
    for (const it of items) {
      const i = idx.get(key(it));
      if (i === undefined) {
        idx.set(key(it), list.length);
        list.push(it);
      } else list[i] = it;
    }
  };
  put(a.namespaces, b.namespaces, (n) => n.name);
  put(a.pods, b.pods, (p) => `${p.namespace}/${p.name}`);
  put(a.nodes, b.nodes, (n) => n.name);
  put(a.vms, b.vms, (v) => v.name);
  return a;
}

/** Deep copy (label actions mutate a copy per scenario step). */
export function cloneInventory(inv: Inventory): Inventory {
  return structuredClone(inv);
}
