/**
 * Turns chevrotain lexer/parser errors of one physical line into Diagnostics, with the expected
 * tokens computed by content assist (so the message names what would have been valid there).
 * Positions are converted here, once (STYLE habit 8): line offsets are added to token offsets, and
 * an error at the end of the line (chevrotain's EOF token has NaN offsets in v11) is placed just
 * after the last real character.
 */
import type { ILexingError, IRecognitionException, IToken, TokenType, CstParser } from 'chevrotain';
import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';
import type { SourceLine } from './getrules-prompt.js';

const PUNCT: Record<string, string> = {
  LCurly: "'{'", RCurly: "'}'", Comma: "','", Semicolon: "';'", Colon: "':'", Dash: "'-'",
};
const SHAPES: Record<string, string> = {
  Integer: 'a number', Name: 'a name', Uuid: 'a UUID', IPv4: 'an IPv4 address', IPv6: 'an IPv6 address',
  MacAddress: 'a MAC address', HexNumber: 'a hex number', QuotedString: "a quoted 'text'",
  InternalMarker: "'# internal #'", HeaderComment: "a '#' header",
};

/** How a token type is named in a message: keywords by their word, punctuation quoted, literals by shape. */
export function describeTokenType(t: TokenType): string {
  const p = PUNCT[t.name] ?? SHAPES[t.name];
  if (p !== undefined) return p;
  const src = t.PATTERN instanceof RegExp ? t.PATTERN.source : '';
  const word = /^([a-z0-9-]+)\(\?!/.exec(src)?.[1];
  return word !== undefined ? `'${word}'` : t.name;
}

function found(tok: IToken): string {
  return tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset) ? 'the end of the line' : `'${tok.image}'`;
}

/** Lexer errors of one line (one per run of unknown characters). */
export function lexDiagnostics(errors: ILexingError[], line: SourceLine, file: string): Diagnostic[] {
  return errors.map((e) => ({
    code: DiagnosticCode.LexUnexpectedChar,
    severity: 'error',
    span: { file, offset: line.offset + e.offset, line: line.line, column: e.offset + 1, length: e.length },
    message: `unexpected character '${line.text.slice(e.offset, e.offset + e.length)}'`,
    text: line.text.trim(),
  }));
}

/**
 * The first parse error of one line (later ones follow from it). `startRule` is the entry rule the
 * line was parsed with; the expected tokens are recomputed from the tokens before the error.
 */
export function parseDiagnostic(
  err: IRecognitionException,
  tokens: IToken[],
  parser: CstParser,
  startRule: string,
  line: SourceLine,
  file: string,
): Diagnostic {
  const tok = err.token;
  const atEnd = tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset);
  const col0 = atEnd ? line.text.trimEnd().length : tok.startOffset;
  const idx = atEnd ? tokens.length : tokens.indexOf(tok);
  let expected: string[] = [];
  try {
    const paths = parser.computeContentAssist(startRule, tokens.slice(0, Math.max(0, idx)));
    expected = [...new Set(paths.map((p) => describeTokenType(p.nextTokenType)))];
  } catch {
    // content assist can fail on inputs the grammar cannot reach; the code and position still hold
  }
  const code =
    err.name === 'NoViableAltException' ? DiagnosticCode.ParseNoViableAlt
    : err.name === 'EarlyExitException' ? DiagnosticCode.ParseEarlyExit
    : err.name === 'NotAllInputParsedException' ? DiagnosticCode.ParseNotAllInputParsed
    : DiagnosticCode.ParseMismatchedToken;
  const message =
    code === DiagnosticCode.ParseNotAllInputParsed
      ? `unexpected ${found(tok)} after the end of the statement`
      : `expected ${expected.length > 0 ? joinOr(expected) : 'something else'} but found ${found(tok)}`;
  return {
    code,
    severity: 'error',
    span: { file, offset: line.offset + col0, line: line.line, column: col0 + 1, length: atEnd ? 0 : tok.image.length },
    message,
    text: line.text.trim(),
  };
}

function joinOr(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}
