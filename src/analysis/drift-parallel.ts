import type { Worker } from 'node:worker_threads';
import type { EngineSpec } from '../store/analytics.js';
import { startSiblingWorker } from '../runtime/worker.js';
import { mergeDrift, type DriftPartial, type DriftReport } from './drift.js';
import { partitionHosts, type HostFilterLoad } from './replay-partitions.js';

/**
 * Heap ceiling of one drift worker, MB: the compiled rules and one partition's replay state, the
 * rules worker's cap (audit-rules-parallel.ts), which holds the same plus the whole store's
 * state. A partition holds less than the whole replay, so the cap is a ceiling, not a budget.
 */
export const DRIFT_HEAP_MB = 512;

/** A drift worker reached its heap cap: the caller replays the store on its own thread instead. */
export class DriftWorkerOutOfMemory extends Error {
  constructor(readonly heapMb: number) {
    super(`a drift replay worker ran out of its ${heapMb} MB heap`);
  }
}

/** How the store was split: host partitions (below 2: not split, replayed by the caller), and the largest one's share of the events (0..1). */
export interface DriftSplit {
  partitions: number;
  largestShare: number;
}

/**
 * Drift over the whole store, replayed by up to `workers` worker threads, one host partition
 * each (replay-partitions.ts: hosts that share a filter stay together), merged into the report
 * the sequential replay gives. Null when the store splits into fewer than two partitions: the
 * caller replays it on its own thread (no worker start-up, no second copy of the rules).
 * The first worker to fail ends the others.
 */
export async function findDriftParallel(
  path: string,
  engine: EngineSpec,
  loads: readonly HostFilterLoad[],
  workers: number,
  onSplit?: (s: DriftSplit) => void,
): Promise<DriftReport | null> {
  const { partitions, rank } = partitionHosts(loads, workers);
  const total = partitions.reduce((n, p) => n + p.events, 0);
  onSplit?.({ partitions: partitions.length, largestShare: total === 0 ? 0 : Math.max(0, ...partitions.map((p) => p.events)) / total });
  if (partitions.length < 2) return null;
  const started: Worker[] = [];
  const partials = Promise.all(
    partitions.map(
      (p) =>
        new Promise<DriftPartial>((resolve, reject) => {
          const w = startSiblingWorker(import.meta.url, 'drift-worker', {
            workerData: { path, engine, hosts: p.hosts, rank: [...rank] },
            resourceLimits: { maxOldGenerationSizeMb: DRIFT_HEAP_MB, maxYoungGenerationSizeMb: 8 },
          });
          started.push(w);
          w.on('message', (m: { type: 'done'; result: DriftPartial } | { type: 'error'; message: string }) => {
            void w.terminate();
            if (m.type === 'done') resolve(m.result);
            else reject(new Error(`drift worker: ${m.message}`));
          });
          w.once('error', (e: Error & { code?: string }) => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new DriftWorkerOutOfMemory(DRIFT_HEAP_MB) : e));
          w.once('exit', (code) => reject(new Error(`drift worker exited (code ${code}) before it reported`)));
        }),
    ),
  );
  try {
    return mergeDrift(await partials);
  } catch (e) {
    await Promise.all(started.map((w) => w.terminate()));
    throw e;
  }
}
