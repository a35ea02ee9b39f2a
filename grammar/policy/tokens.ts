/**
 * Vocabulary of the `.dfw` policy language: the NSX rule-statement vocabulary
 * (grammar/rule-line/tokens.ts) plus the policy-level words. Built with `buildVocabulary`, so a rule
 * line pasted from `vsipioctl getrules` lexes exactly as it does there:
 *
 *   - `# internal #` stays a rule prefix (it is tried before the `#` comment token below);
 *   - every keyword here is made with `keyword()`, i.e. it matches whole words only and yields to
 *     `Name` (`tier` is a keyword, `tier-1` and `tiered` are names);
 *   - `Decimal` sits in the keyword slot: after the literal shapes (so `10.68.0.1` stays an IPv4) and
 *     before `Integer` (so `1.5` is one token).
 *
 * The policy words are reserved: a group cannot be called `policy`. Label keys and values are the
 * exception (`tier: web` is too common a label to forbid); the parser accepts any word there.
 *
 * Pure grammar: no imports from src/, no I/O.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';
import { buildVocabulary, keyword } from '../rule-line/tokens.js';

/**
 * `# ...` to the end of the line. Skipped. Comes after `# internal #` (buildVocabulary's order), so
 * `# internal # rule 1014 at 22 ...` is still a rule and every other `#` line is a comment, including
 * the getrules headers (`# Filter rules`) when a whole ruleset is pasted.
 */
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: Lexer.SKIPPED });

/** `1.5`: a float policy priority (Antrea spec.priority is a float, antrea.md §2). */
export const Decimal = createToken({ name: 'Decimal', pattern: /\d+\.\d+(?![\d.])/ });

export const Model = keyword('model');
export const Tier = keyword('tier');
export const Priority = keyword('priority');
export const Filter = keyword('filter');
export const Hash = keyword('hash');
// `name` and `vm` are common words; they are keywords only so that filter attributes read naturally.
export const NameKw = keyword('name', 'NameKw');
export const Vm = keyword('vm');
export const Labels = keyword('labels');
export const Group = keyword('group');
export const Members = keyword('members');
export const Except = keyword('except');
export const Exclude = keyword('exclude');
export const Policy = keyword('policy');
export const AppliedTo = keyword('applied-to', 'AppliedTo');
/** `allow`: the Antrea / NSX-UI spelling of `accept`. */
export const Allow = keyword('allow');
/** `pass`: skip the remaining tiers up to the next stage (Antrea Pass, NSX "Jump to Application"). */
export const Pass = keyword('pass');

/** Policy-level keywords, in the order they are added to the vocabulary (order is free: whole words). */
export const policyKeywords: TokenType[] = [
  Decimal, Model, Tier, Priority, Filter, Hash, NameKw, Vm, Labels, Group, Members, Except, Exclude, Policy,
  AppliedTo, Allow, Pass,
];

/** Ordered token array for the policy lexer and parser. */
export const policyTokens: TokenType[] = buildVocabulary({ comments: [Comment], keywords: policyKeywords });
