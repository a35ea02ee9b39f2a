/**
 * Lexer and parser errors of a `.dfw` file as Diagnostics in plain words:
 *
 *     expected 'to' after the source endpoint, found 'addrset'
 *     expected an action (accept, allow, drop, reject, pass or punt) after the destination, found 'permit'
 *     expected '}' to close policy 'admin-ssh' (opened at line 4), found the end of the file
 *
 * How: the parser is built with {@link structuredErrors}, a chevrotain error-message provider that
 * stores *what* went wrong (expected token names, rule name) as JSON in the exception message instead
 * of prose. {@link parseErrorDiagnostic} then phrases it with the whole token stream at hand (the
 * previous token, the policy being closed). Wording therefore lives here only, and positions are
 * converted once (STYLE habit 8): chevrotain's EOF token has NaN offsets in v11, so an error at the end
 * of the input is placed just after the last real token.
 */
import type { ILexingError, IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';
import type { SourceSpan } from '../model/source-span.js';
import { describeTokenType } from './getrules-diagnostics.js';

/** What the provider records about one error (serialized into the exception message). */
interface ErrorFacts {
  kind: 'mismatch' | 'no-viable-alt' | 'early-exit' | 'not-all-input';
  rule: string;
  /** token type names that would have been valid */
  expected: string[];
}

const uniq = (xs: string[]): string[] => [...new Set(xs)];
const firstNames = (paths: TokenType[][]): string[] => paths.flatMap((p) => (p[0] ? [p[0].name] : []));

/** The error-message provider to build the policy parser with (keeps facts, not prose). */
export const structuredErrors: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    JSON.stringify({ kind: 'mismatch', rule: ruleName, expected: [expected.name] } satisfies ErrorFacts),
  buildNotAllInputParsedMessage: ({ ruleName }) =>
    JSON.stringify({ kind: 'not-all-input', rule: ruleName, expected: [] } satisfies ErrorFacts),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, ruleName }) =>
    JSON.stringify({
      kind: 'no-viable-alt',
      rule: ruleName,
      expected: uniq(expectedPathsPerAlt.flatMap(firstNames)),
    } satisfies ErrorFacts),
  buildEarlyExitMessage: ({ expectedIterationPaths, ruleName }) =>
    JSON.stringify({ kind: 'early-exit', rule: ruleName, expected: uniq(firstNames(expectedIterationPaths)) } satisfies ErrorFacts),
};

function readFacts(err: IRecognitionException): ErrorFacts {
  try {
    return JSON.parse(err.message) as ErrorFacts;
  } catch {
    // built without structuredErrors: still report where, with chevrotain's own words
    return { kind: 'mismatch', rule: '', expected: [] };
  }
}

const ACTIONS = new Set(['Accept', 'Allow', 'Drop', 'Reject', 'Pass', 'Punt']);
const DECLARATIONS = new Set(['Model', 'Tier', 'Filter', 'Group', 'Exclude', 'Policy']);

/** How an expected token is named: keywords by their word, punctuation quoted, literals by shape. */
function describe(name: string, vocabulary: ReadonlyMap<string, TokenType>): string {
  if (name === 'Decimal') return 'a number';
  if (name === 'NameKw') return "'name'";
  const t = vocabulary.get(name);
  return t ? describeTokenType(t) : name;
}

/** `a, b or c`; token groups that have a plain-word name (an action, a declaration) collapse to it. */
function expectedPhrase(names: string[], vocabulary: ReadonlyMap<string, TokenType>): string {
  const rest = names.filter((n) => !ACTIONS.has(n) && !DECLARATIONS.has(n));
  const parts: string[] = [];
  if (names.some((n) => ACTIONS.has(n))) parts.push('an action (accept, allow, drop, reject, pass or punt)');
  if (names.filter((n) => DECLARATIONS.has(n)).length > 1) {
    parts.push('a declaration (model, tier, filter, group, exclude or policy)');
  } else {
    rest.push(...names.filter((n) => DECLARATIONS.has(n)));
  }
  parts.push(...uniq(rest.map((n) => describe(n, vocabulary))));
  if (parts.length === 0) return 'something else';
  if (parts.length === 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1] ?? ''}`;
}

/**
 * Where in the statement the error is, in words, from the rule being parsed and what was expected
 * (`'to'` inside a rule statement can only follow the source endpoint, and so on). Falls back to
 * "after '<previous token>'".
 */
function wherePhrase(facts: ErrorFacts, prev: IToken | undefined): string {
  const e = new Set(facts.expected);
  switch (facts.rule) {
    case 'ruleStatement':
      if (e.has('To')) return 'after the source endpoint';
      if (e.has('From')) return 'after the protocol';
      if (e.has('Semicolon')) return "to end the rule (rule statements end with ';')";
      if (e.has('Integer') && prev?.tokenType.name === 'Rule') return "for the rule id after 'rule'";
      break;
    case 'action':
      return 'after the destination';
    case 'direction':
      return 'for the direction';
    case 'endpoint':
    case 'endpointTarget':
      return prev?.tokenType.name === 'From' ? "after 'from'" : prev?.tokenType.name === 'To' ? "after 'to'" : '';
    case 'portSpec':
    case 'portItem':
      return "after 'port'";
    case 'policyAttr':
    case 'policyDecl':
      if (e.has('LCurly')) return 'to open the policy block';
      break;
    case 'statement':
    case 'policyFile':
      return 'at the start of a declaration';
    default:
      break;
  }
  return prev ? `after '${prev.image}'` : 'at the start of the file';
}

/** A span for a token, or just after `prev` when `tok` is EOF / a virtual token with NaN offsets. */
export function tokenSpan(tok: IToken, prev: IToken | undefined, file: string): SourceSpan {
  if (tok.tokenType.name !== 'EOF' && !Number.isNaN(tok.startOffset)) {
    return {
      file,
      offset: tok.startOffset,
      line: tok.startLine ?? 1,
      column: tok.startColumn ?? 1,
      length: tok.image.length,
    };
  }
  if (prev === undefined) return { file, offset: 0, line: 1, column: 1, length: 0 };
  return {
    file,
    offset: (prev.endOffset ?? prev.startOffset) + 1,
    line: prev.endLine ?? prev.startLine ?? 1,
    column: (prev.endColumn ?? prev.startColumn ?? 0) + 1,
    length: 0,
  };
}

function lineOf(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end < 0 ? text.length : end).trim();
}

/** One diagnostic per run of characters no token matches. */
export function lexDiagnostics(errors: readonly ILexingError[], text: string, file: string): Diagnostic[] {
  return errors.map((e) => ({
    code: DiagnosticCode.LexUnexpectedChar,
    severity: 'error',
    span: { file, offset: e.offset, line: e.line ?? 1, column: e.column ?? 1, length: e.length },
    message: `unexpected character '${text.slice(e.offset, e.offset + e.length)}'`,
    text: lineOf(text, e.offset),
  }));
}

/**
 * A parser error in plain words. `tokens` is the whole token stream the parser was given;
 * `vocabulary` maps token type names to types (to name keywords by their word).
 */
export function parseErrorDiagnostic(
  err: IRecognitionException,
  tokens: readonly IToken[],
  vocabulary: ReadonlyMap<string, TokenType>,
  text: string,
  file: string,
): Diagnostic {
  const facts = readFacts(err);
  const tok = err.token;
  const atEnd = tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset);
  // The token before the error: by offset, since a virtual (recovery) token is not in `tokens`.
  const before = atEnd ? tokens.length : tokens.findIndex((t) => t.startOffset >= tok.startOffset);
  const prev = tokens[(before < 0 ? tokens.length : before) - 1];
  const span = tokenSpan(tok, prev, file);
  const found = atEnd ? 'the end of the file' : `'${tok.image}'`;

  let code: Diagnostic['code'];
  let message: string;
  // `EOF` expected at the top level means "no declaration starts here".
  const topLevel = facts.expected.length === 1 && facts.expected[0] === 'EOF';
  const kind: ErrorFacts['kind'] = topLevel ? 'not-all-input' : facts.kind;
  switch (kind) {
    case 'not-all-input':
      code = DiagnosticCode.ParseNotAllInputParsed;
      message = `expected a declaration (model, tier, filter, group, exclude or policy), found ${found}`;
      break;
    case 'no-viable-alt':
    case 'early-exit':
    case 'mismatch': {
      code =
        kind === 'mismatch' ? DiagnosticCode.ParseMismatchedToken
        : kind === 'early-exit' ? DiagnosticCode.ParseEarlyExit
        : DiagnosticCode.ParseNoViableAlt;
      const closing = facts.expected.includes('RCurly') ? openBlock(tokens, before < 0 ? tokens.length : before) : null;
      if (closing !== null && (facts.rule === 'policyDecl' || facts.rule === 'groupDecl')) {
        message = `expected '}' to close ${closing}, found ${found}`;
        if (facts.expected.includes('Rule')) message = `expected a rule statement or '}' to close ${closing}, found ${found}`;
      } else {
        const where = wherePhrase(facts, prev);
        message = `expected ${expectedPhrase(facts.expected, vocabulary)}${where ? ` ${where}` : ''}, found ${found}`;
      }
      break;
    }
    default:
      return assertNeverKind(kind);
  }
  return { code, severity: 'error', span, message, text: atEnd ? (prev ? lineOf(text, prev.startOffset) : '') : lineOf(text, tok.startOffset) };
}

function assertNeverKind(x: never): never {
  throw new Error(`unexpected error kind ${String(x)}`);
}

/**
 * The innermost `policy NAME ... {` or `group NAME {` still open before token index `end`, described
 * for a message (`policy 'admin-ssh' (opened at line 4)`), or null.
 */
function openBlock(tokens: readonly IToken[], end: number): string | null {
  let depth = 0;
  for (let i = end - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t === undefined) continue;
    const n = t.tokenType.name;
    if (n === 'RCurly') depth++;
    else if (n === 'LCurly') {
      if (depth > 0) {
        depth--;
        continue;
      }
      // walk back to the declaring keyword of this brace
      for (let j = i - 1; j >= 0; j--) {
        const k = tokens[j];
        if (k === undefined) break;
        const kn = k.tokenType.name;
        if (kn === 'Policy' || kn === 'Group') {
          const name = tokens[j + 1]?.image ?? '?';
          return `${kn === 'Policy' ? 'policy' : 'group'} ${name.startsWith("'") ? name : `'${name}'`} (opened at line ${t.startLine ?? '?'})`;
        }
        if (kn === 'Semicolon' || kn === 'RCurly' || kn === 'LCurly') break;
      }
      return null;
    }
  }
  return null;
}
