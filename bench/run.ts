/**
 * `npm run bench`: every speed target measured as a ratio against a baseline in the same run
 * (the machine's speed cancels out). Prints a table and writes bench/out/results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateMixedLog } from './gen-log.js';
import { regexParseLine, regexScanLine } from './regex-baseline.js';
import { readLines } from '../src/ingest/read-lines.js';
import { parseDfwpktlogLine } from '../src/parse/dfwpktlog.js';
import { benchAudit } from './audit.js';
import { benchClickHouse } from './clickhouse.js';
import { benchDiagnose } from './diagnose.js';
import { benchDuckDb } from './duckdb.js';
import { benchEngines } from './engines.js';
import { benchEngine } from './engine.js';
import { benchMatrix } from './matrix.js';
import { benchConnectivity } from './connectivity.js';
import { benchShadow } from './shadow.js';
import { benchRealizedIngest, benchStartup, getaddrsetsCapture, getrulesCapture, median as med } from './startup.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 2_000_000);
/** Rounds of raw insert vs end-to-end ingest (medians are reported; every round is in results.json). */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const out = resolve('bench/out');
mkdirSync(out, { recursive: true });
const logPath = join(out, 'mixed.log');

const rows: { measure: string; value: string; baseline: string; ratio: string; target: string; ok: string }[] = [];
const results: Record<string, unknown> = { lines: LINES };
const now = () => Number(process.hrtime.bigint()) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (measure: string, value: string, baseline: string, ratio: number | null, target: string, ok: boolean | null) =>
  rows.push({ measure, value, baseline, ratio: ratio === null ? '' : ratio.toFixed(2), target, ok: ok === null ? '' : ok ? 'yes' : 'NO' });

async function main(): Promise<void> {
  // BENCH_ONLY=startup / getrules: only the whole-process rows (seconds, not minutes)
  const only = process.env['BENCH_ONLY'];
  if (only === 'shadow') {
    shadowRows();
    return finish();
  }
  if (only === 'connectivity') {
    connectivityRows();
    return finish();
  }
  if (only === 'audit') {
    await auditRows();
    return finish();
  }
  if (only === 'engines') {
    await enginesRows();
    return finish();
  }
  if (only === 'duckdb') {
    await duckdbRows();
    return finish();
  }
  if (only === 'diagnose') {
    await diagnoseRows();
    return finish();
  }
  if (only === 'clickhouse') {
    await clickhouseRows();
    return finish();
  }
  if (only === 'startup' || only === 'getrules') {
    if (only === 'startup') startupRows();
    else realizedIngestRows();
    return finish();
  }
  // 0. input
  if (!existsSync(logPath) || process.env['BENCH_REGEN']) {
    process.stderr.write(`generating ${LINES} lines ...\n`);
    await generateMixedLog(logPath, LINES);
  }
  const bytes = statSync(logPath).size;

  // 1. raw read (wc -l like): the floor for everything that reads the file
  let t = now();
  let n = 0;
  await readLines(logPath, { line: () => void n++, tooLong: () => void n++ });
  const rawRead = n / (now() - t);
  results['rawReadLinesPerSec'] = rawRead;

  // 2. parse-only vs the plain-regex scanner, same lines in memory (no I/O in either)
  const sample: string[] = [];
  await readLines(logPath, { line: (l) => void (sample.length < 500_000 && sample.push(l)), tooLong: () => {} });
  const timeIt = (f: (l: string) => unknown) => {
    for (let i = 0; i < 50_000; i++) f(sample[i]!); // warm-up
    const t0 = now();
    for (const l of sample) f(l);
    return sample.length / (now() - t0);
  };
  const ctx = { source: 'bench', line: 0, host: null };
  // The baseline does the same job the obvious way (regexes + conversions to a PacketEvent);
  // first check that it really produces the same records as ours on this input.
  let agree = 0;
  let both = 0;
  const keys = ['ts', 'tsMs', 'host', 'filterHash', 'af', 'reason', 'action', 'ruleset', 'ruleId', 'direction', 'length',
    'protocol', 'src', 'srcPort', 'dst', 'dstPort', 'tcpFlags', 'closeReason', 'packetsIn', 'packetsOut', 'bytesIn', 'bytesOut', 'tag'] as const;
  for (const l of sample.slice(0, 50_000)) {
    const ours = parseDfwpktlogLine(l, ctx);
    const theirs = regexParseLine(l, 'bench', 0);
    if (ours.kind !== 'event' || theirs === null) continue;
    both++;
    if (keys.every((k) => ours.event[k] === theirs[k])) agree++;
  }
  if (both === 0 || agree / both < 0.99) throw new Error(`regex baseline disagrees with the parser: ${agree}/${both}`);
  const groupsRate = timeIt(regexScanLine);
  const regexRate = timeIt((l) => regexParseLine(l, 'bench', 0));
  const parseRate = timeIt((l) => parseDfwpktlogLine(l, ctx));
  results['regexGroupsOnlyLinesPerSec'] = groupsRate;
  results['regexLinesPerSec'] = regexRate;
  results['parseLinesPerSec'] = parseRate;
  results['regexAgreement'] = `${agree}/${both}`;

  // 3-4. raw insert of pre-parsed rows vs end-to-end ingest, each in its own process (fresh
  // heap, own peak RSS), alternating over ROUNDS rounds with the page cache flushed before
  // each run (a run's dirty pages must not be written back during the next one); medians.
  const rawDb = join(out, 'raw-insert.db');
  const e2eDb = join(out, 'e2e.db');
  const rawRates: number[] = [];
  const plainRates: number[] = [];
  const e2eRates: number[] = [];
  const rssValues: number[] = [];
  let events = 0;
  for (let round = 0; round < ROUNDS; round++) {
    rawRates.push(rawInsert(logPath, rawDb, LINES));
    const e = ingestEndToEnd(logPath, e2eDb);
    e2eRates.push(e.linesPerSec);
    rssValues.push(e.rssMB);
    events = e.events;
  }
  plainRates.push(rawInsert(logPath, rawDb, LINES, 'plain'));
  for (const db of [rawDb, e2eDb]) for (const s of ['', '-wal', '-shm', '-journal']) rmSync(db + s, { force: true });
  const rawInsertRate = median(rawRates);
  const plainInsert = median(plainRates);
  const e2eRate = median(e2eRates);
  const rss = Math.max(...rssValues);
  const ratios = e2eRates.map((e, k) => e / rawRates[k]!);
  results['rawInsertRowsPerSec'] = rawRates;
  results['plainInsertRowsPerSec'] = plainInsert;
  results['e2eLinesPerSec'] = e2eRates;
  results['e2eVsRawInsert'] = ratios;
  results['e2eEvents'] = events;
  results['e2ePeakRssMB'] = rssValues;

  row('raw read (lines/s)', fmt(rawRead), '', null, '', null);
  row('parse-only (lines/s)', fmt(parseRate), `regex parser ${fmt(regexRate)}`, parseRate / regexRate, '>= 2x regex', parseRate >= 2 * regexRate);
  row('  (regex capture groups only, no record)', fmt(groupsRate), '', parseRate / groupsRate, 'info', null);
  const span = (xs: number[]) => `${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}`;
  row(`raw insert (rows/s), our write path, median of ${ROUNDS}`, fmt(rawInsertRate), `plain ${fmt(plainInsert)}`, rawInsertRate / plainInsert, 'info', null);
  row(`ingest end-to-end (lines/s), median of ${ROUNDS}`, fmt(e2eRate), `raw insert ${fmt(rawInsertRate)}`, e2eRate / rawInsertRate,
    '>= 0.8x raw insert, >= 200k/s', e2eRate >= 0.8 * rawInsertRate && e2eRate >= 200_000);
  row('  (every round: end-to-end / raw insert)', span(e2eRates), span(rawRates), null, ratios.map((r) => r.toFixed(2)).join(' '), null);
  row('  (vs the plain insert)', '', `plain ${fmt(plainInsert)}`, e2eRate / plainInsert, 'info', null);
  row('ingest peak RSS (MB), worst round', rss.toFixed(0), `input ${(bytes / 1e6).toFixed(0)} MB`, null, '< 300 MB', rss < 300);

  if (process.env['BENCH_ONLY'] === 'ingest') return finish();

  startupRows();
  realizedIngestRows();
  await auditRows();

  // 5. realized-rule engine: 17,000-rule filter, compiled vs naive scan
  const eng = await benchEngine();
  results['engine'] = eng;
  row('getrules parse, 17k rules (ms)', eng.parseMs.toFixed(0), '', null, '< 2000 ms', eng.parseMs < 2000);
  row('engine decisions/s (17k rules)', fmt(eng.compiledPerSec), `naive ${fmt(eng.naivePerSec)}`, eng.ratio,
    '>= 10x naive, >= 500k/s', eng.ratio >= 10 && eng.compiledPerSec >= 500_000);

  // 6. tiered policies: 5,000 pods x 2,000 policies full matrix for one port
  const mx = await benchMatrix();
  results['matrix'] = mx;
  row(`matrix ${mx.pods} pods x ${mx.policies} policies (s)`, mx.seconds.toFixed(1), `naive est. ${mx.naiveSecondsEstimate.toFixed(0)} s`,
    mx.ratio, '< 60 s', mx.seconds < 60);

  shadowRows();
  connectivityRows();

  finish();
}

/** NSX intent connectivity map: 1,000 VMs, 200 policies, 2,000 rules against the per-pair walk (bench/connectivity.ts). */
function connectivityRows(): void {
  const cn = benchConnectivity();
  results['connectivity'] = cn;
  row(`connectivity ${fmt(cn.vms)} VMs x ${cn.policies} policies / ${fmt(cn.rules)} rules (s)`, (cn.importSeconds + cn.compileSeconds + cn.seconds).toFixed(1),
    `per-pair walk est. ${cn.naiveSecondsEstimate.toFixed(0)} s`, cn.naiveSecondsEstimate / cn.seconds, '< 30 s', cn.importSeconds + cn.compileSeconds + cn.seconds < 30);
  row('  (pairs / rows / classes / states; sample cross-checked)', `${fmt(cn.pairs)} / ${fmt(cn.rows)} / ${cn.classes} / ${cn.distinctWalks}`,
    `${cn.crossChecked}/${cn.naiveSamplePairs}`, null, 'info', null);
}

/** Static shadow analysis of a 17,000-rule filter against a pairwise-only pass (bench/shadow.ts). */
function shadowRows(): void {
  const sh = benchShadow();
  results['shadow'] = sh;
  row(`shadow analysis, ${fmt(sh.rules)}-rule filter (s)`, sh.seconds.toFixed(1), `pairwise est. ${sh.pairwiseSecondsEstimate.toFixed(1)} s`,
    sh.seconds / sh.pairwiseSecondsEstimate, '< 30 s', sh.seconds < 30);
  row('  (covered: shadowed / redundant / not settled)', `${fmt(sh.shadowed)} / ${fmt(sh.redundant)} / ${sh.undetermined}`,
    `sample ${sh.pairwiseSample}: union ${sh.sampleCoveredUnion}, pairwise ${sh.sampleCoveredPairwise}`, null, 'info', null);
}

/** A full audit of generated support bundles against the ingest of the same folder, whole processes. */
async function auditRows(): Promise<void> {
  const a = await benchAudit(out, Math.max(1, Number(process.env['AUDIT_ROUNDS'] ?? 1)));
  results['audit'] = a;
  const au = median(a.auditSeconds);
  const ing = median(a.ingestSeconds);
  const rss = Math.max(...a.auditRssMB);
  row(`audit of ${fmt(a.lines)} log lines + captures (s), median of ${a.auditSeconds.length}`, au.toFixed(1), `ingest alone ${ing.toFixed(1)} s`, au / ing, '< 60 s', au < 60);
  row('audit peak RSS (MB), worst round', rss.toFixed(0), `ingest ${Math.max(...a.ingestRssMB).toFixed(0)} MB`, null, '< 500 MB', rss < 500);
}

/** Start-up of small commands against bare `node -e 0`, whole processes in the same run. */
function startupRows(): void {
  const st = benchStartup(out);
  results['startup'] = st;
  const node = med(st.nodeMs);
  for (const [what, xs] of [['--help', st.helpMs], ['events --help', st.eventsHelpMs], ['query', st.queryMs], ['events', st.eventsMs]] as const) {
    const v = med(xs);
    row(`start-up: dfwsim ${what} (ms), median of ${st.rounds}`, v.toFixed(0), `node -e 0 ${node.toFixed(0)} ms`, v / node, '< 150 ms', v < 150);
  }
}

/** The getrules and getaddrsets captures ingested by the CLI against a regex pass over the file. */
function realizedIngestRows(): void {
  const rules = getrulesCapture();
  const gr = benchRealizedIngest(out, 'bench-getrules', rules.text, 'getrules');
  if (gr.stored !== rules.rules || gr.floorMatches !== rules.rules) throw new Error(`getrules: ${rules.rules} rules, ${gr.stored} stored, ${gr.floorMatches} floor matches`);
  const as = benchRealizedIngest(out, 'bench-getaddrsets', getaddrsetsCapture(), 'getaddrsets');
  results['getrulesIngest'] = gr;
  results['getaddrsetsIngest'] = as;
  const g = med(gr.ingestSeconds);
  const gf = med(gr.floorSeconds);
  row(`getrules ${fmt(rules.rules)} rules, ingest whole-process (s), median of ${gr.ingestSeconds.length}`, g.toFixed(3), `regex pass ${gf.toFixed(3)} s`, g / gf,
    '<= 3x floor, < 0.35 s', g <= 3 * gf && g < 0.35);
  const a = med(as.ingestSeconds);
  const af = med(as.floorSeconds);
  row(`getaddrsets ${fmt(as.floorMatches)} entries, ingest whole-process (s), median of ${as.ingestSeconds.length}`, a.toFixed(3), `regex pass ${af.toFixed(3)} s`, a / af,
    '<= 3x floor', a <= 3 * af);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Flushes dirty pages to disk, so that one run's writeback does not slow the next. */
function flushPageCache(): void {
  spawnSync('sync');
}

function rawInsert(log: string, db: string, lines: number, mode?: 'plain'): number {
  flushPageCache();
  const child = spawnSync(process.execPath, ['dist/bench/raw-insert.js', log, db, String(lines), ...(mode ? [mode] : [])], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`raw insert failed: ${child.stderr}`);
  return (JSON.parse(child.stdout) as { rowsPerSec: number }).rowsPerSec;
}

/** The real CLI on the generated log, in a child process so its peak RSS is its own. */
function ingestEndToEnd(log: string, db: string): { linesPerSec: number; events: number; rssMB: number } {
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(db + s, { force: true });
  flushPageCache();
  const child = spawnSync(process.execPath, ['dist/cli/dfwsim.js', 'ingest', log, '--db', db, '--format', 'json'], {
    env: { ...process.env, DFWSIM_REPORT_RSS: '1', CI: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0 && child.status !== 2) throw new Error(`ingest failed: ${child.stderr}`);
  const summary = JSON.parse(child.stdout) as { linesPerSec: number; events: number };
  const rssMB = Number(/maxRSS (\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024; // KiB -> MiB
  return { linesPerSec: summary.linesPerSec, events: summary.events, rssMB };
}

/** DuckDB analytics on the generated 5M-event store against the plainest DuckDB SQL for the same answer, SQLite beside (bench/duckdb.ts). */
async function duckdbRows(): Promise<void> {
  const d = await benchDuckDb(out);
  results['duckdb'] = d;
  if (d.exportSeconds) row(`export ${fmt(d.events)} events (s): Parquet / DuckDB file`, `${d.exportSeconds.parquet.toFixed(1)} / ${d.exportSeconds.duckdb.toFixed(1)}`, '', null, 'info', null);
  row(`SQLite audit cells table, one scan of ${fmt(d.events)} events (s)`, d.sqliteCellsSeconds.toFixed(2), '', null, 'info', null);
  for (const r of d.rows) {
    const ratio = r.engineSeconds / r.plainSeconds;
    const sqlite = r.sqliteSeconds === null ? '' : `, SQLite ${r.sqliteSeconds.toFixed(3)} s`;
    row(`duckdb ${r.target}: ${r.method} (s)`, r.engineSeconds.toFixed(3), `plain SQL ${r.plainSeconds.toFixed(3)} s${sqlite}`, ratio, '<= 2x plain', ratio <= 2);
  }
}

/** explain --all, whatif, replay on the generated 1M / 5M stores against a same-run GROUP BY (bench/diagnose.ts; DIAG_SIZES picks the stores). */
async function diagnoseRows(): Promise<void> {
  const { rows: diag, growth } = await benchDiagnose();
  results['diagnose'] = { rows: diag, replayRssGrowth: growth };
  for (const r of diag) {
    if (r.command.startsWith('baseline: bare')) continue;
    const base = diag.find((b) => b.size === r.size && b.command === 'baseline: dfwsim query GROUP BY')?.run;
    const value = r.run.status === 'ok' ? `${r.run.seconds.toFixed(1)} s, ${r.run.rssMB.toFixed(0)} MB` : r.run.status;
    const isBase = r.command.startsWith('baseline');
    const ratio = !isBase && r.run.status === 'ok' && base?.status === 'ok' ? r.run.seconds / base.seconds : null;
    row(`${r.command} (${fmt(r.size)} events)`, value, isBase ? '' : 'GROUP BY', ratio, r.target, r.ok);
  }
  if (growth !== null) row('replay peak RSS, largest / smallest store', `${growth.toFixed(2)}x`, '', null, 'flat (< 1.25x)', growth < 1.25);
}

/** ClickHouse on the 2-shard loopback cluster (scripts/clickhouse-cluster.sh start; eval "$(... env)"), SQLite beside it. */
async function clickhouseRows(): Promise<void> {
  const url = process.env['DFWSIM_CLICKHOUSE_URL'];
  if (url === undefined) {
    row('clickhouse', 'skipped', 'DFWSIM_CLICKHOUSE_URL unset', null, '', null);
    return;
  }
  const c = await benchClickHouse(out, url, process.env['DFWSIM_CLICKHOUSE_SHARDS'] ?? url);
  results['clickhouse'] = c;
  row(`ClickHouse load, 2 shards, ${fmt(c.events)} events (rows/s)`, fmt(c.events / c.clickhouseLoadSeconds), `SQLite ingest ${fmt(c.events / c.sqliteLoadSeconds)}`,
    c.sqliteLoadSeconds / c.clickhouseLoadSeconds, 'info', null);
  for (const m of c.methods) {
    row(`  ${m.name} (s)`, m.clickhouseSeconds.toFixed(2), `SQLite ${m.sqliteSeconds.toFixed(2)} s`, m.clickhouseSeconds / m.sqliteSeconds, 'info', null);
  }
}

/** One audit per engine on the same generated store (issue 11): identical JSON, whole-process time and peak RSS. */
async function enginesRows(): Promise<void> {
  const url = process.env['DFWSIM_CLICKHOUSE_URL'];
  const e = await benchEngines(out, url === undefined ? null : { url, shards: process.env['DFWSIM_CLICKHOUSE_SHARDS'] ?? url });
  results['engines'] = e;
  const base = e.runs[0]!;
  for (const r of e.runs) {
    row(`audit of ${fmt(e.events)} events on ${r.engine}, whole process (s)`, r.auditSeconds.toFixed(1), `SQLite ${base.auditSeconds.toFixed(1)} s`, r.auditSeconds / base.auditSeconds, 'JSON = SQLite', r.identical);
    row(`  ${r.engine === 'duckdb' ? 'export --parquet' : 'ingest'} (s); audit peak RSS (MB)`, `${r.loadSeconds.toFixed(1)}; ${r.auditRssMB.toFixed(0)}`, '', null, 'info', null);
  }
  if (url === undefined) row('audit on clickhouse', 'skipped', 'DFWSIM_CLICKHOUSE_URL unset', null, '', null);
}

function finish(): void {
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
  const w = (k: keyof (typeof rows)[number]) => Math.max(k.length, ...rows.map((r) => r[k].length));
  const keys = ['measure', 'value', 'baseline', 'ratio', 'target', 'ok'] as const;
  const line = (r: Record<(typeof keys)[number], string>) => keys.map((k) => r[k].padEnd(w(k))).join('  ');
  process.stdout.write(`${line({ measure: 'measure', value: 'value', baseline: 'baseline', ratio: 'ratio', target: 'target', ok: 'ok' })}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
