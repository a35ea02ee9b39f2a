import type { MessagePort } from 'node:worker_threads';
import type { AnalyticsEngine, EngineSpec } from '../store/analytics.js';
import { openAnalytics } from '../store/analytics-open.js';
import { openStore, type Db } from '../store/open.js';

/**
 * The body of a worker that analyses a store: opens its own read-only connection to the store
 * file (the rules) and its own engine (the events), runs `work`, posts `{ type: 'done', result }`
 * or `{ type: 'error', message }` to the parent, and closes both whatever happened.
 */
export async function serveStoreWork<T>(port: MessagePort, path: string, spec: EngineSpec, work: (engine: AnalyticsEngine, db: Db) => Promise<T>): Promise<void> {
  try {
    const db = openStore(path, { readonly: true });
    try {
      const engine = await openAnalytics(spec, db);
      try {
        port.postMessage({ type: 'done', result: await work(engine, db) });
      } finally {
        await engine.close();
      }
    } finally {
      db.close();
    }
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}
