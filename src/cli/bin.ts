#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { runCli } from './main.js';

runCli(hideBin(process.argv)).then(
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
