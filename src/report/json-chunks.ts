/**
 * `renderJson`'s text (JSON.stringify with two-space indentation and a final newline) in
 * pieces, so a large report is written without ever being one string: the audit of a 2M-line
 * bundle has a 73 MB JSON report (every realized rule with its hits), and building it whole,
 * then its UTF-8 copy, raised the peak RSS of the whole run by 200 MB (measured).
 *
 * Arrays and plain objects are opened down to `depth` levels; anything deeper, and anything
 * with its own JSON form (toJSON, e.g. Date), is one JSON.stringify. Pieces are batched to
 * about `batchChars` characters. The concatenation equals renderJson(value) exactly.
 */
export function* jsonChunks(value: unknown, opts: { depth?: number; batchChars?: number } = {}): Generator<string> {
  const depth = opts.depth ?? 2;
  const batchChars = opts.batchChars ?? 1 << 16;
  let batch: string[] = [];
  let size = 0;
  for (const piece of pieces(value, '', depth)) {
    batch.push(piece);
    size += piece.length;
    if (size >= batchChars) {
      yield batch.join('');
      batch = [];
      size = 0;
    }
  }
  batch.push('\n');
  yield batch.join('');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** JSON.stringify drops these as object members and writes them as null in arrays. */
function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function* pieces(value: unknown, pad: string, depth: number): Generator<string> {
  const inner = `${pad}  `;
  if (depth > 0 && Array.isArray(value) && value.length > 0) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i > 0 ? ',' : ''}\n${inner}`;
      const v: unknown = value[i];
      yield* isSkipped(v) ? ['null'] : pieces(v, inner, depth - 1);
    }
    yield `\n${pad}]`;
    return;
  }
  if (depth > 0 && isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => !isSkipped(value[k]));
    if (keys.length > 0) {
      yield '{';
      let first = true;
      for (const k of keys) {
        yield `${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `;
        first = false;
        yield* pieces(value[k], inner, depth - 1);
      }
      yield `\n${pad}}`;
      return;
    }
  }
  // JSON strings never hold a raw line break: indenting every line break indents the lines
  const text = JSON.stringify(value, null, 2) as string | undefined;
  yield pad === '' ? (text ?? 'null') : (text ?? 'null').replace(/\n/g, `\n${pad}`);
}
