import { closeSync, openSync, readSync } from 'node:fs';
import { gunzipSync, constants as zc } from 'node:zlib';
import { sniffDfwpktlog } from '../parse/dfwpktlog.js';
import { sniffAntreaNpLog } from '../parse/antrea-np-log.js';
import { sniffVsipioctl } from '../parse/vsipioctl-capture.js';

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
      buf = gunzipSync(buf, { finishFlush: zc.Z_SYNC_FLUSH });
    } catch {
      return { kind: 'binary' };
    }
    if (buf.length === 0) return { kind: 'empty' };
  }
  const probe = buf.subarray(0, 8192);
  if (probe.includes(0)) return { kind: 'binary' };
  const lines = buf.toString('utf8').split('\n', HEAD_LINES).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.every((l) => l.trim() === '')) return { kind: 'empty' };
  return { kind: 'text', lines, gzip };
}

/** Confidence per format for the head lines; the best one wins when it reaches 0.5. */
export function sniffFormat(lines: string[]): { format: InputFormat | null; scores: Record<InputFormat, number> } {
  const scores: Record<InputFormat, number> = {
    dfwpktlog: sniffDfwpktlog(lines),
    'antrea-np-log': sniffAntreaNpLog(lines),
    vsipioctl: sniffVsipioctl(lines),
  };
  let best: InputFormat | null = null;
  for (const f of INPUT_FORMATS) if (scores[f] >= 0.5 && (best === null || scores[f] > scores[best])) best = f;
  return { format: best, scores };
}
