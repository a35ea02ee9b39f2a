/**
 * Where a semantic object came from. `offset` is 0-based (characters from the start of the
 * document); `line` and `column` are 1-based, the way chevrotain's IToken states them.
 * Convert to other conventions only at an output edge.
 */
export interface SourceSpan {
  file: string;
  offset: number;
  line: number;
  column: number;
  length: number;
}

/** A span for a whole line of a line-oriented input (column 1, offset unknown = -1). */
export function lineSpan(file: string, line: number, length: number): SourceSpan {
  return { file, offset: -1, line, column: 1, length };
}
