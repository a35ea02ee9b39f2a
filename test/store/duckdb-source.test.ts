/**
 * `dfwsim export` read back through DuckDB (src/store/duckdb/): every column of every row equals
 * the SQLite store's, on the Parquet tree and the DuckDB file; incremental runs write only new
 * sources into new files.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore } from '../../src/store/open.js';
import { EVENT_COLUMN_NAMES, EVENT_SELECT_LIST } from '../../src/store/duckdb/columns.js';
import { exportDuckDbFile } from '../../src/store/duckdb/export-duckdb.js';
import { exportParquet } from '../../src/store/duckdb/export-parquet.js';
import { MANIFEST_FILE } from '../../src/store/duckdb/export-manifest.js';
import { openDuckDbSource, DuckDbSourceError } from '../../src/store/duckdb/source.js';
import { allRows } from '../../src/store/duckdb/results.js';
import { exportedStore, STORE_INPUTS } from '../helpers/duckdb-stores.js';
import { CORPUS, tempDir } from '../helpers/paths.js';

async function duckRows(path: string): Promise<unknown[][]> {
  const s = await openDuckDbSource(path, { threads: 1 });
  try {
    return await allRows(() => s.connect(), `SELECT ${EVENT_SELECT_LIST} FROM events ORDER BY id`);
  } finally {
    s.close();
  }
}

for (const [name, inputs] of Object.entries(STORE_INPUTS)) {
  test(`${name}: every column of every row reads back as SQLite has it, Parquet tree and DuckDB file`, async (t) => {
    const { db, parquet, duckdb } = await exportedStore(inputs);
    const sqlite = db.prepare(`SELECT ${EVENT_SELECT_LIST} FROM events ORDER BY id`).raw().all() as unknown[][];
    t.true(sqlite.length > 30);
    for (const path of [parquet, duckdb]) {
      const back = await duckRows(path);
      t.is(back.length, sqlite.length, path);
      for (let i = 0; i < sqlite.length; i++) t.deepEqual(back[i], sqlite[i], `${path} row id ${String(sqlite[i]![0])}`);
    }
    // the columns are the store's own, in its order
    const cols = (db.prepare(`SELECT name FROM pragma_table_info('events') ORDER BY cid`).all() as { name: string }[]).map((c) => c.name);
    t.deepEqual([...EVENT_COLUMN_NAMES], cols);
    // NULL host and NULL time survive the hive partitions as NULL
    const nulls = db.prepare(`SELECT count(*) FROM events WHERE host IS NULL`).pluck().get() as number;
    if (name === 'corpus') t.true(nulls > 0);
    const parts = readdirSync(parquet).filter((d) => d.startsWith('host='));
    t.is(parts.includes('host=__HIVE_DEFAULT_PARTITION__'), nulls > 0);
    db.close();
  });
}

/** Every Parquet file of the tree with a hash of its bytes. */
function treeFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.parquet')) out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

test('incremental: a re-run exports nothing; a new source writes only its rows, into new files', async (t) => {
  const dir = tempDir();
  const db = openStore(join(dir, 'store.db'));
  await ingest(db, ['logs/syslog-export']);
  const tree = join(dir, 'tree');
  const file = join(dir, 'e.duckdb');
  const first = await exportParquet(db, tree);
  const firstFile = await exportDuckDbFile(db, file);
  t.true(first.rows > 0);
  t.is(first.rows, firstFile.rows);
  t.true(first.files > 0 && first.partitions > 0);
  const before = treeFiles(tree);
  const mtimes = new Map([...before.keys()].map((f) => [f, statSync(join(tree, f)).mtimeMs]));

  const again = await exportParquet(db, tree);
  const againFile = await exportDuckDbFile(db, file);
  t.like(again, { rows: 0, files: 0, run: null, alreadyExported: first.sources.length });
  t.like(againFile, { rows: 0, files: 0, run: null, alreadyExported: first.sources.length });
  t.deepEqual(treeFiles(tree), before);

  await ingest(db, [join(CORPUS, 'dfwpktlog', 'nsxt-file.log')]);
  const added = db.prepare(`SELECT id, events FROM sources ORDER BY id DESC LIMIT 1`).get() as { id: number; events: number };
  const next = await exportParquet(db, tree);
  const nextFile = await exportDuckDbFile(db, file);
  t.deepEqual(next.sources.map((s) => s.id), [added.id]);
  t.is(next.rows, added.events);
  t.is(nextFile.rows, added.events);
  const after = treeFiles(tree);
  // the old files are untouched, byte for byte and by mtime; every new file is named by the new run
  for (const [f, h] of before) {
    t.is(after.get(f), h, f);
    t.is(statSync(join(tree, f)).mtimeMs, mtimes.get(f) as number);
  }
  const fresh = [...after.keys()].filter((f) => !before.has(f));
  t.is(fresh.length, next.files);
  t.true(fresh.every((f) => f.includes(`events-${next.run}-`)));
  const manifest = JSON.parse(readFileSync(join(tree, MANIFEST_FILE), 'utf8')) as { runs: { run: string; sources: { id: number }[] }[] };
  t.deepEqual(manifest.runs.map((r) => r.run), [first.run, next.run]);
  // and the whole store reads back, from both targets
  const sqlite = db.prepare(`SELECT ${EVENT_SELECT_LIST} FROM events ORDER BY id`).raw().all();
  t.deepEqual(await duckRows(tree), sqlite);
  t.deepEqual(await duckRows(file), sqlite);
  db.close();
});

test('files of a run the manifest does not list (a crashed export) are removed by the next run', async (t) => {
  const dir = tempDir();
  const db = openStore(join(dir, 'store.db'));
  await ingest(db, ['logs/syslog-export']);
  const tree = join(dir, 'tree');
  await exportParquet(db, tree);
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const orphan = join(tree, 'host=x', 'day=2024-01-01', 'events-19700101T000000Z-000000-0.parquet');
  mkdirSync(join(tree, 'host=x', 'day=2024-01-01'), { recursive: true });
  writeFileSync(orphan, 'half written');
  await exportParquet(db, tree);
  t.false(treeFiles(tree).has(relative(tree, orphan)));
  db.close();
});

test('a missing source and a file without events table are refused with a clear message', async (t) => {
  const dir = tempDir();
  await t.throwsAsync(openDuckDbSource(join(dir, 'none')), { instanceOf: DuckDbSourceError, message: /no DuckDB file or Parquet folder/ });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'junk.duckdb'), 'not a database');
  await t.throwsAsync(openDuckDbSource(join(dir, 'junk.duckdb')), { instanceOf: DuckDbSourceError });
});
