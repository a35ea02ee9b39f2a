/**
 * Drift worker: one partition of a parallel whole-store replay (replay-partitions.ts). It opens
 * its own read-only store connection (the rules) and its own engine (the events), replays its
 * hosts, and reports the partition's drift with the places of its groups (drift.ts mergeDrift).
 *   in:  workerData = { path, engine, hosts, rank: [host, rank][] }
 *   out: { type: 'done', result: DriftPartial } | { type: 'error', message }
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineSpec } from '../store/analytics.js';
import { findDriftPartialVia } from './drift.js';
import { loadOwnershipVia } from './ownership.js';
import { serveStoreWork } from './store-worker.js';

const port = parentPort;
if (!port) throw new Error('drift-worker.ts must run as a worker thread');
const { path, engine: spec, hosts, rank } = workerData as { path: string; engine: EngineSpec; hosts: (string | null)[]; rank: [string | null, number][] };
await serveStoreWork(port, path, spec, async (engine, db) => findDriftPartialVia(engine, db, hosts, new Map(rank), { owners: await loadOwnershipVia(engine, db) }));
