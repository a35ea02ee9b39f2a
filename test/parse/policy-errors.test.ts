/**
 * Golden tests for the wording of `.dfw` error messages (the one place prose is pinned, STYLE
 * habit 7): each test/fixtures/dfw-errors/<name>.dfw is checked the way `dfwsim policy check` checks
 * it, and the rendered diagnostics must equal <name>.expected byte for byte. Paths are relative to
 * the repository root, so the files diff cleanly. `UPDATE_GOLDEN=1` rewrites the expected files.
 */
import test from 'ava';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkPolicyFiles } from '../../src/parse/policy-check.js';

const DIR = 'test/fixtures/dfw-errors';
const update = process.env['UPDATE_GOLDEN'] === '1';
const cases = readdirSync(path.join(process.cwd(), DIR)).filter((f) => f.endsWith('.dfw')).sort();

test('there are golden cases for at least the six required mistakes', (t) => {
  for (const name of ['missing-to', 'unknown-action', 'unterminated-block', 'unknown-group', 'bad-port-cidr', 'unknown-tier']) {
    t.true(cases.includes(`${name}.dfw`), name);
  }
});

for (const file of cases) {
  test(`golden: ${file}`, (t) => {
    const rel = `${DIR}/${file}`;
    const result = checkPolicyFiles([rel]);
    const expectedPath = path.join(process.cwd(), rel.replace(/\.dfw$/, '.expected'));
    if (update) writeFileSync(expectedPath, result.output);
    t.true(existsSync(expectedPath), `missing ${expectedPath} (run with UPDATE_GOLDEN=1)`);
    if (!existsSync(expectedPath)) return;
    t.is(result.output, readFileSync(expectedPath, 'utf8'));
    // Every fixture is malformed: the check must fail, with at least one error.
    t.is(result.exitCode, 2);
  });
}
