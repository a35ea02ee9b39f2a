/**
 * Audit rules worker: the static shadow analysis and drift's whole-store replay (audit-rules.ts
 * ruleSections) on a second core while the audit's main thread runs the set queries, the
 * explanations and duplicates. It opens its own read-only connection to the
 * store file; SQLite serves both readers.
 *   in:  workerData = { path, engine } (engine: where the events are, EngineSpec; the rules are in the store at `path`)
 *   out: { type: 'step', name } ... then { type: 'done', result } | { type: 'error', message }
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineSpec } from '../store/analytics.js';
import { openAnalytics } from '../store/analytics-open.js';
import { openStore } from '../store/open.js';
import { ruleSections } from './audit-rules.js';

const port = parentPort;
if (!port) throw new Error('audit-rules-worker.ts must run as a worker thread');
const { path, engine: spec } = workerData as { path: string; engine: EngineSpec };
try {
  const db = openStore(path, { readonly: true });
  try {
    const engine = await openAnalytics(spec, db);
    try {
      port.postMessage({ type: 'done', result: await ruleSections(engine, db, { onStep: (name) => port.postMessage({ type: 'step', name }) }) });
    } finally {
      await engine.close();
    }
  } finally {
    db.close();
  }
} catch (e) {
  port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
