import { ClickHouse } from '../../src/store/clickhouse/client.js';

/** Drops a test's ClickHouse database (its Distributed and local tables first) on every shard URL of `shards` (comma-separated). */
export async function dropClickHouseDatabase(shards: string, name: string): Promise<void> {
  for (const u of shards.split(',')) {
    const s = await ClickHouse.connect(u);
    await s.command(`DROP TABLE IF EXISTS ${name}.events`);
    await s.command(`DROP TABLE IF EXISTS ${name}.events_local`);
    await s.command(`DROP DATABASE IF EXISTS ${name}`);
    await s.close();
  }
}
