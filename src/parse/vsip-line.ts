/**
 * What one physical line of a getrules / getaddrsets output says, independent of how it was read:
 * the fast scanner (vsip-line-scan.ts) and the chevrotain grammar (vsip-line-grammar.ts) both
 * produce these, and the document builders (getrules-document.ts, getaddrsets-document.ts) consume
 * them, so both readers give the same document by construction.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import type { AddrSetEntry } from '../model/rule.js';
import type { SourceLine } from './getrules-prompt.js';
import type { RuleStatementFields, StatementIssue } from './getrules-visitor.js';

export type GetrulesLineValue =
  /** `ruleset NAME {`; `column0` is the 0-based column of `ruleset` */
  | { kind: 'open'; name: string; column0: number }
  | { kind: 'close' }
  /** `# ...` header, the whole comment as printed */
  | { kind: 'header'; image: string }
  /** a rule statement from its first token (`# internal #` or `rule`) to its `;` (`start`/`end` are 0-based columns) */
  | { kind: 'rule'; fields: RuleStatementFields; issues: StatementIssue[]; start: number; end: number }
  /** a line the grammar rejects */
  | { kind: 'invalid'; diagnostics: Diagnostic[] };

export type AddrsetLineValue =
  | { kind: 'open'; name: string; column0: number }
  | { kind: 'entry'; entry: AddrSetEntry; column0: number }
  | { kind: 'close'; column0: number }
  | { kind: 'invalid'; diagnostics: Diagnostic[] };

/** Reads one line of a getrules output. */
export type GetrulesLineReader = (line: SourceLine, file: string) => GetrulesLineValue;
/** Reads one line of a getaddrsets output. */
export type AddrsetLineReader = (line: SourceLine, file: string) => AddrsetLineValue;
