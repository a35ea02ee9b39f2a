import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** One input to ingest. `explicit` inputs were named on the command line (not found by walking a folder). */
export interface InputFile {
  path: string;
  explicit: boolean;
}

/** A path that could not be read at all, or must not be read. */
export interface InputProblem {
  path: string;
  code: 'input/unreadable' | 'input/is-store';
  message: string;
}

/** The files SQLite keeps beside a store: its write-ahead log, shared memory and rollback journal. */
const STORE_SUFFIXES = ['', '-wal', '-shm', '-journal'];

/**
 * The resolved paths of a store file and its companions, both as spelled and with symbolic links
 * resolved (`/tmp/x` and `/private/tmp/x` are the same store). Empty for an in-memory store.
 */
export function storePaths(dbFile: string | null): Set<string> {
  const out = new Set<string>();
  if (dbFile === null || dbFile === '' || dbFile === ':memory:') return out;
  const spelled = resolve(dbFile);
  const dirs = new Set([dirname(spelled)]);
  try {
    dirs.add(realpathSync(dirname(spelled)));
  } catch {
    // the folder is gone: the spelled path is all there is to compare
  }
  for (const d of dirs) for (const s of STORE_SUFFIXES) out.add(join(d, basename(spelled) + s));
  return out;
}

/**
 * Expands command-line paths: files as they are, folders walked recursively in sorted order
 * (so a bundle ingests the same way every time), `-` for stdin. Symbolic links to folders
 * are not followed (support bundles contain link loops).
 *
 * `exclude` holds the store's own files (storePaths): `cd bundle && dfwsim ingest .` puts the
 * store inside the walked folder, and its `-wal` / `-shm` vanish when the ingest switches journal
 * modes. They are compared by resolved path (also through the walked folder's real path), never
 * by name: a `dfwsim.db` of another store in the bundle is just a file.
 */
export function expandInputs(
  paths: string[],
  exclude: ReadonlySet<string> = new Set(),
): { files: InputFile[]; problems: InputProblem[] } {
  const files: InputFile[] = [];
  const problems: InputProblem[] = [];
  const isStore = (p: string, realDir: string | null): boolean =>
    exclude.has(resolve(p)) || (realDir !== null && exclude.has(join(realDir, basename(p))));
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      problems.push({ path: dir, code: 'input/unreadable', message: `cannot read folder: ${(e as Error).message}` });
      return;
    }
    let realDir: string | null = null;
    if (exclude.size > 0) {
      try {
        realDir = realpathSync(dir);
      } catch {
        realDir = null;
      }
    }
    for (const name of names) {
      const p = join(dir, name);
      if (isStore(p, realDir)) continue;
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue; // gone since the listing: nothing to ingest
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) files.push({ path: p, explicit: false });
    }
  };
  for (const p of paths) {
    if (p === '-') {
      files.push({ path: '-', explicit: true });
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({ path: p, code: 'input/unreadable', message: code === 'ENOENT' ? 'no such file or folder' : (e as Error).message });
      continue;
    }
    if (st.isDirectory()) walk(p);
    else if (exclude.size > 0 && isStore(p, realDirOf(p))) {
      problems.push({ path: p, code: 'input/is-store', message: 'is the store being written (or its journal): not ingested' });
    } else files.push({ path: p, explicit: true });
  }
  return { files, problems };
}

function realDirOf(p: string): string | null {
  try {
    return realpathSync(dirname(resolve(p)));
  } catch {
    return null;
  }
}
