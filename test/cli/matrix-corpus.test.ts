import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, CORPUS } from '../helpers/cli.js';

const dir = join(CORPUS, 'antrea-cases');
const scenarios = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));

test('dfwsim matrix --check passes on every scenario of the corpus, through the CLI', async (t) => {
  t.true(scenarios.length >= 35, `found ${scenarios.length}`);
  const r = await cli(['matrix', ...scenarios, '--check', '--format', 'json']);
  t.is(r.code, 0, r.stderr);
  const results = JSON.parse(r.stdout) as { case: string; mismatches: unknown[]; matrix: { rows: Record<string, string[]>; columns: string[] } | null; expected: unknown }[];
  t.true(results.length >= scenarios.length);
  t.deepEqual(results.filter((x) => x.mismatches.length > 0).map((x) => x.case), []);
  // every scenario file contributed at least one result
  const cases = new Set(results.map((x) => x.case));
  t.is(cases.size, scenarios.length);
  for (const x of results.filter((y) => y.matrix !== null)) {
    t.true(x.matrix!.columns.length > 0 && Object.values(x.matrix!.rows).every((row) => row.length === x.matrix!.columns.length));
  }
});

test('dfwsim matrix --check exits 1 when an expectation differs', async (t) => {
  const r = await cli(['matrix', join(process.cwd(), 'test', 'fixtures', 'matrix', 'wrong-expectation.yaml'), '--check']);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /X .* -> /);
});
