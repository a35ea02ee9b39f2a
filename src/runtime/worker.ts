import type { ResourceLimits, Worker } from 'node:worker_threads';
import { nodeRequire } from './node-require.js';

/**
 * Starts a worker thread from a sibling module of `callerUrl` (pass `import.meta.url`):
 * `<name>.js` in the build (tsc output and the esbuild bundle both place workers beside their
 * callers). Running from source under tsx (the tests), a worker does not inherit tsx's loader,
 * so a small bootstrap registers it before importing `<name>.ts`.
 */
export function startSiblingWorker(callerUrl: string, name: string, opts: { workerData?: unknown; resourceLimits?: ResourceLimits } = {}): Worker {
  // loaded here, not imported: most runs start no worker
  const { Worker } = nodeRequire('node:worker_threads') as typeof import('node:worker_threads');
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), opts);
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
