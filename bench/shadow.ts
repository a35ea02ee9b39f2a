/**
 * Static shadow analysis benchmark: the engine bench's synthetic 17,000-rule NSX-V filter
 * (bench/engine.ts synthesize), analysed by shadowRealized (exact union coverage with the
 * lazy candidate scan and witness fast path). The baseline is the classic pairwise-only pass in
 * the same run: for each rule, a plain linear scan of the earlier rules until one alone covers
 * it (same box spaces, same subtraction, one rule at a time). It is timed on evenly spaced
 * sample rules and extrapolated to all rules; it also shows how many covered rules pairwise
 * misses (covered only by a union).
 *
 * Run alone: `npx tsx bench/shadow.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { compileFilter, type CompileInput } from '../src/engine/compile.js';
import { parseGetaddrsets } from '../src/parse/getaddrsets.js';
import { parseGetrules } from '../src/parse/getrules.js';
import { arraySteps, cover } from '../src/analysis/shadow-cover.js';
import { rulesetSpaces, shadowRealized } from '../src/analysis/shadow-realized.js';
import { synthesize } from './engine.js';

/** Result of benchShadow (seconds are wall time). */
export interface ShadowBench {
  rules: number;
  seconds: number;
  covered: number;
  shadowed: number;
  redundant: number;
  undetermined: number;
  /** pairwise pass over the sample, extrapolated to every rule */
  pairwiseSecondsEstimate: number;
  pairwiseSample: number;
  /** of the sample's rules the union analysis covers, how many a single earlier rule covers */
  sampleCoveredUnion: number;
  sampleCoveredPairwise: number;
}

export function benchShadow(ruleCount = 17000, sample = 400): ShadowBench {
  const syn = synthesize(ruleCount);
  const input: CompileInput = { rulesets: parseGetrules(syn.rules, 'bench').value.rulesets, addrsets: parseGetaddrsets(syn.addrsets, 'bench').value.addrsets };
  const t0 = performance.now();
  const r = shadowRealized('bench', input);
  const seconds = (performance.now() - t0) / 1000;
  const coveredKeys = new Set(r.items.map((i) => `${i.ruleset}|${i.position}`));
  // the pairwise baseline on the big L3 ruleset
  const compiled = compileFilter(input);
  const rs = compiled.rulesets.reduce((a, b) => (b.rules.length > a.rules.length ? b : a));
  const spaces = rulesetSpaces(rs, compiled.generation);
  const step = Math.max(1, Math.floor(rs.rules.length / sample));
  let done = 0;
  let union = 0;
  let pairwise = 0;
  const t1 = performance.now();
  for (let i = 0; i < rs.rules.length; i += step) {
    done++;
    const target = spaces[i]!.possible;
    if (coveredKeys.has(`${rs.name}|${rs.rules[i]!.position}`)) union++;
    for (let j = 0; j < i; j++) {
      const d = spaces[j]!.definite;
      if (d.length === 0) continue;
      if (cover(target, arraySteps([{ boxes: d, tier: 0, passTo: null }])).status === 'covered') {
        pairwise++;
        break;
      }
    }
  }
  const sampleSeconds = (performance.now() - t1) / 1000;
  return {
    rules: r.rules,
    seconds,
    covered: r.items.length,
    shadowed: r.items.filter((i) => i.kind === 'shadowed').length,
    redundant: r.items.filter((i) => i.kind === 'redundant').length,
    undetermined: r.undetermined,
    pairwiseSecondsEstimate: (sampleSeconds * rs.rules.length) / done,
    pairwiseSample: done,
    sampleCoveredUnion: union,
    sampleCoveredPairwise: pairwise,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(benchShadow(), null, 2)}\n`);
}
