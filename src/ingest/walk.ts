import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One input to ingest. `explicit` inputs were named on the command line (not found by walking a folder). */
export interface InputFile {
  path: string;
  explicit: boolean;
}

/** A path that could not be read at all. */
export interface InputProblem {
  path: string;
  message: string;
}

/**
 * Expands command-line paths: files as they are, folders walked recursively in sorted order
 * (so a bundle ingests the same way every time), `-` for stdin. Symbolic links to folders
 * are not followed (support bundles contain link loops).
 */
export function expandInputs(paths: string[]): { files: InputFile[]; problems: InputProblem[] } {
  const files: InputFile[] = [];
  const problems: InputProblem[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      problems.push({ path: dir, message: `cannot read folder: ${(e as Error).message}` });
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
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
      problems.push({ path: p, message: code === 'ENOENT' ? 'no such file or folder' : (e as Error).message });
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push({ path: p, explicit: true });
  }
  return { files, problems };
}
