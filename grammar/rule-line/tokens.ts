/**
 * Token vocabulary of the NSX rule statement (`rule 1014 at 21 inout protocol tcp from any to any
 * port 135 accept as dcerpc;`), as printed by `vsipioctl getrules` (reference/vsipioctl.md 4.2).
 *
 * This vocabulary is shared: the getrules/getaddrsets grammars and the `.dfw` policy language build
 * their lexers from it with {@link buildVocabulary}, which keeps the one order that matters:
 *
 *   1. whitespace and the caller's comment tokens (`# internal #` first: it is a rule prefix, not a
 *      comment, reference 4.3),
 *   2. literal shapes that would otherwise be split by `Integer` or `Name` (MAC before IPv6, IPv6 and
 *      IPv4 before `Integer`, UUID before `Integer` and `Name`, hex before `Integer`),
 *   3. keywords (each one has `longer_alt: Name`, so `src1048`, `ip-ipset-3`, `mainrs_L2` stay names),
 *   4. `Name`, `Integer`, punctuation.
 *
 * Pure grammar: no imports from src/, no I/O.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';
import { HEX_NUMBER, INTERNAL_MARKER, IPV4, IPV6, MAC_ADDRESS, NAME, NAME_CONTINUATION, QUOTED_STRING, UUID } from './patterns.js';

/** Blanks, tabs and line breaks. Skipped: the rule statement is free-form; line structure is a pre-pass concern. */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });

/**
 * `# internal #`: the companion line of an ALG rule. It is a real rule that takes a position
 * (reference 4.3), so it is a token, and it must come before any `#` comment token.
 */
export const InternalMarker = createToken({ name: 'InternalMarker', pattern: INTERNAL_MARKER });

/** Identifier-like words: addrset names (`ip-securitygroup-23`, `src1048`), protocols (`ipv6-icmp`), ALGs, ruleset names. */
export const Name = createToken({ name: 'Name', pattern: NAME });

// ---- literal shapes (before Integer and Name) ----

/** `00:50:56:8c:12:a4`: exactly 6 two-digit groups; before IPv6, which would also match it. */
export const MacAddress = createToken({
  name: 'MacAddress',
  pattern: MAC_ADDRESS,
});

/**
 * IPv6 literal with optional prefix length (`fe80::250:56ff:fe99:1461`, `2001:db8::/32`, `::1`).
 * Lexically loose (two colons at least, then hex, colons and dots for an embedded IPv4): validation
 * of the value belongs to src/. Requiring two colons keeps `typecode 3:4` out.
 */
export const IPv6 = createToken({
  name: 'IPv6',
  pattern: IPV6,
});

/** IPv4 host, CIDR, or range `a.b.c.d-e.f.g.h` (`ip ADDRESS` may be "host, CIDR or range as printed"). */
export const IPv4 = createToken({
  name: 'IPv4',
  pattern: IPV4,
});

/** 8-4-4-4-12 hex UUID (NSX-T/4/9 addrset names, `with extended src` ids). May start with a digit. */
export const Uuid = createToken({
  name: 'Uuid',
  pattern: UUID,
});

/** `0x0800` (ethertype); before Integer. */
export const HexNumber = createToken({ name: 'HexNumber', pattern: HEX_NUMBER });

/** Decimal integer: rule ids, positions, ports, protocol numbers, ICMP types. */
export const Integer = createToken({ name: 'Integer', pattern: /\d+/ });

/** `'free text'` of `tag '...'` (reference 4.2: any chars except `'`). */
export const QuotedString = createToken({ name: 'QuotedString', pattern: QUOTED_STRING });

// ---- punctuation ----
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Dash = createToken({ name: 'Dash', pattern: /-/ });

/**
 * Makes a keyword token that yields to `Name` when the word goes on (`ip` vs `ip-ipset-3`,
 * `src` vs `src1048`). Other grammars use it for their own keywords (`tier`, `policy`, ...).
 */
export function keyword(word: string, name?: string): TokenType {
  const tokenName = name ?? word.charAt(0).toUpperCase() + word.slice(1);
  // The lookahead makes a keyword match whole words only, so keyword order never matters
  // (`at` cannot eat the start of `attribute`); longer_alt is kept as the documented chevrotain idiom.
  return createToken({ name: tokenName, pattern: new RegExp(`${word}(?!${NAME_CONTINUATION})`), longer_alt: Name });
}

// ---- keywords of the rule statement ----
export const Rule = keyword('rule');
export const At = keyword('at');
export const Inout = keyword('inout');
export const In = keyword('in');
export const Out = keyword('out');
export const Inet6 = keyword('inet6');
export const Inet = keyword('inet');
export const Protocol = keyword('protocol');
export const Ethertype = keyword('ethertype');
export const Strict = keyword('strict');
export const Stateless = keyword('stateless');
export const Icmptype = keyword('icmptype');
export const Typecode = keyword('typecode');
export const From = keyword('from');
export const To = keyword('to');
export const Port = keyword('port');
export const Any = keyword('any');
export const Addrset = keyword('addrset');
export const Ip = keyword('ip');
export const Not = keyword('not');
export const With = keyword('with');
export const Log = keyword('log');
export const Extended = keyword('extended');
export const Src = keyword('src');
export const Attribute = keyword('attribute');
export const Profile = keyword('profile');
export const As = keyword('as');
export const Tag = keyword('tag');
export const Accept = keyword('accept');
export const Drop = keyword('drop');
export const Reject = keyword('reject');
export const Punt = keyword('punt');

/** Keywords of the rule statement (whole-word patterns, so their order is free). */
export const ruleLineKeywords: TokenType[] = [
  Rule, At, Inout, Inet6, Inet, In, Out, Protocol, Ethertype, Strict, Stateless, Icmptype, Typecode,
  From, To, Port, Any, Addrset, Ip, Not, With, Log, Extended, Src, Attribute, Profile, As, Tag,
  Accept, Drop, Reject, Punt,
];

/** Literal-shape tokens, in the order they must be tried (see the file comment). */
export const ruleLineLiterals: TokenType[] = [MacAddress, IPv6, IPv4, Uuid, HexNumber, QuotedString];

/** Punctuation of the rule statement. */
export const ruleLinePunctuation: TokenType[] = [LCurly, RCurly, Comma, Semicolon, Colon, Dash];

/** What another grammar adds to the rule-line vocabulary. */
export interface VocabularyExtension {
  /** comment-like tokens, tried right after `# internal #` (e.g. getrules `# Filter rules` headers) */
  comments?: TokenType[];
  /** extra keywords, made with {@link keyword}; tried before the rule-line keywords */
  keywords?: TokenType[];
  /** extra punctuation, tried before the rule-line punctuation */
  punctuation?: TokenType[];
}

/**
 * The ordered token array for a lexer (and the parser's vocabulary): the rule-line tokens plus a
 * grammar's own, each in its right slot.
 */
export function buildVocabulary(ext: VocabularyExtension = {}): TokenType[] {
  return [
    WhiteSpace,
    InternalMarker,
    ...(ext.comments ?? []),
    ...ruleLineLiterals,
    ...(ext.keywords ?? []),
    ...ruleLineKeywords,
    Name,
    Integer,
    ...(ext.punctuation ?? []),
    ...ruleLinePunctuation,
  ];
}

/** The rule-statement vocabulary alone (no comments): what `RuleLineParser` is built with. */
export const ruleLineTokens: TokenType[] = buildVocabulary();
