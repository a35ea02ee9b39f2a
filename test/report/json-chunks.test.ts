import test from 'ava';
import { jsonChunks } from '../../src/report/json-chunks.js';
import { renderJson } from '../../src/report/tabular.js';
import { prng } from '../helpers/prng.js';

/** Random JSON-ish values, with what JSON.stringify treats specially: undefined, functions, Dates, empty containers. */
function randomValue(rand: () => number, depth: number): unknown {
  const pick = Math.floor(rand() * (depth > 0 ? 12 : 8));
  switch (pick) {
    case 0: return null;
    case 1: return Math.floor(rand() * 1e6) - 5e5;
    case 2: return rand() < 0.5 ? 'plain' : 'q"uo\\te\nline\u2028<script>é';
    case 3: return rand() < 0.5;
    case 4: return undefined;
    case 5: return () => 1;
    case 6: return new Date(Math.floor(rand() * 2e12));
    case 7: return rand() * 1e-3;
    case 8: return [];
    case 9: return {};
    case 10: return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0, n = Math.floor(rand() * 5); i < n; i++) o[rand() < 0.2 ? `k "${i}"` : `k${i}`] = randomValue(rand, depth - 1);
      return o;
    }
  }
}

test('jsonChunks joined is renderJson exactly, at every depth and batch size', (t) => {
  const rand = prng(20261207);
  for (let round = 0; round < 400; round++) {
    const v = { a: randomValue(rand, 5), b: [randomValue(rand, 4), randomValue(rand, 4)], c: randomValue(rand, 3) };
    const depth = round % 5;
    const batchChars = [1, 7, 1 << 16][round % 3] as number;
    t.is([...jsonChunks(v, { depth, batchChars })].join(''), renderJson(v), `round ${round}`);
  }
});

test('jsonChunks writes a large array in pieces, none of them the whole text', (t) => {
  const rows = Array.from({ length: 20000 }, (_, i) => ({ filter: `f${i % 50}`, ruleId: i, hits: i * 3, text: 'inout protocol tcp from any to any port 22 accept with log' }));
  const chunks = [...jsonChunks({ rules: rows, summary: { n: rows.length } })];
  const whole = renderJson({ rules: rows, summary: { n: rows.length } });
  t.is(chunks.join(''), whole);
  t.true(chunks.length > 20);
  t.true(Math.max(...chunks.map((c) => c.length)) < 80_000);
});
