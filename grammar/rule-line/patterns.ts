/**
 * The lexical shapes of the rule statement as plain regular expressions, with no chevrotain import:
 * grammar/rule-line/tokens.ts builds its tokens from them, and the hand-written getrules scanner
 * (src/parse/realized-line-scan.ts) classifies words with the same ones, so the two cannot drift.
 *
 * Pure grammar: no imports, no I/O.
 */

/** `# internal #`: the companion line of an ALG rule (reference/vsipioctl.md 4.3). */
export const INTERNAL_MARKER = /#[ \t]*internal[ \t]*#/;

/** Identifier-like words: addrset names, protocols, ALGs, ruleset names. */
export const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/;

/** `00:50:56:8c:12:a4`: exactly 6 two-digit groups. */
export const MAC_ADDRESS = /[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}(?![0-9a-fA-F:])/;

/** IPv6 literal with optional prefix length; lexically loose (two colons at least). */
export const IPV6 = /[0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4}:[0-9a-fA-F:.]*(?:\/\d{1,3})?/;

/** IPv4 host, CIDR, or range `a.b.c.d-e.f.g.h`. */
export const IPV4 = /\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2}|-\d{1,3}(?:\.\d{1,3}){3})?/;

/** 8-4-4-4-12 hex UUID; may start with a digit. */
export const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![A-Za-z0-9_.-])/;

/** `0x0800` (ethertype). */
export const HEX_NUMBER = /0[xX][0-9a-fA-F]+/;

/** `'free text'` of `tag '...'`. */
export const QUOTED_STRING = /'[^'\n\r]*'/;

/** Characters that continue a name: a keyword matches only when none follows it. */
export const NAME_CONTINUATION = '[A-Za-z0-9_.-]';

/** The keywords of the rule statement (whole words; `ip` vs `ip-ipset-3`). */
export const RULE_LINE_KEYWORDS = [
  'rule', 'at', 'inout', 'in', 'out', 'inet6', 'inet', 'protocol', 'ethertype', 'strict', 'stateless', 'icmptype',
  'typecode', 'from', 'to', 'port', 'any', 'addrset', 'ip', 'not', 'with', 'log', 'extended', 'src', 'attribute',
  'profile', 'as', 'tag', 'accept', 'drop', 'reject', 'punt',
] as const;
