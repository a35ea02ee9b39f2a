/**
 * DuckDbAnalytics (src/store/duckdb/analytics.ts) against the SQLite SQL it mirrors: each method
 * gives the rows, values and order of the repository function on the same store, on the Parquet
 * tree and on the DuckDB file; the streams fully consumed, in order.
 */
import test from 'ava';
import * as audit from '../../src/store/audit-repo.js';
import { streamPacketRecords } from '../../src/store/duplicates-repo.js';
import { hostFilterLoads, streamConnectionGroups, streamEventsByHostTime, type ConnectionSelector, type EventStreamQuery } from '../../src/store/events-repo.js';
import { addressClaims, bothDirectionsInFilters } from '../../src/store/ownership-repo.js';
import { DuckDbAnalytics } from '../../src/store/duckdb/analytics.js';
import type { AddressClaim } from '../../src/store/ownership-repo.js';
import { exportedStore, STORE_INPUTS, type ExportedStore } from '../helpers/duckdb-stores.js';

async function collect<T>(batches: AsyncIterable<T[]>): Promise<{ rows: T[]; maxBatch: number }> {
  const rows: T[] = [];
  let maxBatch = 0;
  for await (const b of batches) {
    maxBatch = Math.max(maxBatch, b.length);
    rows.push(...b);
  }
  return { rows, maxBatch };
}

const claimKey = (c: AddressClaim) => `${c.host}\u0000${c.filterHash}\u0000${c.ip}\u0000${c.via}`;

const stores = new Map<string, Promise<ExportedStore>>();
const store = (name: keyof typeof STORE_INPUTS) => {
  let s = stores.get(name);
  if (!s) stores.set(name, (s = exportedStore(STORE_INPUTS[name])));
  return s;
};

for (const name of Object.keys(STORE_INPUTS) as (keyof typeof STORE_INPUTS)[]) {
  for (const target of ['parquet', 'duckdb'] as const) {
    test(`${name} on the ${target === 'parquet' ? 'Parquet tree' : 'DuckDB file'}: every set query equals SQLite's`, async (t) => {
      const s = await store(name);
      const db = s.db;
      audit.buildTrafficCells(db);
      const a = await DuckDbAnalytics.open(s[target], { threads: 1 });
      try {
        t.deepEqual(await a.actionCounts(), audit.actionCounts(db), 'actionCounts');
        t.deepEqual(await a.hostCounts(), audit.hostCounts(db), 'hostCounts');
        const loads = hostFilterLoads(db);
        t.true(new Set(loads.map((l) => l.host)).size > 1, 'loads of several hosts');
        t.deepEqual(await a.hostFilterLoads(), loads, 'hostFilterLoads');
        for (const limit of [0, 2, 1000]) {
          t.deepEqual(await a.topFilters(limit), audit.topFilters(db, limit), `topFilters ${limit}`);
          t.deepEqual(await a.topRules(limit), audit.topRules(db, limit), `topRules ${limit}`);
          t.deepEqual(await a.topDeniedFlows(limit), audit.topDeniedFlows(db, limit), `topDeniedFlows ${limit}`);
        }
        const hashes = (db.prepare(`SELECT DISTINCT filter_hash FROM events WHERE filter_hash IS NOT NULL ORDER BY 1 DESC`).pluck().all() as string[]).concat(['no-such-filter']);
        t.true(hashes.length > 1);
        for (const hs of [hashes, hashes.slice(0, 1), []]) t.deepEqual(await a.ruleHitsOn(hs), audit.ruleHitsOn(db, hs), `ruleHitsOn ${hs.length}`);
        const span = audit.eventTimeSpan(db);
        t.deepEqual(await a.eventTimeSpan(), span, 'eventTimeSpan');
        // an origin inside the span: times before it give negative offsets (the % sign matters)
        const origin = Math.floor(((span.firstMs ?? 0) + (span.lastMs ?? 0)) / 2) + 7;
        for (const bucket of [1, 60_000, 86_400_000]) t.deepEqual(await a.eventsOverTime(origin, bucket), audit.eventsOverTime(db, origin, bucket), `eventsOverTime ${bucket}`);
        const claims = audit.eventTimeSpan(db).events > 0 ? addressClaims(db) : [];
        t.deepEqual((await a.addressClaims()).map(claimKey).sort(), claims.map(claimKey).sort(), 'addressClaims keys');
        t.deepEqual([...(await a.addressClaims())].sort((x, y) => (claimKey(x) < claimKey(y) ? -1 : 1)), [...claims].sort((x, y) => (claimKey(x) < claimKey(y) ? -1 : 1)), 'addressClaims');
        t.deepEqual(await a.bothDirectionsInFilters(), bothDirectionsInFilters(db), 'bothDirectionsInFilters');
      } finally {
        await a.close();
      }
    });

    test(`${name} on the ${target === 'parquet' ? 'Parquet tree' : 'DuckDB file'}: every stream equals SQLite's, in order`, async (t) => {
      const s = await store(name);
      const db = s.db;
      const a = await DuckDbAnalytics.open(s[target], { threads: 1 });
      try {
        const hosts = db.prepare(`SELECT DISTINCT host FROM events WHERE host IS NOT NULL ORDER BY 1`).pluck().all() as string[];
        const span = audit.eventTimeSpan(db);
        const ids = db.prepare(`SELECT id FROM events ORDER BY id DESC LIMIT 5`).pluck().all() as number[];
        const iso = (ms: number | null) => new Date(ms ?? 0).toISOString();
        const queries: EventStreamQuery[] = [
          {}, { dfwOnly: true }, { host: hosts[0] }, { host: 'no-such-host' }, { ids }, { ids: [] },
          { since: iso(span.firstMs), until: iso(((span.firstMs ?? 0) + (span.lastMs ?? 0)) / 2) }, { since: 'not a date' },
          { hosts: hosts.slice(0, 1) }, { hosts: [null] }, { hosts: [...hosts.slice(1), null] }, { hosts: [] },
        ];
        for (const q of queries) {
          const got = await collect(a.eventsByHostTime(q));
          t.deepEqual(got.rows, [...streamEventsByHostTime(db, q)], `eventsByHostTime ${JSON.stringify(q)}`);
          t.true(got.maxBatch <= 2048);
        }
        t.true([...streamEventsByHostTime(db)].length > 30);
        for (const q of [{}, { host: hosts[0] }, { host: 'no-such-host' }]) {
          t.deepEqual((await collect(a.packetRecords(q))).rows, [...streamPacketRecords(db, q)], `packetRecords ${JSON.stringify(q)}`);
        }
        const some = [...streamPacketRecords(db)][0];
        const selectors: ConnectionSelector[] = [
          { kind: 'reject-or-reset' }, { kind: 'event', id: some?.id ?? 1 }, { kind: 'flow' }, { kind: 'flow', protocol: 'tcp' },
          { kind: 'flow', src: some?.src, dst: some?.dst, dstPort: some?.dstPort ?? undefined },
        ];
        for (const sel of selectors) {
          for (const q of [{}, { host: hosts[0] }] as EventStreamQuery[]) {
            const want = [...streamConnectionGroups(db, q, sel)];
            t.deepEqual((await collect(a.connectionGroups(q, sel))).rows, want, `connectionGroups ${JSON.stringify(sel)} ${JSON.stringify(q)}`);
          }
        }
        t.true([...streamConnectionGroups(db, {}, { kind: 'reject-or-reset' })].length > 0);
      } finally {
        await a.close();
      }
    });
  }
}
