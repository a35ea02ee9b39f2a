/**
 * The `rules` row layout (src/store/rule-match.ts): every corpus getrules capture stored and read
 * back by both readers gives the parser's rules field for field, in the parser's key order; rows of
 * older stores (the whole rule as a JSON object in `match_json`) read the same.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GetrulesDocument, RealizedRule } from '../../src/model/rule.js';
import { parseVsipCapture } from '../../src/parse/vsipioctl-capture.js';
import '../../src/parse/getrules.js'; // the grammar, for the lines beyond the scanner
import { loadRulesets, saveGetrules, streamRealizedRulesets } from '../../src/store/realized-repo.js';
import { insertSource } from '../../src/store/sources-repo.js';
import { openStore, type Db } from '../../src/store/open.js';
import { CORPUS } from '../helpers/paths.js';

const DIR = path.join(CORPUS, 'vsipioctl');

/** Every getrules document of the corpus, each under a filter name of its own. */
function corpusDocuments(): { file: string; doc: GetrulesDocument }[] {
  const out: { file: string; doc: GetrulesDocument }[] = [];
  for (const f of readdirSync(DIR).sort()) {
    const file = path.join(DIR, f);
    const docs = parseVsipCapture(readFileSync(file, 'utf8'), file).value.getrules;
    docs.forEach((doc, i) => {
      if (doc.rulesets.some((s) => s.rules.length > 0)) out.push({ file, doc: { ...doc, filter: `${f}#${i}` } });
    });
  }
  return out;
}

function store(docs: { file: string; doc: GetrulesDocument }[]): Db {
  const db = openStore(':memory:');
  docs.forEach(({ file, doc }, i) => {
    const sid = insertSource(db, { path: file, size: 0, sha256: `sha-${i}`, format: 'vsipioctl', host: null });
    saveGetrules(db, sid, doc);
  });
  return db;
}

/** Key order matters to every JSON output that prints a rule. */
const keyed = (rules: RealizedRule[]) => JSON.stringify(rules);

test('corpus rules read back by loadRulesets and streamRealizedRulesets equal the parsed ones', (t) => {
  const docs = corpusDocuments();
  t.true(docs.length >= 20, `${docs.length} documents`);
  const db = store(docs);
  const streamed = new Map([...streamRealizedRulesets(db)].map((f) => [f.filterName, f.rulesets]));
  for (const { doc } of docs) {
    const name = doc.filter as string;
    const want = doc.rulesets.filter((s) => s.rules.length > 0);
    const loaded = loadRulesets(db, name).filter((s) => s.rules.length > 0);
    t.is(keyed(loaded.flatMap((s) => s.rules)), keyed(want.flatMap((s) => s.rules)), name);
    t.deepEqual(loaded.map((s) => s.name), want.map((s) => s.name), name);
    t.is(keyed((streamed.get(name) ?? []).flatMap((s) => s.rules)), keyed(want.flatMap((s) => s.rules)), name);
  }
  // the row holds neither the file path nor the rule text again
  const longest = db.prepare('SELECT MAX(LENGTH(match_json)) FROM rules').pluck().get() as number;
  t.true(longest < 400, `${longest}`);
  // plain rules (nearly all) keep only their offset; the others (inline sets, extensions) the array
  const forms = db.prepare("SELECT SUM(match_json GLOB '[0-9-]*'), SUM(match_json LIKE '[%'), COUNT(*) FROM rules").raw().get() as number[];
  t.true((forms[0] as number) > 0.9 * (forms[2] as number), `${forms}`);
  t.true((forms[1] as number) > 0, `the corpus has rules that need the array: ${forms}`);
});

test('rows whose match_json is the array for every rule (stores before the bare offset) read the same', (t) => {
  const docs = corpusDocuments();
  const db = store(docs);
  const before = docs.map(({ doc }) => keyed(loadRulesets(db, doc.filter as string).flatMap((s) => s.rules)));
  const update = db.prepare('UPDATE rules SET match_json = ? WHERE ruleset_id = (SELECT id FROM rulesets WHERE filter_name = ? AND name = ?) AND idx = ?');
  for (const { doc } of docs)
    for (const s of doc.rulesets) for (const r of s.rules) update.run(JSON.stringify([r.src, r.dst, r.srcPorts, r.dstPorts, r.extensions, r.span.offset]), doc.filter, s.name, r.index);
  t.is(db.prepare("SELECT COUNT(*) FROM rules WHERE match_json NOT LIKE '[%'").pluck().get(), 0);
  t.deepEqual(docs.map(({ doc }) => keyed(loadRulesets(db, doc.filter as string).flatMap((s) => s.rules))), before);
});

test('rows of older stores (the whole rule as JSON) read the same', (t) => {
  const docs = corpusDocuments().slice(0, 6);
  const db = store(docs);
  const before = docs.map(({ doc }) => keyed(loadRulesets(db, doc.filter as string).flatMap((s) => s.rules)));
  // rewrite every row the way the first stores wrote it
  const update = db.prepare('UPDATE rules SET match_json = ? WHERE ruleset_id = (SELECT id FROM rulesets WHERE filter_name = ? AND name = ?) AND idx = ?');
  for (const { doc } of docs) for (const s of doc.rulesets) for (const r of s.rules) update.run(JSON.stringify(r), doc.filter, s.name, r.index);
  t.is(db.prepare("SELECT COUNT(*) FROM rules WHERE match_json NOT LIKE '{%'").pluck().get(), 0);
  t.deepEqual(docs.map(({ doc }) => keyed(loadRulesets(db, doc.filter as string).flatMap((s) => s.rules))), before);
});
