/**
 * `vsipioctl getaddrsets -f <filter> [-a <set>]` text (and the NSX-V Central CLI `... addrsets`)
 * -> GetaddrsetsDocument (reference/vsipioctl.md 5). Line by line, like getrules: prompt lines give
 * the filter and are dropped, every other line is parsed alone with grammar/getaddrsets.
 */
import { Lexer } from 'chevrotain';
import { GetaddrsetsParser } from '../../grammar/getaddrsets/parser.js';
import { getaddrsetsTokens } from '../../grammar/getaddrsets/tokens.js';
import type { AddrsetLineCstNode } from '../../grammar/generated/getaddrsets.js';
import type { AddressValueCstNode } from '../../grammar/generated/rule-line.js';
import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import type { AddrSet, GetaddrsetsDocument } from '../model/rule.js';
import { lexDiagnostics, parseDiagnostic } from './getrules-diagnostics.js';
import { looksFlattened, parsePrompt, splitLines, type SourceLine } from './getrules-prompt.js';
import { addressText } from './getrules-visitor.js';

// Built once per process and reused.
const lexer = new Lexer(getaddrsetsTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });
const parser = new GetaddrsetsParser();

/** Parses one getaddrsets output. Never throws on bad input. */
export function parseGetaddrsets(text: string, file: string): ParseResult<GetaddrsetsDocument> {
  return parseGetaddrsetsLines(splitLines(text), file);
}

/** The same, over lines already split (one block of a capture, original offsets kept). */
export function parseGetaddrsetsLines(lines: SourceLine[], file: string): ParseResult<GetaddrsetsDocument> {
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
    const lexed = lexer.tokenize(line.text);
    if (lexed.errors.length > 0) {
      diagnostics.push(...lexDiagnostics(lexed.errors, line, file));
      continue;
    }
    parser.input = lexed.tokens;
    const cst = parser.addrsetLine() as AddrsetLineCstNode;
    const err = parser.errors[0];
    if (err !== undefined) {
      diagnostics.push(parseDiagnostic(err, lexed.tokens, parser, 'addrsetLine', line, file));
      continue;
    }
    const c = cst.children;
    const first = lexed.tokens[0];
    const col0 = first?.startOffset ?? 0;
    if (c.addrsetOpen?.[0]) {
      if (current !== null) {
        diagnostics.push({ code: DiagnosticCode.ParseMismatchedToken, severity: 'warning', span: whole(line),
          message: `addrset ${current.name} is not closed before the next addrset starts`, text: line.text.trim() });
      }
      const name = c.addrsetOpen[0].children.addrsetName[0]?.children;
      current = {
        name: (name?.Name?.[0] ?? name?.Uuid?.[0])?.image ?? '',
        entries: [],
        span: { file, offset: line.offset + col0, line: line.line, column: col0 + 1, length: line.text.length - col0 },
      };
      doc.addrsets.push(current);
      justClosedEmpty = false;
    } else if (c.addrsetEntry?.[0]) {
      const e = c.addrsetEntry[0].children;
      if (current === null) {
        diagnostics.push({ code: DiagnosticCode.ParseMismatchedToken, severity: 'error', span: { ...whole(line), column: col0 + 1, offset: line.offset + col0 },
          message: "address entry outside any 'addrset NAME {' block: not stored", text: line.text.trim() });
        continue;
      }
      current.entries.push({ kind: e.Mac ? 'mac' : 'ip', value: addressText(e.addressValue[0] as AddressValueCstNode) });
    } else if (c.addrsetClose) {
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
