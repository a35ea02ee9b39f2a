import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { DiagnosticCode } from '../model/diagnostics.js';
import { EventBatchReader } from '../model/event-batch.js';
import { VsipCaptureReader, type CaptureLine } from '../parse/vsipioctl-capture.js';
import { withLineGrammars } from '../parse/vsip-line-reader.js';
import { beginBulkWrite, endBulkWrite, type Db } from '../store/open.js';
import { SqliteEventSink, type EventSink } from '../store/event-sink.js';
import {
  findSourceBySha,
  insertSource,
  markSourceComplete,
  prepareRejectedInsert,
  prepareSourceProgress,
} from '../store/sources-repo.js';
import { saveFilters } from '../store/realized-repo.js';
import { RealizedWriter } from '../store/realized-writer.js';
import { expandInputs, storePaths } from './walk.js';
import { hostFromBundlePath } from './host.js';
import { readHead, sniffFormat, type InputFormat } from './sniff.js';
import { isGzipFile, readLines, readLinesSync, type LineSink } from './read-lines.js';
import type { ParseRequest } from './parse-log.js';
import { ParsePipeline, parseInWorker, type ParseWhere } from './parse-pipeline.js';

/**
 * Lines per transaction. With the rollback journal's fsyncs at every commit, measured raw
 * inserts: 253-264k rows/s at 4,096 lines, 269k at 8,192, 292k at 16,384 and at 32,768.
 */
export const DEFAULT_BATCH_LINES = 16_384;

/**
 * Lines per parsed chunk, the unit handed from the parser to the store; several make one
 * transaction. Chunks of 16,384 lines raised the peak RSS of a 2M-line ingest from about 225
 * MB to 304-366 MB (four of them in flight, and their garbage), for no gain in speed.
 */
export const CHUNK_LINES = 4096;

export interface IngestOptions {
  /** host for records whose envelope names none (else the support-bundle path decides) */
  host?: string | null;
  /** force one input format instead of sniffing */
  inputFormat?: InputFormat | null;
  /** lines per transaction (default DEFAULT_BATCH_LINES) */
  batchLines?: number;
  /** where packet logs are parsed (default `auto`: a worker thread for big files) */
  parseIn?: ParseWhere;
  /** stdin, for the `-` path */
  stdin?: Readable;
  /** called with bytes done / total bytes (all files) */
  onProgress?: (done: number, total: number) => void;
  /** where packet events go (default: the store's own events table; store/event-sink.ts) */
  sink?: EventSink;
}

/** An input problem to show as `file:line:col  message`. `fatal` problems make ingest exit 2. */
export interface IngestProblem {
  path: string;
  line: number;
  col: number;
  code: DiagnosticCode | 'input/empty' | 'input/binary' | 'input/is-store' | 'input/vanished';
  message: string;
  fatal: boolean;
}

export interface FileSummary {
  path: string;
  format: InputFormat | null;
  status: 'ingested' | 'resumed' | 'duplicate' | 'skipped' | 'failed';
  host: string | null;
  /** physical lines read: `lines = events + records + skipped + rejected` for a file ingested in one run */
  lines: number;
  events: number;
  /** lines of vsipioctl outputs that went into filters, rules and address sets (0 for packet logs) */
  records: number;
  skipped: number;
  /** rejected lines, one per line (the rows of rejected_lines) */
  rejected: number;
  filters: number;
  rules: number;
  addrsets: number;
}

export interface IngestSummary {
  files: number;
  filesIngested: number;
  filesDuplicate: number;
  filesSkipped: number;
  filesFailed: number;
  lines: number;
  events: number;
  records: number;
  skipped: number;
  rejected: number;
  filters: number;
  rules: number;
  addrsets: number;
  bytes: number;
  seconds: number;
  linesPerSec: number;
  perFile: FileSummary[];
  problems: IngestProblem[];
  /** the first rejected lines of the run (all of them are in the store's rejected_lines) */
  rejectedSamples: RejectedSample[];
}

/** A rejected line as shown to the user: `file:line:col  code  reason`. */
export interface RejectedSample {
  path: string;
  line: number;
  col: number;
  code: string;
  reason: string;
}

/** How many rejected lines one run shows on the terminal. */
export const REJECTED_SHOWN = 10;

/**
 * SHA-256 of a file. A plain read loop: nothing else has to run meanwhile (the store waits
 * for the answer), and it measured 200 ms for 303 MB against 260-320 ms through a stream.
 *
 * The hash decides, before anything is written, whether the file is already stored or a
 * resumable partial, so it sits on the critical path (about 2.5% of a big ingest). Moving it
 * off would mean committing batches under a provisional identity until a third thread has
 * hashed the file, and discarding such sources after a crash: not worth the new failure modes.
 */
function sha256File(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      h.update(n === buf.length ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * Ingests files, folders and stdin into the store. Each batch of lines is one transaction
 * that also records how far the source got, so a killed ingest resumes exactly where its
 * last commit ended and re-ingesting the same content (by sha256) adds nothing.
 */
export async function ingest(db: Db, paths: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const t0 = process.hrtime.bigint();
  const problems: IngestProblem[] = [];
  const perFile: FileSummary[] = [];
  const samples: RejectedSample[] = [];
  let spoolDir: string | null = null;

  // the store's own files are never inputs, even when it sits inside a walked folder
  const { files, problems: walkProblems } = expandInputs(paths, storePaths(db.memory ? null : db.name));
  for (const p of walkProblems) problems.push({ path: p.path, line: 0, col: 0, code: p.code, message: p.message, fatal: true });

  // stdin is spooled to a temporary file so it is hashed, sniffed and resumed like any file
  const resolved: { path: string; shownAs: string; explicit: boolean }[] = [];
  for (const f of files) {
    if (f.path !== '-') {
      resolved.push({ path: f.path, shownAs: f.path, explicit: f.explicit });
      continue;
    }
    spoolDir ??= mkdtempSync(join(tmpdir(), 'dfwsim-stdin-'));
    const spool = join(spoolDir, `stdin-${resolved.length}`);
    await pipeline(opts.stdin ?? process.stdin, createWriteStream(spool));
    resolved.push({ path: spool, shownAs: '-', explicit: true });
  }

  const sizes = resolved.map((f) => {
    try {
      return statSync(f.path).size;
    } catch {
      return 0;
    }
  });
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;

  const parsing = new ParsePipeline();
  const bulk = beginBulkWrite(db);
  try {
    for (const [i, f] of resolved.entries()) {
      const size = sizes[i] ?? 0;
      const summary = await ingestOne(db, parsing, f, size, opts, problems, samples, (b) => opts.onProgress?.(bytesBefore + b, totalBytes));
      perFile.push(summary);
      bytesBefore += size;
      opts.onProgress?.(bytesBefore, totalBytes);
    }
  } finally {
    await parsing.close();
    endBulkWrite(db, bulk);
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  }

  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const sum = (k: 'lines' | 'events' | 'records' | 'skipped' | 'rejected' | 'filters' | 'rules' | 'addrsets') =>
    perFile.reduce((a, f) => a + f[k], 0);
  const lines = sum('lines');
  return {
    files: perFile.length,
    filesIngested: perFile.filter((f) => f.status === 'ingested' || f.status === 'resumed').length,
    filesDuplicate: perFile.filter((f) => f.status === 'duplicate').length,
    filesSkipped: perFile.filter((f) => f.status === 'skipped').length,
    filesFailed: perFile.filter((f) => f.status === 'failed').length,
    lines,
    events: sum('events'),
    records: sum('records'),
    skipped: sum('skipped'),
    rejected: sum('rejected'),
    filters: sum('filters'),
    rules: sum('rules'),
    addrsets: sum('addrsets'),
    bytes: totalBytes,
    seconds,
    linesPerSec: seconds > 0 ? Math.round(lines / seconds) : 0,
    perFile,
    problems,
    rejectedSamples: samples,
  };
}

async function ingestOne(
  db: Db,
  parsing: ParsePipeline,
  f: { path: string; shownAs: string; explicit: boolean },
  size: number,
  opts: IngestOptions,
  problems: IngestProblem[],
  samples: RejectedSample[],
  progress: (bytes: number) => void,
): Promise<FileSummary> {
  const host = opts.host ?? hostFromBundlePath(f.shownAs);
  const summary: FileSummary = {
    path: f.shownAs, format: null, status: 'skipped', host, lines: 0, events: 0, records: 0, skipped: 0, rejected: 0,
    filters: 0, rules: 0, addrsets: 0,
  };
  const fail = (code: IngestProblem['code'], message: string, fatal = f.explicit): FileSummary => {
    if (fatal) problems.push({ path: f.shownAs, line: 0, col: 0, code, message, fatal });
    summary.status = fatal ? 'failed' : 'skipped';
    return summary;
  };

  // A walked file can vanish between the listing and the read (another program's temporary or
  // rotated file): passed over with a note. Named on the command line, it is an input error.
  const unreadable = (e: unknown): FileSummary => {
    if (!f.explicit && (e as NodeJS.ErrnoException).code === 'ENOENT') {
      problems.push({ path: f.shownAs, line: 0, col: 0, code: 'input/vanished', message: 'removed after the folder was listed: passed over', fatal: false });
      summary.status = 'skipped';
      return summary;
    }
    return fail('input/unreadable', `cannot read: ${(e as Error).message}`, true);
  };

  let head;
  try {
    head = readHead(f.path);
  } catch (e) {
    return unreadable(e);
  }
  // In a walked folder, empty, binary and foreign files are normal (a support bundle holds
  // many other logs): they are skipped quietly. Named on the command line, they are errors.
  if (head.kind === 'empty') return fail('input/empty', 'empty file: nothing to ingest');
  if (head.kind === 'binary') return fail('input/binary', 'binary content (NUL bytes or a corrupt .gz header): not a text log or capture');
  const format = opts.inputFormat ?? sniffFormat(head.lines).format;
  if (format === null) {
    return fail('input/unknown-format', 'not a recognised format (dfwpktlog, Antrea np.log, vsipioctl output); use --input-format to force one');
  }
  summary.format = format;

  // A packet log big enough for the parse worker starts it now, so that loading it overlaps hashing
  // the file. Only then: a capture is read in this thread, and a worker started for nothing costs a
  // 2-core machine ~100 ms of CPU (its start-up) beside the ingest.
  const inWorker = format !== 'vsipioctl' && parseInWorker(opts.parseIn ?? 'auto', size, head.gzip);
  if (inWorker) parsing.warmUp();

  let sha256;
  try {
    sha256 = sha256File(f.path);
  } catch (e) {
    return unreadable(e);
  }
  const existing = findSourceBySha(db, sha256);
  if (existing?.status === 'complete') {
    summary.status = 'duplicate';
    return summary;
  }
  const source = () => existing?.id ?? insertSource(db, { path: f.shownAs, size, sha256, format, host });
  summary.status = existing ? 'resumed' : 'ingested';

  if (format === 'vsipioctl') {
    await ingestCapture(db, f, source, host, summary, problems, samples);
    return summary;
  }
  const sourceId = source();
  const batchLines = Math.max(1, opts.batchLines ?? DEFAULT_BATCH_LINES);
  const req: ParseRequest = {
    path: f.path, shownAs: f.shownAs, format, host, resumeAfter: existing?.linesDone ?? 0, chunkLines: Math.min(batchLines, CHUNK_LINES),
  };
  await ingestLog(db, parsing, req, inWorker, batchLines, sourceId, summary, problems, samples, progress, opts.sink ?? new SqliteEventSink(db));
  markSourceComplete(db, sourceId);
  return summary;
}

async function ingestLog(
  db: Db,
  parsing: ParsePipeline,
  req: ParseRequest,
  inWorker: boolean,
  batchLines: number,
  sourceId: number,
  summary: FileSummary,
  problems: IngestProblem[],
  samples: RejectedSample[],
  progress: (bytes: number) => void,
  sink: EventSink,
): Promise<void> {
  const reader = new EventBatchReader();
  const reject = prepareRejectedInsert(db);
  const advance = prepareSourceProgress(db);
  // One transaction per batch of lines, over the chunks it takes: their events, their rejected
  // lines and the source's progress. It stays open between chunks (they arrive from the
  // worker as events of the loop), so it is begun and committed by hand.
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  const commitCatalogue = () => void commit.run();
  let committedUpTo = req.resumeAfter;

  try {
    await sink.begin(sourceId, req.resumeAfter);
    const outcome = await parsing.parse(req, inWorker, (c) => {
      if (!db.inTransaction) begin.run();
      sink.write(sourceId, reader, c.events);
      for (const r of c.rejected) reject(sourceId, r.line, r.col, r.code, r.reason, r.raw);
      advance(sourceId, c.upTo, c.events.count, c.skipped, c.rejected.length);
      // the sink commits the catalogue once its rows are durable (SQLite: at once; ClickHouse: after its insert)
      let committing: void | Promise<void> = undefined;
      if (c.upTo - committedUpTo >= batchLines) {
        committing = sink.commit(commitCatalogue);
        committedUpTo = c.upTo;
      }
      summary.events += c.events.count;
      summary.rejected += c.rejected.length;
      summary.skipped += c.skipped;
      for (const r of c.rejected) {
        if (samples.length >= REJECTED_SHOWN) break;
        samples.push({ path: req.shownAs, line: r.line, col: r.col, code: r.code, reason: r.reason });
      }
      progress(c.bytesRead);
      return committing;
    });
    if (db.inTransaction) await sink.commit(commitCatalogue);
    summary.lines = outcome.lines;
    if (outcome.gzipError) {
      problems.push({
        path: req.shownAs, line: outcome.lines, col: 0, code: 'input/truncated-gzip', fatal: true,
        message: `compressed data is damaged (${outcome.gzipError}); the ${outcome.lines} lines before the damage were ingested`,
      });
    }
  } finally {
    // a failure mid-batch: the batch is dropped whole, the committed ones stay (and resume)
    if (db.inTransaction) {
      db.exec('ROLLBACK');
      sink.rollback();
    }
  }
}

/**
 * A vsipioctl capture, read in one pass as a stream: rulesets, rules and address sets are written
 * as they are read (realized-writer.ts), so a big getrules output is never held whole, all in one
 * transaction with the source row (`source` inserts it, or names the partial row of an older
 * dfwsim's interrupted run), the filters, the rejected lines, the source's progress and its
 * `complete` status. A failure leaves nothing behind, and a capture is never stored without being
 * marked complete (a re-run would store its rules twice); a line that needs the chevrotain grammar
 * rolls the transaction back and the capture is read again with the grammar loaded
 * (withLineGrammars). One commit instead of three: two fewer durable commits (fsyncs) per capture.
 */
async function ingestCapture(
  db: Db,
  f: { path: string; shownAs: string },
  source: () => number,
  host: string | null,
  summary: FileSummary,
  problems: IngestProblem[],
  samples: RejectedSample[],
): Promise<void> {
  const gzipError = await withLineGrammars(async () => {
    db.exec('BEGIN');
    try {
      const sourceId = source();
      const r = await streamCapture(db, f, sourceId, host, summary, samples);
      markSourceComplete(db, sourceId);
      db.exec('COMMIT');
      return r;
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  });
  if (gzipError !== null) {
    problems.push({ path: f.shownAs, line: summary.lines, col: 0, code: 'input/truncated-gzip', fatal: true,
      message: `compressed data is damaged (${gzipError}); the text before the damage was parsed` });
  }
}

/** The inside of {@link ingestCapture}'s transaction; returns the gzip error, if any. */
async function streamCapture(
  db: Db,
  f: { path: string; shownAs: string },
  sourceId: number,
  host: string | null,
  summary: FileSummary,
  samples: RejectedSample[],
): Promise<string | null> {
  const writer = new RealizedWriter(db, sourceId);
  const capture = new VsipCaptureReader(f.shownAs, writer);
  let offset = 0;
  // An error inside the reader's callbacks (a line that needs the grammar, a failed insert) is kept
  // and thrown once the file is read: readLines would take it for damaged gzip data.
  let failure: { error: unknown } | null = null;
  const push = (l: CaptureLine, length: number) => {
    offset += length + 1;
    if (failure !== null) return;
    try {
      capture.push(l);
    } catch (error) {
      failure = { error };
    }
  };
  const sink: LineSink = {
    line: (text, line) => push({ text, offset, line }, text.length),
    tooLong: (text, line, length) => push({ text, offset, line, tooLong: length }, length),
  };
  // a plain capture is read synchronously (it is read whole anyway); a .gz through the stream,
  // which keeps the text before damaged data
  const gzipError = isGzipFile(f.path) ? (await readLines(f.path, sink)).gzipError : (readLinesSync(f.path, sink), null);
  if (failure !== null) throw (failure as { error: unknown }).error;
  const { accounting: account, filters: found } = capture.end().value;
  const filters = found.map((x) => ({ ...x, host: x.host ?? host }));
  saveFilters(db, sourceId, filters);
  // one row per rejected line: a line with several errors is one line (its reason lists them)
  const reject = prepareRejectedInsert(db);
  const shown: RejectedSample[] = [];
  for (const r of account.rejected) {
    reject(sourceId, r.line, r.col, r.code, r.reason, r.raw);
    if (samples.length + shown.length < REJECTED_SHOWN) shown.push({ path: f.shownAs, line: r.line, col: r.col, code: r.code, reason: r.reason });
  }
  prepareSourceProgress(db)(sourceId, account.lines, 0, account.skipped, account.rejected.length);
  // the summary only once nothing can fail (a failed read is read again, from the start)
  samples.push(...shown);
  summary.filters = filters.length;
  summary.rules = writer.rules;
  summary.addrsets = writer.addrsets;
  summary.lines = account.lines;
  summary.records = account.records;
  summary.skipped = account.skipped;
  summary.rejected = account.rejected.length;
  return gzipError;
}
