/**
 * `dfwsim audit --workers N` (issue 11): drift's replay split by host across N worker threads
 * (started from the rules worker) gives the audit JSON of the one-thread replay, byte for byte,
 * on SQLite, on DuckDB over a Parquet export, and on ClickHouse when DFWSIM_CLICKHOUSE_URL is set.
 * Two stores: the bundled logs and the corpus (as test/cli/audit-engines.test.ts), and generated
 * support bundles whose captured rules were changed so that every host drifts (drift groups in
 * several partitions: the merge's order matters). stderr says how the replay was split, so a
 * run that silently kept one thread cannot pass.
 */
import test from 'ava';
import { join } from 'node:path';
import { generateDiagnoseBundles } from '../../bench/gen-diagnose-store.js';
import { openStore } from '../../src/store/open.js';
import { dropClickHouseDatabase } from '../helpers/clickhouse.js';
import { cli, type CliRun } from '../helpers/cli.js';
import { CORPUS, tempDir } from '../helpers/paths.js';

const INPUTS = ['logs', CORPUS];
const URL = process.env['DFWSIM_CLICKHOUSE_URL'];
const SHARDS = process.env['DFWSIM_CLICKHOUSE_SHARDS'] ?? URL ?? '';
const HOSTS = 4;

async function audit(args: string[]): Promise<CliRun> {
  const r = await cli(['audit', ...args, '--format', 'json']);
  if (r.code !== 0) throw new Error(`audit ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

/** The audit at --workers 1, 2, 3 on `args`, each against `want` (the one-thread JSON), with how stderr says the replay was split. */
async function sameAtEveryWorkerCount(t: { is(a: unknown, b: unknown, m?: string): void; regex(s: string, r: RegExp, m?: string): void }, args: string[], want: string, splits: [workers: number, stderr: RegExp][]): Promise<void> {
  for (const [workers, split] of splits) {
    const r = await audit([...args, '--workers', String(workers)]);
    t.is(r.stdout, want, `--workers ${workers}: the one-thread JSON`);
    t.regex(r.stderr, split, `--workers ${workers}: how the replay was split`);
  }
}

const ONE = /drift: replayed on one thread \(--workers 1\)/;
const parts = (n: number) => new RegExp(`drift: replayed in ${n} host partitions by ${n} workers, the largest with \\d+% of the events`);

/** Generated bundles of HOSTS hosts; `changeRules` makes the two most logged allow rules drop (every host drifts). */
async function generated(dir: string): Promise<string> {
  const root = join(dir, 'bundles');
  await generateDiagnoseBundles(root, 6000, HOSTS);
  return root;
}

function changeRules(storePath: string, ruleIds: number[]): void {
  const db = openStore(storePath);
  try {
    db.prepare(`UPDATE rules SET action = 'drop' WHERE rule_id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(ruleIds));
  } finally {
    db.close();
  }
}

function topAllowRules(storePath: string): number[] {
  const db = openStore(storePath, { readonly: true });
  try {
    return db.prepare(`SELECT rule_id FROM events WHERE action = 'PASS' AND rule_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`).pluck().all() as number[];
  } finally {
    db.close();
  }
}

test.serial('bundled logs and corpus: the same audit JSON with --workers 1, 2, 3, on SQLite and on DuckDB over a Parquet export', async (t) => {
  const dir = tempDir();
  const db = join(dir, 'store.db');
  const first = await audit([...INPUTS, '--db', db, '--workers', '1']);
  t.regex(first.stderr, ONE);
  const json = first.stdout;
  t.true(json.includes('"explanations"') && json.length > 10_000);
  await sameAtEveryWorkerCount(t, ['--db', db], json, [[2, parts(2)], [3, parts(3)]]);
  // without --workers nothing is said: the default run prints what it printed before the option
  t.notRegex((await audit(['--db', db])).stderr, /drift: replayed/);
  const pq = join(dir, 'pq');
  t.is((await cli(['export', '--parquet', pq, '--db', db])).code, 0);
  await sameAtEveryWorkerCount(t, ['--db', db, '--engine', 'duckdb', '--url', pq], json, [[1, ONE], [2, parts(2)], [3, parts(3)]]);
});

test.serial('drift on every host: the replay split in 2 or 3 partitions reports the one-thread drift, on SQLite and on DuckDB', async (t) => {
  const dir = tempDir();
  const root = await generated(dir);
  const db = join(dir, 'store.db');
  t.is((await cli(['ingest', root, '--db', db])).code, 0);
  changeRules(db, topAllowRules(db));
  const one = await audit(['--db', db, '--workers', '1']);
  const drift = (JSON.parse(one.stdout) as { drift: { drifted: number; groups: { filter: string }[] } }).drift;
  t.true(drift.drifted > 100, `${drift.drifted} drifted`);
  t.true(new Set(drift.groups.map((g) => g.filter)).size >= HOSTS, 'drift on filters of every host');
  await sameAtEveryWorkerCount(t, ['--db', db], one.stdout, [[2, parts(2)], [3, parts(3)], [HOSTS + 2, parts(HOSTS)]]);
  const pq = join(dir, 'pq');
  t.is((await cli(['export', '--parquet', pq, '--db', db])).code, 0);
  await sameAtEveryWorkerCount(t, ['--db', db, '--engine', 'duckdb', '--url', pq], one.stdout, [[2, parts(2)], [3, parts(3)]]);
});

test('--workers takes a whole number of at least 1: 0, x, 1.5 and an empty value exit 2 with the reason', async (t) => {
  for (const bad of ['0', 'x', '1.5', '-2', '']) {
    const r = await cli(['audit', 'logs/f5-promiscuous', '--workers', bad]);
    t.is(r.code, 2, `--workers '${bad}'`);
    t.regex(r.stderr, /--workers must be a whole number of at least 1/, `--workers '${bad}'`);
    t.is(r.stdout, '');
  }
});

const chTest = URL ? test.serial : test.skip;
chTest(`ClickHouse (2 shards): the same audit JSON with --workers 1, 2, 3, bundled logs and corpus, and drift on every host${URL ? '' : ' [skipped: DFWSIM_CLICKHOUSE_URL unset; scripts/clickhouse-cluster.sh start]'}`, async (t) => {
  const dir = tempDir();
  const json = (await audit([...INPUTS, '--db', join(dir, 'store.db'), '--workers', '1'])).stdout;
  const database = `dfwsim_workers_${process.pid}`;
  t.teardown(() => dropClickHouseDatabase(SHARDS, database));
  const ch = join(dir, 'ch.db');
  const first = await audit([...INPUTS, '--db', ch, '--engine', 'clickhouse', '--url', SHARDS, '--database', database, '--workers', '1']);
  t.is(first.stdout, json);
  await sameAtEveryWorkerCount(t, ['--db', ch], json, [[2, parts(2)], [3, parts(3)]]);

  // generated bundles: SQLite with changed rules, then the same bundles' events in ClickHouse under the same changed rules
  const root = await generated(dir);
  const sq = join(dir, 'gen.db');
  t.is((await cli(['ingest', root, '--db', sq])).code, 0);
  const rules = topAllowRules(sq);
  changeRules(sq, rules);
  const want = (await audit(['--db', sq, '--workers', '1'])).stdout;
  t.true((JSON.parse(want) as { drift: { drifted: number } }).drift.drifted > 100);
  const genDb = `${database}_gen`;
  t.teardown(() => dropClickHouseDatabase(SHARDS, genDb));
  const chGen = join(dir, 'ch-gen.db');
  const ing = await cli(['ingest', root, '--db', chGen, '--engine', 'clickhouse', '--url', SHARDS, '--database', genDb]);
  t.is(ing.code, 0, ing.stderr);
  changeRules(chGen, rules);
  await sameAtEveryWorkerCount(t, ['--db', chGen], want, [[1, ONE], [2, parts(2)], [3, parts(3)]]);
});
