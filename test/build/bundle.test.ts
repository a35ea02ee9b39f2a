/**
 * The bundled CLI (build/bundle.ts, what the package `bin` and the benchmarks run) prints what the
 * sources print: `--help` byte for byte (yargs lays it out with the wrapped string-width), a
 * command's help, and a command that reads the store after an ingest of a capture.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleCli } from '../../build/bundle.js';
import { cli, tempDb } from '../helpers/cli.js';

// inside the checkout, so the bundle finds better-sqlite3 in node_modules as dist/cli does
mkdirSync(resolve('dist'), { recursive: true }); // `npm test` on a fresh clone runs before any build
const dir = mkdtempSync(resolve('dist/bundle-test-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [join(dir, 'dfwsim.js'), ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

test.serial('the bundle runs like the sources', async (t) => {
  const files = await bundleCli(dir);
  t.true(files.some((f) => f.endsWith('dfwsim.js')) && files.some((f) => f.endsWith('parse-worker.js')));

  for (const args of [['--help'], ['rules', '--help'], ['frobnicate']]) {
    const ours = run(args);
    const src = await cli(args);
    t.is(ours.stdout, src.stdout, args.join(' '));
    t.is(ours.stderr, src.stderr, args.join(' '));
    t.is(ours.status, src.code, args.join(' '));
  }

  const db = tempDb();
  const ingest = run(['ingest', 'test/fixtures/f5-53210.getrules.txt', '--db', db, '--format', 'json']);
  t.is(ingest.status, 0, ingest.stderr);
  for (const format of ['json', 'table']) {
    const rules = run(['rules', '--db', db, '--format', format]);
    t.is(rules.status, 0, rules.stderr);
    t.is(rules.stdout, (await cli(['rules', '--db', db, '--format', format])).stdout, format);
    t.true(rules.stdout.includes('1026'), format);
  }
});
