/**
 * `vsipioctl getaddrsets -f <filter> [-a <set>]` text (and the NSX-V Central CLI `... addrsets`)
 * -> GetaddrsetsDocument (reference/vsipioctl.md 5). Line by line, like getrules: prompt lines give
 * the filter and are dropped, every other line is read alone (the fast scanner, or grammar/getaddrsets
 * for any line the scanner does not take: vsip-line-reader.ts).
 */
import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import type { AddrSet, GetaddrsetsDocument } from '../model/rule.js';
import { looksFlattened, parsePrompt, type SourceLine } from './getrules-prompt.js';
import type { AddrsetLineReader } from './vsip-line.js';
import { readAddrsetLine } from './vsip-line-reader.js';

/**
 * Parses one getaddrsets output over lines already split (one block of a capture, original offsets
 * kept). Never throws on bad input. `read` is the line reader (tests pass the grammar alone).
 */
export function parseGetaddrsetsLines(lines: SourceLine[], file: string, read: AddrsetLineReader = readAddrsetLine): ParseResult<GetaddrsetsDocument> {
  const diagnostics: Diagnostic[] = [];
  const doc: GetaddrsetsDocument = { filter: null, addrsets: [] };
  let current: AddrSet | null = null;
  // The set closed by the previous `}`: a second `}` right after an empty set is the NSX-V 6.2
  // Central CLI quirk (reference 5, corpus getaddrsets-nsxv-2/3) and is silently accepted.
  let justClosedEmpty = false;
  const whole = (l: SourceLine) => ({ file, offset: l.offset, line: l.line, column: 1, length: l.text.length });

  for (const line of lines) {
    const prompt = parsePrompt(line.text);
    if (prompt !== null) {
      if (doc.filter === null && prompt.filter !== null) doc.filter = prompt.filter;
      if (looksFlattened(prompt.command)) diagnostics.push(flat(line));
      continue;
    }
    if (line.text.trim() === '') continue;
    if (looksFlattened(line.text)) {
      diagnostics.push(flat(line));
      continue;
    }
    const v = read(line, file);
    if (v.kind === 'invalid') {
      diagnostics.push(...v.diagnostics);
      continue;
    }
    const col0 = v.column0;
    if (v.kind === 'open') {
      if (current !== null) {
        diagnostics.push({ code: DiagnosticCode.ParseMismatchedToken, severity: 'warning', span: whole(line),
          message: `addrset ${current.name} is not closed before the next addrset starts`, text: line.text.trim() });
      }
      current = {
        name: v.name,
        entries: [],
        span: { file, offset: line.offset + col0, line: line.line, column: col0 + 1, length: line.text.length - col0 },
      };
      doc.addrsets.push(current);
      justClosedEmpty = false;
    } else if (v.kind === 'entry') {
      if (current === null) {
        diagnostics.push({ code: DiagnosticCode.ParseMismatchedToken, severity: 'error', span: { ...whole(line), column: col0 + 1, offset: line.offset + col0 },
          message: "address entry outside any 'addrset NAME {' block: not stored", text: line.text.trim() });
        continue;
      }
      current.entries.push(v.entry);
    } else {
      if (current !== null) {
        current.span.length = line.offset + line.text.trimEnd().length - current.span.offset;
        justClosedEmpty = current.entries.length === 0;
        current = null;
      } else if (justClosedEmpty) {
        justClosedEmpty = false;
      } else {
        diagnostics.push({ code: DiagnosticCode.ParseMismatchedToken, severity: 'warning', span: { ...whole(line), column: col0 + 1, offset: line.offset + col0 },
          message: "'}' with no open addrset: ignored", text: line.text.trim() });
      }
    }
  }
  if (current !== null) {
    diagnostics.push({ code: DiagnosticCode.ParseEarlyExit, severity: 'warning', span: { ...current.span, length: 0 },
      message: `addrset ${current.name} has no closing '}' (output cut?); its entries are kept` });
  }
  return { value: doc, diagnostics };

  function flat(line: SourceLine): Diagnostic {
    return { code: DiagnosticCode.InputFlattened, severity: 'error', span: whole(line),
      message: 'several addrset lines on one line: its line breaks were lost; not parsed',
      text: line.text.length > 200 ? `${line.text.slice(0, 200).trim()}...` : line.text.trim() };
  }
}
