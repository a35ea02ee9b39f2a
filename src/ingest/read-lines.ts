import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { nodeRequire } from '../runtime/node-require.js';

/** Lines longer than this are not held in memory: they are reported and skipped (a binary or corrupt file). */
export const MAX_LINE_BYTES = 1 << 20;

export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export interface LineSink {
  /** one line without its line end (`\n`, `\r\n` or a lone `\r`); `lineNo` is 1-based */
  line(text: string, lineNo: number): void;
  /** a line over MAX_LINE_BYTES: only its start is kept */
  tooLong(head: string, lineNo: number, length: number): void;
  /** called after every decoded chunk with the compressed bytes read so far */
  progress?(bytesRead: number): void;
  /** awaited after every chunk when it returns a promise: lets a consumer hold the reading back */
  afterChunk?(): Promise<void> | undefined;
}

export interface ReadOutcome {
  lines: number;
  /** set when a .gz ended early or failed its check: the lines before the damage were delivered */
  gzipError: string | null;
}

/**
 * Streams a file (plain or gzip, by magic bytes) line by line with flat memory: chunks are
 * split with indexOf, and a line that grows past MAX_LINE_BYTES is cut off rather than held.
 */
export async function readLines(path: string, sink: LineSink): Promise<ReadOutcome> {
  // before the stream opens: a missing file must fail here, not as an unhandled stream error
  const gz = isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  file.on('data', (c: string | Buffer) => {
    bytesRead += c.length;
  });
  const stream: Readable = gz ? file.pipe((nodeRequire('node:zlib') as typeof import('node:zlib')).createGunzip()) : file;
  if (gz) file.on('error', (e) => stream.destroy(e));
  const decoder = new StringDecoder('utf8');
  const split = lineSplitter(sink);
  let gzipError: string | null = null;

  try {
    for await (const chunk of stream) {
      split.consume(decoder.write(chunk as Buffer));
      sink.progress?.(bytesRead);
      const held = sink.afterChunk?.();
      if (held) await held;
    }
  } catch (e) {
    if (!gz) throw e;
    // zlib: "unexpected end of file" (truncated) or "incorrect header check" / CRC errors
    gzipError = (e as Error).message;
  }
  split.consume(decoder.end());
  const lines = split.end();
  sink.progress?.(bytesRead);
  return { lines, gzipError };
}

/**
 * The same lines as {@link readLines} from a plain (not gzipped) file, read synchronously: for a
 * capture, which is read whole in one go, the stream's round trips through the event loop cost
 * more than the reading. `progress` and `afterChunk` are not called.
 */
export function readLinesSync(path: string, sink: LineSink): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    const decoder = new StringDecoder('utf8');
    const split = lineSplitter(sink);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      split.consume(decoder.write(n === buf.length ? buf : buf.subarray(0, n)));
    }
    split.consume(decoder.end());
    return split.end();
  } finally {
    closeSync(fd);
  }
}

/**
 * Cuts decoded text into lines with flat memory: chunks are split with indexOf, and a line that
 * grows past MAX_LINE_BYTES is cut off rather than held. `end` delivers the last line and returns
 * how many there were.
 */
function lineSplitter(sink: LineSink): { consume(chunk: string): void; end(): number } {
  let carry = '';
  let lineNo = 0;
  let overflow = -1; // > -1 while skipping the rest of a too-long line: its length so far
  let overflowHead = '';

  const emit = (text: string): void => {
    lineNo++;
    if (overflow >= 0) {
      sink.tooLong(overflowHead, lineNo, overflow + text.length);
      overflow = -1;
      overflowHead = '';
      return;
    }
    const cr = text.indexOf('\r');
    if (cr === -1) {
      sink.line(text, lineNo);
      return;
    }
    // `\r\n` ends one line; a `\r` anywhere else is an old-Mac (or mixed) line end of its own
    const parts = (text.endsWith('\r') ? text.slice(0, -1) : text).split('\r');
    sink.line(parts[0] ?? '', lineNo);
    for (let i = 1; i < parts.length; i++) sink.line(parts[i] ?? '', ++lineNo);
  };
  const consume = (chunk: string): void => {
    let start = 0;
    let nl = chunk.indexOf('\n');
    if (nl !== -1 && carry) {
      emit(carry + chunk.slice(0, nl));
      carry = '';
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    while (nl !== -1) {
      emit(chunk.slice(start, nl));
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    const rest = start === 0 ? chunk : chunk.slice(start);
    if (overflow >= 0) {
      overflow += rest.length;
    } else if (carry.length + rest.length > MAX_LINE_BYTES) {
      let all = carry + rest;
      carry = '';
      // old-Mac text has no `\n` at all: deliver it up to its last `\r` (one at the very end may
      // be the first half of a `\r\n`), so only a real line can grow too long
      const cr = all.lastIndexOf('\r', all.length - 2);
      if (cr !== -1) {
        emit(all.slice(0, cr + 1));
        all = all.slice(cr + 1);
      }
      if (all.length > MAX_LINE_BYTES) {
        overflowHead = all.slice(0, 200);
        overflow = all.length;
      } else carry = all;
    } else {
      carry += rest;
    }
  };

  return {
    consume,
    end: () => {
      if (overflow >= 0 || carry) emit(carry);
      return lineNo;
    },
  };
}

/** A line of a capture read whole; `tooLong` lines hold only their head. */
export interface TextLine {
  text: string;
  line: number;
  /** set for a line over MAX_LINE_BYTES: its full length */
  tooLong?: number;
}

/** Reads a whole (small) file as lines, gunzipping when needed; for vsipioctl captures. */
export async function readAllLines(path: string): Promise<{ lines: TextLine[]; gzipError: string | null }> {
  const lines: TextLine[] = [];
  const outcome = await readLines(path, {
    line: (text, line) => lines.push({ text, line }),
    tooLong: (text, line, length) => lines.push({ text, line, tooLong: length }),
  });
  return { lines, gzipError: outcome.gzipError };
}
