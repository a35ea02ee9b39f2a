/**
 * `--help` and `<command> --help` answered from the recorded help texts (src/cli/help-cache.ts,
 * build/help.ts): the bundle prints byte for byte what its yargs path prints, exit code included,
 * for every registry command; it loads no yargs code for them; and anything else (another command
 * line, another width, a missing or broken file) goes to yargs.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleCli } from '../../build/bundle.js';
import { writeHelp } from '../../build/help.js';
import { COMMANDS, commandName } from '../../src/cli/commands/index.js';
import { cachedHelp, type HelpFile } from '../../src/cli/help-cache.js';
import { tempDir } from '../helpers/paths.js';

// ---- the lookup, in-process ----

const file = (help: unknown) => {
  const f = join(tempDir(), 'help.json');
  writeFileSync(f, typeof help === 'string' ? help : JSON.stringify(help));
  return pathToFileURL(f);
};
const sample: HelpFile = {
  width: 110,
  entries: [
    { argv: ['--help'], stdout: 'top\n', code: 0 },
    { argv: ['events', '--help'], stdout: 'events\n', code: 0 },
  ],
};

test('answers the recorded command lines at the recorded width', (t) => {
  const f = file(sample);
  t.is(cachedHelp(['--help'], f, undefined)?.stdout, 'top\n');
  t.is(cachedHelp(['events', '--help'], f, undefined)?.stdout, 'events\n');
  // a terminal at least as wide as the recorded width gets the same layout
  t.is(cachedHelp(['--help'], f, 200)?.stdout, 'top\n');
  t.is(cachedHelp(['--help'], f, 110)?.stdout, 'top\n');
});

test('anything else goes to yargs', (t) => {
  const f = file(sample);
  t.is(cachedHelp(['--help'], f, 109), undefined, 'narrower terminal');
  t.is(cachedHelp(['--help'], file({ ...sample, width: 80 }), undefined), undefined, 'file for another width');
  for (const argv of [[], ['-h'], ['help'], ['--help', 'events'], ['events', '--help', '--db', 'x.db'], ['query', '--help'], ['--db', '--help'], ['events']]) {
    t.is(cachedHelp(argv, f, undefined), undefined, argv.join(' '));
  }
  t.is(cachedHelp(['--help'], pathToFileURL(join(tempDir(), 'missing.json')), undefined), undefined, 'missing');
  t.is(cachedHelp(['--help'], file('{"width":110,'), undefined), undefined, 'truncated');
  t.is(cachedHelp(['--help'], file({ width: 110, entries: [{ argv: ['--help'], stdout: 1, code: 0 }] }), undefined), undefined, 'bad entry');
  t.is(cachedHelp(['--help'], file({ width: 110 }), undefined), undefined, 'no entries');
});

// ---- the bundle, as child processes ----

mkdirSync(resolve('dist'), { recursive: true }); // `npm test` on a fresh clone runs before any build
const dir = mkdtempSync(resolve('dist/fast-help-test-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) => {
  const p = spawnSync(process.execPath, [join(dir, 'dfwsim.js'), ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', ...env } });
  return { stdout: p.stdout, stderr: p.stderr, code: p.status };
};
const helpLines = [['--help'], ...COMMANDS.map((c) => [commandName(c), '--help'])];

/** Every file the entry loads by static imports, following them through the chunks. */
function staticallyLoaded(entry: string): string[] {
  const seen = new Set<string>();
  const walk = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const m of readFileSync(join(dir, name), 'utf8').matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?"\.\/([^"]+)"/gm)) walk(m[1]!);
  };
  walk(entry);
  return [...seen];
}

test.serial('the recorded help is what the yargs path prints, for --help and every command', async (t) => {
  await bundleCli(dir);
  const helpFile = writeHelp(dir);
  const recorded = JSON.parse(readFileSync(helpFile, 'utf8')) as HelpFile;
  t.is(recorded.width, 110);
  t.deepEqual(recorded.entries.map((e) => e.argv), helpLines);

  // the entry is one file without yargs: the rest stays behind its dynamic import of run.js
  t.deepEqual(staticallyLoaded('dfwsim.js'), ['dfwsim.js']);
  const entry = readFileSync(join(dir, 'dfwsim.js'), 'utf8');
  t.false(entry.includes('node_modules/'));
  t.true(entry.includes('import("./run.js")'));

  const german = { LC_ALL: 'de_DE.UTF-8', LANG: 'de_DE.UTF-8' };
  const fast = helpLines.map((argv) => run(argv));
  const fastGerman = [run(['--help'], german), run(['events', '--help'], german)];
  renameSync(helpFile, `${helpFile}.off`); // no file: the yargs path
  const slow = helpLines.map((argv) => run(argv));
  const slowGerman = [run(['--help'], german), run(['events', '--help'], german)];
  renameSync(`${helpFile}.off`, helpFile);
  for (const [i, argv] of helpLines.entries()) {
    t.deepEqual(fast[i], slow[i], argv.join(' '));
    t.is(slow[i]!.code, 0, argv.join(' '));
    t.true(slow[i]!.stdout.startsWith(`dfwsim ${argv.length === 1 ? '<command>' : COMMANDS[i - 1]!.command}`), argv.join(' '));
  }
  // the bundle cannot find yargs' translations, so a locale changes neither path
  t.deepEqual(fastGerman, slowGerman);
  t.is(slowGerman[0]!.stdout, slow[0]!.stdout);
});

test.serial('the bundle answers from the file, and goes to yargs when it does not fit', (t) => {
  const helpFile = join(dir, 'help.json');
  const real = JSON.parse(readFileSync(helpFile, 'utf8')) as HelpFile;
  const yargsHelp = (() => {
    renameSync(helpFile, `${helpFile}.off`);
    const r = run(['--help']);
    renameSync(`${helpFile}.off`, helpFile);
    return r;
  })();
  const marked: HelpFile = { ...real, entries: real.entries.map((e) => ({ ...e, stdout: `recorded ${e.argv.join(' ')}\n`, code: 3 })) };
  try {
    writeFileSync(helpFile, JSON.stringify(marked));
    t.deepEqual(run(['--help']), { stdout: 'recorded --help\n', stderr: '', code: 3 });
    t.deepEqual(run(['policy', '--help']), { stdout: 'recorded policy --help\n', stderr: '', code: 3 });
    // another command line: yargs (`--help events` shows the events help there)
    t.true(run(['--help', 'events']).stdout.startsWith('dfwsim events'));
    t.is(run(['-h']).code, 2);
    // laid out for another width than a pipe gets
    writeFileSync(helpFile, JSON.stringify({ ...marked, width: 80 }));
    t.deepEqual(run(['--help']), yargsHelp);
    // unreadable
    writeFileSync(helpFile, '{"width": 110, "entries": [');
    t.deepEqual(run(['--help']), yargsHelp);
  } finally {
    writeFileSync(helpFile, JSON.stringify(real));
  }
});
