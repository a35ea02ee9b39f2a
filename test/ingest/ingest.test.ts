import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { cli } from '../helpers/cli.js';
import { tempDb, tempDir } from '../helpers/paths.js';

const BUNDLE = 'logs/f5-promiscuous';
const count = (db: string, sql: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare(sql).get() as { n: number }).n;
  } finally {
    d.close();
  }
};
const json = (s: string) => JSON.parse(s) as Record<string, number> & { perFile: { path: string; status: string; events: number; skipped: number; rejected: number; rules: number; filters: number; addrsets: number; host: string | null }[] };

test('ingesting the bundled logs stores every record and reports per-file counts', async (t) => {
  const db = tempDb();
  const r = await cli(['ingest', 'logs', '--db', db, '--format', 'json']);
  t.is(r.code, 0, r.stderr);
  const s = json(r.stdout);
  const byName = (end: string) => s.perFile.find((f) => f.path.endsWith(end))!;
  t.like(byName('var/log/dfwpktlogs.log'), { status: 'ingested', events: 19, skipped: 0, rejected: 0, host: 'esx101.lab.local' });
  t.like(byName('var/log/dfwpktlogs.1.gz'), { status: 'ingested', events: 5, host: 'esx101.lab.local' });
  t.like(byName('var/log/vmkernel.log'), { status: 'skipped', events: 0 });
  t.like(byName('collector-2024-05-15.log'), { status: 'ingested', events: 9, skipped: 2, rejected: 1 });
  t.like(byName('antrea-node/np.log'), { status: 'ingested', events: 5 });
  t.like(byName('commands/vsipioctl-getrules.txt'), { rules: 20 });
  t.like(byName('commands/vsipioctl-getaddrsets.txt'), { addrsets: 7 });
  t.like(byName('commands/vsipioctl-getfilters.txt'), { filters: 3 });
  t.is(s['events'], 38);
  t.is(s['rejected'], 1);
  t.is(count(db, 'SELECT count(*) AS n FROM events'), 38);
  t.is(count(db, 'SELECT count(*) AS n FROM rejected_lines'), 1);
  // the rejected line keeps file, line, column and reason
  const d = new Database(db, { readonly: true });
  const rej = d.prepare('SELECT r.line, r.col, r.code, r.reason, s.path FROM rejected_lines r JOIN sources s ON s.id = r.source_id').get() as Record<string, unknown>;
  d.close();
  t.is(rej['line'], 12);
  t.is(rej['code'], 'log/malformed');
  t.true((rej['col'] as number) > 1);
  t.regex(String(rej['path']), /collector-2024-05-15\.log$/);
});

test('re-ingesting the same content adds nothing', async (t) => {
  const db = tempDb();
  await cli(['ingest', BUNDLE, '--db', db]);
  const before = count(db, 'SELECT count(*) AS n FROM events');
  const r = await cli(['ingest', BUNDLE, '--db', db, '--format', 'json']);
  t.is(r.code, 0);
  const s = json(r.stdout);
  t.is(s['events'], 0);
  t.true((s['filesDuplicate'] ?? 0) >= 6);
  t.is(count(db, 'SELECT count(*) AS n FROM events'), before);
  t.is(count(db, 'SELECT count(*) AS n FROM rules'), 20);
});

test('a missing path is an input error (exit 2) and the other paths are still ingested', async (t) => {
  const db = tempDb();
  const r = await cli(['ingest', 'no/such/file.log', 'logs/antrea-node/np.log', '--db', db]);
  t.is(r.code, 2);
  t.regex(r.stderr, /no\/such\/file\.log:0:0 {2}input\/unreadable {2}no such file or folder/);
  t.is(count(db, 'SELECT count(*) AS n FROM events'), 5);
});

test('binary garbage named on the command line is refused with a clear message', async (t) => {
  const dir = tempDir();
  const bin = join(dir, 'garbage.log');
  writeFileSync(bin, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const db = tempDb();
  const r = await cli(['ingest', bin, '--db', db]);
  t.is(r.code, 2);
  t.regex(r.stderr, /garbage\.log:0:0 {2}input\/binary {2}binary content/);
  t.is(count(db, 'SELECT count(*) AS n FROM events'), 0);
});

test('an empty file named on the command line is an input error; in a folder it is skipped quietly', async (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'empty.log'), '');
  const r1 = await cli(['ingest', join(dir, 'empty.log'), '--db', tempDb()]);
  t.is(r1.code, 2);
  t.regex(r1.stderr, /empty\.log:0:0 {2}input\/empty {2}empty file/);
  const r2 = await cli(['ingest', dir, '--db', tempDb()]);
  t.is(r2.code, 0);
});

test('a truncated .gz keeps the lines before the damage and exits 2', async (t) => {
  const dir = tempDir();
  const lines = readFileSync(`${BUNDLE}/esx-esx101.lab.local-2018-01-17--01.35-42117/var/log/dfwpktlogs.log`, 'utf8');
  const many = Array.from({ length: 400 }, () => lines).join('');
  const gz = gzipSync(Buffer.from(many));
  const cut = join(dir, 'dfwpktlogs.2.gz');
  writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
  const db = tempDb();
  const r = await cli(['ingest', cut, '--db', db, '--format', 'json']);
  t.is(r.code, 2);
  t.regex(r.stderr, /dfwpktlogs\.2\.gz:\d+:0 {2}input\/truncated-gzip {2}compressed data is damaged/);
  const stored = count(db, 'SELECT count(*) AS n FROM events');
  t.true(stored > 100, `stored ${stored}`);
  t.true(stored < 400 * 19);
});

test('a 10 MB line is rejected as too long and the lines around it are stored', async (t) => {
  const dir = tempDir();
  const f = join(dir, 'huge.log');
  const good = '2016-09-17T10:34:55.004Z 7295 INET match DROP domain-c46/1005 OUT 78 UDP 10.2.5.10/137->10.2.5.255/137\n';
  writeFileSync(f, good + 'A'.repeat(10 * 1024 * 1024) + '\n' + good);
  const db = tempDb();
  const r = await cli(['ingest', f, '--db', db, '--format', 'json']);
  t.is(r.code, 0, r.stderr);
  const s = json(r.stdout);
  t.is(s['events'], 2);
  t.is(s['rejected'], 1);
  const d = new Database(db, { readonly: true });
  const rej = d.prepare('SELECT line, code, length(raw) AS len FROM rejected_lines').get() as { line: number; code: string; len: number };
  d.close();
  t.deepEqual({ line: rej.line, code: rej.code }, { line: 2, code: 'log/line-too-long' });
  t.true(rej.len <= 200, 'only the head of a huge line is kept');
});

test('CRLF line ends parse the same as LF', async (t) => {
  const dir = tempDir();
  const lf = readFileSync('logs/antrea-node/np.log', 'utf8');
  writeFileSync(join(dir, 'crlf.log'), lf.replaceAll('\n', '\r\n'));
  const a = tempDb();
  const b = tempDb();
  await cli(['ingest', 'logs/antrea-node/np.log', '--db', a]);
  await cli(['ingest', join(dir, 'crlf.log'), '--db', b]);
  const ea = JSON.parse((await cli(['events', '--db', a, '--format', 'json'])).stdout) as Record<string, unknown>[];
  const eb = JSON.parse((await cli(['events', '--db', b, '--format', 'json'])).stdout) as Record<string, unknown>[];
  const strip = (e: Record<string, unknown>) => ({ ...e, source: null });
  t.is(ea.length, 5);
  t.deepEqual(eb.map(strip), ea.map(strip));
});

test('stdin (-) is ingested, and the same bytes again add nothing', async (t) => {
  const db = tempDb();
  const text = readFileSync('logs/antrea-node/np.log', 'utf8');
  const r1 = await cli(['ingest', '-', '--db', db, '--format', 'json'], text);
  t.is(r1.code, 0, r1.stderr);
  t.is(json(r1.stdout)['events'], 5);
  const r2 = await cli(['ingest', '-', '--db', db, '--format', 'json'], text);
  t.is(json(r2.stdout)['events'], 0);
  t.is(count(db, `SELECT count(*) AS n FROM events e JOIN sources s ON s.id = e.source_id WHERE s.path = '-'`), 5);
});

test('killing ingest mid-file leaves a consistent store; running it again completes without duplicates', async (t) => {
  const dir = tempDir();
  const big = join(dir, 'big.log');
  const body = readFileSync(`${BUNDLE}/esx-esx101.lab.local-2018-01-17--01.35-42117/var/log/dfwpktlogs.log`, 'utf8');
  writeFileSync(big, Array.from({ length: 20_000 }, () => body).join('')); // 380k lines
  const db = tempDb();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'ingest', big, '--db', db], { stdio: 'ignore' });
  // wait for the first committed batch, then kill without warning
  const started = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    let n = 0;
    try {
      n = count(db, 'SELECT count(*) AS n FROM events');
    } catch {
      /* store not created yet */
    }
    if (n > 0 || Date.now() - started > 60_000) break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const partial = count(db, 'SELECT count(*) AS n FROM events');
  t.true(partial > 0 && partial < 380_000, `partial ${partial}`);
  t.is(count(db, `SELECT count(*) AS n FROM sources WHERE status = 'partial'`), 1);
  // committed events and committed progress agree: no half batch
  t.is(count(db, 'SELECT max(line) AS n FROM events'), count(db, 'SELECT lines_done AS n FROM sources'));

  const r = await cli(['ingest', big, '--db', db, '--format', 'json']);
  t.is(r.code, 0, r.stderr);
  t.is(json(r.stdout).perFile[0]!.status, 'resumed');
  t.is(count(db, 'SELECT count(*) AS n FROM events'), 380_000);
  t.is(count(db, 'SELECT count(*) AS n FROM (SELECT line FROM events GROUP BY source_id, line HAVING count(*) > 1)'), 0);
  t.is(count(db, `SELECT count(*) AS n FROM sources WHERE status = 'complete'`), 1);
});
