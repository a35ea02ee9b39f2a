/**
 * `BENCH_ONLY=duckdb npm run bench` (issue 11): the DuckDB analytics engine on the generated
 * 5M-event store (gen-diagnose-store.ts, cached under bench/out), exported once as a Parquet tree
 * and a DuckDB file (bench/out/duckdb-<N>/, `BENCH_REGEN=1` rewrites them). Each method of
 * DuckDbAnalytics is timed beside, in the same run, the plainest DuckDB SQL for the same answer
 * (one statement on one connection, rows read as DuckDB returns them, no conversion to the
 * contract's objects; streams read chunk by chunk) and SQLite's time for the method (the repository
 * functions on the store; the set queries after the one-scan cells table, whose build is its own
 * row). Every DuckDB answer is checked against SQLite's row count before it is reported.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { nodeRequire } from '../src/runtime/node-require.js';
import { DuckDbAnalytics } from '../src/store/duckdb/analytics.js';
import { exportDuckDbFile } from '../src/store/duckdb/export-duckdb.js';
import { exportParquet } from '../src/store/duckdb/export-parquet.js';
import { openDuckDbSource } from '../src/store/duckdb/source.js';
import * as audit from '../src/store/audit-repo.js';
import * as Q from '../src/store/duckdb/set-queries.js';
import { streamPacketRecords } from '../src/store/duplicates-repo.js';
import { streamConnectionGroups, streamEventsByHostTime } from '../src/store/events-repo.js';
import { addressClaims, bothDirectionsInFilters } from '../src/store/ownership-repo.js';
import { connectionGroupsSql, eventsByHostTimeSql, packetRecordsSql } from '../src/store/duckdb/streams.js';
import { ensureDiagnoseStore } from './gen-diagnose-store.js';

export interface DuckDbBenchRow {
  method: string;
  target: 'parquet' | 'duckdb';
  engineSeconds: number;
  plainSeconds: number;
  sqliteSeconds: number | null;
  rows: number;
}

export interface DuckDbBench {
  events: number;
  exportSeconds: { parquet: number; duckdb: number } | null;
  sqliteCellsSeconds: number;
  rows: DuckDbBenchRow[];
}

const now = () => performance.now() / 1000;
const LIMIT = 50;

/** Best of `n` runs (the first warms DuckDB's file and metadata caches, SQLite's page cache likewise). */
async function best<T>(n: number, f: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  let seconds = Infinity;
  let value!: T;
  for (let i = 0; i < n; i++) {
    const t = now();
    value = await f();
    seconds = Math.min(seconds, now() - t);
  }
  return { seconds, value };
}

async function count<T>(batches: AsyncIterable<T[]>): Promise<number> {
  let n = 0;
  for await (const b of batches) n += b.length;
  return n;
}

const size = (v: unknown): number => (Array.isArray(v) ? v.length : typeof v === 'number' ? v : v && typeof v === 'object' ? Object.values(v).reduce<number>((n, x) => n + size(x), 0) : 1);

export async function benchDuckDb(out: string, events = Number(process.env['DUCKDB_EVENTS'] ?? 5_000_000)): Promise<DuckDbBench> {
  const store = await ensureDiagnoseStore(events, out);
  const dir = join(out, `duckdb-${events}`);
  const tree = join(dir, 'tree');
  const file = join(dir, 'events.duckdb');
  const Database = nodeRequire('better-sqlite3') as typeof BetterSqlite3;
  // read-only, without query_only: the cells table lives in SQLite's temp database
  const db = new Database(store.db, { readonly: true, fileMustExist: true });
  let exportSeconds: DuckDbBench['exportSeconds'] = null;
  if (!existsSync(join(dir, '.complete')) || process.env['BENCH_REGEN']) {
    rmSync(dir, { recursive: true, force: true });
    const t = now();
    await exportParquet(db, tree);
    const tp = now() - t;
    await exportDuckDbFile(db, file);
    exportSeconds = { parquet: tp, duckdb: now() - t - tp };
    (await import('node:fs')).writeFileSync(join(dir, '.complete'), '');
  }
  const t0 = now();
  audit.buildTrafficCells(db);
  const sqliteCellsSeconds = now() - t0;

  const span = audit.eventTimeSpan(db);
  const origin = span.firstMs ?? 0;
  const hashes = db.prepare(`SELECT DISTINCT filter_hash FROM temp.audit_cells WHERE filter_hash IS NOT NULL ORDER BY 1 LIMIT 100`).pluck().all() as string[];
  const host = db.prepare(`SELECT host FROM temp.audit_cells WHERE host IS NOT NULL ORDER BY host LIMIT 1`).pluck().get() as string;

  type Case = { method: string; engine: (a: DuckDbAnalytics) => Promise<unknown>; plain: { sql: string; params: unknown[] } | null; sqlite: () => unknown; stream?: boolean };
  const b = BigInt;
  const cases: Case[] = [
    { method: 'actionCounts', engine: (a) => a.actionCounts(), plain: { sql: Q.ACTION_COUNTS, params: [] }, sqlite: () => audit.actionCounts(db) },
    { method: 'hostCounts', engine: (a) => a.hostCounts(), plain: { sql: Q.HOST_COUNTS, params: [] }, sqlite: () => audit.hostCounts(db) },
    { method: `topFilters(${LIMIT})`, engine: (a) => a.topFilters(LIMIT), plain: { sql: Q.TOP_FILTERS, params: [b(LIMIT)] }, sqlite: () => audit.topFilters(db, LIMIT) },
    { method: `topRules(${LIMIT})`, engine: (a) => a.topRules(LIMIT), plain: { sql: Q.TOP_RULES, params: [b(LIMIT)] }, sqlite: () => audit.topRules(db, LIMIT) },
    { method: `ruleHitsOn(${hashes.length} filters)`, engine: (a) => a.ruleHitsOn(hashes), plain: null, sqlite: () => audit.ruleHitsOn(db, hashes) },
    { method: 'eventTimeSpan', engine: (a) => a.eventTimeSpan(), plain: { sql: Q.EVENT_TIME_SPAN, params: [] }, sqlite: () => audit.eventTimeSpan(db) },
    { method: 'eventsOverTime(1 min)', engine: (a) => a.eventsOverTime(origin, 60_000), plain: { sql: Q.EVENTS_OVER_TIME, params: [b(origin), b(60_000)] }, sqlite: () => audit.eventsOverTime(db, origin, 60_000) },
    { method: `topDeniedFlows(${LIMIT})`, engine: (a) => a.topDeniedFlows(LIMIT), plain: { sql: Q.TOP_DENIED_FLOWS, params: [b(LIMIT)] }, sqlite: () => audit.topDeniedFlows(db, LIMIT) },
    { method: 'addressClaims', engine: (a) => a.addressClaims(), plain: { sql: Q.ADDRESS_CLAIMS, params: [] }, sqlite: () => addressClaims(db) },
    { method: 'bothDirectionsInFilters', engine: (a) => a.bothDirectionsInFilters(), plain: { sql: Q.BOTH_DIRECTIONS_IN_FILTERS, params: [] }, sqlite: () => bothDirectionsInFilters(db) },
    { method: 'packetRecords (stream)', engine: (a) => count(a.packetRecords()), plain: packetRecordsSql({}), sqlite: () => [...streamPacketRecords(db)].length, stream: true },
    { method: 'eventsByHostTime (stream)', engine: (a) => count(a.eventsByHostTime()), plain: eventsByHostTimeSql({}), sqlite: () => { let n = 0; for (const _ of streamEventsByHostTime(db)) n++; return n; }, stream: true },
    { method: `eventsByHostTime(host) (stream)`, engine: (a) => count(a.eventsByHostTime({ host })), plain: eventsByHostTimeSql({ host }), sqlite: () => { let n = 0; for (const _ of streamEventsByHostTime(db, { host })) n++; return n; }, stream: true },
    { method: 'connectionGroups(reject-or-reset) (stream)', engine: (a) => count(a.connectionGroups({}, { kind: 'reject-or-reset' })), plain: connectionGroupsSql({}, { kind: 'reject-or-reset' }), sqlite: () => { let n = 0; for (const _ of streamConnectionGroups(db, {}, { kind: 'reject-or-reset' })) n++; return n; }, stream: true },
  ];
  // ruleHitsOn's plain SQL needs the list bound as a LIST(VARCHAR): written out as a literal list instead
  const list = `[${hashes.map((h) => `'${h.replaceAll("'", "''")}'`).join(', ')}]`;
  cases[4]!.plain = { sql: Q.RULE_HITS_ON.replace('$1', list), params: [] };

  const rows: DuckDbBenchRow[] = [];
  const sqliteTimes = new Map<string, { seconds: number; rows: number }>();
  for (const target of ['duckdb', 'parquet'] as const) {
    const path = target === 'duckdb' ? file : tree;
    const a = await DuckDbAnalytics.open(path);
    const plainSource = await openDuckDbSource(path);
    const conn = await plainSource.connect();
    try {
      for (const c of cases) {
        const n = c.stream ? 1 : 3;
        const eng = await best(n, () => c.engine(a));
        const plain = await best(n, async () => {
          if (!c.stream) return (await conn.runAndReadAll(c.plain!.sql, c.plain!.params as never)).currentRowCount;
          const r = await conn.stream(c.plain!.sql, c.plain!.params as never);
          let k = 0;
          for (let ch = await r.fetchChunk(); ch && ch.rowCount > 0; ch = await r.fetchChunk()) k += ch.getRows().length;
          return k;
        });
        let sq = sqliteTimes.get(c.method);
        if (!sq) {
          const s = await best(c.stream ? 1 : 3, c.sqlite);
          sq = { seconds: s.seconds, rows: size(s.value) };
          sqliteTimes.set(c.method, sq);
        }
        const got = size(eng.value);
        if (got !== sq.rows) throw new Error(`${c.method} on ${target}: ${got} rows/values, SQLite ${sq.rows}`);
        rows.push({ method: c.method, target, engineSeconds: eng.seconds, plainSeconds: plain.seconds, sqliteSeconds: sq.seconds, rows: got });
      }
    } finally {
      conn.closeSync();
      plainSource.close();
      await a.close();
    }
  }
  db.close();
  return { events, exportSeconds, sqliteCellsSeconds, rows };
}
