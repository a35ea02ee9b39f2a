/**
 * The `.dfw` policy language: tier / filter / group / exclude / policy declarations around the NSX
 * rule statement of grammar/rule-line (so a rule pasted from `vsipioctl getrules` parses unchanged
 * inside a policy block). See rules/README.md for the language by example.
 *
 * ```
 * policyFile   := { statement }
 * statement    := modelDecl | tierDecl | filterDecl | groupDecl | excludeDecl | policyDecl
 * modelDecl    := "model" NAME                                  ; nsx | antrea
 * tierDecl     := "tier" NAME "priority" INT                    ; a custom tier
 * filterDecl   := "filter" word { "hash" objectRef | "name" word | "vm" word
 *                                | "ip" ipEntry {"," ipEntry} | "labels" labelMap }
 * groupDecl    := "group" (NAME | UUID) "{" { groupMember [";"] } "}"
 * groupMember  := "ip" ipEntry {"," ipEntry} | "labels" labelMap | "members" objectRef {"," objectRef}
 * ipEntry      := (IPV4 | IPV6) { "except" (IPV4 | IPV6) }
 * excludeDecl  := "exclude" objectRef {"," objectRef}
 * policyDecl   := "policy" word { "tier" NAME | "priority" number | "applied-to" target {"," target} }
 *                 "{" { ruleStatement } "}"
 * target       := "any" | objectRef
 * objectRef    := INT [NAME] | NAME | UUID | 'quoted'           ; INT NAME: an 8-hex hash like 8b4a1980
 * labelMap     := "{" [ labelPair { "," [labelPair] } ] "}"
 * labelPair    := labelWord ":" labelWord                       ; any word, keywords included
 * action       := "accept" | "allow" | "drop" | "reject" | "pass" | "punt"   ; overrides rule-line's
 * ```
 *
 * Built with error recovery on (one bad rule does not lose the rest of the file) and full node
 * locations (the rule-statement visitor slices extension text by location).
 *
 * Pure grammar: no imports from src/, no I/O, no semantics (names are resolved in
 * src/parse/policy-visitor.ts).
 */
import type { IOrAlt, IParserConfig, TokenType } from 'chevrotain';
import { RuleLineParserBase } from '../rule-line/parser.js';
import {
  Accept, Any, Colon, Comma, Drop, Integer, IPv4, IPv6, Ip, LCurly, Name, Punt, QuotedString, RCurly, Reject,
  Semicolon, Uuid,
} from '../rule-line/tokens.js';
import {
  Allow, AppliedTo, Decimal, Except, Exclude, Filter, Group, Hash, Labels, Members, Model, NameKw, Pass, Policy,
  Priority, Tier, Vm, policyTokens,
} from './tokens.js';

/**
 * Tokens that can be a label key or value: names, numbers, quoted text, and every keyword (they all
 * have `Name` as their longer alternative). Label words are free text in Kubernetes and NSX tags.
 */
const labelWordTokens: TokenType[] = policyTokens.filter(
  (t) => t === Name || t === Integer || t === Decimal || t === QuotedString || t.LONGER_ALT !== undefined,
);

/**
 * The `.dfw` parser (entry rule `policyFile`). Build it once and reuse it; pass
 * `errorMessageProvider` in `config` to control error texts (src/parse/policy-diagnostics.ts does).
 */
export class PolicyParser extends RuleLineParserBase {
  constructor(config: IParserConfig = {}) {
    super(policyTokens, { recoveryEnabled: true, nodeLocationTracking: 'full', ...config });
    this.performSelfAnalysis();
  }

  /** Built once: the OR alternatives of `labelWord` (chevrotain advises caching large alternative lists). */
  private labelWordAlts: IOrAlt<unknown>[] | undefined;

  /** Entry rule: a whole `.dfw` file. */
  public policyFile = this.RULE('policyFile', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  public statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.tierDecl) },
      { ALT: () => this.SUBRULE(this.filterDecl) },
      { ALT: () => this.SUBRULE(this.groupDecl) },
      { ALT: () => this.SUBRULE(this.excludeDecl) },
      { ALT: () => this.SUBRULE(this.policyDecl) },
    ]);
  });

  /** `model nsx` / `model antrea`: which built-in tier family the file uses. */
  public modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(Model);
    this.CONSUME(Name, { LABEL: 'family' });
  });

  /** `tier Quarantine priority 75`. */
  public tierDecl = this.RULE('tierDecl', () => {
    this.CONSUME(Tier);
    this.CONSUME(Name, { LABEL: 'tierName' });
    this.CONSUME(Priority);
    this.SUBRULE(this.numberValue);
  });

  /** `filter app-ssh-01 hash 28341 name nic-...-sfw.2 vm app-ssh-01 ip 10.68.145.170 labels { app: ssh }`. */
  public filterDecl = this.RULE('filterDecl', () => {
    this.CONSUME(Filter);
    this.SUBRULE(this.word, { LABEL: 'filterId' });
    this.MANY(() => this.SUBRULE(this.filterAttr));
  });

  public filterAttr = this.RULE('filterAttr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Hash);
          this.SUBRULE(this.objectRef, { LABEL: 'hash' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(NameKw);
          this.SUBRULE(this.word, { LABEL: 'filterName' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Vm);
          this.SUBRULE2(this.word, { LABEL: 'vmName' });
        },
      },
      { ALT: () => this.SUBRULE(this.ipList) },
      { ALT: () => this.SUBRULE(this.labelMap) },
    ]);
  });

  /**
   * `group admins { ip 10.68.0.0/24 }`, `group web { labels { app: web } }`, `group f5 { members f5-bigip-01 }`.
   * A UUID name lets NSX-T/4/9 rule lines (`addrset <uuid>`) be pasted unchanged.
   */
  public groupDecl = this.RULE('groupDecl', () => {
    this.CONSUME(Group);
    this.OR([
      { ALT: () => this.CONSUME(Name, { LABEL: 'groupName' }) },
      { ALT: () => this.CONSUME(Uuid, { LABEL: 'groupName' }) },
    ]);
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.SUBRULE(this.groupMember);
      this.OPTION(() => this.CONSUME(Semicolon));
    });
    this.CONSUME(RCurly);
  });

  public groupMember = this.RULE('groupMember', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.ipList) },
      { ALT: () => this.SUBRULE(this.labelMap) },
      {
        ALT: () => {
          this.CONSUME(Members);
          this.SUBRULE(this.objectRef);
          this.MANY(() => {
            this.CONSUME(Comma);
            this.SUBRULE2(this.objectRef);
          });
        },
      },
    ]);
  });

  /** `ip 10.68.145.170, 10.68.145.171` / `ip 10.0.0.0/8 except 10.1.0.0/16`. */
  public ipList = this.RULE('ipList', () => {
    this.CONSUME(Ip);
    this.SUBRULE(this.ipEntry);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.ipEntry);
    });
  });

  public ipEntry = this.RULE('ipEntry', () => {
    this.SUBRULE(this.ipValue, { LABEL: 'block' });
    this.MANY(() => {
      this.CONSUME(Except);
      this.SUBRULE2(this.ipValue, { LABEL: 'except' });
    });
  });

  public ipValue = this.RULE('ipValue', () => {
    this.OR([{ ALT: () => this.CONSUME(IPv4) }, { ALT: () => this.CONSUME(IPv6) }]);
  });

  /** `exclude f5-bigip-01` / `exclude 53210, 53209`: the NSX exclusion list. */
  public excludeDecl = this.RULE('excludeDecl', () => {
    this.CONSUME(Exclude);
    this.SUBRULE(this.objectRef);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.objectRef);
    });
  });

  /** `policy admin-ssh tier SecurityOps priority 1.5 applied-to any { rule ...; rule ...; }`. */
  public policyDecl = this.RULE('policyDecl', () => {
    this.CONSUME(Policy);
    this.SUBRULE(this.word, { LABEL: 'policyName' });
    this.MANY(() => this.SUBRULE(this.policyAttr));
    this.CONSUME(LCurly);
    this.MANY2(() => this.SUBRULE(this.ruleStatement));
    this.CONSUME(RCurly);
  });

  public policyAttr = this.RULE('policyAttr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Tier);
          this.CONSUME(Name, { LABEL: 'tierName' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Priority);
          this.SUBRULE(this.numberValue);
        },
      },
      {
        ALT: () => {
          this.CONSUME(AppliedTo);
          this.SUBRULE(this.target);
          this.MANY(() => {
            this.CONSUME(Comma);
            this.SUBRULE2(this.target);
          });
        },
      },
    ]);
  });

  /** An applied-to entry: `any`, a group, or a filter / VM (by id, VM name or hash). */
  public target = this.RULE('target', () => {
    this.OR([{ ALT: () => this.CONSUME(Any) }, { ALT: () => this.SUBRULE(this.objectRef) }]);
  });

  /**
   * A reference to a filter, VM, hash or group. `INT NAME` exists for NSX-T 8-hex filter hashes that
   * begin with a digit (`8b4a1980` lexes as `8` + `b4a1980`); the visitor requires the two to touch.
   */
  public objectRef = this.RULE('objectRef', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Integer);
          this.OPTION(() => this.CONSUME(Name, { LABEL: 'hexTail' }));
        },
      },
      { ALT: () => this.CONSUME2(Name) },
      { ALT: () => this.CONSUME(Uuid) },
      { ALT: () => this.CONSUME(QuotedString) },
    ]);
  });

  /** A declared name: a bare word or `'quoted text'` (VM names may hold blanks). */
  public word = this.RULE('word', () => {
    this.OR([{ ALT: () => this.CONSUME(Name) }, { ALT: () => this.CONSUME(QuotedString) }]);
  });

  public numberValue = this.RULE('numberValue', () => {
    this.OR([{ ALT: () => this.CONSUME(Integer) }, { ALT: () => this.CONSUME(Decimal) }]);
  });

  /** `labels { app: ssh, env: prod }`; `labels {}` selects every filter. */
  public labelMap = this.RULE('labelMap', () => {
    this.CONSUME(Labels);
    this.CONSUME(LCurly);
    this.OPTION(() => {
      this.SUBRULE(this.labelPair);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.OPTION2(() => this.SUBRULE2(this.labelPair));
      });
    });
    this.CONSUME(RCurly);
  });

  public labelPair = this.RULE('labelPair', () => {
    this.SUBRULE(this.labelWord, { LABEL: 'key' });
    this.CONSUME(Colon);
    this.SUBRULE2(this.labelWord, { LABEL: 'value' });
  });

  public labelWord = this.RULE('labelWord', () => {
    this.OR((this.labelWordAlts ??= labelWordTokens.map((t) => ({ ALT: () => this.CONSUME(t) }))));
  });

  /** The rule-line action plus `allow` and `pass` (policy files speak Antrea / NSX-UI verbs too). */
  public override action = this.OVERRIDE_RULE('action', () => {
    this.OR([
      { ALT: () => this.CONSUME(Accept) },
      { ALT: () => this.CONSUME(Allow) },
      { ALT: () => this.CONSUME(Drop) },
      { ALT: () => this.CONSUME(Reject) },
      { ALT: () => this.CONSUME(Pass) },
      { ALT: () => this.CONSUME(Punt) },
    ]);
  });
}
