import { closeSync, openSync, readSync } from 'node:fs';
import { parseDfwpktlogLine, sniffDfwpktlog } from '../parse/dfwpktlog.js';
import { parseAntreaNpLogLine, sniffAntreaNpLog } from '../parse/antrea-np-log.js';
import type { LineContext, LineResult } from '../parse/line-result.js';
import { sniffVsipioctl } from '../parse/vsipioctl-capture.js';
import { nodeRequire } from '../runtime/node-require.js';

/** The input formats dfwsim ingests. */
export const INPUT_FORMATS = ['dfwpktlog', 'antrea-np-log', 'vsipioctl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export function isInputFormat(s: string): s is InputFormat {
  return (INPUT_FORMATS as readonly string[]).includes(s);
}

const HEAD_BYTES = 256 * 1024;
const HEAD_LINES = 200;

/** What the first bytes of a file say before any parser runs. */
export type HeadKind = { kind: 'empty' } | { kind: 'binary' } | { kind: 'text'; lines: string[]; gzip: boolean };

/**
 * Reads the head of a file (gunzipping a partial .gz with a sync flush, so a truncated
 * archive still sniffs) and classifies it: empty, binary (NUL bytes), or text lines.
 */
export function readHead(path: string): HeadKind {
  const fd = openSync(path, 'r');
  let buf: Buffer;
  try {
    const b = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, b, 0, HEAD_BYTES, 0);
    buf = b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  if (buf.length === 0) return { kind: 'empty' };
  const gzip = buf[0] === 0x1f && buf[1] === 0x8b;
  if (gzip) {
    try {
      const zlib = nodeRequire('node:zlib') as typeof import('node:zlib'); // only for .gz files
      buf = zlib.gunzipSync(buf, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      return { kind: 'binary' };
    }
    if (buf.length === 0) return { kind: 'empty' };
  }
  const probe = buf.subarray(0, 8192);
  if (probe.includes(0)) return { kind: 'binary' };
  // line ends as readLines sees them: `\n`, `\r\n`, or a lone `\r`
  const lines = buf.toString('utf8').split(/\r\n|\r|\n/, HEAD_LINES);
  if (lines.every((l) => l.trim() === '')) return { kind: 'empty' };
  return { kind: 'text', lines, gzip };
}

/**
 * Confidence per format for the head lines; the best one wins when it reaches 0.5. But when most
 * of the (non-blank) head lines are records of a packet-log format, that format wins whatever
 * else scores: one `name: nic-...` or `Filter Name :` line near the top of a dfwpktlog file
 * must not turn the whole file into a capture, where its records would be read as nothing.
 */
export function sniffFormat(lines: string[]): { format: InputFormat | null; scores: Record<InputFormat, number> } {
  const scores: Record<InputFormat, number> = {
    dfwpktlog: sniffDfwpktlog(lines),
    'antrea-np-log': sniffAntreaNpLog(lines),
    vsipioctl: sniffVsipioctl(lines),
  };
  let best: InputFormat | null = null;
  let bestShare = 0.5;
  for (const [f, parse] of LOG_PARSERS) {
    const share = recordShare(lines, parse);
    if (share > bestShare) {
      best = f;
      bestShare = share;
    }
  }
  if (best !== null) return { format: best, scores };
  for (const f of INPUT_FORMATS) if (scores[f] >= 0.5 && (best === null || scores[f] > scores[best])) best = f;
  return { format: best, scores };
}

const LOG_PARSERS: [InputFormat, (line: string, ctx: LineContext) => LineResult][] = [
  ['dfwpktlog', parseDfwpktlogLine],
  ['antrea-np-log', parseAntreaNpLogLine],
];

/** Share of the non-blank lines that `parse` reads as complete records. */
function recordShare(lines: string[], parse: (line: string, ctx: LineContext) => LineResult): number {
  const ctx: LineContext = { source: '', line: 0, host: null };
  let n = 0;
  let records = 0;
  for (const l of lines) {
    if (l.trim() === '') continue;
    n++;
    if (parse(l, ctx).kind === 'event') records++;
  }
  return n === 0 ? 0 : records / n;
}
