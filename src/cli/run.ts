import { hideBin } from 'yargs/helpers';
import { runCli } from './main.js';

/** The whole CLI on this process's command line: what src/cli/bin.ts loads unless it answers a help line itself. */
export function run(): Promise<number> {
  return runCli(hideBin(process.argv));
}
