import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh store path in its own temp folder. */
export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'dfwsim-test-')), 'test.db');
}

/** A fresh temp folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dfwsim-test-'));
}

/** The shared corpus, beside the checkout (tests run from the repository root). */
export const CORPUS = join(process.cwd(), '..', 'shared', 'corpus');
