/**
 * `vsipioctl getrules -f <filter>` text -> GetrulesDocument (reference/vsipioctl.md 4): the
 * synchronous entry point, with the chevrotain grammar loaded up front so every line can be read.
 * The document is assembled in getrules-document.ts; the ingest path uses that module directly and
 * loads the grammar only when a line needs it.
 */
import './vsip-line-grammar.js';
import type { ParseResult } from '../model/diagnostics.js';
import type { GetrulesDocument } from '../model/rule.js';
import { parseGetrulesLines } from './getrules-document.js';
import { splitLines } from './getrules-prompt.js';

export { FRAGMENT_RULESET, parseGetrulesLines } from './getrules-document.js';

/** Parses one getrules output. Never throws on bad input: problems come back as diagnostics. */
export function parseGetrules(text: string, file: string): ParseResult<GetrulesDocument> {
  return parseGetrulesLines(splitLines(text), file);
}
