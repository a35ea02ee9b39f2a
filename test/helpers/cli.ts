import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs dfwsim in-process with captured output (no TTY, so no progress bar). */
export async function cli(args: string[], stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    isTTY: false,
    stdin: Readable.from([stdin]),
  });
  return { code, stdout, stderr };
}

export { tempDb, CORPUS } from './paths.js';
