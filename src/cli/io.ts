import type { Readable } from 'node:stream';

/** Where a command writes. Tests swap it for buffers; only bin.ts uses the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress bars are shown */
  isTTY: boolean;
  stdin: Readable;
}

export function processIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
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
