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

  /**
   * `commit` runs for each chunk, in order; if it throws (or its promise rejects), parsing stops
   * and the error propagates. When it returns a promise (a sink that inserts elsewhere before the
   * catalogue commits), the next chunk waits for it and reading pauses meanwhile; a synchronous
   * commit (the SQLite store) runs as before, with no promise in the way.
   */
  async parse(req: ParseRequest, inWorker: boolean, commit: (chunk: ParsedChunk) => unknown): Promise<ParseOutcome> {
    if (!inWorker) return parseInThread(req, commit);
    const worker = (this.worker ??= startWorker());
    return new Promise<ParseOutcome>((resolve, reject) => {
      let failed = false;
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
        failed = true;
        lost();
        done(() => reject(e));
      };
      const onExit = (code: number) => {
        failed = true;
        lost();
        done(() => reject(new Error(`the parse worker stopped (exit code ${code}) before ${req.shownAs} was parsed`)));
      };
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        // the worker may be mid-file: stop it so it neither reads on nor answers late
        lost();
        done(() => reject(e as Error));
        void worker.terminate();
      };
      type Msg = { type: 'chunk'; chunk: ParsedChunk } | { type: 'done'; outcome: ParseOutcome } | { type: 'error'; message: string };
      // messages in arrival order; while an async commit is running (`busy`) later ones wait here,
      // as many as the worker's ack window lets it send
      const queue: Msg[] = [];
      let busy = false;
      const drain = () => {
        while (!failed && !busy && queue.length > 0) {
          const msg = queue.shift()!;
          if (msg.type !== 'chunk') {
            settle(msg);
            continue;
          }
          let r: unknown;
          try {
            r = commit(msg.chunk);
          } catch (e) {
            fail(e);
            return;
          }
          if (!(r instanceof Promise)) {
            worker.postMessage({ type: 'ack' });
            continue;
          }
          busy = true;
          (r as Promise<void>).then(() => {
            busy = false;
            if (failed) return;
            worker.postMessage({ type: 'ack' });
            drain();
          }, fail);
        }
      };
      const onMessage = (msg: Msg) => {
        queue.push(msg);
        drain();
      };
      const settle = (msg: { type: 'done'; outcome: ParseOutcome } | { type: 'error'; message: string }) => {
        if (msg.type === 'done') {
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
 * Parses in this thread. A commit that returns a promise is waited for before the next chunk's
 * commit (chunks of one read are queued behind it) and reading pauses until it is done.
 */
async function parseInThread(req: ParseRequest, commit: (chunk: ParsedChunk) => unknown): Promise<ParseOutcome> {
  let tail: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;
  const track = (p: Promise<void>): Promise<void> => {
    const t: Promise<void> = p.then(
      () => {
        if (tail === t) tail = null;
      },
      (error: unknown) => {
        failure ??= { error };
        if (tail === t) tail = null;
      },
    );
    return t;
  };
  const outcome = await parseLogFile(
    req,
    (chunk) => {
      if (failure !== null) throw failure.error;
      if (tail === null) {
        const r = commit(chunk);
        if (r instanceof Promise) tail = track(r as Promise<void>);
      } else {
        tail = track(tail.then(() => (failure === null ? (commit(chunk) as void) : undefined)));
      }
    },
    () => tail ?? undefined,
  );
  while (tail !== null) await tail;
  if (failure !== null) throw (failure as { error: unknown }).error;
  return outcome;
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
