/**
 * `vsipioctl getaddrsets -f <filter>` text -> GetaddrsetsDocument (reference/vsipioctl.md 5): the
 * synchronous entry point, with the chevrotain grammar loaded up front so every line can be read.
 * The document is assembled in getaddrsets-document.ts; the ingest path uses that module directly
 * and loads the grammar only when a line needs it.
 */
import './vsip-line-grammar.js';
import type { ParseResult } from '../model/diagnostics.js';
import type { GetaddrsetsDocument } from '../model/rule.js';
import { parseGetaddrsetsLines } from './getaddrsets-document.js';
import { splitLines } from './getrules-prompt.js';

export { parseGetaddrsetsLines } from './getaddrsets-document.js';

/** Parses one getaddrsets output. Never throws on bad input. */
export function parseGetaddrsets(text: string, file: string): ParseResult<GetaddrsetsDocument> {
  return parseGetaddrsetsLines(splitLines(text), file);
}
