import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplayRecord } from './replay-target.js';

/**
 * What a Parquet tree holds: which store sources have been exported into it, by which run, into
 * which files. Named with a leading `_` so Spark, Hive and ClickHouse's globs over `host=*`
 * ignore it; written whole to a temp file and renamed (atomic on POSIX), so it is either the old
 * or the new manifest after a crash.
 */
export interface ExportManifest {
  format: 'dfwsim-events-parquet';
  version: 1;
  runs: ExportRun[];
  /** the replay outcomes under `replay/` (export-replay-parquet.ts), absent until first written */
  replay?: ReplayRecord & { files: string[] };
}

export interface ExportRun {
  /** the run id every file of the run is named with (`events-<run>-<n>.parquet`) */
  run: string;
  at: string;
  sources: ExportedSource[];
  /** paths relative to the tree */
  files: string[];
}

export interface ExportedSource {
  id: number;
  sha256: string;
  path: string;
  rows: number;
}

export const MANIFEST_FILE = '_dfwsim-export.json';

export class ManifestError extends Error {}

export function readManifest(dir: string): ExportManifest {
  const f = join(dir, MANIFEST_FILE);
  if (!existsSync(f)) return { format: 'dfwsim-events-parquet', version: 1, runs: [] };
  let m: ExportManifest;
  try {
    m = JSON.parse(readFileSync(f, 'utf8')) as ExportManifest;
  } catch (e) {
    throw new ManifestError(`${f} is not a dfwsim export manifest: ${(e as Error).message}`);
  }
  if (m.format !== 'dfwsim-events-parquet' || m.version !== 1 || !Array.isArray(m.runs)) throw new ManifestError(`${f} is not a dfwsim export manifest (format ${String(m.format)}, version ${String(m.version)})`);
  return m;
}

export function writeManifest(dir: string, m: ExportManifest): void {
  const f = join(dir, MANIFEST_FILE);
  writeFileSync(`${f}.tmp`, `${JSON.stringify(m, null, 1)}\n`);
  renameSync(`${f}.tmp`, f);
}
