#!/usr/bin/env node
/**
 * The CLI entry (the bundle's `dfwsim.js`). `--help` and `<command> --help` are answered from the
 * help texts `npm run build` recorded next to the bundle (src/cli/help-cache.ts) when they were laid
 * out for this stdout's width; every other command line loads yargs and the command through a
 * dynamic import of ./run.js, which build/bundle.ts keeps out of this file, so a help answer loads
 * this one small file and no yargs.
 */
import { fstatSync } from 'node:fs';
import { cachedHelp } from './help-cache.js';
import { writeStdout } from './io.js';

/**
 * What main.ts reads for the help width: `process.stdout.columns`, which only a terminal has. A
 * terminal is a character device: checking that first spares a pipe or a file creating
 * `process.stdout` (for a pipe that loads node's tty and net modules, ~5 ms).
 */
function stdoutColumns(): number | undefined {
  let maybeTerminal = true;
  try {
    maybeTerminal = fstatSync(1).isCharacterDevice();
  } catch {
    // no fd 1 to inspect: ask process.stdout, as main.ts does
  }
  return maybeTerminal ? process.stdout.columns : undefined;
}

async function main(): Promise<number> {
  // `hideBin` (yargs/helpers, used by run.ts) is `process.argv.slice(2)` under node; it slices one
  // fewer only in a bundled Electron app
  const help = cachedHelp(process.argv.slice(2), new URL('./help.json', import.meta.url), stdoutColumns());
  if (help) {
    writeStdout(help.stdout);
    return help.code;
  }
  const { run } = await import('./run.js');
  return run();
}

main().then(
  (code) => {
    process.exitCode = code;
    // the benchmark reads the peak resident set size of a real CLI run from here
    if (process.env['DFWSIM_REPORT_RSS']) process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\n`);
  },
  (e: unknown) => {
    // a bug, not bad input: show it, exit 2 so scripts do not mistake it for findings
    process.stderr.write(`dfwsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
