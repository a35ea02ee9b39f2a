import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { runScenario } from '../../src/analysis/matrix.js';
import { matrixCommand, renderMatrixResults } from '../../src/report/matrix.js';

/** Corpus paths resolve from the repository root (STYLE habit 13), never from import.meta.url. */
const CASES = path.resolve(process.cwd(), '../shared/corpus/antrea-cases');
const files = readdirSync(CASES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('corpus: the antrea-cases directory holds scenario files', (t) => {
  t.true(files.length >= 35, `found ${files.length}`);
});

// (a) every scenario passes: one test per file, zero mismatches, every probe compared.
for (const f of files) {
  test(`scenario ${f}`, (t) => {
    const file = path.join(CASES, f);
    const text = readFileSync(file, 'utf8');
    const r = runScenario(text, file);
    t.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.line}:${d.span.column} ${d.message}`),
      [],
    );
    t.true(r.value.length > 0, 'at least one probe result');
    for (const res of r.value) {
      t.not(res.expected, null, `${res.step} ${res.probe} has an expectation`);
      t.deepEqual(res.mismatches, [], `${res.step} ${res.probe}`);
    }
    // the only documented disagreement is self traffic in a scenario that polices loopback
    for (const res of r.value) {
      for (const k of res.knownDisagreements) {
        t.is(k.from, k.to);
        t.is(k.actual, 'Con');
        t.is(k.underScenarioAssumption, k.expected);
      }
    }
  });
}

test('cyclonus loopback: diagonal cells are documented disagreements, not mismatches', (t) => {
  const file = path.join(CASES, 'cyclonus-simple-example-k8s-np.yaml');
  const r = runScenario(readFileSync(file, 'utf8'), file);
  const matrix = r.value.filter((x) => x.kind === 'matrix');
  t.is(matrix.length, 2); // TCP 80 and TCP 81
  for (const m of matrix) {
    const cells = m.knownDisagreements.filter((k) => k.view === 'matrix').map((k) => `${k.from}>${k.to}`);
    t.deepEqual(cells.sort(), ['y/a>y/a', 'y/c>y/c']);
    t.true(m.notes.some((n) => n.includes('self-traffic')));
    t.is(m.matrix?.rows['y/a']?.[3], 'Con');
  }
});

test('a changed expectation is reported as a mismatch (the comparison can fail)', (t) => {
  const file = path.join(CASES, 'antrea-acnp-rule-priority-same-policy-priority.yaml');
  const text = readFileSync(file, 'utf8');
  // x/a -> y/a is Drp in the case; claim Con instead.
  const tampered = text.replace('x/a: [Con, Con, Con, Drp, Drp, Drp, Con, Con, Con]', 'x/a: [Con, Con, Con, Con, Drp, Drp, Con, Con, Con]');
  t.not(tampered, text);
  const r = runScenario(tampered, file);
  const mm = r.value.flatMap((x) => x.mismatches);
  t.deepEqual(mm, [{ from: 'x/a', to: 'y/a', expected: 'Con', actual: 'Drp', view: 'matrix' }]);
  const table = renderMatrixResults(r.value, 'table');
  t.regex(table, /x\/a\s+Con\s+Con\s+Con\s+Drp\*/);
  t.regex(table, /X x\/a -> y\/a: expected Con, actual Drp/);
});

test('a changed single-probe expectation is reported', (t) => {
  const file = path.join(CASES, 'antrea-acnp-icmp-drop-and-reject.yaml');
  const text = readFileSync(file, 'utf8').replace('icmpCode: 0, expected: Rej}', 'icmpCode: 0, expected: Con}');
  const r = runScenario(text, file);
  const single = r.value.find((x) => x.to === 'testns/server0');
  t.is(single?.actual, 'Rej');
  t.deepEqual(single?.mismatches, [{ from: 'testns/client', to: 'testns/server0', expected: 'Con', actual: 'Rej' }]);
  t.regex(single?.walkthrough ?? '', /\[Application\] Reject \(test-acnp-icmp\/egress-ipv4\)/);
});

test('matrixCommand: exit 0 on the corpus with --check, 1 on a mismatch, 2 on unreadable input', (t) => {
  const ok = matrixCommand(
    files.slice(0, 3).map((f) => path.join(CASES, f)),
    { check: true, format: 'table' },
  );
  t.is(ok.exitCode, 0);
  t.regex(ok.output, /0 mismatch\(es\)/);

  const dir = mkdtempSync(path.join(tmpdir(), 'dfwsim-matrix-'));
  const src = readFileSync(path.join(CASES, 'antrea-acnp-rule-priority-same-policy-priority.yaml'), 'utf8');
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, src.replace('y/a: [Con, Con, Con, Con, Con, Con, Con, Con, Con]', 'y/a: [Drp, Con, Con, Con, Con, Con, Con, Con, Con]'));
  t.is(matrixCommand([bad], { check: true, format: 'table' }).exitCode, 1);
  t.is(matrixCommand([bad], { check: false, format: 'table' }).exitCode, 0);

  const broken = path.join(dir, 'broken.yaml');
  writeFileSync(broken, 'schema_version: 1\nid: broken\ncluster:\n  namespaces: [\n');
  const b = matrixCommand([broken], { check: true, format: 'json' });
  t.is(b.exitCode, 2);
  t.regex(b.errors, new RegExp(`${broken.replace(/[/.]/g, '\\$&')}:\\d+:\\d+`));

  const missing = matrixCommand([path.join(dir, 'nope.yaml')], { check: true, format: 'table' });
  t.is(missing.exitCode, 2);
  t.regex(missing.errors, /input\/unreadable/);
});

test('renderers: json round-trips the results, csv has one row per cell', (t) => {
  const file = path.join(CASES, 'antrea-acnp-rule-priority-same-policy-priority.yaml');
  const r = runScenario(readFileSync(file, 'utf8'), file);
  const json = JSON.parse(renderMatrixResults(r.value, 'json')) as Array<{ case: string; matrix: { columns: string[] } }>;
  t.is(json[0]?.case, 'acnp-rule-priority-same-policy-priority');
  t.is(json[0]?.matrix.columns.length, 9);
  const csv = renderMatrixResults(r.value, 'csv').trim().split('\n');
  t.is(csv[0], 'case,step,probe,view,from,to,expected,actual,match');
  t.is(csv.length, 1 + 81);
  t.true(csv.includes('acnp-rule-priority-same-policy-priority,Both ACNP,TCP/80,matrix,x/a,y/a,Drp,Drp,yes'));
});
