import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadIntent } from '../../src/analysis/connectivity-load.js';
import { shadowIntent } from '../../src/analysis/connectivity-lint.js';
import { CORPUS } from '../helpers/paths.js';

/**
 * The 5 nsxanalyzer lint cases (shared/corpus/nsx-analyzer-cases, kind `lint`) through the
 * generic shadow coverage: same rule ids, categories, directions and shadowing rules.
 */

const CASES = join(CORPUS, 'nsx-analyzer-cases');
interface LintCase {
  kind: string;
  lint: { shadowed: { rule_id: number; category: string; direction: string; shadowing_rule_ids: number[] }[] };
}
const lintCases = readdirSync(CASES).filter((d) => existsSync(join(CASES, d, 'case.json')) && (JSON.parse(readFileSync(join(CASES, d, 'case.json'), 'utf8')) as LintCase).kind === 'lint');

test('the corpus has 5 lint cases', (t) => t.is(lintCases.length, 5));

for (const name of lintCases) {
  test(`lint ${name}: shadowed rules per category and direction`, (t) => {
    const spec = JSON.parse(readFileSync(join(CASES, name, 'case.json'), 'utf8')) as LintCase;
    const got = shadowIntent(loadIntent([join(CASES, name, 'config.json')], 'nsx').compiled).map((i) => ({
      rule_id: i.ruleId,
      category: i.category,
      direction: i.direction,
      shadowing_rule_ids: [...i.coveredBy].sort(),
    }));
    t.deepEqual(got, spec.lint.shadowed);
  });
}

test('kind: a covered rule with the same action is redundant, with another action shadowed', (t) => {
  const items = (c: string) => shadowIntent(loadIntent([join(CASES, c, 'config.json')], 'nsx').compiled);
  t.deepEqual(items('one_duplicated_rule').map((i) => i.kind), ['redundant']);
  t.deepEqual(items('one_redundant_rule_containment_in_higher_prio_rule').map((i) => [i.kind, i.action, i.coverers.map((x) => x.action)]), [['shadowed', 'ALLOW', ['DROP']]]);
});
