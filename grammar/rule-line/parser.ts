/**
 * The NSX rule statement as a reusable chevrotain grammar (reference/vsipioctl.md 4.2, 4.3, 7, 8).
 *
 * ```
 * ruleStatement := [InternalMarker] "rule" INT ["at" INT] direction [af] match
 *                  "from" endpoint ["port" portSpec] "to" endpoint ["port" portSpec]
 *                  {extension} action {ruleOption} ";"
 * ```
 *
 * ## How to reuse it (e.g. the `.dfw` policy language)
 *
 * 1. Build the token vocabulary with `buildVocabulary({ comments, keywords, punctuation })` from
 *    `./tokens.js`; make extra keywords with `keyword('tier')` so they yield to `Name` correctly.
 * 2. Subclass {@link RuleLineParserBase}, passing that vocabulary to `super(tokens, config)`.
 *    Declare the new rules as class properties (`public policyBlock = this.RULE('policyBlock', () => {
 *    ... this.SUBRULE(this.ruleStatement) ... })`) and call `this.performSelfAnalysis()` at the end of
 *    the subclass constructor. The base constructor does NOT call it: chevrotain records every rule of
 *    the final class at that moment, so it must run once, after the subclass rules exist.
 * 3. A rule pasted from getrules then parses unchanged inside the new blocks; the CST of every
 *    `ruleStatement` has the same shape in both languages, so one CST visitor
 *    (src/parse/getrules-visitor.ts) turns it into model fields for both.
 *
 * `at N` is optional so that rule views that omit it (nsxcli, reference 8.9) and hand-written policy
 * rules parse; a getrules consumer decides whether its absence is an error.
 *
 * Pure grammar: no imports from src/, no I/O, no semantics.
 */
import { CstParser, type IParserConfig, type TokenType } from 'chevrotain';
import {
  Accept, Addrset, Any, As, At, Attribute, Colon, Comma, Dash, Drop, Ethertype, Extended, From, HexNumber,
  Icmptype, In, Inet, Inet6, Inout, Integer, InternalMarker, IPv4, IPv6, Ip, LCurly, Log, MacAddress, Name, Not,
  Out, Port, Profile, Protocol, Punt, QuotedString, RCurly, Reject, Rule, Semicolon, Src, Stateless, Strict,
  Tag, To, Typecode, Uuid, With, ruleLineTokens,
} from './tokens.js';

/**
 * Base class holding the rule-statement rules. Subclasses add rules and then call
 * `performSelfAnalysis()` (see the file comment).
 */
export class RuleLineParserBase extends CstParser {
  constructor(tokens: TokenType[], config: IParserConfig = {}) {
    // maxLookahead 3 is enough: the deepest decision is `with extended` / `with attribute` / `with <word>`.
    super(tokens, { maxLookahead: 3, ...config });
  }

  /** One rule statement, `# internal #` prefix and `;` included. */
  public ruleStatement = this.RULE('ruleStatement', () => {
    this.OPTION(() => this.CONSUME(InternalMarker));
    this.CONSUME(Rule);
    this.CONSUME(Integer, { LABEL: 'ruleId' });
    this.OPTION2(() => {
      this.CONSUME(At);
      this.CONSUME2(Integer, { LABEL: 'position' });
    });
    this.SUBRULE(this.direction);
    this.OPTION3(() => this.SUBRULE(this.addressFamily));
    this.SUBRULE(this.match);
    this.CONSUME(From);
    this.SUBRULE(this.endpoint, { LABEL: 'src' });
    this.OPTION4(() => {
      this.CONSUME(Port);
      this.SUBRULE(this.portSpec, { LABEL: 'srcPorts' });
    });
    this.CONSUME(To);
    this.SUBRULE2(this.endpoint, { LABEL: 'dst' });
    this.OPTION5(() => {
      this.CONSUME2(Port);
      this.SUBRULE2(this.portSpec, { LABEL: 'dstPorts' });
    });
    this.MANY(() => this.SUBRULE(this.extension));
    this.SUBRULE(this.action);
    this.MANY2(() => this.SUBRULE(this.ruleOption));
    this.CONSUME(Semicolon);
  });

  /** `inout` (seen), `in` / `out` (secondary: PowerNSX). */
  public direction = this.RULE('direction', () => {
    this.OR([{ ALT: () => this.CONSUME(Inout) }, { ALT: () => this.CONSUME(In) }, { ALT: () => this.CONSUME(Out) }]);
  });

  /** `inet` / `inet6`: only when the rule is limited to one family (NSX-T+). */
  public addressFamily = this.RULE('addressFamily', () => {
    this.OR([{ ALT: () => this.CONSUME(Inet) }, { ALT: () => this.CONSUME(Inet6) }]);
  });

  public match = this.RULE('match', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.protocolMatch) }, { ALT: () => this.SUBRULE(this.ethertypeMatch) }]);
  });

  /**
   * `protocol P [strict] [stateless] [icmptype N | typecode N:M]`. The modifiers are accepted in any
   * order: only `strict` before the ICMP type was seen, and new modifiers keep appearing (reference 8.7).
   * Also the braced form `protocol icmp with {stateless, icmptype 8}` that dfwoptimizer's parser
   * accepts (reference 7, secondary evidence).
   */
  public protocolMatch = this.RULE('protocolMatch', () => {
    this.CONSUME(Protocol);
    this.SUBRULE(this.protocolValue);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.protocolModifier) },
        {
          ALT: () => {
            this.CONSUME(With);
            this.CONSUME(LCurly);
            this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE2(this.protocolModifier) });
            this.CONSUME(RCurly);
          },
        },
      ]);
    });
  });

  /** `strict`, `stateless`, or an ICMP type. */
  public protocolModifier = this.RULE('protocolModifier', () => {
    this.OR([
      { ALT: () => this.CONSUME(Strict) },
      { ALT: () => this.CONSUME(Stateless) },
      { ALT: () => this.SUBRULE(this.icmpSpec) },
    ]);
  });

  /** A protocol by name (`tcp`, `ipv6-icmp`), by number (`240`), `any`, or `ip` (a keyword elsewhere). */
  public protocolValue = this.RULE('protocolValue', () => {
    this.OR([
      { ALT: () => this.CONSUME(Name) },
      { ALT: () => this.CONSUME(Integer) },
      { ALT: () => this.CONSUME(Any) },
      { ALT: () => this.CONSUME(Ip) },
    ]);
  });

  /** `icmptype N` (seen) or `typecode N:M` (secondary). */
  public icmpSpec = this.RULE('icmpSpec', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Icmptype);
          this.CONSUME(Integer, { LABEL: 'icmpType' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Typecode);
          this.CONSUME2(Integer, { LABEL: 'icmpType' });
          this.CONSUME(Colon);
          this.CONSUME3(Integer, { LABEL: 'icmpCode' });
        },
      },
    ]);
  });

  /** `ethertype E [stateless]`; only `any` was seen, hex and names are accepted. */
  public ethertypeMatch = this.RULE('ethertypeMatch', () => {
    this.CONSUME(Ethertype);
    this.OR([
      { ALT: () => this.CONSUME(Any) },
      { ALT: () => this.CONSUME(Name) },
      { ALT: () => this.CONSUME(HexNumber) },
      { ALT: () => this.CONSUME(Integer) },
    ]);
    this.OPTION(() => this.CONSUME(Stateless));
  });

  /** `any`, `not <target>`, or a target. */
  public endpoint = this.RULE('endpoint', () => {
    this.OR([
      { ALT: () => this.CONSUME(Any) },
      {
        ALT: () => {
          this.CONSUME(Not);
          this.SUBRULE(this.endpointTarget);
        },
      },
      { ALT: () => this.SUBRULE2(this.endpointTarget) },
    ]);
  });

  /** `addrset NAME`, inline `addrset {a, b}`, or `ip ADDRESS`. */
  public endpointTarget = this.RULE('endpointTarget', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Addrset);
          this.OR2([{ ALT: () => this.SUBRULE(this.addrsetName) }, { ALT: () => this.SUBRULE(this.inlineSet) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Ip);
          this.SUBRULE(this.addressValue);
        },
      },
    ]);
  });

  /** NSX-V names (`ip-securitygroup-23`, `src1048`) or NSX-T/4/9 UUIDs. */
  public addrsetName = this.RULE('addrsetName', () => {
    this.OR([{ ALT: () => this.CONSUME(Name) }, { ALT: () => this.CONSUME(Uuid) }]);
  });

  /** `{a, b}`: seen only in NSX 9 Edge rules; a trailing comma is tolerated. */
  public inlineSet = this.RULE('inlineSet', () => {
    this.CONSUME(LCurly);
    this.SUBRULE(this.addressValue);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.OPTION(() => this.SUBRULE2(this.addressValue));
    });
    this.CONSUME(RCurly);
  });

  /** One address: IPv4 (host/CIDR/range), IPv6, MAC, or a name/UUID (an addrset member by reference). */
  public addressValue = this.RULE('addressValue', () => {
    this.OR([
      { ALT: () => this.CONSUME(IPv4) },
      { ALT: () => this.CONSUME(IPv6) },
      { ALT: () => this.CONSUME(MacAddress) },
      { ALT: () => this.CONSUME(Uuid) },
      { ALT: () => this.CONSUME(Name) },
    ]);
  });

  /** `80`, `49152-65535`, or `{67, 68}` / `{1, 5-9}`. */
  public portSpec = this.RULE('portSpec', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.portItem) },
      {
        ALT: () => {
          this.CONSUME(LCurly);
          this.SUBRULE2(this.portItem);
          this.MANY(() => {
            this.CONSUME(Comma);
            this.SUBRULE3(this.portItem);
          });
          this.CONSUME(RCurly);
        },
      },
    ]);
  });

  public portItem = this.RULE('portItem', () => {
    this.CONSUME(Integer, { LABEL: 'lo' });
    this.OPTION(() => {
      this.CONSUME(Dash);
      this.CONSUME2(Integer, { LABEL: 'hi' });
    });
  });

  /**
   * Clauses between the destination and the action: `with extended src UUID` (seen, NSX 4 IDFW),
   * `with attribute [addrset|profile] NAME` (secondary), and any other `with <word> ...` clause,
   * which is kept as text (reference 8.7: new clauses keep appearing).
   */
  public extension = this.RULE('extension', () => {
    this.CONSUME(With);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Extended);
          this.CONSUME(Src);
          this.OR2([{ ALT: () => this.CONSUME(Uuid) }, { ALT: () => this.CONSUME(Name) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Attribute);
          this.OPTION(() => {
            this.OR3([{ ALT: () => this.CONSUME(Addrset) }, { ALT: () => this.CONSUME(Profile) }]);
          });
          this.OR4([{ ALT: () => this.CONSUME2(Name) }, { ALT: () => this.CONSUME2(Uuid) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME3(Name, { LABEL: 'clause' });
          this.MANY(() => {
            this.OR5([
              { ALT: () => this.CONSUME4(Name) },
              { ALT: () => this.CONSUME3(Uuid) },
              { ALT: () => this.CONSUME(Integer) },
              { ALT: () => this.CONSUME(IPv4) },
              { ALT: () => this.CONSUME(IPv6) },
              { ALT: () => this.CONSUME2(Src) },
            ]);
          });
        },
      },
    ]);
  });

  /** `accept`, `drop`, `reject` (seen) or `punt` (secondary). */
  public action = this.RULE('action', () => {
    this.OR([
      { ALT: () => this.CONSUME(Accept) },
      { ALT: () => this.CONSUME(Drop) },
      { ALT: () => this.CONSUME(Reject) },
      { ALT: () => this.CONSUME(Punt) },
    ]);
  });

  /** After the action, in any order (reference 4.2): `with log`, `as ALG`, `tag 'TEXT'`. */
  public ruleOption = this.RULE('ruleOption', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(With);
          this.CONSUME(Log);
        },
      },
      {
        ALT: () => {
          this.CONSUME(As);
          this.CONSUME(Name, { LABEL: 'alg' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Tag);
          this.CONSUME(QuotedString);
        },
      },
    ]);
  });
}

/** The rule-statement grammar on its own (entry rule `ruleStatement`). Build it once and reuse it. */
export class RuleLineParser extends RuleLineParserBase {
  constructor(config: IParserConfig = {}) {
    super(ruleLineTokens, config);
    this.performSelfAnalysis();
  }
}
