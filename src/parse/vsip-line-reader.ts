/**
 * The line readers the getrules / getaddrsets document builders use: the fast scanner first, the
 * chevrotain grammar for any line the scanner does not recognise (the same split as dfwpktlog's
 * fast path). The grammar is not imported here: loading chevrotain costs more than reading a
 * 17,000-rule capture, so it is loaded only when a line needs it (see {@link withLineGrammars}).
 * Importing src/parse/getrules.js or getaddrsets.js loads it up front, for synchronous callers.
 */
import type { SourceLine } from './getrules-prompt.js';
import type { AddrsetLineReader, AddrsetLineValue, GetrulesLineReader, GetrulesLineValue } from './vsip-line.js';
import { scanAddrsetLine, scanGetrulesLine } from './vsip-line-scan.js';

interface LineGrammars {
  getrules: GetrulesLineReader;
  getaddrsets: AddrsetLineReader;
}

let grammars: LineGrammars | undefined;

/** Thrown when a line needs the grammar and it is not loaded yet; {@link withLineGrammars} handles it. */
export class LineGrammarsNotLoaded extends Error {
  constructor() {
    super("a vsipioctl line needs the chevrotain grammar: import src/parse/getrules.js first, or run the parse in withLineGrammars()");
  }
}

/** Called by vsip-line-grammar.ts when it is imported. */
export function registerLineGrammars(g: LineGrammars): void {
  grammars = g;
}

function loaded(): LineGrammars {
  if (grammars === undefined) throw new LineGrammarsNotLoaded();
  return grammars;
}

/**
 * Runs a parse that can be run again from the start (a pure one, or one that undoes its writes when
 * it throws); when a line needed the grammar before it was loaded, loads it and runs the parse
 * again. Most captures never need it, and then chevrotain is never loaded.
 */
export async function withLineGrammars<T>(parse: () => T | Promise<T>): Promise<T> {
  try {
    return await parse();
  } catch (e) {
    if (!(e instanceof LineGrammarsNotLoaded)) throw e;
    await import('./vsip-line-grammar.js');
    return await parse();
  }
}

export const readGetrulesLine: GetrulesLineReader = (line: SourceLine, file: string): GetrulesLineValue =>
  scanGetrulesLine(line.text) ?? loaded().getrules(line, file);

export const readAddrsetLine: AddrsetLineReader = (line: SourceLine, file: string): AddrsetLineValue =>
  scanAddrsetLine(line.text) ?? loaded().getaddrsets(line, file);

/** The grammar alone, never the scanner (the reference the scanner is tested against). */
export const grammarOnly = {
  getrules: ((line, file) => loaded().getrules(line, file)) as GetrulesLineReader,
  getaddrsets: ((line, file) => loaded().getaddrsets(line, file)) as AddrsetLineReader,
};
