import { readFileSync } from 'node:fs';

/**
 * `dfwsim --help` and `dfwsim <command> --help` without loading yargs (issue 12 part 2: start-up).
 * `npm run build` runs the real yargs CLI for each of these command lines (build/help.ts) and writes
 * what it printed to `dist/cli/help.json`; the bundle's entry (src/cli/bin.ts) answers from that
 * file when the output would be identical, and otherwise loads yargs as before.
 *
 * Imports nothing but `node:fs`: this module runs before anything heavy is loaded.
 */

/** The width yargs lays help out at (main.ts `.wrap`): the terminal's, at most 110; 110 when stdout is no terminal. */
export function helpWidth(columns: number | undefined): number {
  return Math.min(110, columns || 110);
}

/** What one help command line printed and returned on the yargs path. */
export interface CachedHelp {
  argv: string[];
  stdout: string;
  code: number;
}

/** The file `npm run build` writes next to the bundle. */
export interface HelpFile {
  /** the help width (helpWidth) the texts were laid out at */
  width: number;
  entries: CachedHelp[];
}

/**
 * The command lines the file answers: `--help` alone and `<command> --help`. yargs 18 takes only
 * `--help` as the help flag here (`.help()` with no alias: `-h` is an unknown argument, exit 2);
 * other spellings that also show help (`help`, `--help=true`, `--help <command>`) go to yargs.
 */
export function isHelpShape(argv: readonly string[]): boolean {
  return (argv.length === 1 || argv.length === 2) && argv[argv.length - 1] === '--help';
}

const isEntry = (e: unknown): e is CachedHelp => {
  const x = e as Partial<CachedHelp> | null;
  return (
    typeof x === 'object' && x !== null && Array.isArray(x.argv) && x.argv.every((a) => typeof a === 'string') &&
    typeof x.stdout === 'string' && Number.isInteger(x.code)
  );
};

/**
 * The recorded answer for `argv` (without `node` and the script), or undefined when yargs must run:
 * not a help shape, no entry for it, laid out for another width than `columns` gives, or the file
 * is missing, unreadable or not in this shape.
 */
export function cachedHelp(argv: readonly string[], file: URL, columns: number | undefined): CachedHelp | undefined {
  if (!isHelpShape(argv)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const help = parsed as Partial<HelpFile> | null;
  if (typeof help !== 'object' || help === null || help.width !== helpWidth(columns) || !Array.isArray(help.entries)) return undefined;
  return help.entries.find((e) => isEntry(e) && e.argv.length === argv.length && e.argv.every((a, i) => a === argv[i]));
}
