/**
 * Grammar of one physical line of `vsipioctl getaddrsets` output (reference/vsipioctl.md 5):
 *
 * ```
 * addrsetLine  := addrsetOpen | addrsetEntry | addrsetClose
 * addrsetOpen  := "addrset" NAME "{"
 * addrsetEntry := ("ip" | "mac") VALUE [","]     ; the comma is printed after every entry
 * addrsetClose := "}"                            ; also the stray extra "}" after empty NSX-V sets
 * ```
 *
 * Blocks are assembled line by line in src/parse/getaddrsets.ts (a stray `}` is a semantic matter,
 * decided there). It extends the rule-line base to share `addrsetName` and `addressValue`.
 * Pure grammar: no imports from src/, no I/O.
 */
import type { IParserConfig } from 'chevrotain';
import { RuleLineParserBase } from '../rule-line/parser.js';
import { Addrset, Comma, Ip, LCurly, RCurly } from '../rule-line/tokens.js';
import { getaddrsetsTokens, Mac } from './tokens.js';

export class GetaddrsetsParser extends RuleLineParserBase {
  constructor(config: IParserConfig = {}) {
    super(getaddrsetsTokens, config);
    this.performSelfAnalysis();
  }

  /** Entry rule: one line of getaddrsets output. */
  public addrsetLine = this.RULE('addrsetLine', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.addrsetOpen) },
      { ALT: () => this.SUBRULE(this.addrsetEntry) },
      { ALT: () => this.SUBRULE(this.addrsetClose) },
    ]);
  });

  public addrsetOpen = this.RULE('addrsetOpen', () => {
    this.CONSUME(Addrset);
    this.SUBRULE(this.addrsetName);
    this.CONSUME(LCurly);
  });

  public addrsetEntry = this.RULE('addrsetEntry', () => {
    this.OR([{ ALT: () => this.CONSUME(Ip) }, { ALT: () => this.CONSUME(Mac) }]);
    this.SUBRULE(this.addressValue);
    this.OPTION(() => this.CONSUME(Comma));
  });

  public addrsetClose = this.RULE('addrsetClose', () => {
    this.CONSUME(RCurly);
  });
}
