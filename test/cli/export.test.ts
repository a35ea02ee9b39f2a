/** `dfwsim export`: its JSON summary, incremental re-runs through the CLI, and exit 2 on a bad target. */
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

async function store(): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = join(dir, 'store.db');
  const r = await cli(['ingest', 'logs', '--db', db]);
  if (r.code !== 0) throw new Error(r.stderr);
  return { dir, db };
}

test('--format json: the summary of what was written; a re-run writes nothing', async (t) => {
  const { dir, db } = await store();
  const tree = join(dir, 'tree');
  const first = await cli(['export', '--parquet', tree, '--db', db, '--format', 'json']);
  t.is(first.code, 0, first.stderr);
  const s = JSON.parse(first.stdout) as { kind: string; rows: number; files: number; partitions: number; sources: { rows: number }[]; alreadyExported: number };
  t.like(s, { kind: 'parquet', rows: 38, alreadyExported: 0 });
  t.is(s.sources.reduce((n, x) => n + x.rows, 0), s.rows);
  t.true(s.files >= s.partitions && s.partitions > 1);
  const again = JSON.parse((await cli(['export', '--parquet', tree, '--db', db, '--format', 'json'])).stdout) as typeof s;
  t.like(again, { rows: 0, files: 0, partitions: 0, alreadyExported: s.sources.length });
  const file = join(dir, 'e.duckdb');
  const d = JSON.parse((await cli(['export', '--duckdb', file, '--db', db, '--format', 'json'])).stdout) as typeof s;
  t.like(d, { kind: 'duckdb', rows: 38, files: 1 });
  const d2 = JSON.parse((await cli(['export', '--duckdb', file, '--db', db, '--format', 'json'])).stdout) as typeof s;
  t.like(d2, { rows: 0, files: 0 });
});

test('exit 2 with a clear message: bad --parquet folder, bad --duckdb file, both or neither, missing store', async (t) => {
  const { dir, db } = await store();
  const aFile = join(dir, 'plain.txt');
  writeFileSync(aFile, 'x');
  const busy = join(dir, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'notes.txt'), 'someone else');
  const cases: [string[], RegExp][] = [
    [['--parquet', aFile], /is not a folder/],
    [['--parquet', busy], /not empty and holds no _dfwsim-export\.json/],
    [['--duckdb', dir], /is a folder/],
    [['--duckdb', aFile], /cannot open DuckDB file/],
    [['--duckdb', join(dir, 'x.duckdb'), '--parquet', join(dir, 't')], /exactly one of/],
    [[], /exactly one of/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(['export', ...args, '--db', db]);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, message, args.join(' '));
    t.notRegex(r.stderr, /internal error|\n\s+at /, args.join(' '));
  }
  const missing = await cli(['export', '--parquet', join(dir, 't2'), '--db', join(dir, 'none.db')]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /no database at/);
});
