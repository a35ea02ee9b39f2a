/**
 * `dfwsim export`'s replay outcomes, through the CLI: one row per event `dfwsim replay` replays, with
 * the agreements it reports (joined with the exported events in DuckDB), left unchanged while the
 * sources and rules are, rewritten whole when they change, skipped with a reason.
 */
import test from 'ava';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInstance, sqlString } from '../../src/store/duckdb/driver.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

interface Replay {
  status: string;
  rows: number;
  reason?: string;
  fingerprint: string | null;
}
interface Summary {
  rows: number;
  replay: Replay;
}

async function ingested(...inputs: string[]): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = join(dir, 'store.db');
  for (const input of inputs) {
    const r = await cli(['ingest', input, '--db', db]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  return { dir, db };
}

async function exportJson(db: string, ...args: string[]): Promise<Summary> {
  const r = await cli(['export', ...args, '--db', db, '--format', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Summary;
}

/** eventId -> agreement, as `dfwsim replay --format json` prints them. */
async function replayAgreements(db: string): Promise<Map<number, string>> {
  const r = await cli(['replay', '--db', db, '--format', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return new Map((JSON.parse(r.stdout) as { events: { eventId: number; agreement: string }[] }).events.map((e) => [e.eventId, e.agreement]));
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await createInstance({ threads: 1 });
  try {
    const conn = await instance.connect();
    try {
      return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

const treeEvents = (tree: string) => `read_parquet(${sqlString(join(tree, 'host=*', 'day=*', '*.parquet'))}, hive_partitioning = true)`;
const treeReplay = (tree: string) => `read_parquet(${sqlString(join(tree, 'replay', 'host=*', 'day=*', '*.parquet'))}, hive_partitioning = true)`;

/** The F5 seed (DESIGN.md section 6): the SYN/ACK 10.68.145.170:22 -> 10.68.0.250 reaching 53210 IN is rejected by rule 1026, which resets the session. */
const SYNACK_SQL = (events: string, replay: string) => `
  SELECT r.agreement, r.simulated_verdict, r.simulated_rule_id, r.synthetic_kind, r.synthetic_injected_into, r.host, CAST(r.day AS VARCHAR) AS day
    FROM ${replay} r JOIN ${events} e ON e.id = r.event_id
   WHERE e.filter_hash = '53210' AND e.tcp_flags = 'SA' AND e.src = '10.68.145.170' AND e.dst_port = 65448`;

test('Parquet: one outcome per replayed event, agreeing with dfwsim replay; unchanged on a re-run; rewritten whole after an ingest', async (t) => {
  const { dir, db } = await ingested('logs/f5-promiscuous');
  const tree = join(dir, 'tree');
  const first = await exportJson(db, '--parquet', tree);
  let agreements = await replayAgreements(db);
  t.like(first.replay, { status: 'written', rows: agreements.size });
  t.true(agreements.size > 0);

  const joined = await query(`SELECT r.event_id, r.agreement FROM ${treeReplay(tree)} r JOIN ${treeEvents(tree)} e ON e.id = r.event_id`);
  t.is(joined.length, agreements.size, 'every outcome joins with its event');
  t.deepEqual(new Map(joined.map((r) => [Number(r['event_id']), r['agreement']])), agreements);
  t.deepEqual(await query(SYNACK_SQL(treeEvents(tree), treeReplay(tree))), [
    { agreement: 'reproduced', simulated_verdict: 'reject', simulated_rule_id: 1026n, synthetic_kind: 'tcp-rst', synthetic_injected_into: '28341', host: 'esx101.lab.local', day: '2018-01-17' },
  ]);

  const files = () => readdirSync(join(tree, 'replay'), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')).sort();
  const before = files();
  const again = await exportJson(db, '--parquet', tree);
  t.like(again.replay, { status: 'unchanged', rows: agreements.size, fingerprint: first.replay.fingerprint });
  t.deepEqual(files(), before, 'unchanged outcomes are left as they are');

  t.is((await cli(['ingest', 'logs/syslog-export', '--db', db])).code, 0);
  const third = await exportJson(db, '--parquet', tree);
  agreements = await replayAgreements(db);
  t.like(third.replay, { status: 'written', rows: agreements.size, reason: 'rewritten: the sources changed' });
  t.notDeepEqual(third.replay.fingerprint, first.replay.fingerprint);
  t.true(files().every((f) => !before.includes(f)), 'the old run is gone');
  const counted = await query(`SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM ${treeReplay(tree)}`);
  t.deepEqual(counted, [{ n: BigInt(agreements.size), ids: BigInt(agreements.size) }]);
  const manifest = JSON.parse(readFileSync(join(tree, '_dfwsim-export.json'), 'utf8')) as { replay: { files: string[]; rows: number } };
  t.deepEqual([...manifest.replay.files].sort(), files().map((f) => join('replay', f)));
});

test('DuckDB file: replay_outcomes joins with events; unchanged on a re-run; --no-replay writes none', async (t) => {
  const { dir, db } = await ingested('logs');
  const file = join(dir, 'e.duckdb');
  const agreements = await replayAgreements(db);
  const first = await exportJson(db, '--duckdb', file);
  t.like(first.replay, { status: 'written', rows: agreements.size });
  const f = `ATTACH ${sqlString(file)} AS f (READ_ONLY);`;
  const joined = await query(`${f} SELECT r.event_id, r.agreement FROM f.replay_outcomes r JOIN f.events e ON e.id = r.event_id`);
  t.deepEqual(new Map(joined.map((r) => [Number(r['event_id']), r['agreement']])), agreements);
  t.like((await query(`${f} ${SYNACK_SQL('f.events', '(SELECT *, NULL AS day FROM f.replay_outcomes)')}`))[0], { simulated_verdict: 'reject', simulated_rule_id: 1026n, synthetic_kind: 'tcp-rst' });
  t.like((await exportJson(db, '--duckdb', file)).replay, { status: 'unchanged', rows: agreements.size });

  const skipped = join(dir, 'none.duckdb');
  const s = await exportJson(db, '--duckdb', skipped, '--no-replay');
  t.like(s, { rows: 38, replay: { status: 'skipped', rows: 0, reason: '--no-replay (outcomes an earlier export wrote are left as they are)' } });
  t.deepEqual(await query(`ATTACH ${sqlString(skipped)} AS f (READ_ONLY); SELECT table_name FROM duckdb_tables() WHERE database_name = 'f' AND table_name LIKE '%replay%'`), []);
});

test('skipped with the reason: a store without realized rules, a store with a source still being ingested', async (t) => {
  const { dir, db } = await ingested('logs/syslog-export');
  const tree = join(dir, 'tree');
  const s = await exportJson(db, '--parquet', tree);
  t.like(s, { rows: 9, replay: { status: 'skipped', rows: 0, fingerprint: null } });
  t.regex(s.replay.reason ?? '', /no realized rules/);
  t.false(existsSync(join(tree, 'replay')));

  const f5 = await ingested('logs/f5-promiscuous');
  const store = openStore(f5.db);
  store.prepare(`UPDATE sources SET status = 'partial' WHERE id = (SELECT max(id) FROM sources)`).run();
  store.close();
  const p = await exportJson(f5.db, '--parquet', join(f5.dir, 'tree'));
  t.like(p.replay, { status: 'skipped', rows: 0 });
  t.regex(p.replay.reason ?? '', /1 sources are still being ingested/);
});

test("a dead run's leftovers are removed: replay files of a run the manifest does not name, and its staging folder", async (t) => {
  const { dir, db } = await ingested('logs/f5-promiscuous');
  const tree = join(dir, 'tree');
  await exportJson(db, '--parquet', tree);
  const stray = join(tree, 'replay', 'host=ghost', 'day=2018-01-17');
  mkdirSync(stray, { recursive: true });
  writeFileSync(join(stray, 'replay-20990101T000000Z-dead00-0.parquet'), 'half-written');
  mkdirSync(join(tree, '.dfwsim-staging-20990101T000000Z-dead00'));
  const again = await exportJson(db, '--parquet', tree);
  t.is(again.replay.status, 'unchanged');
  t.false(existsSync(join(tree, 'replay', 'host=ghost')));
  t.false(existsSync(join(tree, '.dfwsim-staging-20990101T000000Z-dead00')));
  // the tree still reads: the stray file would have broken read_parquet
  t.true(Number((await query(`SELECT count(*) AS n FROM ${treeReplay(tree)}`))[0]!['n']) > 0);
});
