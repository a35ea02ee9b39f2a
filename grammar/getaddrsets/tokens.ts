/**
 * Vocabulary of `vsipioctl getaddrsets -f <filter>` output (reference/vsipioctl.md 5): the rule-line
 * vocabulary (addresses, names, braces) plus the `mac` entry keyword. Pure grammar.
 */
import type { TokenType } from 'chevrotain';
import { buildVocabulary, keyword } from '../rule-line/tokens.js';

/** `mac X,` entries (secondary evidence: PowerNSX treats `ip` and `mac` entries alike). */
export const Mac = keyword('mac');

/** Ordered token array for the getaddrsets lexer and parser. */
export const getaddrsetsTokens: TokenType[] = buildVocabulary({ keywords: [Mac] });
