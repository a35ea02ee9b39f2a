import { startSiblingWorker } from '../runtime/worker.js';
import type { EngineSpec } from '../store/analytics.js';
import type { RuleSections } from './audit-rules.js';

/**
 * The rule sections of a store file (shadowed rules, drift) in a worker thread, with a capped heap.
 *
 * Why a cap: V8 sizes its old generation by a growing factor of the live heap, up to 4x when the
 * heap limit is large (this machine's default limit is 4 GB); below 2 GB the factor shrinks with
 * the limit. The replay allocates fast and keeps little live, so uncapped the heap grew to several
 * times what it holds. Measured on a 2M-line audit (same run, identical reports): the worker's
 * peak RSS 372 MB uncapped, 353 MB at 1 GB, 329 MB at 512 MB, with the same time. The cap is a
 * ceiling, not a budget: the live heap is about 70 MB (the compiled rules, shared by filters
 * alike, and the replay state). A worker that reaches it fails with ERR_WORKER_OUT_OF_MEMORY, and
 * the audit then runs these sections on its main thread (no cap) and says so in the report.
 */
export const RULES_HEAP_MB = 512;

/** Young generation as the parse worker's: the replay makes short-lived garbage (parse-pipeline.ts). */
const YOUNG_MB = 8;

export class RulesWorkerOutOfMemory extends Error {
  constructor(readonly heapMb: number) {
    super(`the rules worker ran out of its ${heapMb} MB heap`);
  }
}

/**
 * `path`: the store file (rules); `engine`: where the events are (the same store by default);
 * `driftWorkers`: drift replay workers this worker starts (drift-parallel.ts, each with its own
 * DRIFT_HEAP_MB cap; while they replay, this one only waits for their partials), 1: none.
 */
export function ruleSectionsInWorker(
  path: string,
  opts: { engine?: EngineSpec | undefined; heapMb?: number | undefined; driftWorkers?: number | undefined; onStep?: (name: string) => void } = {},
): Promise<RuleSections> {
  const heapMb = opts.heapMb ?? RULES_HEAP_MB;
  const worker = startSiblingWorker(import.meta.url, 'audit-rules-worker', {
    workerData: { path, engine: opts.engine ?? { kind: 'sqlite', path }, workers: opts.driftWorkers ?? 1 },
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
