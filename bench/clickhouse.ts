import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../src/ingest/ingest.js';
import type { AnalyticsEngine } from '../src/store/analytics.js';
import { SqliteAnalytics } from '../src/store/analytics-sqlite.js';
import { ClickHouseAnalytics } from '../src/store/clickhouse/analytics.js';
import { ClickHouse } from '../src/store/clickhouse/client.js';
import { ClickHouseEventSink } from '../src/store/clickhouse/sink.js';
import { openStore, type Db } from '../src/store/open.js';
import { generateMixedLog } from './gen-log.js';

/**
 * BENCH_ONLY=clickhouse (issue 11): a generated log of CLICKHOUSE_LINES lines (5M by default,
 * cached in bench/out) loaded into the 2-shard loopback cluster (scripts/clickhouse-cluster.sh;
 * DFWSIM_CLICKHOUSE_URL and DFWSIM_CLICKHOUSE_SHARDS) and into a SQLite store, in this process;
 * then each analytics method timed on both engines, SQLite's time the baseline.
 */
export interface ClickHouseBench {
  lines: number;
  events: number;
  sqliteLoadSeconds: number;
  clickhouseLoadSeconds: number;
  methods: { name: string; clickhouseSeconds: number; sqliteSeconds: number; rows: number }[];
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

async function count<T>(it: AsyncIterable<T[]>): Promise<number> {
  let n = 0;
  for await (const b of it) n += b.length;
  return n;
}

/** The methods timed, with the size of their answer (rows), in the audit's order. */
function methods(filterHashes: string[], originMs: number): [string, (e: AnalyticsEngine) => Promise<number>][] {
  return [
    // SQLite: the first cell query also builds the traffic cells (one scan of the events)
    ['actionCounts (SQLite: + traffic cells)', async (e) => (await e.actionCounts()).length],
    ['hostCounts', async (e) => (await e.hostCounts()).length],
    ['topFilters(50)', async (e) => (await e.topFilters(50)).distinct],
    ['topRules(50)', async (e) => (await e.topRules(50)).distinct],
    ['ruleHitsOn(5 filters)', async (e) => (await e.ruleHitsOn(filterHashes)).hits.length],
    ['eventTimeSpan', async (e) => (await e.eventTimeSpan()).events],
    ['eventsOverTime(1 min)', async (e) => (await e.eventsOverTime(originMs, 60_000)).length],
    ['topDeniedFlows(50)', async (e) => (await e.topDeniedFlows(50)).distinct],
    ['addressClaims', async (e) => (await e.addressClaims()).length],
    ['bothDirectionsInFilters', async (e) => (await e.bothDirectionsInFilters()).length],
    ['packetRecords (stream)', (e) => count(e.packetRecords())],
    ['eventsByHostTime (stream)', (e) => count(e.eventsByHostTime())],
    ['connectionGroups reject-or-reset (stream)', (e) => count(e.connectionGroups({}, { kind: 'reject-or-reset' }))],
  ];
}

export async function benchClickHouse(out: string, url: string, shards: string): Promise<ClickHouseBench> {
  const lines = Number(process.env['CLICKHOUSE_LINES'] ?? 5_000_000);
  const log = join(out, `mixed-${lines}.log`);
  if (!existsSync(log)) {
    process.stderr.write(`generating ${lines} lines ...\n`);
    await generateMixedLog(log, lines);
  }
  const database = 'dfwsim_bench';
  for (const u of shards.split(',')) {
    const s = await ClickHouse.connect(u);
    await s.command(`DROP TABLE IF EXISTS ${database}.events`);
    await s.command(`DROP TABLE IF EXISTS ${database}.events_local`);
    await s.close();
  }

  const sqlitePath = join(out, `clickhouse-bench-sqlite-${lines}.db`);
  const catalogue = join(out, `clickhouse-bench-catalogue-${lines}.db`);
  for (const p of [sqlitePath, catalogue]) for (const s of ['', '-wal', '-shm']) rmSync(p + s, { force: true });

  process.stderr.write('loading into SQLite ...\n');
  let t = now();
  const sqlite: Db = openStore(sqlitePath);
  const summary = await ingest(sqlite, [log]);
  const sqliteLoadSeconds = now() - t;

  process.stderr.write('loading into ClickHouse ...\n');
  t = now();
  const cat = openStore(catalogue);
  const sink = await ClickHouseEventSink.open(cat, shards, database);
  await ingest(cat, [log], { sink, batchLines: sink.batchLines });
  await sink.close();
  const clickhouseLoadSeconds = now() - t;
  cat.close();

  const filterHashes = sqlite.prepare(`SELECT DISTINCT filter_hash FROM events WHERE filter_hash IS NOT NULL LIMIT 5`).pluck().all() as string[];
  const first = (sqlite.prepare(`SELECT min(ts_ms) FROM events`).pluck().get() as number | null) ?? 0;
  const origin = first - (first % 60_000);
  const ch = await ClickHouseAnalytics.open(url, database);
  const lite = new SqliteAnalytics(sqlite);
  const timed: ClickHouseBench['methods'] = [];
  for (const [name, run] of methods(filterHashes, origin)) {
    process.stderr.write(`${name} ...\n`);
    t = now();
    const rows = await run(ch);
    const clickhouseSeconds = now() - t;
    t = now();
    const rowsLite = await run(lite);
    const sqliteSeconds = now() - t;
    if (rows !== rowsLite) throw new Error(`${name}: ClickHouse ${rows} rows, SQLite ${rowsLite}`);
    timed.push({ name, clickhouseSeconds, sqliteSeconds, rows });
  }
  await ch.close();
  await lite.close();
  sqlite.close();
  return { lines, events: summary.events, sqliteLoadSeconds, clickhouseLoadSeconds, methods: timed };
}
