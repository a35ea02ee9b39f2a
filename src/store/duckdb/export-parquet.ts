import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Db } from '../open.js';
import { EVENT_COLUMN_NAMES, eventsTableDdl } from './columns.js';
import { appendSourceEvents } from './append-events.js';
import { loadDuckDb, sqlString, type DuckDbLimits } from './driver.js';
import { MANIFEST_FILE, readManifest, writeManifest, type ExportedSource, type ExportManifest } from './export-manifest.js';
import { parquetReplayTarget } from './export-replay-parquet.js';
import { ExportTargetError, planExport } from './export-plan.js';
import type { ExportSummary } from './export-summary.js';
import type { ReplayStep } from './replay-target.js';
import { newRunId, parquetFiles, STAGING_PREFIX } from './parquet-tree.js';

const LOCK_FILE = '.dfwsim-export.lock';
const PART_FILE = /^events-(.+)-\d+\.parquet$/;

/** Export's default memory_limit: the appends and the partitioned COPY spill past it to the staging folder. */
export const EXPORT_MEMORY = '256MB';

/**
 * Exports the store's events as a hive-partitioned Parquet tree, `DIR/host=<host>/day=<YYYY-MM-DD>/
 * events-<run>-<n>.parquet` (day: UTC, from ts_ms), incrementally: only the complete sources the
 * manifest (export-manifest.ts) does not list are written, into new files; existing files are
 * never rewritten, so a reader (or a copy to object storage) only ever sees files appear.
 *
 * NULL partition values (a record with no host in its envelope and no --host at ingest, or no
 * time) are written as `host=__HIVE_DEFAULT_PARTITION__` / `day=__HIVE_DEFAULT_PARTITION__`:
 * Hive's own spelling of NULL, which Spark and DuckDB read back as NULL (DuckDB writes it so
 * itself) and ClickHouse shows as that text; a made-up marker (`host=` empty, `host=NULL`) would
 * come back as a string everywhere. The partition columns are not repeated inside the files (the
 * Hive layout); DuckDB percent-encodes other characters a folder name cannot hold (`/`, `=`, ...).
 *
 * Steps, each leaving the tree consistent: the events are appended (append-events.ts) into a
 * staging DuckDB file under `DIR/.dfwsim-staging-<run>/` (dot-folders are hidden from Spark and
 * from the `host=*` glob readers use), written from there as Parquet by one partitioned COPY,
 * the new files renamed into their partitions, and the manifest rewritten (atomic rename). A run
 * that dies before the manifest leaves files of a run it does not list; the next run deletes
 * them (and the staging folder) before it starts. A lock file keeps two exports apart.
 *
 * `replay` then writes the replay outcomes under `DIR/replay/` (export-replay-parquet.ts).
 */
export async function exportParquet(
  db: Db,
  dir: string,
  opts: { limits?: DuckDbLimits; onProgress?: (done: number, total: number) => void; replay?: ReplayStep | undefined } = {},
): Promise<ExportSummary> {
  const t0 = performance.now();
  prepareDir(dir);
  const unlock = lock(dir);
  try {
    const manifest = readManifest(dir);
    removeLeftovers(dir, new Set(manifest.runs.map((r) => r.run)));
    const plan = planExport(db, manifest.runs.flatMap((r) => r.sources));
    const summary: ExportSummary = {
      kind: 'parquet', target: dir, run: null, sources: plan.todo, alreadyExported: plan.already, partial: plan.partial,
      rows: 0, files: 0, partitions: 0, seconds: 0,
    };
    if (plan.todo.length > 0) Object.assign(summary, await writeEvents(db, dir, manifest, plan.todo, opts));
    // after the events, under the same lock (the manifest is rewritten by both)
    const limits = { memoryLimit: opts.limits?.memoryLimit ?? EXPORT_MEMORY, threads: opts.limits?.threads ?? 2 };
    if (opts.replay) summary.replay = await opts.replay(parquetReplayTarget(dir, manifest, limits));
    return { ...summary, seconds: (performance.now() - t0) / 1000 };
  } finally {
    unlock();
  }
}

/** Writes the sources' events as new files into their partitions, and lists the run in the manifest (written). */
async function writeEvents(
  db: Db,
  dir: string,
  manifest: ExportManifest,
  todo: ExportedSource[],
  opts: { limits?: DuckDbLimits; onProgress?: (done: number, total: number) => void },
): Promise<Pick<ExportSummary, 'run' | 'rows' | 'files' | 'partitions'>> {
  let rows = 0;
  const run = newRunId();
  const staging = join(dir, `${STAGING_PREFIX}${run}`);
  mkdirSync(staging);
  const { DuckDBInstance } = await loadDuckDb();
  const instance = await DuckDBInstance.create(join(staging, 'stage.duckdb'), {
    memory_limit: opts.limits?.memoryLimit ?? EXPORT_MEMORY,
    threads: String(opts.limits?.threads ?? 2),
    temp_directory: join(staging, 'spill'),
    preserve_insertion_order: 'false',
  });
  const files: string[] = [];
  const partitions = new Set<string>();
  try {
    const conn = await instance.connect();
    try {
      await conn.run(eventsTableDdl('events'));
      const total = todo.reduce((n, s) => n + s.rows, 0);
      rows = await appendSourceEvents(db, todo.map((s) => s.id), conn, 'events', (done) => opts.onProgress?.(done, total));
      const cols = EVENT_COLUMN_NAMES.map((n) => `"${n}"`).join(', ');
      const out = join(staging, 'out');
      await conn.run(`COPY (SELECT ${cols}, strftime(epoch_ms(ts_ms), '%Y-%m-%d') AS day FROM events)
        TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (host, day), FILENAME_PATTERN ${sqlString(`events-${run}-{i}`)})`);
      for (const f of parquetFiles(out)) {
        const rel = relative(out, f);
        const part = rel.slice(0, rel.lastIndexOf('/'));
        mkdirSync(join(dir, part), { recursive: true });
        renameSync(f, join(dir, rel));
        files.push(rel);
        partitions.add(part);
      }
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
  manifest.runs.push({ run, at: new Date().toISOString(), sources: todo, files });
  writeManifest(dir, manifest);
  rmSync(staging, { recursive: true, force: true });
  return { run, rows, files: files.length, partitions: partitions.size };
}

/** DIR must be a folder that is new, empty or an earlier export (it has the manifest): never someone else's files. */
function prepareDir(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ExportTargetError(`${dir} is not a folder (--parquet takes a folder: new, empty, or an earlier export)`);
    const entries = readdirSync(dir).filter((e) => e !== LOCK_FILE);
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE))
      throw new ExportTargetError(`${dir} is not empty and holds no ${MANIFEST_FILE}: not a dfwsim export (use a new or empty folder)`);
    return;
  }
  mkdirSync(dir, { recursive: true });
}

/** The lock file holds the exporting process id; one left by a process that is gone is taken over. */
function lock(dir: string): () => void {
  const f = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(f, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(f, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(f, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new ExportTargetError(`another export (process ${pid}) is writing ${dir}; if it is not, delete ${f}`);
      rmSync(f, { force: true });
    }
  }
  throw new ExportTargetError(`cannot lock ${dir}: delete ${f} if no export is running`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A run that died: its staging folder, and files of runs the manifest does not list. */
function removeLeftovers(dir: string, runs: ReadonlySet<string>): void {
  for (const e of readdirSync(dir)) if (e.startsWith(STAGING_PREFIX)) rmSync(join(dir, e), { recursive: true, force: true });
  for (const f of parquetFiles(dir)) {
    const m = PART_FILE.exec(f.slice(f.lastIndexOf('/') + 1));
    if (m && !runs.has(m[1]!)) rmSync(f);
  }
}
