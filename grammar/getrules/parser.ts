/**
 * Grammar of one physical line of `vsipioctl getrules` output (reference/vsipioctl.md 4.1):
 *
 * ```
 * getrulesLine := rulesetOpen | rulesetClose | headerComment | ruleStatement
 * rulesetOpen  := "ruleset" NAME "{"
 * rulesetClose := "}"
 * ```
 *
 * The block structure (`ruleset NAME {` ... `}`) is assembled line by line in
 * src/parse/getrules.ts: parsing one line at a time means one bad rule line can never cost the
 * others (the house error-recovery requirement), and every line of the output is exactly one of
 * these four shapes. Prompt lines are removed before lexing by the same pre-pass.
 *
 * Pure grammar: no imports from src/, no I/O.
 */
import type { IParserConfig } from 'chevrotain';
import { RuleLineParserBase } from '../rule-line/parser.js';
import { LCurly, Name, RCurly, Uuid } from '../rule-line/tokens.js';
import { getrulesTokens, HeaderComment, Ruleset } from './tokens.js';

export class GetrulesParser extends RuleLineParserBase {
  constructor(config: IParserConfig = {}) {
    super(getrulesTokens, config);
    this.performSelfAnalysis();
  }

  /** Entry rule: one line of getrules output. */
  public getrulesLine = this.RULE('getrulesLine', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.rulesetOpen) },
      { ALT: () => this.SUBRULE(this.rulesetClose) },
      { ALT: () => this.SUBRULE(this.headerComment) },
      { ALT: () => this.SUBRULE(this.ruleStatement) },
    ]);
  });

  /** `ruleset domain-c7 {`, `ruleset mainrs_L2 {`. */
  public rulesetOpen = this.RULE('rulesetOpen', () => {
    this.CONSUME(Ruleset);
    this.OR([{ ALT: () => this.CONSUME(Name) }, { ALT: () => this.CONSUME(Uuid) }]);
    this.CONSUME(LCurly);
  });

  public rulesetClose = this.RULE('rulesetClose', () => {
    this.CONSUME(RCurly);
  });

  public headerComment = this.RULE('headerComment', () => {
    this.CONSUME(HeaderComment);
  });
}
