import { compilePolicySet } from '../../src/engine/tiered/compile.js';
import type { CompiledPolicySet } from '../../src/engine/tiered/compile.js';
import type { Diagnostic } from '../../src/model/diagnostics.js';
import type { Inventory, PodInfo } from '../../src/model/policy.js';
import { loadPolicyYaml } from '../../src/policy/antrea-yaml.js';
import { buildPolicySet } from '../../src/policy/policy-set.js';

/** Namespaces and Pods of the test fixture (the Antrea e2e shape: x/y/z × a/b/c). */
export const NAMESPACES = ['x', 'y', 'z'] as const;
export const PODS = ['a', 'b', 'c'] as const;
export const ALL = NAMESPACES.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

/** IP of a fixture Pod: 10.0.<ns index + 1>.<pod index + 1>. */
export function ipOf(ref: string): string {
  const [ns, p] = ref.split('/');
  return `10.0.${NAMESPACES.indexOf(ns as 'x') + 1}.${PODS.indexOf(p as 'a') + 1}`;
}

/** The fixture inventory: every Pod serves TCP/UDP/SCTP 80-81 and TCP 8080-8085, named serve-<port> (TCP). */
export function fixtureInventory(): Inventory {
  const pods: PodInfo[] = ALL.map((ref) => {
    const [namespace = '', name = ''] = ref.split('/');
    return {
      namespace,
      name,
      labels: { pod: name, app: name },
      ip: ipOf(ref),
      node: 'node-1',
      serviceAccount: 'default',
      ports: [
        ...[80, 81].flatMap((port) => [
          { port, protocol: 'TCP' as const, name: `serve-${port}` },
          { port, protocol: 'UDP' as const, name: `serve-${port}-udp` },
          { port, protocol: 'SCTP' as const, name: null },
        ]),
        ...[8080, 8081, 8082, 8083, 8084, 8085].map((port) => ({ port, protocol: 'TCP' as const, name: `serve-${port}` })),
      ],
    };
  });
  return {
    namespaces: NAMESPACES.map((name) => ({ name, labels: { ns: name, 'kubernetes.io/metadata.name': name } })),
    pods,
    nodes: [{ name: 'node-1', ips: ['192.168.0.1'], labels: { 'kubernetes.io/hostname': 'node-1' } }],
    vms: [],
  };
}

/** Load YAML resources and compile them on the fixture; fails loudly on error diagnostics. */
export function compileYaml(yaml: string, inv: Inventory = fixtureInventory()): { compiled: CompiledPolicySet; diagnostics: Diagnostic[] } {
  const loaded = loadPolicyYaml(yaml, 'case.yaml');
  const set = buildPolicySet([loaded.value], loaded.diagnostics);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`fixture policy has errors: ${errors.map((d) => `${d.span.line}:${d.span.column} ${d.message}`).join('; ')}`);
  }
  return { compiled: compilePolicySet(set, inv), diagnostics: set.diagnostics };
}

/**
 * Inline span markers (STYLE habit 14): `<|` and `|>` around the expected span. Returns the
 * text without markers and the 1-based line/column and length of each marked span.
 */
export function markers(text: string): { text: string; spans: Array<{ line: number; column: number; length: number; offset: number }> } {
  const spans: Array<{ line: number; column: number; length: number; offset: number }> = [];
  let out = '';
  let i = 0;
  let open = -1;
  while (i < text.length) {
    if (text.startsWith('<|', i)) {
      open = out.length;
      i += 2;
    } else if (text.startsWith('|>', i)) {
      const before = out.slice(0, open);
      const line = before.split('\n').length;
      const column = open - before.lastIndexOf('\n');
      spans.push({ line, column, length: out.length - open, offset: open });
      i += 2;
    } else {
      out += text[i];
      i++;
    }
  }
  return { text: out, spans };
}
