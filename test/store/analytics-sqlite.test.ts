import test from 'ava';
import { ingest } from '../../src/ingest/ingest.js';
import type { AnalyticsEngine } from '../../src/store/analytics.js';
import { openStore } from '../../src/store/open.js';
import { f5Store } from '../helpers/bundle.js';
import { engineAnswers, probeFor, sqliteAnswers, sqliteEngine } from '../helpers/engine-conformance.js';
import { CORPUS } from '../helpers/paths.js';

async function logsStore() {
  const db = openStore(':memory:');
  await ingest(db, ['logs', CORPUS], { host: null, inputFormat: null });
  return db;
}

test('the SQLite engine answers every analytics method as the store SQL does (bundled logs and corpus)', async (t) => {
  const db = await logsStore();
  const p = probeFor(db);
  t.true(p.selectors.length >= 3 && p.hosts.length >= 2, 'the probe exercises each selector kind and a host');
  const expected = sqliteAnswers(db, p);
  t.true((expected['eventsByHostTime({})'] as unknown[]).length > 100, 'every corpus and sample log');
  t.deepEqual(await engineAnswers(sqliteEngine(db), p), expected);
});

test('the SQLite engine on the F5 seed: the duplicate and ownership queries agree', async (t) => {
  const db = await f5Store();
  const p = probeFor(db);
  t.deepEqual(await engineAnswers(sqliteEngine(db), p), sqliteAnswers(db, p));
});

test('the conformance check catches an engine that drops a row or reorders a stream', async (t) => {
  const db = await logsStore();
  const p = probeFor(db);
  const expected = sqliteAnswers(db, p);
  const good = sqliteEngine(db);
  const dropsOne: AnalyticsEngine = Object.assign(Object.create(good) as AnalyticsEngine, {
    hostCounts: async () => (await good.hostCounts()).slice(1),
  });
  t.notDeepEqual(await engineAnswers(dropsOne, p), expected);
  const reorders: AnalyticsEngine = Object.assign(Object.create(good) as AnalyticsEngine, {
    async *eventsByHostTime(q: object) {
      const all = [];
      for await (const b of good.eventsByHostTime(q)) all.push(...b);
      yield all.reverse();
    },
  });
  t.notDeepEqual(await engineAnswers(reorders, p), expected);
});
