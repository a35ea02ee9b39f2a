/**
 * `BENCH_ONLY=audit npm run bench` (issue 9): a full `dfwsim audit` of generated support bundles
 * (gen-diagnose-store.ts: 20 hosts x 25 filters with getfilters / summarize-dvfilter / getrules /
 * getaddrsets captures and `AUDIT_LINES` dfwpktlog lines, default 2 million, three promiscuous
 * observers), whole process, against `dfwsim ingest` of the same folder in the same run (the
 * audit is ingest plus every analysis, so the ratio is what the analyses add). Each run is its
 * own process; its peak RSS comes from the CLI (`DFWSIM_REPORT_RSS`). The bundles are cached
 * under bench/out/audit-<N>/ (`BENCH_REGEN=1` rewrites them).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDiagnoseBundles } from './gen-diagnose-store.js';

export interface AuditBench {
  lines: number;
  events: number;
  ingestSeconds: number[];
  auditSeconds: number[];
  auditRssMB: number[];
  ingestRssMB: number[];
  summary: unknown;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/** The built CLI, whole process, stdout to a file (or nowhere); its time and peak RSS (`DFWSIM_REPORT_RSS`). */
export function run(args: string[], stdoutTo: string | null): { seconds: number; rssMB: number; stderr: string } {
  spawnSync('sync');
  const fd = openSync(stdoutTo ?? '/dev/null', 'w');
  const t0 = now();
  const child = spawnSync(process.execPath, ['dist/src/cli/bin.js', ...args], {
    stdio: ['ignore', fd, 'pipe'],
    env: { ...process.env, CI: '1', DFWSIM_REPORT_RSS: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = now() - t0;
  closeSync(fd);
  if (child.status !== 0 && child.status !== 1) throw new Error(`dfwsim ${args.join(' ')} failed (exit ${child.status}): ${child.stderr.slice(0, 2000)}`);
  const kib = Number(/maxRSS (\d+)/.exec(child.stderr)?.[1] ?? NaN);
  return { seconds, rssMB: kib / 1024, stderr: child.stderr };
}

/** A store file and its journal files. */
export function removeStore(db: string): void {
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(db + s, { force: true });
}

/** The generated support bundles of `lines` log lines, cached under `out/audit-<lines>/` (`BENCH_REGEN=1` rewrites them). */
export async function cachedBundles(out: string, lines: number): Promise<string> {
  const root = join(out, `audit-${lines}`);
  const marker = join(root, '.complete');
  if (!existsSync(marker) || process.env['BENCH_REGEN']) {
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(`generating ${lines.toLocaleString('en-US')} log lines of support bundles into ${root} ...\n`);
    await generateDiagnoseBundles(root, lines);
    writeFileSync(marker, '');
  }
  return root;
}

export async function benchAudit(out: string, rounds: number): Promise<AuditBench> {
  const lines = Number(process.env['AUDIT_LINES'] ?? 2_000_000);
  const root = await cachedBundles(out, lines);
  const db = join(out, 'audit-ingest.db');
  const report = join(out, 'audit-report.json');
  const r: AuditBench = { lines, events: 0, ingestSeconds: [], auditSeconds: [], auditRssMB: [], ingestRssMB: [], summary: null };
  for (let i = 0; i < rounds; i++) {
    removeStore(db);
    const ing = run(['ingest', root, '--db', db, '--format', 'json'], null);
    r.ingestSeconds.push(ing.seconds);
    r.ingestRssMB.push(ing.rssMB);
    // the audit's default: an in-memory store, nothing written but the report
    const aud = run(['audit', root, '--format', 'json'], report);
    r.auditSeconds.push(aud.seconds);
    r.auditRssMB.push(aud.rssMB);
  }
  removeStore(db);
  const { readFileSync } = await import('node:fs');
  const json = JSON.parse(readFileSync(report, 'utf8')) as { inputs: { totals: { events: number } }; summary: unknown };
  r.events = json.inputs.totals.events;
  r.summary = json.summary;
  return r;
}
