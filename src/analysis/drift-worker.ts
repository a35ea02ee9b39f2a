/**
 * Drift worker: the full stateful replay `findDrift` needs, run on a second core while the
 * audit's main thread explains, groups duplicates and analyses shadowing (drift-parallel.ts).
 * It opens its own read-only connection to the store file; SQLite serves both readers.
 *   in:  workerData = { path }
 *   out: { type: 'done', report } | { type: 'error', message }
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open.js';
import { findDrift } from './drift.js';

const port = parentPort;
if (!port) throw new Error('drift-worker.ts must run as a worker thread');
try {
  const db = openStore((workerData as { path: string }).path, { readonly: true });
  try {
    port.postMessage({ type: 'done', report: findDrift(db) });
  } finally {
    db.close();
  }
} catch (e) {
  port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
