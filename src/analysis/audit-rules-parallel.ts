import { startSiblingWorker } from '../runtime/worker.js';
import type { RuleSections } from './audit-rules.js';

/**
 * The rule sections of a store file (explanations, drift, shadowed rules) in a worker thread,
 * with a capped heap.
 *
 * Why a cap: V8 sizes its old generation by a growing factor of the live heap, up to 4x when the
 * heap limit is large (this machine's default limit is 4 GB). The replay allocates fast and keeps
 * about 150 MB live on a 2M-line audit (the realized rules compiled, and the replay state), so uncapped it let the heap reach 450-480 MB; capped at
 * 1 GB the factor is smaller and the same run peaks near 260 MB of heap (measured, same run,
 * with identical results and time). The cap is a ceiling, not a budget: a worker that reaches it
 * fails with ERR_WORKER_OUT_OF_MEMORY, and the audit then runs these sections on its main thread
 * (no cap) and says so in the report.
 */
export const RULES_HEAP_MB = 1024;

/** Young generation as the parse worker's: the replay makes short-lived garbage (parse-pipeline.ts). */
const YOUNG_MB = 8;

export class RulesWorkerOutOfMemory extends Error {
  constructor(readonly heapMb: number) {
    super(`the rules worker ran out of its ${heapMb} MB heap`);
  }
}

export function ruleSectionsInWorker(path: string, opts: { limit: number; heapMb?: number | undefined; onStep?: (name: string) => void }): Promise<RuleSections> {
  const heapMb = opts.heapMb ?? RULES_HEAP_MB;
  const worker = startSiblingWorker(import.meta.url, 'audit-rules-worker', {
    workerData: { path, limit: opts.limit },
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: YOUNG_MB },
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: { type: 'step'; name: string } | { type: 'done'; result: RuleSections } | { type: 'error'; message: string }) => {
      if (m.type === 'step') return opts.onStep?.(m.name);
      void worker.terminate();
      if (m.type === 'done') resolve(m.result);
      else reject(new Error(`audit rules worker: ${m.message}`));
    });
    worker.once('error', (e: Error & { code?: string }) => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new RulesWorkerOutOfMemory(heapMb) : e));
    worker.once('exit', (code) => reject(new Error(`audit rules worker exited (code ${code}) before it reported`)));
  });
}
