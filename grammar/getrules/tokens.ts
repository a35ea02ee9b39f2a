/**
 * Vocabulary of `vsipioctl getrules -f <filter>` output (reference/vsipioctl.md 4.1): the rule-line
 * vocabulary plus `ruleset` and the `#` header comments. Pure grammar.
 */
import { createToken, type TokenType } from 'chevrotain';
import { buildVocabulary, keyword } from '../rule-line/tokens.js';

/**
 * A `# ...` header line (`# Filter rules`, `# generation number: N`, `# realization time : T`,
 * `# PRE_FILTER rules`, `# FILTER (APP Category) rules`). Not skipped: headers carry the section and
 * the generation. Comes after `# internal #` in the vocabulary (that one is a rule prefix).
 */
export const HeaderComment = createToken({ name: 'HeaderComment', pattern: /#[^\n\r]*/ });

export const Ruleset = keyword('ruleset');

/** Ordered token array for the getrules lexer and parser. */
export const getrulesTokens: TokenType[] = buildVocabulary({ comments: [HeaderComment], keywords: [Ruleset] });
