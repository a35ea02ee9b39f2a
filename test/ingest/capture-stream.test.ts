/**
 * Ingest streams a capture into the store as it reads it (VsipCaptureReader -> RealizedWriter):
 * the rows must be exactly those of the document path (parse the whole capture, then
 * saveFilters / saveGetrules / saveGetaddrsets), for every corpus capture, seeded mutations of
 * them, and captures made to reach the writer's later updates (headers after rules, a filter
 * named after its rulesets, sets left open).
 */
import test from 'ava';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.js';
import { readAllLines } from '../../src/ingest/read-lines.js';
import type { GetrulesDocument } from '../../src/model/rule.js';
import '../../src/parse/getrules.js'; // the grammar, for the lines beyond the scanner
import { GetrulesDocumentSink, GetrulesReader, parseGetrulesLines } from '../../src/parse/getrules-document.js';
import { splitLines } from '../../src/parse/getrules-prompt.js';
import { parseVsipCaptureLines, type CaptureLine } from '../../src/parse/vsipioctl-capture.js';
import { openStore, type Db } from '../../src/store/open.js';
import { saveFilters, saveGetaddrsets, saveGetrules } from '../../src/store/realized-repo.js';
import { RealizedWriter } from '../../src/store/realized-writer.js';
import { insertSource, prepareRejectedInsert } from '../../src/store/sources-repo.js';
import { CORPUS, tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/prng.js';

const DIR = join(CORPUS, 'vsipioctl');
const TABLES = ['filters', 'rulesets', 'rules', 'addrsets', 'rejected_lines'];

/** Every row of the realized tables, ids included. */
function dump(db: Db): Record<string, unknown[]> {
  return Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).raw().all()]));
}

/** The document path over the very lines ingest reads (same line ends, offsets and numbers). */
async function documentPath(path: string): Promise<Db> {
  const db = openStore(':memory:');
  const { lines: read } = await readAllLines(path);
  let offset = 0;
  const lines: CaptureLine[] = read.map((l) => {
    const c: CaptureLine = l.tooLong !== undefined ? { text: l.text, offset, line: l.line, tooLong: l.tooLong } : { text: l.text, offset, line: l.line };
    offset += (l.tooLong ?? l.text.length) + 1;
    return c;
  });
  const { value } = parseVsipCaptureLines(lines, path);
  const sid = insertSource(db, { path, size: 0, sha256: 'x', format: 'vsipioctl', host: null });
  saveFilters(db, sid, value.filters);
  for (const doc of value.getrules) saveGetrules(db, sid, doc);
  for (const doc of value.getaddrsets) saveGetaddrsets(db, sid, doc);
  const reject = prepareRejectedInsert(db);
  for (const r of value.accounting.rejected) reject(sid, r.line, r.col, r.code, r.reason, r.raw);
  return db;
}

async function streamedPath(path: string): Promise<Db> {
  const db = openStore(':memory:');
  await ingest(db, [path], { inputFormat: 'vsipioctl' });
  return db;
}


const PASTED = ['ruleset mainrs {', '}', '# generation number: 7', '# realization time : 2020-07-13T07:17:45', 'addrset ip-ipset-9 {', 'ip 10.0.0.1,',
  'rule 9 at 1 inout protocol tcp from any to any port 70000 accept;', '[root@esx-01:~] vsipioctl getaddrsets -f nic-9-eth0-vmware-sfw.2', ''];

/** Lines deleted, duplicated and pasted in, a few per copy. */
function mutate(text: string, r: () => number): string {
  const ls = text.split('\n');
  for (let k = 0; k < 3; k++) {
    const i = Math.floor(r() * ls.length);
    const m = r();
    if (m < 0.3) ls.splice(i, 1);
    else if (m < 0.6) ls.splice(i, 0, ls[i] ?? '');
    else ls.splice(i, 0, PASTED[Math.floor(r() * PASTED.length)] as string);
  }
  return ls.join('\n');
}

/** Captures that reach the writer's updates: headers after rules, sets and rulesets left open, fragments. */
const MADE = [
  ['ruleset domain-c7 {', 'rule 1 at 1 inout protocol tcp from any to any port 22 accept;', '# generation number: 1594624656477',
    '# realization time : 2020-07-13T07:17:45', 'rule 2 at 2 inout protocol any from any to any drop;', '}'],
  ['[root@esx:~] vsipioctl getrules -f nic-1-eth0-vmware-sfw.2', 'ruleset a {', '# generation number: 5', 'rule 1 at 1 inout protocol tcp from any to any accept;',
    'ruleset b {', 'rule 2 at 1 inout protocol udp from any to any accept;', '# generation number: 6', 'rule 3 at 2 in protocol udp from any to any drop;'],
  ['rule 1 at 1 inout protocol tcp from any to any accept;', '# realization time : 2020-07-13T07:17:45', 'ruleset x {', '}', '}',
    'rule 2 at 1 inout ethertype any from any to any accept;'],
  ['[root@esx:~] vsipioctl getaddrsets -f nic-2-eth0-vmware-sfw.2', 'addrset s1 {', 'ip 10.0.0.1,', 'addrset s2 {', '}', '}', 'addrset s3 {', 'ip 10.0.0.3'],
];

function inputs(): string[] {
  const dir = tempDir();
  const out: string[] = [];
  for (const f of readdirSync(DIR).filter((f) => !f.endsWith('.md')).sort()) {
    out.push(join(DIR, f));
    const text = readFileSync(join(DIR, f), 'latin1');
    const r = prng(f.length * 31 + 7);
    for (let m = 0; m < 2; m++) {
      const p = join(dir, `${f}.m${m}`);
      writeFileSync(p, mutate(text, r), 'latin1');
      out.push(p);
    }
  }
  MADE.forEach((lines, i) => {
    const p = join(dir, `made-${i}.txt`);
    writeFileSync(p, `${lines.join('\n')}\n`);
    out.push(p);
  });
  return out;
}

test('streamed ingest writes exactly the rows of the document path', async (t) => {
  const all = inputs();
  t.true(all.length > 150, `${all.length} inputs`);
  let rules = 0;
  for (const path of all) {
    const [streamed, documented] = [await streamedPath(path), await documentPath(path)];
    const want = dump(documented);
    t.deepEqual(dump(streamed), want, path);
    rules += want['rules']?.length ?? 0;
    streamed.close();
    documented.close();
  }
  t.true(rules > 500, `${rules} rules`);
});

test('a ruleset written before its output names the filter, and headers after its rules, are updated', (t) => {
  const text = ['ruleset a {', 'rule 1 at 1 inout protocol tcp from any to any accept;', '# generation number: 5', '}',
    '[root@esx:~] vsipioctl getrules -f nic-3-eth0-vmware-sfw.2', 'ruleset b {', '}'].join('\n');
  const lines = splitLines(text);
  const streamed = openStore(':memory:');
  const w = new RealizedWriter(streamed, insertSource(streamed, { path: 'f', size: 0, sha256: 'x', format: 'vsipioctl', host: null }));
  const reader = new GetrulesReader('f', w.getrules());
  for (const l of lines) reader.push(l);
  reader.end();
  const doc: GetrulesDocument = parseGetrulesLines(lines, 'f').value;
  t.is(doc.filter, 'nic-3-eth0-vmware-sfw.2');
  const documented = openStore(':memory:');
  saveGetrules(documented, insertSource(documented, { path: 'f', size: 0, sha256: 'x', format: 'vsipioctl', host: null }), doc);
  t.deepEqual(dump(streamed), dump(documented));
  t.deepEqual(streamed.prepare('SELECT filter_name, generation FROM rulesets ORDER BY id').raw().all(),
    [['nic-3-eth0-vmware-sfw.2', '5'], ['nic-3-eth0-vmware-sfw.2', null]]);
  // and the document sink is the document
  const sink = new GetrulesDocumentSink();
  const r2 = new GetrulesReader('f', sink);
  for (const l of lines) r2.push(l);
  r2.end();
  t.deepEqual(sink.doc, doc);
});
