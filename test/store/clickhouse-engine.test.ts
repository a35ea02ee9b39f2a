/**
 * The ClickHouse engine (issue 11) against a running 2-shard cluster: `.ci/run` starts one
 * (scripts/clickhouse-cluster.sh) and sets DFWSIM_CLICKHOUSE_URL (the server to ask) and
 * DFWSIM_CLICKHOUSE_SHARDS (every shard's URL). Without them these tests are skipped, with the
 * reason in their title; in CI they run.
 */
import anyTest, { type TestFn } from 'ava';
import { ingest, type IngestOptions } from '../../src/ingest/ingest.js';
import { ClickHouseAnalytics } from '../../src/store/clickhouse/analytics.js';
import { ClickHouse } from '../../src/store/clickhouse/client.js';
import { CONNECTION } from '../../src/store/clickhouse/schema.js';
import { ClickHouseEventSink } from '../../src/store/clickhouse/sink.js';
import type { EventSink } from '../../src/store/event-sink.js';
import { openStore, type Db } from '../../src/store/open.js';
import { engineAnswers, probeFor, sqliteAnswers } from '../helpers/engine-conformance.js';
import { CORPUS, tempDir } from '../helpers/paths.js';
import { dropClickHouseDatabase } from '../helpers/clickhouse.js';
import { cli } from '../helpers/cli.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamConnectionGroups, streamEventsByHostTime, type EventStreamQuery } from '../../src/store/events-repo.js';

const URL = process.env['DFWSIM_CLICKHOUSE_URL'];
const SHARDS = process.env['DFWSIM_CLICKHOUSE_SHARDS'] ?? URL ?? '';
const test: TestFn = URL
  ? anyTest
  : (Object.assign((title: string) => anyTest.skip(`${title} [skipped: DFWSIM_CLICKHOUSE_URL unset; start a cluster: scripts/clickhouse-cluster.sh start && eval "$(scripts/clickhouse-cluster.sh env)"]`, () => {}), anyTest) as unknown as TestFn);

const INPUTS = ['logs', CORPUS];
let dbSeq = 0;
/** A database of its own per test (tests run concurrently), dropped at the end. */
function freshDatabase(t: { teardown(fn: () => Promise<void>): void }): string {
  const name = `dfwsim_test_${process.pid}_${dbSeq++}`;
  t.teardown(() => dropClickHouseDatabase(SHARDS, name));
  return name;
}

async function sqliteStore(paths: string[], opts: IngestOptions = {}): Promise<Db> {
  const db = openStore(':memory:');
  await ingest(db, paths, { host: null, inputFormat: null, ...opts });
  return db;
}

/** A catalogue store whose events went to ClickHouse database `database`. */
async function clickhouseStore(paths: string[], database: string, opts: IngestOptions = {}): Promise<Db> {
  const db = openStore(':memory:');
  const sink = await ClickHouseEventSink.open(db, SHARDS, database);
  try {
    await ingest(db, paths, { host: null, inputFormat: null, ...opts, sink });
  } finally {
    await sink.close();
  }
  return db;
}

/** Rows of a table of the store file at `path`. */
function countRows(path: string, table: 'events' | 'sources'): number {
  const db = openStore(path, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

async function chRows(database: string, sql: string): Promise<Record<string, unknown>[]> {
  const ch = await ClickHouse.connect(URL!);
  try {
    return await ch.all(sql.replaceAll('$db', database));
  } finally {
    await ch.close();
  }
}

const sqliteEvents = (db: Db) => db.prepare('SELECT * FROM events ORDER BY id').all() as Record<string, unknown>[];

test('ingest into ClickHouse stores the SQLite rows: every column, the same ids (bundled logs and corpus)', async (t) => {
  const database = freshDatabase(t);
  const expected = sqliteEvents(await sqliteStore(INPUTS));
  const catalogue = await clickhouseStore(INPUTS, database);
  t.true(expected.length > 100);
  t.deepEqual(await chRows(database, 'SELECT * FROM $db.events ORDER BY id'), expected);
  // the catalogue keeps sources and progress, not events
  t.is((catalogue.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 0);
  t.is((catalogue.prepare(`SELECT sum(events) AS n FROM sources`).get() as { n: number }).n, expected.length);
});

test('rows land on both shards, and every connection on one shard only', async (t) => {
  const database = freshDatabase(t);
  await clickhouseStore(INPUTS, database);
  const shards = SHARDS.split(',');
  t.true(shards.length >= 2, 'DFWSIM_CLICKHOUSE_SHARDS names every shard');
  const owner = new Map<string, number>();
  for (const [k, u] of shards.entries()) {
    const s = await ClickHouse.connect(u);
    const conns = await s.all<{ c: string }>(`SELECT DISTINCT ${CONNECTION} AS c FROM ${database}.events_local`);
    await s.close();
    t.true(conns.length > 0, `shard ${k + 1} holds rows`);
    for (const { c } of conns) {
      t.false(owner.has(c) && owner.get(c) !== k, `connection ${c} on shards ${owner.get(c)! + 1} and ${k + 1}`);
      owner.set(c, k);
    }
  }
});

test('every ClickHouseAnalytics method answers as the SQLite SQL on the same input', async (t) => {
  const database = freshDatabase(t);
  const sqlite = await sqliteStore(INPUTS);
  await clickhouseStore(INPUTS, database);
  const p = probeFor(sqlite);
  const engine = await ClickHouseAnalytics.open(URL!, database);
  try {
    const got = await engineAnswers(engine, p);
    t.deepEqual(got, sqliteAnswers(sqlite, p));
    // scopes the shared probe does not try: time bounds (one unreadable), ids, a scoped grouped stream
    const [mid] = sqlite.prepare(`SELECT ts FROM events WHERE ts IS NOT NULL ORDER BY ts_ms LIMIT 1 OFFSET 50`).raw().get() as [string];
    const ids = sqlite.prepare(`SELECT id FROM events ORDER BY id DESC LIMIT 7`).pluck().all() as number[];
    const hosts = sqlite.prepare(`SELECT DISTINCT host FROM events ORDER BY 1 LIMIT 3`).pluck().all() as (string | null)[];
    t.true(hosts.includes(null), 'events without a host are among the partition');
    const queries: EventStreamQuery[] = [
      { since: mid }, { until: mid, dfwOnly: true }, { since: 'not a date' }, { ids }, { ids: [] },
      { hosts }, { hosts: hosts.filter((h) => h !== null) }, { hosts: [null] }, { hosts: [] },
    ];
    for (const q of queries) {
      const rows = [];
      for await (const b of engine.eventsByHostTime(q)) rows.push(...b);
      t.deepEqual(rows, [...streamEventsByHostTime(sqlite, q)], JSON.stringify(q));
      const groups = [];
      for await (const b of engine.connectionGroups(q, { kind: 'flow' })) groups.push(...b);
      t.deepEqual(groups, [...streamConnectionGroups(sqlite, q, { kind: 'flow' })], `groups ${JSON.stringify(q)}`);
    }
  } finally {
    await engine.close();
  }
});

test('a crash between the ClickHouse insert and the catalogue commit: the resumed ingest stores no row twice', async (t) => {
  const database = freshDatabase(t);
  const file = 'logs/syslog-export/collector-2024-05-15.log';
  const opts = { batchLines: 3, parseIn: 'thread' as const };
  const expected = sqliteEvents(await sqliteStore([file], opts));
  const db = openStore(':memory:');
  const sink = await ClickHouseEventSink.open(db, SHARDS, database);
  // the second batch reaches ClickHouse, then the process "dies" before SQLite commits it
  let commits = 0;
  const crashing: EventSink = {
    begin: (s, r) => sink.begin(s, r),
    write: (s, r, b) => sink.write(s, r, b),
    rollback: () => sink.rollback(),
    commit: (commitCatalogue) => sink.commit(++commits === 2 ? () => { throw new Error('crash'); } : commitCatalogue),
  };
  await t.throwsAsync(ingest(db, [file], { ...opts, sink: crashing }), { message: 'crash' });
  await sink.close();
  const stored = Number((await chRows(database, 'SELECT count() AS n FROM $db.events'))[0]!['n']);
  const committed = (db.prepare('SELECT events FROM sources').get() as { events: number }).events;
  t.true(stored > committed, `the crash left rows after the committed progress (${stored} stored, ${committed} committed)`);

  const again = await ClickHouseEventSink.open(db, SHARDS, database);
  await ingest(db, [file], { ...opts, sink: again });
  await again.close();
  t.deepEqual(await chRows(database, 'SELECT * FROM $db.events ORDER BY id'), expected);
});

test('a store that holds SQLite events refuses ClickHouse events (their ids would collide)', async (t) => {
  const database = freshDatabase(t);
  const db = await sqliteStore(['logs/syslog-export/collector-2024-05-15.log']);
  await t.throwsAsync(ClickHouseEventSink.open(db, SHARDS, database), { message: /holds its events itself/ });
});

test('a store whose events are in ClickHouse refuses `ingest --engine sqlite` and `audit --engine sqlite`: exit 2, nothing stored', async (t) => {
  const database = freshDatabase(t);
  const path = join(tempDir(), 'ch.db');
  const first = await cli(['ingest', 'logs/f5-promiscuous', '--db', path, '--engine', 'clickhouse', '--url', SHARDS, '--database', database]);
  t.is(first.code, 0, first.stderr);
  const sourcesBefore = countRows(path, 'sources');
  t.true(sourcesBefore > 0);
  for (const args of [['ingest', 'logs/syslog-export', '--db', path, '--engine', 'sqlite'], ['audit', '--db', path, '--engine', 'sqlite']]) {
    const r = await cli(args);
    t.is(r.code, 2, `${args[0]}: ${r.stderr}`);
    t.regex(r.stderr, new RegExp(`this store's events are in ClickHouse \\(${SHARDS.replace(/[.:/]/g, '\\$&')}, database ${database}\\): use --engine clickhouse`), args[0]);
    t.is(r.stdout, '');
  }
  // refused before anything was read: no SQLite event, no new source
  t.is(countRows(path, 'events'), 0);
  t.is(countRows(path, 'sources'), sourcesBefore);
});

test('texts with TabSeparated specials (backslash, tab, quote, non-ASCII) arrive unchanged', async (t) => {
  const database = freshDatabase(t);
  const lines = readFileSync('logs/syslog-export/collector-2024-05-15.log', 'utf8').split('\n');
  const tails = [' a\\b\\', ' c\td\t', " it's \\N", ' é→✓ \\t'];
  const file = join(tempDir(), 'specials.log');
  writeFileSync(file, lines.map((l, i) => (i < tails.length ? l + tails[i] : l)).join('\n'));
  const expected = sqliteEvents(await sqliteStore([file]));
  t.true(expected.filter((e) => tails.some((x) => (e['raw'] as string).endsWith(x))).length >= 3, 'the edited lines are stored as events');
  await clickhouseStore([file], database);
  t.deepEqual(await chRows(database, 'SELECT * FROM $db.events ORDER BY id'), expected);
});
