/**
 * Parse worker: reads and parses packet-log files off the ingesting thread, so that parsing
 * runs on one core while SQLite inserts on the other. Messages (see parse-pipeline.ts):
 *   in:  { type: 'parse', req }   one file at a time
 *        { type: 'ack' }          the ingesting thread committed one chunk
 *   out: { type: 'chunk', chunk } (the batch's buffers are transferred, not copied)
 *        { type: 'done', outcome } | { type: 'error', message }
 */
import { parentPort } from 'node:worker_threads';
import { parseLogFile, type ParseRequest } from './parse-log.js';

/** Chunks sent but not yet committed before reading pauses: bounds the memory in flight (8 measured no faster). */
const MAX_IN_FLIGHT = 4;

const port = parentPort;
if (!port) throw new Error('parse-worker.ts must run as a worker thread');

let inFlight = 0;
let wake: (() => void) | null = null;

type Message = { type: 'parse'; req: ParseRequest } | { type: 'ack' };

port.on('message', (msg: Message) => {
  if (msg.type === 'ack') {
    inFlight--;
    if (wake && inFlight < MAX_IN_FLIGHT) {
      const w = wake;
      wake = null;
      w();
    }
    return;
  }
  inFlight = 0;
  parseLogFile(
    msg.req,
    (chunk) => {
      inFlight++;
      port.postMessage({ type: 'chunk', chunk }, [chunk.events.slots.buffer as ArrayBuffer, chunk.events.shapes.buffer as ArrayBuffer]);
    },
    () => (inFlight >= MAX_IN_FLIGHT ? new Promise<void>((resolve) => (wake = resolve)) : undefined),
  ).then(
    (outcome) => port.postMessage({ type: 'done', outcome }),
    (e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
  );
});
