/**
 * The lazy command registry: `--help` lists every command from src/cli/commands/index.ts without
 * importing any command module, so each entry must state what its module states; and the modules
 * every run loads import nothing heavy.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMMANDS, commandName } from '../../src/cli/commands/index.js';
import { invokedCommand } from '../../src/cli/main.js';
import { EXIT, type CliContext } from '../../src/cli/io.js';
import { cli } from '../helpers/cli.js';

const ctx: CliContext = { io: { out: () => {}, err: () => {}, isTTY: false, stdin: process.stdin }, exitCode: EXIT.ok };

test('each entry states the command and description of its module', async (t) => {
  for (const e of COMMANDS) {
    const m = (await e.load())(ctx);
    t.is(m.command, e.command);
    t.is(m.describe, e.describe);
  }
  t.is(new Set(COMMANDS.map(commandName)).size, COMMANDS.length);
});

test('the invoked command is the first token naming one', (t) => {
  t.is(commandName(invokedCommand(['query', 'select 1'])!), 'query');
  t.is(commandName(invokedCommand(['--db', 'x.db', 'events'])!), 'events');
  t.is(invokedCommand(['--help']), undefined);
  t.is(invokedCommand(['frobnicate']), undefined);
  t.is(invokedCommand(['--', 'events']), undefined);
});

test('--help lists every command; <command> --help shows its own options', async (t) => {
  const top = await cli(['--help']);
  t.is(top.code, 0);
  for (const e of COMMANDS) t.true(top.stdout.includes(`dfwsim ${e.command}`), e.command);
  const q = await cli(['events', '--help']);
  t.true(q.stdout.includes('--filter-hash'));
  const p = await cli(['policy', 'check', '--help']);
  t.true(p.stdout.includes('dfwsim policy check <files..>'));
});

// ---- what a run loads: the static imports (not `import type`, not `import()`) of a module ----
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const spec = m[1] ?? '';
      if (spec.startsWith('.')) walk(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
    }
  };
  walk(path.resolve(entry));
  return packages;
}

test('the entry loads no package (help is answered before yargs); every other run loads yargs and nothing else heavy', (t) => {
  t.deepEqual([...packagesReached('src/cli/bin.ts')], []);
  t.deepEqual([...packagesReached('src/cli/run.ts')].sort(), ['yargs']);
});

test('query, events and ingest load neither chevrotain nor yaml', (t) => {
  for (const c of ['query', 'events', 'ingest']) {
    const p = packagesReached(`src/cli/commands/${c}.ts`);
    t.false(p.has('chevrotain'), c);
    t.false(p.has('yaml'), c);
  }
});
