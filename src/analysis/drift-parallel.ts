import { Worker } from 'node:worker_threads';
import type { DriftReport } from './drift.js';

/**
 * `findDrift` of a store file in a worker thread: the audit's one full replay runs on the second
 * core while the main thread does the other analyses (measured on a generated 2M-line bundle:
 * drift 33-36 s, explanations + duplicates + shadowing 35 s, one after the other before). An
 * in-memory store cannot be shared between threads: the caller runs drift inline then.
 */
export function driftInWorker(path: string): Promise<DriftReport> {
  const worker = startWorker(path);
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { type: 'done'; report: DriftReport } | { type: 'error'; message: string }) => {
      void worker.terminate();
      if (m.type === 'done') resolve(m.report);
      else reject(new Error(`drift worker: ${m.message}`));
    });
    worker.once('error', reject);
  });
}

/** Young generation as the parse worker's: the replay makes short-lived garbage (parse-pipeline.ts). */
const LIMITS = { maxYoungGenerationSizeMb: 8 };

/** The sibling module: `drift-worker.js` in the build; under tsx (tests) a bootstrap registers tsx first. */
function startWorker(path: string): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./drift-worker.js', import.meta.url), { workerData: { path }, resourceLimits: LIMITS });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./drift-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: { path }, resourceLimits: LIMITS });
}
