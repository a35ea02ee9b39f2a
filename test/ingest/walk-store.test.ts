/**
 * Issue 12 part 1: `cd bundle && dfwsim ingest .` puts the store inside the walked folder. The walk
 * must never read the store or its -wal / -shm / -journal files, and a walked file that vanishes
 * between the listing and the read is passed over with a note.
 */
import test from 'ava';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { expandInputs, storePaths } from '../../src/ingest/walk.js';
import { cli, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const NP_LOG = 'logs/antrea-node/np.log'; // 5 Antrea records
type Summary = { events: number; problems: { path: string; code: string }[]; perFile: { path: string; status: string }[] };
const summary = (r: CliRun) => JSON.parse(r.stdout) as Summary;

function bundleWithLog(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'node'));
  copyFileSync(NP_LOG, join(dir, 'node', 'np.log'));
  return dir;
}

test('a store inside the walked folder is never read, nor its -wal / -shm, on the first run or the next', async (t) => {
  const dir = bundleWithLog();
  const db = join(dir, 'dfwsim.db');
  const first = await cli(['ingest', dir, '--db', db, '--format', 'json']);
  t.is(first.code, 0, first.stderr);
  t.is(first.stderr, '');
  t.deepEqual(summary(first).perFile.map((f) => f.path), [join(dir, 'node', 'np.log')]);
  t.is(summary(first).events, 5);

  // the store now holds data; a new log beside it is the only new input
  writeFileSync(join(dir, 'dfwsim.db-journal.txt'), ''); // a name like a journal's is still a file
  copyFileSync('logs/syslog-export/collector-2024-05-15.log', join(dir, 'collector.log'));
  const second = await cli(['ingest', dir, '--db', db, '--format', 'json']);
  t.is(second.code, 0, second.stderr);
  t.deepEqual(summary(second).perFile.map((f) => [f.path.slice(dir.length + 1), f.status]), [
    ['collector.log', 'ingested'],
    ['dfwsim.db-journal.txt', 'skipped'],
    ['node/np.log', 'duplicate'],
  ]);
});

test('the store is recognised by its resolved path, however the folder or the --db path is spelled', async (t) => {
  const dir = bundleWithLog();
  const link = `${dir}-link`;
  symlinkSync(dir, link);
  // walked through a symbolic link to the folder, store named with a `..` detour
  const r = await cli(['ingest', link, '--db', join(dir, 'node', '..', 'h.db'), '--format', 'json']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(summary(r).perFile.map((f) => f.path), [join(link, 'node', 'np.log')]);
  // the same exclusion at the walk itself, for every companion file SQLite may create
  for (const s of ['', '-wal', '-shm', '-journal']) writeFileSync(join(dir, `h.db${s}`), 'x');
  t.deepEqual(expandInputs([link], storePaths(join(dir, 'h.db'))).files.map((f) => f.path), [join(link, 'node', 'np.log')]);
  t.is(expandInputs([link], storePaths(null)).files.length, 5, 'without a store every file is listed');
});

test('the store named on the command line is refused with a clear message (exit 2)', async (t) => {
  const dir = bundleWithLog();
  const db = join(dir, 'h.db');
  const r = await cli(['ingest', db, join(dir, 'node', 'np.log'), '--db', db]);
  t.is(r.code, 2);
  t.regex(r.stderr, /h\.db:0:0 {2}input\/is-store {2}is the store being written/);
});

/** Runs the CLI with a stdin that, when it is read (after the folder walk), deletes `victim`. */
function cliDeletingOnStdin(args: string[], victim: string): Promise<CliRun & { code: number }> {
  let stdout = '';
  let stderr = '';
  const stdin = new Readable({
    read() {
      if (existsSync(victim)) unlinkSync(victim);
      this.push(readFileSync(NP_LOG)); // the same bytes as the bundle's log: a duplicate, adds nothing
      this.push(null);
    },
  });
  return runCli(args, { out: (x) => void (stdout += x), err: (x) => void (stderr += x), isTTY: false, stdin })
    .then((code) => ({ code, stdout, stderr }));
}

test('a walked file that vanishes before it is read is passed over with a note, not a failure', async (t) => {
  const dir = bundleWithLog();
  const victim = join(dir, 'node', 'rotated.log');
  copyFileSync(NP_LOG, victim);
  // stdin is spooled after the walk has listed the folder and before any file is read
  const r = await cliDeletingOnStdin(['ingest', dir, '-', '--db', join(tempDir(), 'h.db'), '--format', 'json'], victim);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /rotated\.log:0:0 {2}input\/vanished {2}removed after the folder was listed: passed over/);
  const s = summary(r);
  t.like(s.perFile.find((f) => f.path.endsWith('rotated.log')), { status: 'skipped' });
  t.is(s.events, 5);
});

test('a file named on the command line that vanishes is still an input error', async (t) => {
  const dir = bundleWithLog();
  const victim = join(dir, 'node', 'np.log');
  const r = await cliDeletingOnStdin(['ingest', victim, '-', '--db', join(tempDir(), 'h.db')], victim);
  t.is(r.code, 2);
  t.regex(r.stderr, /np\.log:0:0 {2}input\/unreadable {2}cannot read: ENOENT/);
});
