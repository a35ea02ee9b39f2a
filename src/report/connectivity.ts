import type { FlowChain, FlowResult, FlowSide } from '../analysis/connectivity-flow.js';
import type { ConnectivityRow } from '../analysis/connectivity-map.js';
import {
  connEquals,
  connIsEmpty,
  ICMP_CODES,
  ICMP_TYPES,
  ivlEquals,
  ivlText,
  OTHER_PROTOCOLS,
  PORTS,
  set2Cubes,
  set2Equals,
  type ConnSet,
  type Set2,
} from '../analysis/connectivity-set.js';
import { renderJson, renderRows, type Column, type OutputFormat } from './tabular.js';

/**
 * Text of connection sets and the connectivity table. `connText(set, 'nsxanalyzer')` is exactly
 * nsxanalyzer's connection string (grammar: shared/corpus/nsx-analyzer-cases/README.md "How to
 * read expected.txt"); the `nsx` variant appends what that grammar cannot say (ICMPv6, other IP
 * protocols) so nothing permitted is hidden in dfwsim's own formats.
 */

export const CONNECTIVITY_FORMATS = ['table', 'json', 'csv', 'nsxanalyzer'] as const;
export type ConnectivityFormat = (typeof CONNECTIVITY_FORMATS)[number];

const isFull2 = (s: Set2, xs: readonly number[], ys: readonly number[]) =>
  s.length === 1 && s[0]?.lo === xs[0] && s[0]?.hi === xs[1] && ivlEquals(s[0]?.y ?? [], ys);

/** `TCP dst-ports: 80,443`, `TCP,UDP`, `UDP src-ports: 53` cubes, sorted as strings. */
function l4Cubes(set: ConnSet): string[] {
  const out: string[] = [];
  const cubes = (label: string, s: Set2) => {
    for (const { x, y } of set2Cubes(s)) {
      let t = label;
      if (!ivlEquals(x, PORTS)) t += ` src-ports: ${ivlText(x)}`;
      if (!ivlEquals(y, PORTS)) t += ` dst-ports: ${ivlText(y)}`;
      out.push(t);
    }
  };
  if (set.tcp.length > 0 && set2Equals(set.tcp, set.udp)) cubes('TCP,UDP', set.tcp);
  else {
    cubes('TCP', set.tcp);
    cubes('UDP', set.udp);
  }
  return out.sort();
}

function icmpText(s: Set2, label: string): string {
  if (s.length === 0) return '';
  if (isFull2(s, ICMP_TYPES, ICMP_CODES)) return label;
  return set2Cubes(s)
    .map(({ x, y }) => `${label} type: ${ivlText(x)}${ivlEquals(y, ICMP_CODES) ? '' : ` code: ${ivlText(y)}`}`)
    .sort()
    .join(' | ');
}

/** The connection string of a set. */
export function connText(set: ConnSet, style: 'nsx' | 'nsxanalyzer'): string {
  const all = isFull2(set.tcp, PORTS, PORTS) && isFull2(set.udp, PORTS, PORTS) && isFull2(set.icmp, ICMP_TYPES, ICMP_CODES);
  const extraAll = isFull2(set.icmp6, ICMP_TYPES, ICMP_CODES) && ivlEquals(set.proto, OTHER_PROTOCOLS);
  if (all && (style === 'nsxanalyzer' || extraAll)) return 'All Connections';
  const cubes = l4Cubes(set);
  const l4 = cubes.join(' | ');
  const icmp = icmpText(set.icmp, 'ICMP');
  let text: string;
  if (icmp === '') text = l4;
  else if (l4 === '') text = icmp;
  // "ICMP," when all ICMP and the TCP/UDP text ends in a bare TCP or UDP cube (README grammar)
  else if (icmp === 'ICMP' && (cubes[cubes.length - 1] === 'TCP' || cubes[cubes.length - 1] === 'UDP')) text = `ICMP,${l4}`;
  else text = `${icmp};${l4}`;
  if (style === 'nsxanalyzer') return text;
  const extra: string[] = [];
  const v6 = icmpText(set.icmp6, 'ICMPv6');
  if (v6) extra.push(v6);
  if (set.proto.length > 0) extra.push(ivlEquals(set.proto, OTHER_PROTOCOLS) ? 'other IP protocols' : `IP protocols: ${ivlText(set.proto)}`);
  return [text, ...extra].filter(Boolean).join(';') || 'No Connections';
}

/** Structured form of a set for JSON output (port and type sets as nsxanalyzer writes them). */
export function connJson(set: ConnSet): object {
  const l4 = (s: Set2) => set2Cubes(s).map(({ x, y }) => ({ src_ports: ivlText(x), dst_ports: ivlText(y) }));
  const icmp = (s: Set2) => set2Cubes(s).map(({ x, y }) => ({ types: ivlText(x), codes: ivlText(y) }));
  return { TCP: l4(set.tcp), UDP: l4(set.udp), ICMP: icmp(set.icmp), ICMPv6: icmp(set.icmp6), protocols: ivlText(set.proto) };
}

/**
 * nsxanalyzer's `analyze -o txt` (a title, then a tabwriter table whose cells are padded to the
 * widest cell of their column plus one space, the last column unpadded, then an empty line),
 * dfwsim's box table, CSV and JSON.
 */
/** Streams rows to `out` in chunks (a million-row map never becomes one string). */
class ConnectivityTextSink {
  private buf: string[] = [];
  constructor(private readonly out: (text: string) => void) {}
  private line(s: string): void {
    this.buf.push(s);
    if (this.buf.length >= 4096) this.flush();
  }
  flush(): void {
    if (this.buf.length) this.out(`${this.buf.join('\n')}\n`);
    this.buf = [];
  }
  private widths(count: number, get: (i: number) => { src: string; dst: string; conn: string }, head: { src: string; dst: string; conn: string }): [number, number, number] {
    let w1 = head.src.length;
    let w2 = head.dst.length;
    let w3 = head.conn.length;
    for (let i = 0; i < count; i++) {
      const r = get(i);
      if (r.src.length > w1) w1 = r.src.length;
      if (r.dst.length > w2) w2 = r.dst.length;
      if (r.conn.length > w3) w3 = r.conn.length;
    }
    return [w1, w2, w3];
  }
  nsxanalyzer(count: number, get: (i: number) => { src: string; dst: string; conn: string }): void {
    const head = { src: 'Source', dst: 'Destination', conn: 'Permitted connections' };
    const [w1, w2] = this.widths(count, get, head);
    this.line('Analyzed connectivity:');
    const row = (r: { src: string; dst: string; conn: string }) => this.line(`${r.src.padEnd(w1)} |${r.dst.padEnd(w2)} |${r.conn}`);
    row(head);
    for (let i = 0; i < count; i++) row(get(i));
    this.line('');
    this.flush();
  }
  /** The box table renderTable (tabular.ts) draws, written line by line. */
  table(count: number, get: (i: number) => { src: string; dst: string; conn: string }): void {
    const head = { src: 'Source', dst: 'Destination', conn: 'Permitted connections' };
    const ws = this.widths(count, get, head);
    const rule = (l: string, m: string, r: string) => `${l}${ws.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
    const row = (x: { src: string; dst: string; conn: string }) => this.line(`│ ${[x.src, x.dst, x.conn].map((c, k) => c.padEnd(ws[k] ?? 0)).join(' │ ')} │`);
    this.line(rule('┌', '┬', '┐'));
    row(head);
    for (let i = 0; i < count; i++) row(get(i));
    this.line(rule('└', '┴', '┘'));
    this.flush();
  }
  csv(count: number, get: (i: number) => { src: string; dst: string; conn: string }): void {
    const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    this.line('Source,Destination,Permitted connections');
    for (let i = 0; i < count; i++) {
      const r = get(i);
      this.line(`${q(r.src)},${q(r.dst)},${q(r.conn)}`);
    }
    this.flush();
  }
  json(count: number, item: (i: number) => string): void {
    if (count === 0) {
      this.line('[]');
      this.flush();
      return;
    }
    this.line('[');
    for (let i = 0; i < count; i++) this.line(`${item(i)}${i + 1 < count ? ',' : ''}`);
    this.line(']');
    this.flush();
  }
}

/**
 * Collects the rows of a connectivity map compactly (three integers per row: source, destination,
 * connection-set id) and writes them in one of the connectivity formats, streamed.
 */
export class ConnectivityWriter {
  private rows = new Int32Array(3 * 1024);
  private count = 0;
  private names: string[] = [];
  private kinds: string[] = [];
  private readonly sets = new Map<number, { text: string; set: ConnSet; json?: string }>();
  constructor(
    private readonly format: ConnectivityFormat,
    private readonly style: 'nsx' | 'nsxanalyzer',
  ) {}

  add(r: ConnectivityRow): void {
    if (!this.sets.has(r.setId)) this.sets.set(r.setId, { text: connText(r.permitted, this.format === 'nsxanalyzer' ? 'nsxanalyzer' : this.style), set: r.permitted });
    this.names[r.src.index] = r.src.name;
    this.names[r.dst.index] = r.dst.name;
    this.kinds[r.src.index] = r.src.kind;
    this.kinds[r.dst.index] = r.dst.kind;
    if (3 * (this.count + 1) > this.rows.length) {
      const grown = new Int32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows.set([r.src.index, r.dst.index, r.setId], 3 * this.count);
    this.count++;
  }

  /** Writes everything to `out` (in chunks). Rows are already in nsxanalyzer's order (`src \t dst \t conn`). */
  end(out: (text: string) => void): void {
    const sink = new ConnectivityTextSink(out);
    const get = (i: number) => ({
      src: this.names[this.rows[3 * i] ?? 0] ?? '',
      dst: this.names[this.rows[3 * i + 1] ?? 0] ?? '',
      conn: this.sets.get(this.rows[3 * i + 2] ?? 0)?.text ?? '',
    });
    switch (this.format) {
      case 'nsxanalyzer':
        return sink.nsxanalyzer(this.count, get);
      case 'table':
        return sink.table(this.count, get);
      case 'csv':
        return sink.csv(this.count, get);
      case 'json':
        return sink.json(this.count, (i) => {
          const s = this.rows[3 * i] ?? 0;
          const d = this.rows[3 * i + 1] ?? 0;
          const e = this.sets.get(this.rows[3 * i + 2] ?? 0);
          if (e && e.json === undefined) e.json = JSON.stringify(connJson(e.set), null, 2).replace(/\n/g, '\n  ');
          const obj = { src: this.names[s], src_kind: this.kinds[s], dst: this.names[d], dst_kind: this.kinds[d], conn: e?.text ?? '' };
          // the same text renderJson gives for the whole array, built one element at a time
          const head = JSON.stringify(obj, null, 2).replace(/\n}$/, `,\n  "parsed": ${e?.json ?? '{}'}\n}`);
          return `  ${head.replace(/\n/g, '\n  ')}`;
        });
    }
  }
}

/** `[Environment] JUMP_TO_APPLICATION (1) -> [Application] ALLOW (4)`, one chain per part of the flow. */
export function sideWalkthrough(side: FlowSide, style: 'nsx' | 'nsxanalyzer', flow: ConnSet): string {
  const chain = (c: FlowChain) =>
    c.steps.map((s) => `[${s.category}] ${s.action} (${s.rule ? s.rule.label : 'default-layer3-rule, implicit'})`).join(' -> ');
  const whole = side.chains.length === 1 && connEquals(side.chains[0]?.part ?? flow, flow);
  return side.chains.map((c) => (whole ? chain(c) : `${connText(c.part, style)}: ${chain(c)}`)).join('; ');
}

/** eval / explain --policy on an NSX export: one row per side and one for the connection. */
export function renderIntentFlow(r: FlowResult, format: OutputFormat, style: 'nsx' | 'nsxanalyzer', explain: boolean): string {
  const side = (s: FlowSide | null, dir: 'egress' | 'ingress', name: string) => {
    if (!s) return { side: dir, endpoint: name, verdict: 'allow', walkthrough: 'external address: not policed', covered: [] as string[] };
    return { side: dir, endpoint: s.endpoint, verdict: s.verdict, walkthrough: sideWalkthrough(s, style, r.flow), covered: s.covered.map((x) => x.label) };
  };
  const rows = [side(r.egress, 'egress', r.src), side(r.ingress, 'ingress', r.dst)];
  const permitted = connIsEmpty(r.permitted) ? '' : connText(r.permitted, style);
  if (format === 'json') {
    const chains = (s: FlowSide | null) =>
      s?.chains.map((c) => ({
        part: connText(c.part, style),
        steps: c.steps.map((x) => ({ category: x.category, action: x.action, ruleId: x.rule?.ruleId ?? null, rule: x.rule?.label ?? null, policy: x.rule?.policy.name ?? null, at: x.rule?.at.path ?? null })),
      })) ?? null;
    return renderJson({
      src: r.src,
      dst: r.dst,
      flow: connText(r.flow, style),
      verdict: r.verdict,
      permitted: permitted === '' ? null : permitted,
      egress: r.egress ? { endpoint: r.egress.endpoint, verdict: r.egress.verdict, walkthrough: rows[0]?.walkthrough, chains: chains(r.egress), ...(explain ? { covered: rows[0]?.covered } : {}) } : null,
      ingress: r.ingress ? { endpoint: r.ingress.endpoint, verdict: r.ingress.verdict, walkthrough: rows[1]?.walkthrough, chains: chains(r.ingress), ...(explain ? { covered: rows[1]?.covered } : {}) } : null,
    });
  }
  const all = [...rows, { side: 'connection', endpoint: `${r.src} -> ${r.dst}`, verdict: r.verdict, walkthrough: permitted === '' ? 'nothing permitted' : `permitted: ${permitted}`, covered: [] as string[] }];
  const columns: Column<(typeof all)[number]>[] = [
    { header: 'Side', get: (x) => x.side },
    { header: 'Endpoint', get: (x) => x.endpoint },
    { header: 'Verdict', get: (x) => x.verdict },
    { header: 'Walkthrough', get: (x) => x.walkthrough },
  ];
  if (explain) columns.push({ header: 'Also matched (nothing left to decide)', get: (x) => x.covered.join(', ') });
  return renderRows(all, columns, format);
}
