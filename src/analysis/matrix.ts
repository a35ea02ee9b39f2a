import { isMap, isSeq } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Diagnostic, ParseResult } from '../model/diagnostics.js';
import type { Inventory } from '../model/policy.js';
import { compilePolicySet, resolveEndpoint } from '../engine/tiered/compile.js';
import type { CompiledPolicySet } from '../engine/tiered/compile.js';
import { evaluateResolved, resolveSide } from '../engine/tiered/evaluate.js';
import type { ConnectionSpec, ConnVerdict, EvaluateOptions } from '../engine/tiered/evaluate.js';
import { computeEndpointMatrix, MARKS } from '../engine/tiered/matrix.js';
import { loadPolicyNode } from '../policy/antrea-yaml.js';
import type { PolicyFragment } from '../policy/antrea-yaml.js';
import { cloneInventory, inventoryFromClusterNode } from '../policy/inventory.js';
import { buildPolicySet } from '../policy/policy-set.js';
import { MapReader, parseYamlStream, scalarValue } from '../policy/yaml-node.js';
import type { YamlSource } from '../policy/yaml-node.js';

/**
 * Runs the scenario files of shared/corpus/antrea-cases (schema in its README.md): per step,
 * apply the cumulative label actions, load the step's complete resource set, compile it
 * against the cluster, and compute the reachability matrix for each probe (or each single
 * probe), then compare with the expectation.
 */

/** A matrix as in the scenario schema: rows keyed by source, one verdict per column. */
export interface MatrixTable {
  columns: string[];
  rows: Record<string, ConnVerdict[]>;
}

/** One differing cell. */
export interface Mismatch {
  from: string;
  to: string;
  expected: ConnVerdict;
  actual: ConnVerdict;
  /** which table: the combined matrix, or a per-direction one (cyclonus prints those) */
  view?: 'matrix' | 'ingress-only' | 'egress-only';
}

/** A differing cell the scenario itself documents as a disagreement with Antrea. */
export interface KnownDisagreement extends Mismatch {
  reason: string;
  /** the verdict under the scenario's own stated assumption (it must equal `expected`) */
  underScenarioAssumption: ConnVerdict;
}

/** The result of one probe of one step. */
export interface MatrixResult {
  case: string;
  file: string;
  step: string;
  stepIndex: number;
  /** `TCP/80`, `ICMP type 8 code 0` */
  probe: string;
  kind: 'matrix' | 'single';
  /** computed matrix (matrix probes) */
  matrix: MatrixTable | null;
  /** expected matrix, or the single expected verdict */
  expected: MatrixTable | ConnVerdict | null;
  /** single probes: `from`, `to`, actual verdict and the walkthrough line */
  from?: string;
  to?: string;
  actual?: ConnVerdict;
  walkthrough?: string;
  mismatches: Mismatch[];
  knownDisagreements: KnownDisagreement[];
  notes: string[];
}

/** Options for running scenarios. */
export interface ScenarioOptions {
  /** also compare the per-direction matrices some cases carry (default true) */
  directional?: boolean;
}

interface Probe {
  conn: ConnectionSpec;
  label: string;
  node: Node;
  from?: string;
  to?: string;
  expected?: ConnVerdict;
}

function isVerdict(v: unknown): v is ConnVerdict {
  return v === 'Con' || v === 'Drp' || v === 'Rej';
}

function probeLabel(c: ConnectionSpec): string {
  const p = typeof c.protocol === 'number' ? String(c.protocol) : c.protocol.toUpperCase();
  if (p === 'ICMP') return `ICMP${c.icmpType !== undefined ? ` type ${c.icmpType}` : ''}${c.icmpCode !== undefined ? ` code ${c.icmpCode}` : ''}`;
  return c.port !== undefined ? `${p}/${c.port}` : p;
}

function readProbe(src: YamlSource, n: Node, path: string): Probe | null {
  const r = MapReader.of(src, n, path);
  if (!r) return null;
  const protocol = r.str('protocol');
  if (!protocol) {
    src.invalid(n, `${path}.protocol is required`);
    return null;
  }
  const conn: ConnectionSpec = { protocol: protocol.toUpperCase() };
  const port = r.num('port');
  if (port !== undefined) conn.port = port;
  const t = r.num('icmpType');
  if (t !== undefined) conn.icmpType = t;
  const code = r.num('icmpCode');
  if (code !== undefined) conn.icmpCode = code;
  const probe: Probe = { conn, label: probeLabel(conn), node: n };
  const from = r.str('from');
  const to = r.str('to');
  const expected = r.str('expected');
  if (from !== undefined || to !== undefined) {
    if (!from || !to || !isVerdict(expected)) {
      src.invalid(n, `${path}: a single probe needs from, to and expected Con|Drp|Rej`);
      return null;
    }
    probe.from = from;
    probe.to = to;
    probe.expected = expected;
  }
  return probe;
}

function readTable(src: YamlSource, node: Node | null | undefined, path: string): MatrixTable | null {
  if (node === undefined || node === null) return null;
  const r = MapReader.of(src, node, path);
  if (!r) return null;
  const columns = r.seq('columns').map((c) => String(scalarValue(c) ?? ''));
  const rowsNode = r.get('rows');
  const rows: Record<string, ConnVerdict[]> = {};
  if (isMap(rowsNode)) {
    for (const item of rowsNode.items) {
      const k = String(scalarValue(item.key as Node) ?? '');
      const v = item.value as Node | null;
      if (!isSeq(v)) {
        src.invalid(v ?? rowsNode, `${path}.rows.${k} must be a list`);
        continue;
      }
      const marks = (v.items as Node[]).map((x) => scalarValue(x));
      if (marks.length !== columns.length || !marks.every(isVerdict)) {
        src.invalid(v, `${path}.rows.${k} must hold ${columns.length} marks Con|Drp|Rej`);
        continue;
      }
      rows[k] = marks as ConnVerdict[];
    }
  } else src.invalid(rowsNode ?? node, `${path}.rows must be a mapping`);
  return { columns, rows };
}

/** Apply one `actions_before_probe` entry to the (cumulative) inventory. */
function applyAction(src: YamlSource, inv: Inventory, n: Node, path: string): void {
  const r = MapReader.of(src, n, path);
  if (!r) return;
  const action = r.str('action');
  const podRef = r.str('pod');
  const pod = podRef ? inv.pods.find((p) => `${p.namespace}/${p.name}` === podRef) : undefined;
  switch (action) {
    case 'set-pod-label': {
      const key = r.str('key');
      const value = r.str('value') ?? '';
      if (!pod || key === undefined) return void src.invalid(n, `${path}: unknown pod or missing key`);
      pod.labels[key] = value;
      return;
    }
    case 'remove-pod-label': {
      const key = r.str('key');
      if (!pod || key === undefined) return void src.invalid(n, `${path}: unknown pod or missing key`);
      delete pod.labels[key];
      return;
    }
    case 'replace-namespace-labels': {
      const name = r.str('namespace');
      const ns = inv.namespaces.find((x) => x.name === name);
      const labelsNode = r.get('labels');
      if (!ns) return void src.invalid(n, `${path}: unknown namespace ${name ?? ''}`);
      const labels: Record<string, string> = {};
      if (isMap(labelsNode)) {
        for (const item of labelsNode.items) {
          labels[String(scalarValue(item.key as Node))] = String(scalarValue(item.value as Node) ?? '');
        }
      }
      // The API server keeps the automatic name label on every Namespace.
      labels['kubernetes.io/metadata.name'] = ns.name;
      ns.labels = labels;
      return;
    }
    default:
      src.invalid(n, `${path}.action ${action ?? ''} is not set-pod-label|remove-pod-label|replace-namespace-labels`);
  }
}

function endpointOf(c: CompiledPolicySet, ref: string): ReturnType<typeof resolveEndpoint> {
  const [ns, name] = ref.includes('/') ? ref.split('/', 2) : [undefined, ref];
  if (ns !== undefined && name !== undefined) return resolveEndpoint(c, { kind: 'pod', namespace: ns, name });
  return resolveEndpoint(c, { kind: 'ip', ip: ref });
}

const LOOPBACK_REASON =
  'the scenario polices Pod->own-IP traffic (assumptions.loopback_traffic_subject_to_policy: true, cyclonus model); ' +
  'Antrea never polices it (antrea.md §0.0a, §9.2): dfwsim follows Antrea';

/**
 * Run one scenario document. `doc` is the YAML text of a scenario file (or an already
 * parsed document with its source). Never throws on bad input; diagnostics carry positions.
 */
export function runScenario(doc: string, file: string, opts: ScenarioOptions = {}): ParseResult<MatrixResult[]> {
  const { source, docs } = parseYamlStream(doc, file);
  const results: MatrixResult[] = [];
  const first = docs[0] as Document.Parsed | undefined;
  if (first && first.errors.length > 0) return { value: results, diagnostics: source.diagnostics };
  if (!first || !isMap(first.contents)) {
    source.invalid(first?.contents as Node | undefined, 'a scenario file must be one YAML mapping');
    return { value: results, diagnostics: source.diagnostics };
  }
  const root = new MapReader(source, first.contents, 'scenario');
  const id = root.str('id') ?? file;
  const clusterNode = root.get('cluster');
  if (!clusterNode) {
    source.invalid(first.contents, 'scenario.cluster is required');
    return { value: results, diagnostics: source.diagnostics };
  }
  const assumptions = root.map('assumptions');
  const loopbackPoliced = assumptions?.bool('loopback_traffic_subject_to_policy') === true;
  const ephemeral = assumptions?.seq('client_source_port_range').map((n) => Number(scalarValue(n)));
  const srcPortRange =
    ephemeral && ephemeral.length === 2 && ephemeral.every(Number.isInteger)
      ? { lo: ephemeral[0] ?? 0, hi: ephemeral[1] ?? 0 }
      : undefined;
  const inventory = inventoryFromClusterNode(source, clusterNode);
  const steps = root.seq('steps');
  if (steps.length === 0) source.invalid(first.contents, 'scenario.steps is required');
  const directional = opts.directional ?? true;

  steps.forEach((stepNode, stepIndex) => {
    const sp = `steps[${stepIndex}]`;
    const step = MapReader.of(source, stepNode, sp);
    if (!step) return;
    const stepName = step.str('name') ?? `step ${stepIndex + 1}`;
    // Label actions accumulate across steps (README "Key points").
    step.seq('actions_before_probe').forEach((a, i) => applyAction(source, inventory, a, `${sp}.actions_before_probe[${i}]`));
    const fragment: PolicyFragment = { tiers: [], policies: [], groups: [] };
    const before = source.diagnostics.length;
    for (const res of step.seq('resources')) loadPolicyNode(source, res, fragment);
    const set = buildPolicySet([fragment]);
    source.diagnostics.push(...set.diagnostics);
    const stepDiags = source.diagnostics.slice(before);
    const compiled = compilePolicySet(set, cloneInventory(inventory));
    const expected = step.map('expected');
    const expMatrix = readTable(source, expected?.get('matrix'), `${sp}.expected.matrix`);
    const views: Array<{ view: 'ingress-only' | 'egress-only'; table: MatrixTable }> = [];
    if (directional) {
      const ing = readTable(source, expected?.get('ingress_only_matrix'), `${sp}.expected.ingress_only_matrix`);
      const eg = readTable(source, expected?.get('egress_only_matrix'), `${sp}.expected.egress_only_matrix`);
      if (ing) views.push({ view: 'ingress-only', table: ing });
      if (eg) views.push({ view: 'egress-only', table: eg });
    }
    const notes = stepDiags
      .filter((d) => d.severity !== 'info')
      .map((d) => `${d.span.file}:${d.span.line}:${d.span.column} ${d.code} ${d.message}`);
    step.seq('probes').forEach((pn, pi) => {
      const probe = readProbe(source, pn, `${sp}.probes[${pi}]`);
      if (!probe) return;
      if (srcPortRange && probe.conn.srcPort === undefined) probe.conn.srcPortRange = srcPortRange;
      const base = { case: id, file, step: stepName, stepIndex, probe: probe.label };
      if (probe.from !== undefined && probe.to !== undefined && probe.expected !== undefined) {
        const s = endpointOf(compiled, probe.from);
        const d = endpointOf(compiled, probe.to);
        if (s.index < 0 && s.ip === null) source.invalid(pn, `${sp}.probes[${pi}].from: unknown Pod ${probe.from}`);
        if (d.index < 0 && d.ip === null) source.invalid(pn, `${sp}.probes[${pi}].to: unknown Pod ${probe.to}`);
        const r = evaluateResolved(compiled, s, d, probe.conn);
        const mismatches: Mismatch[] =
          r.verdict === probe.expected ? [] : [{ from: probe.from, to: probe.to, expected: probe.expected, actual: r.verdict }];
        results.push({
          ...base,
          kind: 'single',
          matrix: null,
          expected: probe.expected,
          from: probe.from,
          to: probe.to,
          actual: r.verdict,
          walkthrough: r.walkthrough,
          mismatches,
          knownDisagreements: [],
          notes: [...notes, ...r.conflicts.map((x) => `nondeterministic: ${x} has the same priority and a different action (antrea.md §2)`)],
        });
        return;
      }
      // Matrix probe: sources = expected rows (or every Pod), destinations = expected columns.
      const allPods = compiled.endpoints.filter((e) => e.kind === 'pod').map((e) => e.key);
      const columns = expMatrix?.columns ?? allPods;
      const rowKeys = expMatrix ? Object.keys(expMatrix.rows) : allPods;
      const idx = (k: string): number => {
        const i = compiled.endpointByKey.get(k);
        if (i === undefined) source.invalid(pn, `${sp}: matrix names unknown Pod ${k}`);
        return i ?? -1;
      };
      const rowIdx = rowKeys.map(idx);
      const colIdx = columns.map(idx);
      if (rowIdx.some((i) => i < 0) || colIdx.some((i) => i < 0)) return;
      const m = computeEndpointMatrix(compiled, rowIdx, colIdx, probe.conn);
      const table: MatrixTable = { columns, rows: {} };
      rowKeys.forEach((rk, i) => {
        table.rows[rk] = colIdx.map((_, j) => MARKS[m.cells[i * colIdx.length + j] ?? 0] ?? 'Con');
      });
      const result: MatrixResult = {
        ...base,
        kind: 'matrix',
        matrix: table,
        expected: expMatrix,
        mismatches: [],
        knownDisagreements: [],
        notes: [...notes],
      };
      const compare = (view: NonNullable<Mismatch['view']>, exp: MatrixTable, actualOf: (from: string, to: string, j: number, i: number) => ConnVerdict, policedOf: (from: string, to: string) => ConnVerdict): void => {
        rowKeys.forEach((rk, i) => {
          exp.columns.forEach((ck, j) => {
            const e = exp.rows[rk]?.[j];
            if (e === undefined) return;
            const a = actualOf(rk, ck, j, i);
            if (a === e) return;
            const mm: Mismatch = { from: rk, to: ck, expected: e, actual: a, view };
            if (rk === ck && loopbackPoliced) {
              const underAssumption = policedOf(rk, ck);
              if (underAssumption === e) {
                result.knownDisagreements.push({ ...mm, reason: LOOPBACK_REASON, underScenarioAssumption: underAssumption });
                return;
              }
            }
            result.mismatches.push(mm);
          });
        });
      };
      const policed: EvaluateOptions = { selfTraffic: 'policed' };
      if (expMatrix) {
        compare('matrix', expMatrix, (_f, _t, j, i) => table.rows[rowKeys[i] ?? '']?.[j] ?? 'Con', (f, t) => evaluateResolved(compiled, endpointOf(compiled, f), endpointOf(compiled, t), probe.conn, policed).verdict);
      }
      for (const v of views) {
        const dir = v.view === 'ingress-only' ? 'ingress' : 'egress';
        const one = (f: string, t: string, o: EvaluateOptions): ConnVerdict => {
          const s = endpointOf(compiled, f);
          const d = endpointOf(compiled, t);
          if (s.index === d.index && (o.selfTraffic ?? 'exempt') === 'exempt') return 'Con';
          const local = dir === 'ingress' ? d : s;
          const remote = dir === 'ingress' ? s : d;
          const verdict = resolveSide(compiled, dir, local.index, { index: remote.index, ip: remote.ip }, probe.conn).verdict;
          return MARKS[verdict === 'allow' ? 0 : verdict === 'drop' ? 1 : 2];
        };
        compare(v.view, v.table, (f, t) => one(f, t, {}), (f, t) => one(f, t, policed));
      }
      if (result.knownDisagreements.length > 0) {
        result.notes.push(`${result.knownDisagreements.length} self-traffic cell(s) differ from the scenario: ${LOOPBACK_REASON}`);
      }
      results.push(result);
    });
  });
  return { value: results, diagnostics: source.diagnostics };
}

/** Errors among diagnostics (exit 2 material). */
export function hasErrors(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}
