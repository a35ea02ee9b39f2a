/**
 * `BENCH_ONLY=engines npm run bench` (issue 11): the same audit of one generated store on each
 * engine, whole process, with its time and peak RSS, and whether the JSON reports are identical
 * (the Done-when: the three engines give identical audit JSON on a generated 1M-event store).
 * The bundles (gen-diagnose-store.ts, `ENGINES_LINES` dfwpktlog lines, default 1 million) are
 * cached under bench/out/audit-<N>/. SQLite: ingest, then `audit --db`. DuckDB: `export
 * --parquet` of that store, then `audit --engine duckdb`. ClickHouse (when DFWSIM_CLICKHOUSE_URL
 * is set: the 2-shard loopback cluster of scripts/clickhouse-cluster.sh): `ingest --engine
 * clickhouse` into a catalogue of its own, then `audit --engine clickhouse`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBundles, removeStore, run as cli } from './audit.js';

export interface EngineRun {
  engine: 'sqlite' | 'duckdb' | 'clickhouse';
  /** getting the events into the engine: ingest (SQLite, ClickHouse) or export (DuckDB, after the SQLite ingest) */
  loadSeconds: number;
  auditSeconds: number;
  auditRssMB: number;
  /** the report is byte-identical to SQLite's */
  identical: boolean;
}

export interface EnginesBench {
  lines: number;
  events: number;
  runs: EngineRun[];
}

export async function benchEngines(out: string, clickhouse: { url: string; shards: string } | null): Promise<EnginesBench> {
  const lines = Number(process.env['ENGINES_LINES'] ?? 1_000_000);
  const root = await cachedBundles(out, lines);
  const db = join(out, 'engines-sqlite.db');
  const parquet = join(out, 'engines-parquet');
  const report = (e: string) => join(out, `engines-report-${e}.json`);
  removeStore(db);
  rmSync(parquet, { recursive: true, force: true });
  const runs: EngineRun[] = [];

  const ingest = cli(['ingest', root, '--db', db, '--format', 'json'], null);
  const sqlite = cli(['audit', '--db', db, '--format', 'json'], report('sqlite'));
  const expected = readFileSync(report('sqlite'));
  runs.push({ engine: 'sqlite', loadSeconds: ingest.seconds, auditSeconds: sqlite.seconds, auditRssMB: sqlite.rssMB, identical: true });

  const exp = cli(['export', '--parquet', parquet, '--db', db], null);
  const duck = cli(['audit', '--db', db, '--format', 'json', '--engine', 'duckdb', '--url', parquet], report('duckdb'));
  runs.push({ engine: 'duckdb', loadSeconds: exp.seconds, auditSeconds: duck.seconds, auditRssMB: duck.rssMB, identical: readFileSync(report('duckdb')).equals(expected) });

  if (clickhouse !== null) {
    const chDb = join(out, 'engines-clickhouse.db');
    removeStore(chDb);
    const database = `dfwsim_bench_engines_${lines}`;
    const drop = (u: string) =>
      spawnSync('curl', ['-sS', '--data-binary', `DROP DATABASE IF EXISTS ${database}`, u], { encoding: 'utf8' });
    for (const u of clickhouse.shards.split(',')) drop(u);
    const load = cli(['ingest', root, '--db', chDb, '--format', 'json', '--engine', 'clickhouse', '--url', clickhouse.shards, '--database', database], null);
    const ch = cli(['audit', '--db', chDb, '--format', 'json'], report('clickhouse'));
    runs.push({ engine: 'clickhouse', loadSeconds: load.seconds, auditSeconds: ch.seconds, auditRssMB: ch.rssMB, identical: readFileSync(report('clickhouse')).equals(expected) });
    removeStore(chDb);
    for (const u of clickhouse.shards.split(',')) drop(u);
  }
  const events = (JSON.parse(expected.toString('utf8')) as { inputs: { totals: { events: number } } }).inputs.totals.events;
  removeStore(db);
  rmSync(parquet, { recursive: true, force: true });
  return { lines, events, runs };
}
