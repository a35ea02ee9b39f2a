import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { cli, tempDb } from './cli.js';

/**
 * A golden case: test/golden/<case>/case.json names the commands; expected.stdout and
 * expected.stderr hold the output of the last one. `setup` commands run first on the same
 * temporary store (their output is not compared). `UPDATE_GOLDEN=1 npx ava test/cli/golden.test.ts`
 * rewrites the expected files; review the diff before committing.
 */
export interface GoldenCase {
  setup?: string[][];
  args: string[];
  exitCode: number;
  stdin?: string;
}

export const GOLDEN_DIR = join(process.cwd(), 'test', 'golden');

export function goldenCases(): string[] {
  return readdirSync(GOLDEN_DIR).filter((d) => existsSync(join(GOLDEN_DIR, d, 'case.json'))).sort();
}

/** Removes what legitimately varies between runs: timings and the temp store path. */
export function scrub(text: string, db: string): string {
  return text
    .replaceAll(db, '<db>')
    .replace(/"seconds": [\d.e-]+/g, '"seconds": 0')
    .replace(/"linesPerSec": \d+/g, '"linesPerSec": 0')
    .replace(/in [\d.]+ s \(\d+ lines\/s\)/g, 'in <t> s (<n> lines/s)');
}

export async function runGolden(t: ExecutionContext, name: string): Promise<void> {
  const dir = join(GOLDEN_DIR, name);
  const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as GoldenCase;
  const db = tempDb();
  // `<db>` may start a path (`<db>.parquet`: a file beside the temp store), scrubbed back the same way
  const withDb = (args: string[]) => args.map((a) => a.replaceAll('<db>', db));
  for (const s of c.setup ?? []) {
    const r = await cli(withDb(s));
    if (r.code !== 0 && r.code !== 2) t.fail(`setup ${s.join(' ')} exited ${r.code}: ${r.stderr}`);
  }
  const r = await cli(withDb(c.args), c.stdin ?? '');
  const stdout = scrub(r.stdout, db);
  const stderr = scrub(r.stderr, db);
  if (process.env['UPDATE_GOLDEN']) {
    writeFileSync(join(dir, 'expected.stdout'), stdout);
    writeFileSync(join(dir, 'expected.stderr'), stderr);
  }
  t.is(r.code, c.exitCode, `exit code of ${c.args.join(' ')}\n${r.stderr}`);
  t.is(stdout, readFileSync(join(dir, 'expected.stdout'), 'utf8'), 'stdout');
  t.is(stderr, readFileSync(join(dir, 'expected.stderr'), 'utf8'), 'stderr');
}
