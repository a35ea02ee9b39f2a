import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { DiagnosticCode } from '../model/diagnostics.js';
import type { Diagnostic, Severity } from '../model/diagnostics.js';
import type { SourceSpan } from '../model/source-span.js';

/**
 * Position-keeping helpers over eemeli/yaml nodes: every value read from a policy document can
 * be turned into a SourceSpan (0-based offset, 1-based line/column), and every key that the
 * reader did not consume is reported, so no field is ever ignored silently.
 */
export class YamlSource {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly file: string,
    readonly text: string,
    readonly lineCounter: LineCounter,
  ) {}

  /** Span of a node (or of the whole document start when the node has no range). */
  span(node: Node | null | undefined): SourceSpan {
    const range = node?.range;
    if (!range) return { file: this.file, offset: 0, line: 1, column: 1, length: 0 };
    return this.spanAt(range[0], Math.max(0, range[1] - range[0]));
  }

  /** Span of an offset range. */
  spanAt(offset: number, length: number): SourceSpan {
    const pos = this.lineCounter.linePos(offset);
    return { file: this.file, offset, line: pos.line, column: pos.col, length };
  }

  /** The source line containing `span`, trimmed (for Diagnostic.text). */
  lineText(span: SourceSpan): string {
    const start = this.lineCounter.lineStarts[span.line - 1] ?? 0;
    const next = this.lineCounter.lineStarts[span.line];
    return this.text.slice(start, next ?? this.text.length).trim();
  }

  report(code: DiagnosticCode, severity: Severity, node: Node | null | undefined, message: string): void {
    const span = this.span(node);
    this.diagnostics.push({ code, severity, span, message, text: this.lineText(span) });
  }

  invalid(node: Node | null | undefined, message: string): void {
    this.report(DiagnosticCode.PolicyInvalid, 'error', node, message);
  }
}

/** Parse a (multi-document) YAML text, turning YAML syntax errors into diagnostics. */
export function parseYamlStream(text: string, file: string): { source: YamlSource; docs: Document.Parsed[] } {
  const lineCounter = new LineCounter();
  const source = new YamlSource(file, text, lineCounter);
  const parsed = parseAllDocuments(text, { keepSourceTokens: true, lineCounter, uniqueKeys: false });
  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    for (const err of doc.errors) {
      const span = source.spanAt(err.pos[0], Math.max(0, err.pos[1] - err.pos[0]));
      source.diagnostics.push({
        code: DiagnosticCode.PolicyInvalid,
        severity: 'error',
        span,
        message: `YAML: ${(err.message.split('\n')[0] ?? err.code).replace(/ at line \d+, column \d+:?$/, '')}`,
        text: source.lineText(span),
      });
    }
  }
  return { source, docs };
}

/** A scalar's JS value, or undefined for non-scalars. */
export function scalarValue(node: Node | null | undefined): unknown {
  return isScalar(node) ? node.value : undefined;
}

/**
 * Reads one YAML mapping, remembering which keys were consumed. `finish()` reports every key
 * left over: a key in `unsupported` gets that explanation; any other key is "unknown field".
 */
export class MapReader {
  private readonly used = new Set<string>();
  constructor(
    readonly src: YamlSource,
    readonly node: YAMLMap,
    /** dotted path for messages (`spec.ingress[0]`) */
    readonly path: string,
  ) {}

  /** The reader of `node` when it is a mapping; otherwise reports `policy/invalid` and returns null. */
  static of(src: YamlSource, node: Node | null | undefined, path: string): MapReader | null {
    if (isMap(node)) return new MapReader(src, node, path);
    src.invalid(node, `${path} must be a mapping`);
    return null;
  }

  private pair(key: string): Pair<Node, Node> | undefined {
    for (const item of this.node.items as Pair<Node, Node>[]) {
      if (scalarValue(item.key) === key) return item;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.pair(key) !== undefined;
  }

  /** The value node of `key` (marks it consumed); null when the key is present with no value. */
  get(key: string): Node | null | undefined {
    const p = this.pair(key);
    if (!p) return undefined;
    this.used.add(key);
    return p.value ?? null;
  }

  /** The key node of `key`, for spans of the key itself. */
  keyNode(key: string): Node | undefined {
    return this.pair(key)?.key ?? undefined;
  }

  /** Mark keys as consumed without reading them (documented as not affecting verdicts). */
  ignore(...keys: string[]): void {
    for (const k of keys) this.used.add(k);
  }

  str(key: string): string | undefined {
    const n = this.get(key);
    if (n === undefined || n === null) return undefined;
    const v = scalarValue(n);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.src.invalid(n, `${this.path}.${key} must be a string`);
    return undefined;
  }

  num(key: string): number | undefined {
    const n = this.get(key);
    if (n === undefined || n === null) return undefined;
    const v = scalarValue(n);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    this.src.invalid(n, `${this.path}.${key} must be a number`);
    return undefined;
  }

  bool(key: string): boolean | undefined {
    const n = this.get(key);
    if (n === undefined || n === null) return undefined;
    const v = scalarValue(n);
    if (typeof v === 'boolean') return v;
    this.src.invalid(n, `${this.path}.${key} must be true or false`);
    return undefined;
  }

  /** Items of a sequence value; [] when absent or null; reports a non-sequence. */
  seq(key: string): Node[] {
    const n = this.get(key);
    if (n === undefined || n === null) return [];
    if (isSeq(n)) return n.items as Node[];
    this.src.invalid(n, `${this.path}.${key} must be a list`);
    return [];
  }

  /** Sub-reader for a mapping value; null when absent. `{}` / null value gives an empty reader. */
  map(key: string): MapReader | null {
    const n = this.get(key);
    if (n === undefined) return null;
    if (n === null || (isScalar(n) && n.value === null)) {
      return new MapReader(this.src, { items: [], range: this.keyNode(key)?.range } as unknown as YAMLMap, `${this.path}.${key}`);
    }
    return MapReader.of(this.src, n, `${this.path}.${key}`);
  }

  /** Report every key that was not consumed. */
  finish(unsupported: Readonly<Record<string, string>> = {}): void {
    for (const item of this.node.items as Pair<Node, Node>[]) {
      const k = scalarValue(item.key);
      const key = typeof k === 'string' ? k : String(k);
      if (this.used.has(key)) continue;
      const why = unsupported[key];
      this.src.report(
        DiagnosticCode.PolicyUnsupportedField,
        'warning',
        item.key ?? item.value,
        why ? `${this.path}.${key}: ${why}` : `${this.path}.${key}: unknown field, not modelled`,
      );
    }
  }
}
