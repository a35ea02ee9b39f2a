import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadDuckDb, sqlString } from './driver.js';
import { writeManifest, type ExportManifest } from './export-manifest.js';
import { newRunId, parquetFiles, STAGING_PREFIX } from './parquet-tree.js';
import { appendOutcomes, REPLAY_COLUMN_NAMES, replayTableDdl } from './replay-columns.js';
import type { ReplayTarget } from './replay-target.js';

/** The replay outcomes' folder inside an export tree: `DIR/replay/host=<host>/day=<YYYY-MM-DD>/replay-<run>-<n>.parquet`. */
export const REPLAY_DIR = 'replay';
const REPLAY_FILE = /^replay-(.+)-\d+\.parquet$/;

/**
 * The replay outcomes of a Parquet tree, beside its events (which stay at `DIR/host=/day=`, the
 * glob their readers use, source.ts): partitioned the same way, by the event's host and UTC day,
 * so an outcome sits in the partition of its event. Called under the export's lock, with the
 * manifest it read.
 *
 * A rewrite appends the rows into a staging DuckDB file (`DIR/.dfwsim-staging-<run>/`, removed by
 * the next export if this one dies), writes them as Parquet with one partitioned COPY, renames the
 * new files into `DIR/replay/`, then swaps the manifest (an atomic rename) to name the new run,
 * and only then deletes the old run's files. The manifest is the truth: files of a replay run it
 * does not name are leftovers of a run that died (before its manifest: the new files; after it:
 * the old ones), deleted before anything else. A reader listing `replay/` in the moment between
 * the renames and the deletion sees both runs; `_dfwsim-export.json` names the current files.
 */
export function parquetReplayTarget(dir: string, manifest: ExportManifest, limits: { memoryLimit: string; threads: number }): ReplayTarget {
  removeReplayLeftovers(dir, manifest.replay?.run ?? null);
  return {
    current: manifest.replay ?? null,
    async rewrite(inputs, fill) {
      const run = newRunId();
      const staging = join(dir, `${STAGING_PREFIX}${run}`);
      mkdirSync(staging);
      const { DuckDBInstance } = await loadDuckDb();
      const instance = await DuckDBInstance.create(join(staging, 'stage.duckdb'), {
        memory_limit: limits.memoryLimit,
        threads: String(limits.threads),
        temp_directory: join(staging, 'spill'),
        preserve_insertion_order: 'false',
      });
      const out = join(staging, 'out');
      let rows = 0;
      try {
        const conn = await instance.connect();
        try {
          await conn.run(replayTableDdl('outcomes'));
          rows = await appendOutcomes(conn, 'outcomes', fill);
          const cols = REPLAY_COLUMN_NAMES.map((n) => `"${n}"`).join(', ');
          await conn.run(`COPY (SELECT ${cols}, strftime(epoch_ms(ts_ms), '%Y-%m-%d') AS day FROM outcomes)
            TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (host, day), FILENAME_PATTERN ${sqlString(`replay-${run}-{i}`)})`);
        } finally {
          conn.closeSync();
        }
      } finally {
        instance.closeSync();
      }
      const files: string[] = [];
      const partitions = new Set<string>();
      for (const f of parquetFiles(out)) {
        const rel = join(REPLAY_DIR, relative(out, f));
        mkdirSync(join(dir, dirname(rel)), { recursive: true });
        renameSync(f, join(dir, rel));
        files.push(rel);
        partitions.add(dirname(rel));
      }
      const record = { ...inputs, run, at: new Date().toISOString(), rows };
      manifest.replay = { ...record, files };
      writeManifest(dir, manifest);
      removeReplayLeftovers(dir, run);
      rmSync(staging, { recursive: true, force: true });
      return { record, files: files.length, partitions: partitions.size };
    },
  };
}

/** Deletes the replay files of every run but `keep` (null: all of them), and the partition folders that leaves empty. */
function removeReplayLeftovers(dir: string, keep: string | null): void {
  const root = join(dir, REPLAY_DIR);
  for (const f of parquetFiles(root)) {
    const m = REPLAY_FILE.exec(f.slice(f.lastIndexOf('/') + 1));
    if (m && m[1] !== keep) rmSync(f);
  }
  for (const part of partitionDirs(root)) if (readdirSync(part).length === 0) rmdirSync(part);
  for (const h of hostDirs(root)) if (readdirSync(h).length === 0) rmdirSync(h);
}

function hostDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith('host=')).map((e) => join(root, e.name));
}

function partitionDirs(root: string): string[] {
  return hostDirs(root).flatMap((h) =>
    readdirSync(h, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith('day=')).map((e) => join(h, e.name)),
  );
}
