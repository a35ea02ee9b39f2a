/**
 * The chevrotain readers of getrules and getaddrsets lines (grammar/getrules, grammar/getaddrsets):
 * the reference for every line and the fallback for the lines the fast scanner does not recognise.
 * Importing this module registers them with vsip-line-reader.ts; the lexers and parsers are built on
 * first use (building them costs more than most inputs take to read).
 */
import { Lexer } from 'chevrotain';
import { GetaddrsetsParser } from '../../grammar/getaddrsets/parser.js';
import { getaddrsetsTokens } from '../../grammar/getaddrsets/tokens.js';
import type { AddrsetLineCstNode } from '../../grammar/generated/getaddrsets.js';
import type { GetrulesLineCstNode } from '../../grammar/generated/getrules.js';
import type { AddressValueCstNode } from '../../grammar/generated/rule-line.js';
import { GetrulesParser } from '../../grammar/getrules/parser.js';
import { getrulesTokens } from '../../grammar/getrules/tokens.js';
import { lexDiagnostics, parseDiagnostic } from './getrules-diagnostics.js';
import type { SourceLine } from './getrules-prompt.js';
import { addressText, ruleStatementFields } from './getrules-visitor.js';
import type { AddrsetLineValue, GetrulesLineValue } from './vsip-line.js';
import { registerLineGrammars } from './vsip-line-reader.js';

// onlyOffset tracking: line and column are derived from the physical line, which is cheaper.
let getrules: { lexer: Lexer; parser: GetrulesParser } | undefined;
let getaddrsets: { lexer: Lexer; parser: GetaddrsetsParser } | undefined;

/** One getrules line through the lexer, the `getrulesLine` rule and the CST reader. */
export function grammarGetrulesLine(line: SourceLine, file: string): GetrulesLineValue {
  getrules ??= { lexer: new Lexer(getrulesTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true }), parser: new GetrulesParser() };
  const { lexer, parser } = getrules;
  const lexed = lexer.tokenize(line.text);
  if (lexed.errors.length > 0) return { kind: 'invalid', diagnostics: lexDiagnostics(lexed.errors, line, file) };
  parser.input = lexed.tokens;
  const cst = parser.getrulesLine() as GetrulesLineCstNode;
  const err = parser.errors[0];
  if (err !== undefined) return { kind: 'invalid', diagnostics: [parseDiagnostic(err, lexed.tokens, parser, 'getrulesLine', line, file)] };
  const c = cst.children;
  const first = lexed.tokens[0];
  if (c.rulesetOpen?.[0]) {
    const name = c.rulesetOpen[0].children.Name?.[0] ?? c.rulesetOpen[0].children.Uuid?.[0];
    return { kind: 'open', name: name?.image ?? '', column0: first?.startOffset ?? 0 };
  }
  if (c.rulesetClose) return { kind: 'close' };
  if (c.headerComment?.[0]) return { kind: 'header', image: c.headerComment[0].children.HeaderComment[0]?.image ?? '#' };
  const statement = c.ruleStatement?.[0];
  if (statement === undefined) throw new Error('grammar invariant: getrulesLine matched no alternative');
  const { fields, issues } = ruleStatementFields(statement, line.text);
  const last = lexed.tokens[lexed.tokens.length - 1];
  const start = first?.startOffset ?? 0;
  const end = last !== undefined ? last.startOffset + last.image.length : line.text.length;
  return { kind: 'rule', fields, issues, start, end };
}

/** One getaddrsets line through the lexer and the `addrsetLine` rule. */
export function grammarAddrsetLine(line: SourceLine, file: string): AddrsetLineValue {
  getaddrsets ??= { lexer: new Lexer(getaddrsetsTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true }), parser: new GetaddrsetsParser() };
  const { lexer, parser } = getaddrsets;
  const lexed = lexer.tokenize(line.text);
  if (lexed.errors.length > 0) return { kind: 'invalid', diagnostics: lexDiagnostics(lexed.errors, line, file) };
  parser.input = lexed.tokens;
  const cst = parser.addrsetLine() as AddrsetLineCstNode;
  const err = parser.errors[0];
  if (err !== undefined) return { kind: 'invalid', diagnostics: [parseDiagnostic(err, lexed.tokens, parser, 'addrsetLine', line, file)] };
  const c = cst.children;
  const column0 = lexed.tokens[0]?.startOffset ?? 0;
  if (c.addrsetOpen?.[0]) {
    const name = c.addrsetOpen[0].children.addrsetName[0]?.children;
    return { kind: 'open', name: (name?.Name?.[0] ?? name?.Uuid?.[0])?.image ?? '', column0 };
  }
  if (c.addrsetEntry?.[0]) {
    const e = c.addrsetEntry[0].children;
    return { kind: 'entry', entry: { kind: e.Mac ? 'mac' : 'ip', value: addressText(e.addressValue[0] as AddressValueCstNode) }, column0 };
  }
  return { kind: 'close', column0 };
}

registerLineGrammars({ getrules: grammarGetrulesLine, getaddrsets: grammarAddrsetLine });
