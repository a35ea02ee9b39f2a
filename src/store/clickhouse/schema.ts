import { COLUMNS } from '../../model/event-batch.js';
import { CLUSTER, ClickHouse, ident, int, str } from './client.js';

/**
 * The events schema in ClickHouse (issue 11): on each shard a MergeTree `events_local` with the
 * SQLite `events` columns (0001-init.ts; Nullable where SQLite allows NULL, integers Int64), and a
 * `Distributed` table `events` over them. Created on each shard by its own URL, without ON
 * CLUSTER (that needs ZooKeeper), with IF NOT EXISTS so that it is idempotent.
 *
 * Sharding: by a hash of the direction-free connection key (protocol and the two endpoints
 * `address|port` sorted, as events-repo.ts CONNECTION_SQL and the replay's connection), so every
 * record of one connection (both directions, every filter, every host) sits on one shard:
 * duplicate groups and explanations then need no cross-shard join.
 *
 * Sort key (source_id, line): the rows of one source's lines are found by primary key, which
 * is what a resumed ingest deletes (sink.ts); every read of the audit is a full scan anyway.
 */

/** SQLite column name for an EventBatch field (model/event-batch.ts COLUMNS). */
const columnName = (field: string): string => (field === 'table' ? 'of_table' : field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/** Columns NOT NULL in SQLite besides the ids: `producer` and `raw`. */
const NOT_NULL = new Set(['line', 'producer', 'raw']);

/** The events columns in SQLite's order (id, source_id, then the EventBatch columns), with their ClickHouse types. */
export const EVENT_COLUMNS: readonly { name: string; type: string }[] = [
  { name: 'id', type: 'Int64' },
  { name: 'source_id', type: 'Int64' },
  ...COLUMNS.map(([field, kind]) => {
    const name = columnName(field);
    const base = kind === 'num' ? 'Int64' : 'String';
    return { name, type: NOT_NULL.has(name) ? base : `Nullable(${base})` };
  }),
];

/** One endpoint of a packet as text: `address|port`, `-` for no port (SQLite: src || '|' || coalesce(src_port, '-')). */
export const endpoint = (addr: string, port: string): string => `concat(ifNull(${addr}, ''), '|', ifNull(toString(${port}), '-'))`;
const A = endpoint('src', 'src_port');
const B = endpoint('dst', 'dst_port');
/** SQLite's scalar min(a, b) / max(a, b) of two texts (18.16's least/greatest take no strings); byte order as SQLite's BINARY. */
export const LOW = `if(${A} <= ${B}, ${A}, ${B})`;
export const HIGH = `if(${A} <= ${B}, ${B}, ${A})`;
/**
 * The connection key, equal to events-repo.ts CONNECTION_SQL wherever that is not NULL (the
 * readers keep rows with a NULL protocol, src or dst out, as SQLite's NULL key does).
 */
export const CONNECTION = `concat(ifNull(protocol, ''), '|', ${LOW}, '|', ${HIGH})`;

/** Where the events of one store are: a database on the cluster, reached through `entry`. */
export interface ClickHouseTarget {
  entry: ClickHouse;
  database: string;
}

function ddl(db: string): string[] {
  const cols = EVENT_COLUMNS.map((c) => `  ${c.name} ${c.type}`).join(',\n');
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.events_local (\n${cols}\n) ENGINE = MergeTree ORDER BY (source_id, line)`,
    `CREATE TABLE IF NOT EXISTS ${db}.events AS ${db}.events_local ENGINE = Distributed(${CLUSTER}, ${db}, events_local, cityHash64(${CONNECTION}))`,
  ];
}

/** The shard number each server is in the cluster (`system.clusters.is_local`), and how many shards there are. */
export async function shardOf(server: ClickHouse): Promise<{ shard: number | null; shards: number }> {
  const rows = await server.all<{ shard_num: number; is_local: number }>(
    `SELECT shard_num, is_local FROM system.clusters WHERE cluster = ${str(CLUSTER)}`,
  );
  if (rows.length === 0) throw new Error(`${server.url} has no cluster '${CLUSTER}' in its remote_servers`);
  const local = rows.find((r) => r.is_local === 1);
  return { shard: local?.shard_num ?? null, shards: new Set(rows.map((r) => r.shard_num)).size };
}

/**
 * Creates the schema on every shard (`servers`: one URL per shard, any order) and checks that
 * each shard of the cluster is among them: a table missing on one shard would lose its rows.
 */
export async function ensureSchema(servers: readonly ClickHouse[], database: string): Promise<void> {
  const db = ident(database);
  const seen = new Set<number>();
  let shards = 0;
  for (const s of servers) {
    const where = await shardOf(s);
    shards = where.shards;
    if (where.shard !== null) seen.add(where.shard);
  }
  const missing = Array.from({ length: shards }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length > 0) {
    // the tables may already be there (an earlier ingest that named every shard): then one URL is enough
    const have = await servers[0]!.all<{ n: number }>(
      `SELECT count() AS n FROM cluster(${str(CLUSTER)}, system.tables) WHERE database = ${str(db)} AND name = 'events_local'`,
    );
    if ((have[0]?.n ?? 0) < shards) {
      throw new Error(`cluster '${CLUSTER}' shard(s) ${missing.join(', ')} not among the given URLs: pass every shard's HTTP URL, comma-separated, to create the tables on each`);
    }
  }
  for (const s of servers) for (const q of ddl(db)) await s.command(q);
}

/** Rows of `source_id` after line `after` (rows of a batch whose catalogue commit never happened). */
export async function countSourceRowsAfter(t: ClickHouseTarget, sourceId: number, after: number): Promise<number> {
  const r = await t.entry.all<{ n: number }>(
    `SELECT count() AS n FROM ${ident(t.database)}.events WHERE source_id = ${int(sourceId)} AND line > ${int(after)}`,
  );
  return r[0]?.n ?? 0;
}

/**
 * Deletes those rows on every shard: an ALTER ... DELETE mutation on each `events_local` (a
 * Distributed table takes no ALTER DELETE), then waits until the mutations are done (18.16 has
 * no `mutations_sync`: `system.mutations.is_done` is polled).
 */
export async function deleteSourceRowsAfter(servers: readonly ClickHouse[], database: string, sourceId: number, after: number): Promise<void> {
  const db = ident(database);
  for (const s of servers) await s.command(`ALTER TABLE ${db}.events_local DELETE WHERE source_id = ${int(sourceId)} AND line > ${int(after)}`);
  for (const s of servers) {
    for (let i = 0; ; i++) {
      const r = await s.all<{ n: number }>(`SELECT count() AS n FROM system.mutations WHERE database = ${str(db)} AND table = 'events_local' AND is_done = 0`);
      if ((r[0]?.n ?? 0) === 0) break;
      if (i > 6000) throw new Error(`ClickHouse at ${s.url}: the delete of source ${sourceId}'s uncommitted rows did not finish in 10 minutes`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
