/**
 * `npm run build`, after the bundle: records what the real yargs CLI prints for `dfwsim --help` and
 * `dfwsim <command> --help` of every registry command into `help.json` next to the bundle, which the
 * bundle's entry answers those command lines from without loading yargs (src/cli/help-cache.ts).
 *
 * The texts come from `runCli` (src/cli/main.ts) with a capturing Io, run in a child process whose
 * stdout is a pipe, so yargs lays them out at the width it uses when stdout is no terminal (110),
 * whatever terminal the build runs in; the file states that width. The child runs without locale
 * variables: yargs translates its help headings by LC_ALL / LC_MESSAGES / LANG / LANGUAGE from its
 * own `locales/` folder, which the bundle does not find (yargs' ESM shim resolves `../../../locales`
 * from the file that holds it: inside node_modules that is yargs' folder, from dist/cli/ the
 * checkout's root), so the bundle prints the English texts, the ones yargs gives with no locale set
 * (test/cli/fast-help.test.ts compares the two paths under a German locale too).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CachedHelp, HelpFile } from '../src/cli/help-cache.js';

/** Every command line the file answers: `--help` and `<command> --help` for each registry entry. */
async function helpCommandLines(): Promise<string[][]> {
  const { COMMANDS, commandName } = await import('../src/cli/commands/index.js');
  return [['--help'], ...COMMANDS.map((c) => [commandName(c), '--help'])];
}

/** Runs each help command line through the real yargs CLI in this process. */
export async function recordHelp(): Promise<HelpFile> {
  const [{ runCli }, { helpWidth }] = await Promise.all([import('../src/cli/main.js'), import('../src/cli/help-cache.js')]);
  const entries: CachedHelp[] = [];
  for (const argv of await helpCommandLines()) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTTY: false, stdin: Readable.from([]) });
    // a help line that writes to stderr is not a plain help text (the file keeps stdout only)
    if (stderr) throw new Error(`dfwsim ${argv.join(' ')} wrote to stderr: ${stderr}`);
    entries.push({ argv, stdout, code });
  }
  return { width: helpWidth(process.stdout.columns), entries };
}

const LOCALE_VARS = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'];

/** Records the help texts (in a child process, see above) and writes `outDir/help.json`. */
export function writeHelp(outDir: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !LOCALE_VARS.includes(k)));
  // this very file as the script (never the parent's node options: a `-e` among them would run
  // instead); under the tests it is the TypeScript source, run through tsx as they are
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, self.endsWith('.ts') ? ['--import', 'tsx', self] : [self], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`help recording failed (exit ${child.status}): ${child.stderr}`);
  const help = JSON.parse(child.stdout) as HelpFile;
  const file = join(outDir, 'help.json');
  writeFileSync(file, `${JSON.stringify(help)}\n`);
  return file;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(JSON.stringify(await recordHelp()));
}
