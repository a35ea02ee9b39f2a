import type { SourceSpan } from './source-span.js';

/**
 * Every diagnostic code dfwsim can produce. Wording lives in one renderer
 * (src/report/diagnostics.ts); tests assert on `code` and `span`, never on prose.
 */
export const DiagnosticCode = {
  /** a line of a known format whose record body does not parse (stored as a rejected line) */
  LogMalformed: 'log/malformed',
  /** a line of another program or format inside a log file (counted as skipped, not an error) */
  LogForeign: 'log/foreign-line',
  /** a third-party re-rendering (CSV, CEF) of a dfwpktlog record: not native, not parsed */
  LogNonNative: 'log/non-native',
  /** a line too long to be a log record (a binary or corrupt file) */
  LogLineTooLong: 'log/line-too-long',
  /** a line with bytes that are not text (NUL, control characters) */
  LogBinary: 'log/binary',
  /** no parser recognised the file */
  InputUnknownFormat: 'input/unknown-format',
  /** a .gz that ends early or fails its CRC: lines before the damage are kept */
  InputTruncatedGzip: 'input/truncated-gzip',
  /** a path that does not exist or cannot be read */
  InputUnreadable: 'input/unreadable',
  /** a file whose line breaks were lost in copying (one huge line of many records) */
  InputFlattened: 'input/flattened',
  /** chevrotain lexer: a character no token matches */
  LexUnexpectedChar: 'lex/unexpected-char',
  /** chevrotain parser: a token where another was expected */
  ParseMismatchedToken: 'parse/mismatched-token',
  /** chevrotain parser: none of the alternatives matched */
  ParseNoViableAlt: 'parse/no-viable-alt',
  /** chevrotain parser: input ended too early, or extra input at the end */
  ParseEarlyExit: 'parse/early-exit',
  ParseNotAllInputParsed: 'parse/not-all-input-parsed',
  /** a rule refers to an address set that is not defined in the input */
  RulesUnknownAddrset: 'rules/unknown-addrset',
  /** a policy field dfwsim does not model (FQDN, L7, toServices ...): reported, never ignored */
  PolicyUnsupportedField: 'policy/unsupported-field',
  /** NSX Policy API JSON: a field the importer does not know (reported with its JSON path) */
  PolicyUnknownField: 'policy/unknown-field',
  /** a policy document that is not valid for its kind */
  PolicyInvalid: 'policy/invalid',
  /** something the references call unverified: handled leniently, said so */
  Unverified: 'semantics/unverified',
  /** .dfw: an applied-to / members / exclude name that is no declared filter, VM, hash or group */
  PolicyUnknownReference: 'policy/unknown-reference',
  /** .dfw: a tier name that is neither built in (for the file's model) nor declared with `tier` */
  PolicyUnknownTier: 'policy/unknown-tier',
  /** .dfw: a tier of the other family (`Baseline` in an NSX file), or conflicting `model` headers */
  PolicyTierFamily: 'policy/tier-family',
  /** .dfw: two policies, groups, filters or tiers with one name */
  PolicyDuplicateName: 'policy/duplicate-name',
  /** .dfw: two filters with one hash (a hash identifies a filter in every log line) */
  PolicyDuplicateHash: 'policy/duplicate-hash',
  /** .dfw: two policies of one tier with one priority: their rules interleave (antrea.md §2, nondeterministic) */
  PolicyDuplicatePriority: 'policy/duplicate-priority',
  /** .dfw: a number outside its range (port > 65535, tier priority, policy priority) */
  PolicyOutOfRange: 'policy/out-of-range',
  /** .dfw: an IP address or CIDR that does not parse (bad octet, prefix too long) */
  PolicyBadAddress: 'policy/bad-address',
  /** .dfw: `at N` positions that go down inside a block (the block order is what counts) */
  PolicyRuleOrder: 'policy/rule-order',
} as const;
export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

export type Severity = 'error' | 'warning' | 'info';

/** One finding about an input, with where it is. `text` is the offending source text. */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  span: SourceSpan;
  /** short, specific reason; rendered after `file:line:col` */
  message: string;
  /** the offending source line or token, trimmed */
  text?: string;
}

/** What every parse entry point returns: a value and the diagnostics; it never throws on bad input. */
export interface ParseResult<T> {
  value: T;
  diagnostics: Diagnostic[];
}

/** A file that cannot be read (missing, a folder, no permission): reported at its line 1, column 1. */
export function unreadableFile(file: string, e: unknown): Diagnostic {
  return {
    code: DiagnosticCode.InputUnreadable,
    severity: 'error',
    span: { file, offset: 0, line: 1, column: 1, length: 0 },
    message: `cannot read: ${(e as NodeJS.ErrnoException | null)?.code ?? String(e)}`,
  };
}
