/**
 * `vsipioctl getaddrsets -f <filter> [-a <set>]` text (and the NSX-V Central CLI `... addrsets`)
 * -> GetaddrsetsDocument (reference/vsipioctl.md 5). Line by line, like getrules: prompt lines give
 * the filter and are dropped, every other line is read alone (the fast scanner, or grammar/getaddrsets
 * for any line the scanner does not take: vsip-line-reader.ts).
 */
import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import type { AddrsetsSink } from '../model/realized-sink.js';
import type { AddrSet, GetaddrsetsDocument } from '../model/rule.js';
import { looksFlattened, parsePrompt, type SourceLine } from './getrules-prompt.js';
import type { AddrsetLineReader } from './vsip-line.js';
import { readAddrsetLine } from './vsip-line-reader.js';

/**
 * Parses one getaddrsets output over lines already split (one block of a capture, original offsets
 * kept). Never throws on bad input. `read` is the line reader (tests pass the grammar alone).
 */
export function parseGetaddrsetsLines(lines: SourceLine[], file: string, read: AddrsetLineReader = readAddrsetLine): ParseResult<GetaddrsetsDocument> {
  const doc: GetaddrsetsDocument = { filter: null, addrsets: [] };
  const reader = new GetaddrsetsReader(file, {
    set: (a) => void doc.addrsets.push(a),
    end: (filter) => void (doc.filter = filter),
  }, read);
  for (const line of lines) reader.push(line);
  reader.end();
  return { value: doc, diagnostics: reader.diagnostics };
}

/**
 * One getaddrsets output read line by line, each set handed to `sink` once it is complete (its
 * `}`, the next set's opening line, or the end); only the set being read is kept.
 */
export class GetaddrsetsReader {
  readonly diagnostics: Diagnostic[] = [];
  private filter: string | null = null;
  private current: AddrSet | null = null;
  // The set closed by the previous `}`: a second `}` right after an empty set is the NSX-V 6.2
  // Central CLI quirk (reference 5, corpus getaddrsets-nsxv-2/3) and is silently accepted.
  private justClosedEmpty = false;

  constructor(
    private readonly file: string,
    private readonly sink: AddrsetsSink,
    private readonly read: AddrsetLineReader = readAddrsetLine,
  ) {}

  push(line: SourceLine): void {
    const { file, diagnostics } = this;
    const prompt = parsePrompt(line.text);
    if (prompt !== null) {
      if (this.filter === null && prompt.filter !== null) this.filter = prompt.filter;
      if (looksFlattened(prompt.command)) diagnostics.push(this.flat(line));
      return;
    }
    if (line.text.trim() === '') return;
    if (looksFlattened(line.text)) {
      diagnostics.push(this.flat(line));
      return;
    }
    const v = this.read(line, file);
    if (v.kind === 'invalid') {
      diagnostics.push(...v.diagnostics);
      return;
    }
    const col0 = v.column0;
    const current = this.current;
    if (v.kind === 'open') {
      if (current !== null) {
        diagnostics.push({ code: DiagnosticCode.ParseMismatchedToken, severity: 'warning', span: this.whole(line),
          message: `addrset ${current.name} is not closed before the next addrset starts`, text: line.text.trim() });
        this.sink.set(current, this.filter);
      }
      this.current = {
        name: v.name,
        entries: [],
        span: { file, offset: line.offset + col0, line: line.line, column: col0 + 1, length: line.text.length - col0 },
      };
      this.justClosedEmpty = false;
    } else if (v.kind === 'entry') {
      if (current === null) {
        diagnostics.push({ code: DiagnosticCode.ParseMismatchedToken, severity: 'error', span: { ...this.whole(line), column: col0 + 1, offset: line.offset + col0 },
          message: "address entry outside any 'addrset NAME {' block: not stored", text: line.text.trim() });
        return;
      }
      current.entries.push(v.entry);
    } else if (current !== null) {
      current.span.length = line.offset + line.text.trimEnd().length - current.span.offset;
      this.justClosedEmpty = current.entries.length === 0;
      this.current = null;
      this.sink.set(current, this.filter);
    } else if (this.justClosedEmpty) {
      this.justClosedEmpty = false;
    } else {
      diagnostics.push({ code: DiagnosticCode.ParseMismatchedToken, severity: 'warning', span: { ...this.whole(line), column: col0 + 1, offset: line.offset + col0 },
        message: "'}' with no open addrset: ignored", text: line.text.trim() });
    }
  }

  end(): void {
    const current = this.current;
    if (current !== null) {
      this.diagnostics.push({ code: DiagnosticCode.ParseEarlyExit, severity: 'warning', span: { ...current.span, length: 0 },
        message: `addrset ${current.name} has no closing '}' (output cut?); its entries are kept` });
      this.current = null;
      this.sink.set(current, this.filter);
    }
    this.sink.end(this.filter);
  }

  private whole(l: SourceLine) {
    return { file: this.file, offset: l.offset, line: l.line, column: 1, length: l.text.length };
  }

  private flat(line: SourceLine): Diagnostic {
    return { code: DiagnosticCode.InputFlattened, severity: 'error', span: this.whole(line),
      message: 'several addrset lines on one line: its line breaks were lost; not parsed',
      text: line.text.length > 200 ? `${line.text.slice(0, 200).trim()}...` : line.text.trim() };
  }
}
