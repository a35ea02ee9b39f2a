/**
 * `vsipioctl getrules -f <filter>` text (and the identical NSX-V Central CLI `show dfw host ... filter
 * ... rules`) -> GetrulesDocument (reference/vsipioctl.md 4).
 *
 * 1. A line pre-pass: prompt lines give the filter name and are dropped; blank lines are dropped;
 *    flattened lines (line breaks lost) are rejected; PowerNSX "underscored" rule lines are read
 *    with blanks for `_` (corpus getrules-nsxv-fragment-3).
 * 2. Every other line is read on its own (the fast scanner, or the `getrulesLine` entry rule of
 *    grammar/getrules for any line the scanner does not take: vsip-line-reader.ts), so one bad rule
 *    line yields one diagnostic and loses no other rule.
 * 3. A small state machine assembles rulesets, sections and the 0-based evaluation index.
 */
import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import type { GetrulesSink } from '../model/realized-sink.js';
import type { GetrulesDocument, RealizedRule, Ruleset } from '../model/rule.js';
import type { SourceSpan } from '../model/source-span.js';
import { looksFlattened, parsePrompt, type SourceLine } from './getrules-prompt.js';
import type { RuleStatementFields, StatementIssue } from './getrules-visitor.js';
import type { GetrulesLineReader } from './vsip-line.js';
import { readGetrulesLine } from './vsip-line-reader.js';

/**
 * Name of the ruleset that collects rule lines printed outside any `ruleset NAME {` block (published
 * fragments). An empty name never clashes with a real one (`domain-cN`, `mainrs`).
 */
export const FRAGMENT_RULESET = '';

const UNDERSCORED = /^\s*(?:#_internal_#_)?rule_\d+_at_\d+_/;

/**
 * Parses one getrules output over lines already split (parseVsipCapture hands over one block of a
 * larger file, with the original offsets and line numbers). Never throws on bad input: problems come
 * back as diagnostics. `read` is the line reader (tests pass the grammar alone).
 */
export function parseGetrulesLines(lines: SourceLine[], file: string, read: GetrulesLineReader = readGetrulesLine): ParseResult<GetrulesDocument> {
  const doc = new GetrulesDocumentSink();
  const reader = new GetrulesReader(file, doc, read);
  for (const line of lines) reader.push(line);
  reader.end();
  return { value: doc.doc, diagnostics: reader.diagnostics };
}

/** Collects what a {@link GetrulesReader} reads into a GetrulesDocument. */
export class GetrulesDocumentSink implements GetrulesSink {
  readonly doc: GetrulesDocument = { filter: null, rulesets: [] };

  open(set: Ruleset): void {
    this.doc.rulesets.push(set);
  }
  rule(set: Ruleset, rule: RealizedRule): void {
    set.rules.push(rule);
  }
  close(): void {}
  end(filter: string | null): void {
    this.doc.filter = filter;
  }
}

/**
 * One getrules output read line by line (a capture's block as it is read), its rulesets and rules
 * handed to `sink` as they complete; nothing is kept here but the ruleset being read.
 */
export class GetrulesReader {
  readonly diagnostics: Diagnostic[] = [];
  private filter: string | null = null;
  private warnedUnderscore = false;
  private last: SourceLine | undefined;
  private readonly b: Builder;

  constructor(
    private readonly file: string,
    private readonly sink: GetrulesSink,
    read: GetrulesLineReader = readGetrulesLine,
  ) {
    this.b = new Builder(sink, this.diagnostics, file, read);
  }

  push(src: SourceLine): void {
    this.last = src;
    let line = src;
    const prompt = parsePrompt(line.text);
    if (prompt !== null) {
      if (this.filter === null && prompt.filter !== null) this.filter = prompt.filter;
      this.b.filter = this.filter;
      // A prompt followed by the whole output on the same line: the flattened corpus capture.
      if (looksFlattened(prompt.command)) this.diagnostics.push(flattened(line, this.file));
      return;
    }
    if (line.text.trim() === '') return;
    if (looksFlattened(line.text)) {
      this.diagnostics.push(flattened(line, this.file));
      return;
    }
    if (UNDERSCORED.test(line.text)) {
      // PowerNSX quoted rule lines inside an error message with every blank as `_` (powernsx #466).
      line = { ...line, text: line.text.replace(/_/g, ' ') };
      if (!this.warnedUnderscore) {
        this.warnedUnderscore = true;
        this.diagnostics.push({
          code: DiagnosticCode.Unverified, severity: 'warning', span: lineSpanOf(line, this.file),
          message: "rule lines with '_' for every blank (PowerNSX error text): read with blanks; names holding '_' would be altered",
          text: src.text.trim(),
        });
      }
    }
    this.b.line(line);
  }

  /** The output is over (the last line pushed ends an unclosed ruleset's span). */
  end(): void {
    this.b.finish(this.last);
    this.sink.end(this.filter);
  }
}

function flattened(line: SourceLine, file: string): Diagnostic {
  const n = line.text.match(/(?:^|[\s;])rule \d+ at \d+/g)?.length ?? 0;
  return {
    code: DiagnosticCode.InputFlattened,
    severity: 'error',
    span: lineSpanOf(line, file),
    message: `line holds ${n} rule statement(s) and header comments on one line: its line breaks were lost, so '#' headers cannot be delimited; not parsed`,
    text: line.text.length > 200 ? `${line.text.slice(0, 200).trim()}...` : line.text.trim(),
  };
}

function lineSpanOf(line: SourceLine, file: string): SourceSpan {
  return { file, offset: line.offset, line: line.line, column: 1, length: line.text.length };
}

/** Assembles rulesets from classified lines. */
class Builder {
  /** the output's filter so far (its prompt comes first) */
  filter: string | null = null;
  private current: Ruleset | null = null;
  /** rules of the current ruleset so far: the next one's 0-based index */
  private count = 0;
  private section: string | null = null;

  constructor(
    private readonly sink: GetrulesSink,
    private readonly diagnostics: Diagnostic[],
    private readonly file: string,
    private readonly read: GetrulesLineReader,
  ) {}

  line(line: SourceLine): void {
    const v = this.read(line, this.file);
    switch (v.kind) {
      case 'invalid':
        this.diagnostics.push(...v.diagnostics);
        return;
      case 'open':
        return this.open(v.name, line, v.column0);
      case 'close':
        return this.close(line);
      case 'header':
        return this.header(v.image, line);
      case 'rule':
        return this.rule(v.fields, v.issues, line, v.start, v.end);
    }
  }

  finish(last: SourceLine | undefined): void {
    if (this.current !== null && this.current.name !== FRAGMENT_RULESET && last !== undefined) {
      this.diagnostics.push({
        code: DiagnosticCode.ParseEarlyExit, severity: 'warning', span: { ...this.current.span, length: 0 },
        message: `ruleset ${this.current.name} has no closing '}' (output cut?); its rules are kept`,
      });
      this.current.span.length = last.offset + last.text.length - this.current.span.offset;
    }
    this.leave();
  }

  /** The current ruleset (if any) is over: it goes to the sink as it is now. */
  private leave(): void {
    if (this.current !== null) this.sink.close(this.current);
    this.current = null;
  }

  private enter(set: Ruleset): void {
    this.current = set;
    this.count = 0;
    this.section = null;
    this.sink.open(set, this.filter);
  }

  private open(name: string, line: SourceLine, col0: number): void {
    if (this.current !== null && this.current.name !== FRAGMENT_RULESET) {
      this.diagnostics.push({
        code: DiagnosticCode.ParseMismatchedToken, severity: 'warning', span: lineSpanOf(line, this.file),
        message: `ruleset ${this.current.name} is not closed before the next ruleset starts`,
        text: line.text.trim(),
      });
    }
    this.leave();
    this.enter({
      name,
      // `_L2` rulesets are Ethernet (reference 4.1).
      layer: /_L2$/.test(name) ? 'L2' : 'L3',
      generation: null,
      realizationTime: null,
      rules: [],
      span: { file: this.file, offset: line.offset + col0, line: line.line, column: col0 + 1, length: line.text.length - col0 },
    });
  }

  private close(line: SourceLine): void {
    if (this.current === null || this.current.name === FRAGMENT_RULESET) {
      this.diagnostics.push({
        code: DiagnosticCode.ParseMismatchedToken, severity: 'warning', span: lineSpanOf(line, this.file),
        message: "'}' with no open ruleset: ignored",
        text: line.text.trim(),
      });
      this.leave();
      return;
    }
    this.current.span.length = line.offset + line.text.trimEnd().length - this.current.span.offset;
    this.leave();
    this.section = null;
  }

  /** Header comments (reference 4.1). Note the blank before the colon of `realization time :`. */
  private header(image: string, line: SourceLine): void {
    const body = image.replace(/^#\s*/, '').trim();
    const gen = /^generation number\s*:\s*(\S+)/.exec(body);
    const real = /^realization time\s*:\s*(.+)$/.exec(body);
    const rs = this.current;
    if (gen?.[1] !== undefined && rs !== null) rs.generation = gen[1];
    else if (real?.[1] !== undefined && rs !== null) rs.realizationTime = real[1].trim();
    // Any `# <words> rules` header opens a section (reference 4.6: categories beyond APP may appear).
    else if (/\brules$/i.test(body)) this.section = body;
    else {
      this.diagnostics.push({
        code: DiagnosticCode.Unverified, severity: 'info', span: lineSpanOf(line, this.file),
        message: rs === null ? 'header comment outside a ruleset: ignored' : 'unknown header comment: ignored',
        text: line.text.trim(),
      });
    }
  }

  /** A rule statement; `start`/`end` are the columns of its first token and the end of its `;`. */
  private rule(fields: RuleStatementFields, issues: StatementIssue[], line: SourceLine, start: number, end: number): void {
    if (issues.length > 0) {
      for (const i of issues) {
        this.diagnostics.push({
          code: DiagnosticCode.ParseMismatchedToken, severity: 'error',
          span: { file: this.file, offset: line.offset + i.offset, line: line.line, column: i.offset + 1, length: i.length },
          message: i.message,
          text: line.text.trim(),
        });
      }
      return; // a bad value is not stored (STYLE habit 6)
    }
    let rs = this.current;
    if (rs === null) {
      // Rule lines outside any ruleset: a published fragment. Keep them, in an unnamed ruleset.
      rs = {
        name: FRAGMENT_RULESET,
        layer: fields.ethertype !== null ? 'L2' : 'L3',
        generation: null, realizationTime: null, rules: [],
        span: { file: this.file, offset: line.offset, line: line.line, column: 1, length: 0 },
      };
      this.enter(rs);
      this.diagnostics.push({
        code: DiagnosticCode.Unverified, severity: 'info', span: lineSpanOf(line, this.file),
        message: "rule lines outside any 'ruleset NAME {' block (a fragment): kept in an unnamed ruleset",
        text: line.text.trim(),
      });
    }
    const index = this.count++;
    let position = fields.position;
    if (position === null) {
      this.diagnostics.push({
        code: DiagnosticCode.Unverified, severity: 'warning', span: lineSpanOf(line, this.file),
        message: `rule ${fields.ruleId} has no 'at' position: its order in the ruleset (${index + 1}) is used`,
        text: line.text.trim(),
      });
      position = index + 1;
    }
    const f = fields;
    // One literal with every field listed (no spread): a single object shape for all rules, which
    // keeps a 17,000-rule document fast (house bench: under 2 s).
    const rule: RealizedRule = {
      ruleset: rs.name, section: this.section, ruleId: f.ruleId, position, index, internal: f.internal,
      direction: f.direction, af: f.af, protocol: f.protocol, ethertype: f.ethertype, strict: f.strict,
      stateless: f.stateless, icmpType: f.icmpType, icmpCode: f.icmpCode, src: f.src, srcPorts: f.srcPorts,
      dst: f.dst, dstPorts: f.dstPorts, extensions: f.extensions, action: f.action, log: f.log, alg: f.alg, tag: f.tag,
      span: { file: this.file, offset: line.offset + start, line: line.line, column: start + 1, length: end - start },
      text: line.text.slice(start, end),
    };
    this.sink.rule(rs, rule);
    if (rs.name === FRAGMENT_RULESET) rs.span.length = line.offset + end - rs.span.offset;
  }
}
