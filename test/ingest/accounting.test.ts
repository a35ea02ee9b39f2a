/**
 * Property: every line of every corpus input, and of mutated copies of it, ends up in exactly
 * one place: `lines = events + records + skipped + rejected`, and the summary agrees with the
 * store (one rejected_lines row per rejected line, the sources row's counters, the events rows).
 * Mutations are drawn from a seeded PRNG, so a failure names a mutation that can be replayed.
 */
import test from 'ava';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ingest, type FileSummary } from '../../src/ingest/ingest.js';
import { openStore, type Db } from '../../src/store/open.js';
import { CORPUS, tempDir } from '../helpers/paths.js';
import { prng } from '../helpers/prng.js';

const FORMAT_DIRS = ['dfwpktlog', 'antrea-np-log', 'vsipioctl'];
const MUTATIONS_PER_FILE = 4;


/** Lines of other formats, the kind that end up in each other's files (bundles, copy and paste). */
const FOREIGN_LINES = [
  '   name: nic-36445-eth0-vmware-sfw.2',
  'Filter Name        : nic-1000052-eth0-vmware-sfw.2',
  '[root@esx-01:~] vsipioctl getrules -f nic-1000052-eth0-vmware-sfw.2',
  'ruleset mainrs {',
  '  rule 1026 at 5 inout protocol any from any to any with log tag \'default-deny\' reject;',
  'addrset ip-securitygroup-31 {',
  '[root@esx-01:~] esxcli network ip interface list',
  '2016-09-17T10:34:55.004Z 7295 INET match DROP domain-c46/1005 OUT 78 UDP 10.2.5.10/137->10.2.5.255/137',
  '2024/05/15 10:00:00.123456 AntreaPolicyIngressRule AntreaNetworkPolicy:web/allow-db allow-db Allow 14000 10.10.1.2 34567 10.10.2.3 5432 TCP 60',
  'vmkernel: cpu3:2097734)VSIP: 123: some kernel chatter',
  '',
];

type Mutation = { name: string; apply: (text: string, rnd: () => number) => string };

const pick = <T>(xs: T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)] as T;
const lineAt = (lines: string[], rnd: () => number) => Math.floor(rnd() * lines.length);
const editLines = (text: string, f: (lines: string[]) => void): string => {
  const lines = text.split('\n');
  f(lines);
  return lines.join('\n');
};

const MUTATIONS: Mutation[] = [
  { name: 'foreign line near the top', apply: (t, r) => editLines(t, (ls) => ls.splice(Math.floor(r() * Math.min(3, ls.length)), 0, pick(FOREIGN_LINES, r))) },
  { name: 'line deleted', apply: (t, r) => editLines(t, (ls) => ls.splice(lineAt(ls, r), 1)) },
  { name: 'line duplicated', apply: (t, r) => editLines(t, (ls) => { const i = lineAt(ls, r); ls.splice(i, 0, ls[i] ?? ''); }) },
  { name: 'line truncated', apply: (t, r) => editLines(t, (ls) => { const i = lineAt(ls, r); const l = ls[i] ?? ''; ls[i] = l.slice(0, Math.floor(r() * l.length)); }) },
  { name: 'lone CR inside a line', apply: (t, r) => { const i = Math.floor(r() * t.length); return `${t.slice(0, i)}\r${t.slice(i)}`; } },
  { name: 'CR-only line ends', apply: (t) => t.replaceAll('\n', '\r') },
  { name: 'bytes flipped', apply: (t, r) => {
    const b = Buffer.from(t);
    for (let k = 0; k < 3 && b.length > 0; k++) b[Math.floor(r() * b.length)] = 0x20 + Math.floor(r() * 0x5f);
    return b.toString('latin1');
  } },
  { name: 'several lines of a capture pasted in', apply: (t, r) => editLines(t, (ls) => ls.splice(lineAt(ls, r), 0, '[root@esx-01:~] vsipioctl getfilters', 'Filter Name        : nic-1-eth0-vmware-sfw.2', 'VM UUID            : 50 19 aa', '')) },
];

/** Physical lines as ingest must count them: `\n`, `\r\n` and a lone `\r` end a line; a final line end starts none. */
function physicalLines(content: Buffer): number {
  const text = (content[0] === 0x1f && content[1] === 0x8b ? gunzipSync(content) : content).toString('utf8');
  if (text === '') return 0;
  const n = text.split(/\r\n|\r|\n/).length;
  return /(?:\r\n|\r|\n)$/.test(text) ? n - 1 : n;
}

function corpusInputs(): string[] {
  return FORMAT_DIRS.flatMap((d) =>
    readdirSync(join(CORPUS, d)).filter((f) => !f.endsWith('.md')).sort().map((f) => join(CORPUS, d, f)));
}

const one = <T>(db: Db, sql: string, ...args: unknown[]): T => db.prepare(sql).get(...args) as T;

/** The invariant and summary = store, for the one file ingested into a fresh store. Returns what is wrong. */
async function accountingProblems(path: string, content: Buffer): Promise<{ file: FileSummary; problems: string[] }> {
  const db = openStore(':memory:');
  try {
    const s = await ingest(db, [path]);
    const f = s.perFile[0];
    if (f === undefined) return { file: f as never, problems: ['no per-file summary'] };
    const problems: string[] = [];
    const sum = f.events + f.records + f.skipped + f.rejected;
    if (f.lines !== sum) problems.push(`lines ${f.lines} != events ${f.events} + records ${f.records} + skipped ${f.skipped} + rejected ${f.rejected}`);
    if (f.status === 'ingested') {
      const physical = physicalLines(content);
      if (f.lines !== physical) problems.push(`lines ${f.lines} but the file has ${physical}`);
      const src = one<{ id: number; events: number; skipped: number; rejected: number; linesDone: number }>(db,
        'SELECT id, events, skipped, rejected, lines_done AS linesDone FROM sources');
      const rows = one<{ n: number }>(db, 'SELECT count(*) AS n FROM rejected_lines WHERE source_id = ?', src.id).n;
      const events = one<{ n: number }>(db, 'SELECT count(*) AS n FROM events WHERE source_id = ?', src.id).n;
      if (rows !== f.rejected) problems.push(`summary says ${f.rejected} rejected, rejected_lines holds ${rows}`);
      if (events !== f.events) problems.push(`summary says ${f.events} events, the store holds ${events}`);
      if (src.rejected !== f.rejected || src.skipped !== f.skipped || src.events !== f.events || src.linesDone !== f.lines)
        problems.push(`sources row ${JSON.stringify(src)} differs from the summary`);
    } else if (f.lines !== 0 || sum !== 0) problems.push(`status ${f.status} with counts`);
    if (s.lines !== s.events + s.records + s.skipped + s.rejected) problems.push('totals do not add up');
    return { file: f, problems };
  } finally {
    db.close();
  }
}

test('every line of every corpus input is an event, a record, skipped or rejected, and the store agrees', async (t) => {
  const failures: string[] = [];
  let accepted = 0;
  for (const path of corpusInputs()) {
    const content = readFileSync(path);
    const { file, problems } = await accountingProblems(path, content);
    if (file.status !== 'ingested') continue;
    accepted++;
    for (const p of problems) failures.push(`${path}: ${p}`);
  }
  t.true(accepted >= 60, `${accepted} corpus files ingested`);
  t.deepEqual(failures, []);
});

test('the accounting holds over seeded mutations of every corpus input, plain and gzipped', async (t) => {
  const dir = tempDir();
  const rnd = prng(0x12c0ffee);
  const failures: string[] = [];
  let mutated = 0;
  const formats = new Set<string>();
  for (const path of corpusInputs()) {
    const original = readFileSync(path);
    // only inputs that ingest accepts as they are (the others are refused before any line is read)
    const base = await accountingProblems(path, original);
    if (base.file.status !== 'ingested') continue;
    formats.add(String(base.file.format));
    const text = original.toString('utf8');
    for (let k = 0; k < MUTATIONS_PER_FILE; k++) {
      const m = pick(MUTATIONS, rnd);
      let bytes = Buffer.from(m.apply(text, rnd), m.name === 'bytes flipped' ? 'latin1' : 'utf8');
      const gz = rnd() < 0.25;
      if (gz) bytes = gzipSync(bytes);
      const out = join(dir, `m${mutated++}.txt`);
      writeFileSync(out, bytes);
      const { problems } = await accountingProblems(out, bytes);
      for (const p of problems) failures.push(`${path} (${m.name}${gz ? ', gzipped' : ''}, ${out}): ${p}`);
    }
  }
  t.deepEqual([...formats].sort(), ['antrea-np-log', 'dfwpktlog', 'vsipioctl']);
  t.true(mutated >= 240, `${mutated} mutated files`);
  t.deepEqual(failures, []);
});

// ---- the cases the mutation fuzz of issue 12 found, one by one ----

async function ingestText(name: string, content: string | Buffer): Promise<{ file: FileSummary; rows: { line: number; col: number; code: string; reason: string }[] }> {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  const db = openStore(':memory:');
  try {
    const s = await ingest(db, [path]);
    const rows = db.prepare('SELECT line, col, code, reason FROM rejected_lines ORDER BY line').all() as { line: number; col: number; code: string; reason: string }[];
    return { file: s.perFile[0] as FileSummary, rows };
  } finally {
    db.close();
  }
}

const COLLECTOR = readFileSync('logs/syslog-export/collector-2024-05-15.log', 'utf8'); // 12 lines: 9 events, 2 skipped, 1 rejected

test('a packet log with a capture-looking line near the top is still read as a packet log', async (t) => {
  for (const foreign of ['   name: nic-36445-eth0-vmware-sfw.2', 'Filter Name        : nic-1000052-eth0-vmware-sfw.2']) {
    const { file } = await ingestText('collector.log', `${foreign}\n${COLLECTOR}`);
    t.like(file, { format: 'dfwpktlog', lines: 13, events: 9, skipped: 3, rejected: 1 }, foreign);
    const gz = await ingestText('collector.log.gz', gzipSync(`${COLLECTOR.split('\n').slice(0, 2).join('\n')}\n${foreign}\n${COLLECTOR.split('\n').slice(2).join('\n')}`));
    t.like(gz.file, { format: 'dfwpktlog', events: 9 }, `${foreign}, gzipped`);
  }
});

test('in a capture, output of commands dfwsim does not read, prompts and blank lines are skipped', async (t) => {
  const capture = [
    '[root@esx-01:~] esxcli network ip interface list',
    'vmk0',
    '   Name: vmk0',
    '   MAC Address: 00:50:56:6a:11:22',
    '',
    '[root@esx-01:~] vsipioctl getrules -f nic-1000052-eth0-vmware-sfw.2',
    'ruleset mainrs {',
    '  rule 1026 at 1 inout protocol any from any to any accept;',
    '}',
    '[root@esx-01:~]',
    '',
  ].join('\n');
  const { file } = await ingestText('capture.txt', capture);
  t.like(file, { format: 'vsipioctl', lines: 10, events: 0, records: 3, skipped: 7, rejected: 0, rules: 1 });
});

test('a capture line with several lex errors is one rejected line, stored once, its reason naming each', async (t) => {
  const capture = [
    'ruleset mainrs {',
    "  rule 1026 at 1 inout protocol any from any to any with log tag 'x' accept; ¤ §",
    '  rule 1027 at 2 inout protocol tcp from any to any port 22 accept;',
    '}',
  ].join('\n');
  const { file, rows } = await ingestText('capture.txt', capture);
  t.like(file, { lines: 4, records: 3, rejected: 1, rules: 1 });
  t.is(rows.length, 1);
  t.like(rows[0], { line: 2, col: 78, code: 'lex/unexpected-char', reason: "unexpected character '¤'; unexpected character '§'" });
});

test('a prompt above another command\'s output: the output is read for what it is', async (t) => {
  const capture = ['[root@esx-01:~] vsipioctl getrules -f nic-1000052-eth0-vmware-sfw.2', 'Filter Name        : nic-1000052-eth0-vmware-sfw.2', 'VM UUID            : 50 19 aa', ''].join('\n');
  const { file } = await ingestText('capture.txt', capture);
  t.like(file, { lines: 3, records: 2, skipped: 1, rejected: 0, filters: 1 });
});

test('a lone CR is a line end, as CRLF is: the records around it are events, not binary lines', async (t) => {
  const lines = COLLECTOR.split('\n').filter((l) => l !== '');
  const mixed = await ingestText('mixed.log', `${lines.slice(0, 4).join('\r')}\r\n${lines.slice(4).join('\n')}\n`);
  t.like(mixed.file, { lines: 12, events: 9, skipped: 2, rejected: 1 });
  t.false(mixed.rows.some((r) => r.code === 'log/binary'));
  const mac = await ingestText('mac.log', lines.join('\r'));
  t.like(mac.file, { lines: 12, events: 9, skipped: 2, rejected: 1 });
  // past the reader's 1 MiB line limit: an old-Mac file has no `\n` at all, yet is no long line
  const big = await ingestText('mac-big.log', Array.from({ length: 800 }, () => lines.join('\r')).join('\r'));
  t.like(big.file, { lines: 9600, events: 7200, skipped: 1600, rejected: 800 });
  const capture = await ingestText('capture.txt', 'ruleset mainrs {\r  rule 1026 at 1 inout protocol any from any to any accept;\r}\r');
  t.like(capture.file, { lines: 3, records: 3, rules: 1, rejected: 0 });
});

test('a capture line over the 1 MiB limit is one rejected line, and the lines around it are read', async (t) => {
  const capture = `ruleset mainrs {\n  rule 1026 at 1 inout protocol any from any to any accept;\n${'x'.repeat(2 << 20)}\n}\n`;
  const { file, rows } = await ingestText('capture.txt', capture);
  t.like(file, { lines: 4, records: 3, rejected: 1, rules: 1 });
  t.deepEqual(rows.map((r) => [r.line, r.code]), [[3, 'log/line-too-long']]);
});
