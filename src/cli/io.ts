import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Where a command writes. Tests swap it for buffers; only bin.ts uses the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress bars are shown */
  isTTY: boolean;
  stdin: Readable;
}

/**
 * Writes to stdout synchronously, waiting while a pipe is full. `process.stdout.write` on a pipe
 * queues in memory without limit while a command streams a million rows, until the kernel refuses
 * (`ENOBUFS`); a blocking write keeps memory flat and lets the reader set the pace.
 */
export function writeStdout(text: string): void {
  let buf = Buffer.from(text, 'utf8');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (buf.length > 0) {
    try {
      const n = writeSync(1, buf);
      buf = buf.subarray(n);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // the reader went away (`| head`): stop quietly, as a Unix filter does
      if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
      // a non-blocking pipe (another part of the process opened process.stdout): wait for room
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

export function processIo(): Io {
  return {
    out: writeStdout,
    err: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY) && !process.env['CI'],
    stdin: process.stdin,
  };
}

/** Exit codes: 0 ok, 1 findings when asked (`--fail-on`, `--check`), 2 usage or input error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** An error the user can fix: printed as its message (no stack) with exit code 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
}

/** Per-run state shared by the command handlers. */
export interface CliContext {
  io: Io;
  exitCode: number;
}

/**
 * yargs drops a lone `-` positional; it stands for stdin, so it is carried through as this
 * token and turned back into `-` by the commands that read paths.
 */
export const STDIN_ARG = '<stdin>';
