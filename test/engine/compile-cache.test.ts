import test from 'ava';
import { CompileCache, compileFilter, type CompileInput } from '../../src/engine/compile.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parseGetrules } from '../../src/parse/getrules.js';
import { parseGetaddrsets } from '../../src/parse/getaddrsets.js';
import { flows, synthesize } from '../../bench/engine.js';

// One synthetic rule table realized on several filters, as NSX applies one Applied-To table to
// many vNICs: the same text read from two captures (spans differ), the same rules with one
// addrset's members changed, and the same rules with one rule removed (explain's fix check).
const syn = synthesize(1500, 11);
const sets = parseGetaddrsets(syn.addrsets, 'sets.txt').value.addrsets;
const input = (file: string): CompileInput => ({ rulesets: parseGetrules(syn.rules, file).value.rulesets, addrsets: sets });
const a = input('host-a/getrules.txt');
const b = input('host-b/getrules.txt');
// an addrset every rule set uses a lot, given other members
const used = new Map<string, number>();
for (const rs of a.rulesets) for (const r of rs.rules) for (const ep of [r.src, r.dst]) if (ep.kind === 'addrset') used.set(ep.name, (used.get(ep.name) ?? 0) + 1);
const busiest = [...used].sort((x, y) => y[1] - x[1])[0]?.[0] as string;
const c: CompileInput = { rulesets: a.rulesets, addrsets: sets.map((s) => (s.name === busiest ? { ...s, entries: [{ kind: 'ip' as const, value: '192.0.2.0/24' }] } : s)) };
// no addrset defined at all: every set is unknown
const e: CompileInput = { rulesets: a.rulesets, addrsets: [] };
const probes = flows(3000, syn.members, 5).flatMap(({ flow }) => [
  { flow, dir: 'IN' as const },
  { flow, dir: 'OUT' as const },
]);
// without the rule that decides the most probes
const deciding = new Map<number | string | null, number>();
const plain = compileFilter(a);
for (const { flow, dir } of probes) {
  const id = evaluate(plain, flow, dir).ruleId;
  deciding.set(id, (deciding.get(id) ?? 0) + 1);
}
const dropped = [...deciding].sort((x, y) => y[1] - x[1])[0]?.[0];
const d: CompileInput = { rulesets: a.rulesets.map((rs) => ({ ...rs, rules: rs.rules.filter((r) => r.ruleId !== dropped) })), addrsets: sets };
const inputs = { a, b, c, d, e };

test('filters compiled with one shared cache decide exactly as filters compiled alone (full traces, spans included)', (t) => {
  const cache = new CompileCache();
  for (const [name, x] of Object.entries(inputs)) {
    const alone = compileFilter(x);
    const shared = compileFilter(x, cache);
    t.deepEqual(shared.unknownAddrsets, alone.unknownAddrsets, name);
    t.is(shared.ruleCount, alone.ruleCount, name);
    for (const { flow, dir } of probes) {
      const opts = { trace: 'full' as const };
      t.deepEqual(evaluate(shared, flow, dir, opts), evaluate(alone, flow, dir, opts), `${name} ${dir} ${JSON.stringify(flow)}`);
    }
  }
});

test('the shared cache compiles identical rules once and keeps each filter its own spans', (t) => {
  const cache = new CompileCache();
  const fa = compileFilter(a, cache);
  const after = cache.sizes;
  const fb = compileFilter(b, cache);
  // b is a's table read from another capture: nothing new to compile
  t.deepEqual(cache.sizes, after);
  const ra = fa.rulesets[0]?.rules[0];
  const rb = fb.rulesets[0]?.rules[0];
  t.is(ra?.src, rb?.src);
  t.is(fa.rulesets[0]?.byProto, fb.rulesets[0]?.byProto);
  // the rule array itself is shared; the spans are each filter's own
  t.is(fa.rulesets[0]?.rules, fb.rulesets[0]?.rules);
  t.is(fa.rulesets[0]?.spans[0]?.file, 'host-a/getrules.txt');
  t.is(fb.rulesets[0]?.spans[0]?.file, 'host-b/getrules.txt');
  // other members of one addrset: the rules using it are compiled again, the others are not
  compileFilter(c, cache);
  t.true(cache.sizes.rules > after.rules);
  t.true(cache.sizes.rules < after.rules + (used.get(busiest) ?? 0) + 1);
});

test('the cache tells filters apart by addrset members and by their rules (the probes see a difference)', (t) => {
  const cache = new CompileCache();
  const [fa, fe, fd] = [a, e, d].map((x) => compileFilter(x, cache));
  const differs = (x: typeof fa, y: typeof fa) =>
    probes.some(({ flow, dir }) => {
      const p = evaluate(x!, flow, dir);
      const q = evaluate(y!, flow, dir);
      return p.verdict !== q.verdict || p.ruleId !== q.ruleId;
    });
  t.true(differs(fa, fe));
  t.true(differs(fa, fd));
});

test('contentKey: equal for filters alike (spans aside), different when members or rules differ', (t) => {
  const cache = new CompileCache();
  const [ka, kb, kc, kd] = [a, b, c, d].map((x) => cache.contentKey(compileFilter(x, cache)));
  t.is(typeof ka, 'string');
  t.is(ka, kb);
  t.not(ka, kc);
  t.not(ka, kd);
  t.is(new CompileCache().contentKey(compileFilter(a, cache)), undefined);
});
