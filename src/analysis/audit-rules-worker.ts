/**
 * Audit rules worker: the static shadow analysis and drift's whole-store replay (audit-rules.ts
 * ruleSections) on a second core while the audit's main thread runs the set queries, the
 * explanations and duplicates. It opens its own read-only connection to the
 * store file; SQLite serves both readers.
 *   in:  workerData = { path, engine, workers } (engine: where the events are, EngineSpec; the rules are in the store at `path`;
 *        workers: drift replay workers, started from here, audit-rules.ts ParallelDrift)
 *   out: { type: 'step', name } ... then { type: 'done', result } | { type: 'error', message }
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineSpec } from '../store/analytics.js';
import { ruleSections } from './audit-rules.js';
import { serveStoreWork } from './store-worker.js';

const port = parentPort;
if (!port) throw new Error('audit-rules-worker.ts must run as a worker thread');
const { path, engine: spec, workers } = workerData as { path: string; engine: EngineSpec; workers: number };
await serveStoreWork(port, path, spec, (engine, db) =>
  ruleSections(engine, db, { onStep: (name) => port.postMessage({ type: 'step', name }), parallel: { path, engine: spec, workers } }),
);
