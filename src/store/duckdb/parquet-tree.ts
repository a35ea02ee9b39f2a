import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** An export run's staging folder is `<tree>/<prefix><run>/` (dot-folders are hidden from Spark and from the `host=*` globs). */
export const STAGING_PREFIX = '.dfwsim-staging-';

/** A run id: UTC time to the second and 6 random hex digits (`20260107T101500Z-1a2b3c`), what an export's file names carry. */
export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** The Parquet files of a tree's `host=*\/day=*` partitions, sorted. */
export function parquetFiles(root: string): string[] {
  const out: string[] = [];
  if (!existsSync(root)) return out;
  for (const h of readdirSync(root, { withFileTypes: true })) {
    if (!h.isDirectory() || !h.name.startsWith('host=')) continue;
    for (const d of readdirSync(join(root, h.name), { withFileTypes: true })) {
      if (!d.isDirectory() || !d.name.startsWith('day=')) continue;
      for (const f of readdirSync(join(root, h.name, d.name))) if (f.endsWith('.parquet')) out.push(join(root, h.name, d.name, f));
    }
  }
  return out.sort();
}
