import test from 'ava';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';
import { ingest } from '../../src/ingest/ingest.js';
import { ParsePipeline, parseInWorker, WORKER_MIN_BYTES } from '../../src/ingest/parse-pipeline.js';
import { CHUNK_CHARS, type ParsedChunk } from '../../src/ingest/parse-log.js';
import { CORPUS, tempDb, tempDir } from '../helpers/paths.js';

/** Every table row an ingest writes, in a comparable form (the source's timestamp aside). */
function storeContents(path: string): Record<string, unknown[]> {
  const d = new Database(path, { readonly: true });
  try {
    return {
      events: d.prepare('SELECT * FROM events ORDER BY id').all(),
      rejected: d.prepare('SELECT * FROM rejected_lines ORDER BY id').all(),
      sources: d.prepare('SELECT id, path, size, sha256, format, host, status, lines_done, events, skipped, rejected FROM sources ORDER BY id').all(),
    };
  } finally {
    d.close();
  }
}

const logFiles = [
  ...readdirSync(join(CORPUS, 'dfwpktlog')).filter((f) => f.endsWith('.log')).map((f) => join(CORPUS, 'dfwpktlog', f)),
  ...readdirSync(join(CORPUS, 'antrea-np-log')).filter((f) => f.endsWith('.log')).map((f) => join(CORPUS, 'antrea-np-log', f)),
  'logs/syslog-export/collector-2024-05-15.log',
  'logs/f5-promiscuous/esx-esx101.lab.local-2018-01-17--01.35-42117/var/log/dfwpktlogs.1.gz',
];

test('parsing in the worker stores exactly what parsing in the ingesting thread stores', async (t) => {
  // batches of 3 lines: many chunks per file, more than the worker may have in flight
  for (const batchLines of [3, 4096]) {
    const stores = await Promise.all(
      (['thread', 'worker'] as const).map(async (parseIn) => {
        const path = tempDb();
        const db = openStore(path);
        const summary = await ingest(db, logFiles, { parseIn, batchLines });
        db.close();
        return { summary, contents: storeContents(path) };
      }),
    );
    const [thread, worker] = stores as [(typeof stores)[0], (typeof stores)[0]];
    t.true(thread.contents['events']!.length > 60);
    t.deepEqual(worker.contents, thread.contents, `batch ${batchLines}`);
    const { seconds: _a, linesPerSec: _b, ...ws } = worker.summary;
    const { seconds: _c, linesPerSec: _d, ...ts } = thread.summary;
    t.deepEqual(ws, ts);
  }
});

test('a damaged .gz parsed in the worker keeps the lines before the damage and reports it', async (t) => {
  const dir = tempDir();
  const text = readFileSync('logs/syslog-export/collector-2024-05-15.log', 'utf8').repeat(200);
  const gz = gzipSync(text);
  const cut = join(dir, 'cut.log.gz');
  writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
  const results = [];
  for (const parseIn of ['thread', 'worker'] as const) {
    const db = openStore(':memory:');
    const s = await ingest(db, [cut], { parseIn });
    results.push({ events: s.events, lines: s.lines, problems: s.problems.map((p) => p.code) });
    db.close();
  }
  t.deepEqual(results[1], results[0]);
  t.deepEqual(results[0]!.problems, ['input/truncated-gzip']);
  t.true(results[0]!.events > 0);
});

test('when a commit fails, parsing stops, the error reaches the caller, and the pipeline still serves the next file', async (t) => {
  const pipeline = new ParsePipeline();
  const req = { path: 'logs/syslog-export/collector-2024-05-15.log', shownAs: 'x', format: 'dfwpktlog' as const, host: null, resumeAfter: 0, chunkLines: 2 };
  let chunks = 0;
  await t.throwsAsync(
    pipeline.parse(req, true, () => {
      if (++chunks === 2) throw new Error('disk full');
    }),
    { message: 'disk full' },
  );
  t.is(chunks, 2);
  const seen: ParsedChunk[] = [];
  const outcome = await pipeline.parse({ ...req, resumeAfter: 4 }, true, (c) => seen.push(c));
  await pipeline.close();
  t.deepEqual(outcome, { lines: 12, gzipError: null });
  // resumed after line 4: chunks end at lines 6, 8, 10, 12
  t.deepEqual(seen.map((c) => c.upTo), [6, 8, 10, 12]);
  t.is(seen.reduce((a, c) => a + c.events.count, 0) + seen.reduce((a, c) => a + c.skipped + c.rejected.length, 0), 8);
});

test('a file that cannot be read fails in the worker as it does in the thread', async (t) => {
  const pipeline = new ParsePipeline();
  const req = { path: join(tempDir(), 'gone.log'), shownAs: 'gone.log', format: 'dfwpktlog' as const, host: null, resumeAfter: 0, chunkLines: 10 };
  const inThread = await pipeline.parse(req, false, () => {}).catch((e: Error) => e.message);
  const inWorker = await pipeline.parse(req, true, () => {}).catch((e: Error) => e.message);
  await pipeline.close();
  t.regex(String(inThread), /ENOENT/);
  t.is(inWorker, inThread);
});

test('auto parses big files (or .gz that are big once inflated) in the worker, small ones in the thread', (t) => {
  t.false(parseInWorker('auto', WORKER_MIN_BYTES - 1, false));
  t.true(parseInWorker('auto', WORKER_MIN_BYTES, false));
  t.true(parseInWorker('auto', WORKER_MIN_BYTES / 4, true));
  t.true(parseInWorker('worker', 10, false));
  t.false(parseInWorker('thread', WORKER_MIN_BYTES * 10, false));
});

test('a file of long lines is cut into chunks by size, so memory stays bounded, and every line is stored', async (t) => {
  const dir = tempDir();
  const path = join(dir, 'long.log');
  // records padded past the longest record a parser accepts: each is rejected and kept whole
  const record = readFileSync('logs/syslog-export/collector-2024-05-15.log', 'utf8').split('\n')[0]!;
  const long = `${record} ${'x'.repeat(200_000)}`;
  writeFileSync(path, `${Array.from({ length: 60 }, () => long).join('\n')}\n`);
  const chunks: ParsedChunk[] = [];
  const req = { path, shownAs: 'long.log', format: 'dfwpktlog' as const, host: null, resumeAfter: 0, chunkLines: 4096 };
  const pipeline = new ParsePipeline();
  await pipeline.parse(req, true, (c) => chunks.push(c));
  await pipeline.close();
  t.true(chunks.length >= 3, `${chunks.length} chunks`);
  t.true(chunks.every((c) => c.rejected.reduce((a, r) => a + r.raw.length, 0) <= CHUNK_CHARS + long.length));
  t.is(chunks.reduce((a, c) => a + c.rejected.length, 0), 60);
  const db = openStore(':memory:');
  const s = await ingest(db, [path], { parseIn: 'worker' });
  t.is(s.rejected, 60);
  t.is((db.prepare('SELECT min(length(raw)) AS n FROM rejected_lines').get() as { n: number }).n, long.length);
  db.close();
});

test('a worker that dies mid-file fails that file with a clear error; the next file gets a new worker', async (t) => {
  const pipeline = new ParsePipeline();
  const req = { path: 'logs/syslog-export/collector-2024-05-15.log', shownAs: 'collector.log', format: 'dfwpktlog' as const, host: null, resumeAfter: 0, chunkLines: 2 };
  pipeline.warmUp();
  const worker = (pipeline as unknown as { worker: { terminate(): Promise<number> } }).worker;
  const parsing = pipeline.parse(req, true, () => void worker.terminate());
  await t.throwsAsync(parsing, { message: /parse worker stopped .* before collector\.log was parsed/ });
  let events = 0;
  await pipeline.parse(req, true, (c) => (events += c.events.count));
  await pipeline.close();
  t.is(events, 9);
});
