import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../runtime/worker.js';
import { parseLogFile, type ParseOutcome, type ParsedChunk, type ParseRequest } from './parse-log.js';

/**
 * Where a file's lines are parsed:
 * - `thread`: in the ingesting thread, alternating with the inserts;
 * - `worker`: in a worker thread, while the ingesting thread inserts the previous chunks;
 * - `auto`: the worker for files big enough to repay its start-up (about 50 ms).
 */
export type ParseWhere = 'auto' | 'thread' | 'worker';

/** Below this many (decompressed, estimated) bytes a file is parsed in the ingesting thread. */
export const WORKER_MIN_BYTES = 8 << 20;

/** A .gz file's text is estimated at this many times its size (packet logs compress about 8-12x). */
const GZIP_RATIO = 8;

export function parseInWorker(where: ParseWhere, size: number, gzip: boolean): boolean {
  if (where !== 'auto') return where === 'worker';
  return size * (gzip ? GZIP_RATIO : 1) >= WORKER_MIN_BYTES;
}

/**
 * Parses files and hands each chunk to `commit` in order. One worker is started on first
 * use and serves every later file of the run; `close` ends it.
 */
export class ParsePipeline {
  private worker: Worker | null = null;

  /** `commit` runs synchronously for each chunk; if it throws, parsing stops and the error propagates. */
  async parse(req: ParseRequest, inWorker: boolean, commit: (chunk: ParsedChunk) => void): Promise<ParseOutcome> {
    if (!inWorker) return parseLogFile(req, commit);
    const worker = (this.worker ??= startWorker());
    return new Promise<ParseOutcome>((resolve, reject) => {
      const done = (f: () => void) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        f();
      };
      // the worker is gone (out of memory, a crash): the next file gets a new one
      const lost = () => {
        if (this.worker === worker) this.worker = null;
      };
      const onError = (e: Error) => {
        lost();
        done(() => reject(e));
      };
      const onExit = (code: number) => {
        lost();
        done(() => reject(new Error(`the parse worker stopped (exit code ${code}) before ${req.shownAs} was parsed`)));
      };
      const onMessage = (msg: { type: 'chunk'; chunk: ParsedChunk } | { type: 'done'; outcome: ParseOutcome } | { type: 'error'; message: string }) => {
        if (msg.type === 'chunk') {
          try {
            commit(msg.chunk);
          } catch (e) {
            // the worker may be mid-file: stop it so it neither reads on nor answers late
            lost();
            done(() => reject(e as Error));
            void worker.terminate();
            return;
          }
          worker.postMessage({ type: 'ack' });
        } else if (msg.type === 'done') {
          done(() => resolve(msg.outcome));
        } else {
          done(() => reject(new Error(msg.message)));
        }
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ type: 'parse', req });
    });
  }

  /** Starts the worker ahead of its first file (loading its modules takes about 50 ms). */
  warmUp(): void {
    this.worker ??= startWorker();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/**
 * Worker heap: a smaller young generation than V8's default (16 MB semi-spaces) keeps the
 * process's peak RSS down; parsing makes only short-lived garbage. Measured on a 2M-line
 * ingest: peak RSS 280-291 MB with 16 MB, 268-275 MB with 8 MB, speed unchanged.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** The parse worker, beside this module (src/runtime/worker.ts). */
function startWorker(): Worker {
  return startSiblingWorker(import.meta.url, 'parse-worker', { resourceLimits: WORKER_LIMITS });
}
