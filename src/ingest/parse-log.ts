import { EventPacker, type EventBatch } from '../model/event-batch.js';
import { parseDfwpktlogLine } from '../parse/dfwpktlog.js';
import { parseAntreaNpLogLine } from '../parse/antrea-np-log.js';
import type { LineContext, LineResult } from '../parse/line-result.js';
import { readLines } from './read-lines.js';

/** What to parse: one packet-log file, from the line after `resumeAfter`. Plain data (it crosses to a worker). */
export interface ParseRequest {
  path: string;
  /** the path as the user gave it, copied into events and messages */
  shownAs: string;
  format: 'dfwpktlog' | 'antrea-np-log';
  host: string | null;
  /** lines already committed by an earlier, interrupted run */
  resumeAfter: number;
  /** lines per chunk (the unit handed from the parser to the store) */
  chunkLines: number;
}

/** A line that looked like a record but did not parse. */
export interface RejectedRow {
  line: number;
  col: number;
  code: string;
  reason: string;
  raw: string;
}

/**
 * The parsed outcome of up to `chunkLines` lines. Storing it (events, rejected lines and
 * `upTo` as the source's progress) in a committed transaction makes a crash resume after `upTo`.
 */
export interface ParsedChunk {
  /** the last line this chunk accounts for */
  upTo: number;
  events: EventBatch;
  rejected: RejectedRow[];
  skipped: number;
  /** bytes of the file read so far (compressed bytes for .gz), for progress */
  bytesRead: number;
}

export interface ParseOutcome {
  lines: number;
  /** set when a .gz ended early or failed its check: the lines before the damage were parsed */
  gzipError: string | null;
}

const PARSERS: Record<ParseRequest['format'], (line: string, ctx: LineContext) => LineResult> = {
  dfwpktlog: parseDfwpktlogLine,
  'antrea-np-log': parseAntreaNpLogLine,
};

/**
 * Characters of line text after which a chunk ends early. Packet-log lines are about 150
 * characters, so chunks end by line count; a file of long lines (rejected, each kept whole
 * in the store) must not hold thousands of them in memory at once.
 */
export const CHUNK_CHARS = 4 << 20;

/**
 * Reads and parses a packet-log file into chunks, one per `chunkLines` lines or CHUNK_CHARS
 * characters, whichever comes first (and one for the rest). The same code runs in the ingesting thread and in a parse worker, so the
 * chunks (and the commit points they make) are the same either way. `hold`, when it
 * returns a promise, pauses reading between file chunks (the worker's flow control).
 */
export async function parseLogFile(
  req: ParseRequest,
  emit: (chunk: ParsedChunk) => void,
  hold?: () => Promise<void> | undefined,
): Promise<ParseOutcome> {
  const parse = PARSERS[req.format];
  const ctx: LineContext = { source: req.shownAs, line: 0, host: req.host };
  const packer = new EventPacker(req.chunkLines);
  let rejected: RejectedRow[] = [];
  let skipped = 0;
  let bytesRead = 0;
  let lastLine = req.resumeAfter;
  let flushedUpTo = req.resumeAfter;
  let chars = 0;
  const flush = (upTo: number): void => {
    emit({ upTo, events: packer.take(), rejected, skipped, bytesRead });
    flushedUpTo = upTo;
    rejected = [];
    skipped = 0;
    chars = 0;
  };

  const outcome = await readLines(req.path, {
    line(text, lineNo) {
      if (lineNo <= req.resumeAfter) return;
      lastLine = lineNo;
      ctx.line = lineNo;
      const r = parse(text, ctx);
      if (r.kind === 'event') packer.add(r.event);
      else if (r.kind === 'foreign') skipped++;
      else rejected.push({ line: lineNo, col: r.column, code: r.code, reason: r.reason, raw: text });
      chars += text.length;
      if (lineNo % req.chunkLines === 0 || chars >= CHUNK_CHARS) flush(lineNo);
    },
    tooLong(headText, lineNo, length) {
      if (lineNo <= req.resumeAfter) return;
      lastLine = lineNo;
      const reason = `line of ${length} characters is longer than any log record (limit 1 MiB): not parsed`;
      rejected.push({ line: lineNo, col: 1, code: 'log/line-too-long', reason, raw: headText });
      if (lineNo % req.chunkLines === 0) flush(lineNo);
    },
    progress(b) {
      bytesRead = b;
    },
    ...(hold ? { afterChunk: hold } : {}),
  });
  if (lastLine > flushedUpTo) flush(lastLine);
  return outcome;
}
