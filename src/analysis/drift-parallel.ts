import type { EngineSpec } from '../store/analytics.js';
import { startSiblingWorker } from '../runtime/worker.js';
import { mergeDrift, type DriftPartial, type DriftReport } from './drift.js';
import { partitionHosts, type HostFilterLoad } from './replay-partitions.js';

/** Heap ceiling of one drift worker, MB: the compiled rules and one partition's replay state (as the rules worker's). */
const DRIFT_HEAP_MB = 512;

/**
 * Drift over the whole store, replayed by up to `workers` worker threads, one host partition
 * each (replay-partitions.ts: hosts that share a filter stay together), merged into the report
 * the sequential replay gives. Null when the store splits into fewer than two partitions: the
 * caller replays it on its own thread (no worker start-up, no second copy of the rules).
 */
export async function findDriftParallel(path: string, engine: EngineSpec, loads: readonly HostFilterLoad[], workers: number): Promise<DriftReport | null> {
  const { partitions, rank } = partitionHosts(loads, workers);
  if (partitions.length < 2) return null;
  const partials = await Promise.all(
    partitions.map(
      (p) =>
        new Promise<DriftPartial>((resolve, reject) => {
          const w = startSiblingWorker(import.meta.url, 'drift-worker', {
            workerData: { path, engine, hosts: p.hosts, rank: [...rank] },
            resourceLimits: { maxOldGenerationSizeMb: DRIFT_HEAP_MB, maxYoungGenerationSizeMb: 8 },
          });
          w.on('message', (m: { type: 'done'; result: DriftPartial } | { type: 'error'; message: string }) => {
            void w.terminate();
            if (m.type === 'done') resolve(m.result);
            else reject(new Error(`drift worker: ${m.message}`));
          });
          w.once('error', reject);
          w.once('exit', (code) => reject(new Error(`drift worker exited (code ${code}) before it reported`)));
        }),
    ),
  );
  return mergeDrift(partials);
}
