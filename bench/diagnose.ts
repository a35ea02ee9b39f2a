/**
 * `npm run bench:diagnose` (issue 8): `duplicates`, `explain --all`, `whatif` and `replay` on the
 * synthetic 1M- and 5M-event stores of gen-diagnose-store.ts, each command a whole process
 * (`DFWSIM_REPORT_RSS=1`: its own peak RSS; stdout to /dev/null), timed by wall clock against a
 * same-run baseline: a plain SQL GROUP BY over the same rows, through `dfwsim query` and in a bare
 * better-sqlite3 script. Prints a table and appends the figures to bench/out/diagnose-results.json.
 * `DIAG_SIZES=1000000,5000000` chooses the stores, `DIAG_ROUNDS` (default 1) the runs per command
 * (medians), `BENCH_REGEN=1` rebuilds the stores.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildTopology, ensureDiagnoseStore, type DiagnoseStore } from './gen-diagnose-store.js';

const SIZES = (process.env['DIAG_SIZES'] ?? '1000000,5000000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const ROUNDS = Math.max(1, Number(process.env['DIAG_ROUNDS'] ?? 1));
const out = resolve('bench/out');
const BIG = 5_000_000;
const GROUP_BY = 'SELECT filter_hash, action, count(*) FROM events GROUP BY 1, 2';

/** One whole-process run: wall seconds and peak RSS, or why it could not run. */
export type Run = { status: 'ok'; seconds: number; rssMB: number } | { status: 'not-built' } | { status: 'failed'; exit: number | null; stderr: string };

const now = () => Number(process.hrtime.bigint()) / 1e9;

function runOnce(args: string[], extraEnv: Record<string, string> = {}): Run {
  spawnSync('sync'); // the previous run's dirty pages must not be written back during this one
  const devnull = openSync('/dev/null', 'w');
  const t0 = now();
  const child = spawnSync(process.execPath, args, {
    stdio: ['ignore', devnull, 'pipe'],
    env: { ...process.env, ...extraEnv, DFWSIM_REPORT_RSS: '1', CI: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = now() - t0;
  closeSync(devnull);
  const stderr = child.stderr ?? '';
  // exit 2 with yargs' complaint: the command (or an option of it) is not there yet
  if (child.status === 2 && /Unknown (argument|command)/i.test(stderr)) return { status: 'not-built' };
  if (child.status !== 0 && child.status !== 1) return { status: 'failed', exit: child.status, stderr: stderr.slice(0, 500) };
  const kib = Number(/maxRSS (\d+)/.exec(stderr)?.[1] ?? NaN);
  return { status: 'ok', seconds, rssMB: kib / 1024 };
}

/** ROUNDS runs; the median time and the worst RSS. */
function run(args: string[], extraEnv: Record<string, string> = {}): Run & { rounds?: number[] } {
  const times: number[] = [];
  let rss = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const r = runOnce(args, extraEnv);
    if (r.status !== 'ok') return r;
    times.push(r.seconds);
    rss = Math.max(rss, r.rssMB);
  }
  return { status: 'ok', seconds: median(times), rssMB: rss, rounds: times };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The bare baseline: the same GROUP BY through better-sqlite3, nothing of dfwsim loaded. */
const BARE = `const D=require('better-sqlite3');const db=new D(process.argv[1],{readonly:true});let n=0;for(const r of db.prepare(${JSON.stringify(GROUP_BY)}).iterate())n+=r['count(*)'];process.stderr.write('rows '+n+'\\nmaxRSS '+process.resourceUsage().maxRSS+'\\n');`;

export interface DiagnoseRow {
  command: string;
  size: number;
  run: Run;
  target: string;
  ok: boolean | null;
}

/**
 * Runs every row on every store, prints the table and appends to diagnose-results.json; also
 * what `BENCH_ONLY=diagnose npm run bench` shows in the main table.
 */
export async function benchDiagnose(): Promise<{ rows: DiagnoseRow[]; growth: number | null }> {
  const rows: DiagnoseRow[] = [];
  const stores: DiagnoseStore[] = [];
  // an observer to exclude in whatif: the generator's first promiscuous filter (the F5's role)
  const observer = buildTopology().observers[0]?.hash ?? '';
  for (const size of SIZES) {
    const store = await ensureDiagnoseStore(size, out);
    stores.push(store);
    const db = store.db;
    const cli = (...a: string[]) => ['dist/src/cli/bin.js', ...a, '--db', db];
    run(cli('query', GROUP_BY, '--format', 'csv')); // warm the page cache: every row below reads the whole store
    const base = run(cli('query', GROUP_BY, '--format', 'csv'));
    rows.push({ command: 'baseline: dfwsim query GROUP BY', size, run: base, target: 'baseline', ok: null });
    rows.push({ command: 'baseline: bare better-sqlite3 GROUP BY', size, run: run(['-e', BARE, db]), target: 'baseline', ok: null });
    const big = size >= BIG;
    const timed = (command: string, args: string[], limitS: number) => {
      const r = run(args);
      rows.push({ command, size, run: r, target: big ? `< ${limitS} s` : `info (< ${limitS} s at 5M)`, ok: big && r.status === 'ok' ? r.seconds < limitS : null });
    };
    timed('duplicates', cli('duplicates', '--format', 'json'), 30);
    timed('explain --all', cli('explain', '--all', '--format', 'json'), 30);
    timed(`whatif --exclude-filter ${observer}`, cli('whatif', '--exclude-filter', observer, '--format', 'json'), 60);
    let replay = run(cli('replay', '--format', 'json', '--show', 'none'));
    let replayName = 'replay --show none';
    if (replay.status === 'not-built') {
      replay = run(cli('replay', '--format', 'csv'));
      replayName = 'replay --format csv';
    }
    rows.push({ command: replayName, size, run: replay, target: '< 500 MB RSS', ok: replay.status === 'ok' ? replay.rssMB < 500 : null });
  }
  // flat memory: the replay's peak RSS must not grow with the store
  const rep = rows.filter((r) => r.command.startsWith('replay') && r.run.status === 'ok');
  const growth = rep.length >= 2 ? (rep[rep.length - 1]!.run as { rssMB: number }).rssMB / (rep[0]!.run as { rssMB: number }).rssMB : null;
  print(rows, growth, stores);
  save(rows, growth, stores);
  return { rows, growth };
}

const secs = (r: Run) => (r.status === 'ok' ? r.seconds.toFixed(2) : r.status === 'not-built' ? 'n/a (not built)' : `failed (exit ${r.exit})`);

function print(rows: DiagnoseRow[], growth: number | null, stores: DiagnoseStore[]): void {
  for (const s of stores)
    process.stdout.write(
      `store ${s.events.toLocaleString('en-US')} events: ${s.db}${s.cached ? ' (cached)' : ''}; generated in ${s.genSeconds?.toFixed(1) ?? '?'} s, ingested in ${s.ingestSeconds?.toFixed(1) ?? '?'} s; ` +
        `ingest: ${s.ingest?.events ?? '?'} events, ${s.ingest?.rejected ?? '?'} rejected, ${s.ingest?.skipped ?? '?'} skipped lines\n`,
    );
  const table = rows.map((r) => {
    const base = rows.find((b) => b.size === r.size && b.command === 'baseline: dfwsim query GROUP BY')?.run;
    const ratio = r.run.status === 'ok' && base?.status === 'ok' && !r.command.startsWith('baseline: dfwsim') ? (r.run.seconds / base.seconds).toFixed(1) : '';
    return {
      command: r.command,
      events: r.size.toLocaleString('en-US'),
      'wall s': secs(r.run),
      'x GROUP BY': ratio,
      'peak RSS MB': r.run.status === 'ok' ? r.run.rssMB.toFixed(0) : '',
      target: r.target,
      ok: r.ok === null ? '' : r.ok ? 'yes' : 'NO',
    };
  });
  if (growth !== null) table.push({ command: 'replay peak RSS, largest / smallest store', events: '', 'wall s': '', 'x GROUP BY': '', 'peak RSS MB': `${growth.toFixed(2)}x`, target: 'flat (< 1.25x)', ok: growth < 1.25 ? 'yes' : 'NO' });
  for (const r of rows) if (r.run.status === 'failed') process.stderr.write(`${r.command} (${r.size}): ${r.run.stderr}\n`);
  const keys = Object.keys(table[0] ?? {}) as (keyof (typeof table)[number])[];
  const w = keys.map((k) => Math.max(k.length, ...table.map((t) => t[k].length)));
  const line = (t: Record<string, string>) => keys.map((k, i) => (t[k] ?? '').padEnd(w[i] as number)).join('  ');
  process.stdout.write(`${line(Object.fromEntries(keys.map((k) => [k, k])))}\n`);
  for (const t of table) process.stdout.write(`${line(t)}\n`);
}

function save(rows: DiagnoseRow[], growth: number | null, stores: DiagnoseStore[]): void {
  const file = join(out, 'diagnose-results.json');
  const all: unknown[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown[]) : [];
  all.push({
    at: new Date().toISOString(),
    rounds: ROUNDS,
    stores: stores.map((s) => ({ events: s.events, cached: s.cached, genSeconds: s.genSeconds, ingestSeconds: s.ingestSeconds, ingest: s.ingest })),
    rows: rows.map((r) => ({ command: r.command, events: r.size, ...r.run, target: r.target, ok: r.ok })),
    replayRssGrowth: growth,
  });
  writeFileSync(file, JSON.stringify(all, null, 2));
}

// `npm run bench:diagnose`
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchDiagnose().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 1;
  });
}
