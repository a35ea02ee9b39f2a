import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import cliProgress from 'cli-progress';
import { AUDIT_STEPS, FAIL_ON, runAudit, type FailOn } from '../../analysis/audit.js';
import { DEFAULT_RULE_LIMITS } from '../../analysis/rule-usage.js';
import { ingest } from '../../ingest/ingest.js';
import { AUDIT_FORMATS, renderAuditChunks, type AuditFormat } from '../../report/audit.js';
import { EXIT, STDIN_ARG, UsageError, type CliContext } from '../io.js';
import type { Db } from '../../store/open.js';
import { intOption, open } from '../options.js';
import { chooseEngine, clickHouseSink } from '../engine-choice.js';
import { progressBar } from '../progress.js';
import { exportEvents } from './export.js';
import { ENGINES } from '../../store/analytics.js';
import { EngineUnavailable } from '../../store/analytics-open.js';
import type { DriftSplit } from '../../analysis/drift-parallel.js';

interface Args {
  paths?: string[];
  db?: string;
  format: string;
  output?: string;
  limit: string;
  window: string;
  'rule-limit': string;
  'host-rule-limit': string;
  host?: string;
  'fail-on'?: string[];
  engine?: string;
  url?: string;
  database: string;
  workers?: string;
}

/**
 * `--workers N`: drift's replay workers (src/analysis/drift-parallel.ts). Default: one per core
 * but the one the audit's main thread keeps busy (1 on a 2-core machine: the rules worker
 * already takes the second core, and a replay split there only competes with it).
 */
export const defaultDriftWorkers = (): number => Math.max(1, availableParallelism() - 1);

/** What `--workers N` did to drift's replay: how many host partitions, the largest one's share of the events. */
function driftSplitLine(split: DriftSplit | null, workers: number): string {
  if (split === null) return workers < 2 ? 'drift: replayed on one thread (--workers 1)' : 'drift: replayed on one thread (an in-memory store, or a replay worker ran out of memory: see the notes)';
  if (split.partitions < 2) return "drift: replayed on one thread: the store's hosts form one group (hosts that log a filter hash in common are replayed together)";
  return `drift: replayed in ${split.partitions} host partitions by ${split.partitions} workers, the largest with ${Math.round(split.largestShare * 100)}% of the events`;
}

function workersOption(v: string | undefined): number {
  if (v === undefined) return defaultDriftWorkers();
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 1) throw new UsageError(`--workers must be a whole number of at least 1 (drift replay workers), got '${v}'`);
  return n;
}

/** `--fail-on reject,shadowed` and `--fail-on reject --fail-on shadowed` both work. */
function failOnList(v: string[] | undefined): FailOn[] {
  const out: FailOn[] = [];
  for (const part of (v ?? []).flatMap((s) => s.split(','))) {
    const p = part.trim();
    if (p === '') continue;
    if (!(FAIL_ON as readonly string[]).includes(p)) throw new UsageError(`--fail-on: '${p}' is not one of ${FAIL_ON.join(', ')}`);
    out.push(p as FailOn);
  }
  return out;
}

function bar(ctx: CliContext, format: string): cliProgress.SingleBar | null {
  if (!ctx.io.isTTY) return null;
  return new cliProgress.SingleBar({ stream: process.stderr, format, etaBuffer: 50, clearOnComplete: true }, cliProgress.Presets.shades_classic);
}

export function auditCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'audit [paths..]',
    describe: 'Ingest exported logs and vsipioctl output and run every analysis: one report (traffic, REJECT/RST explanations, duplicates, unused/shadowed rules, drift)',
    builder: (y) =>
      y
        .positional('paths', { type: 'string', array: true, describe: 'files, .gz, folders (support bundles), - for stdin; none: audit the --db store as it is' })
        .option('db', { type: 'string', describe: 'SQLite store to ingest into and audit (default: a throw-away store, removed at exit; ":memory:" keeps it in RAM)' })
        .option('format', { type: 'string', choices: AUDIT_FORMATS as unknown as string[], default: 'table', describe: 'report format' })
        .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file instead of stdout' })
        .option('limit', { type: 'string', default: '20', describe: 'explanations, denied flows and duplicate groups listed in full (summaries count all)' })
        .option('window', { type: 'string', default: '1', describe: 'duplicates: seconds within which one packet on several filters is one group' })
        .option('rule-limit', { type: 'string', default: String(DEFAULT_RULE_LIMITS.perFilter), describe: 'realized rules per vNIC filter before it is flagged (NSX 3.2/4.x maximum)' })
        .option('host-rule-limit', { type: 'string', default: String(DEFAULT_RULE_LIMITS.perHost), describe: 'realized rules across the filters of one host before it is flagged' })
        .option('host', { type: 'string', describe: 'ingest: host for records whose envelope names none' })
        .option('fail-on', { type: 'string', array: true, describe: `exit 1 when the report has any of: ${FAIL_ON.join(', ')} (comma-separated or repeated)` })
        .option('engine', { type: 'string', choices: ENGINES as unknown as string[], describe: "where the audit's event queries run (default: where the store's events are: sqlite, or the ClickHouse it was ingested into)" })
        .option('url', { type: 'string', describe: 'duckdb: a Parquet folder or DuckDB file (dfwsim export; with paths, exported there after ingest); clickhouse: HTTP URL of each shard, comma-separated' })
        .option('database', { type: 'string', default: 'dfwsim', describe: 'ClickHouse database (--engine clickhouse)' })
        .option('workers', { type: 'string', describe: 'drift: replay worker threads, one host partition each (hosts sharing a filter stay together); default: cores - 1, at least 1' }) as never,
    handler: async (argv) => {
      const paths = (argv.paths ?? []).map((p) => (p === STDIN_ARG ? '-' : p));
      if (paths.length === 0 && argv.db === undefined) throw new UsageError('audit: give paths to ingest, or --db with a store to audit');
      const failOn = failOnList(argv['fail-on']);
      const format = argv.format as AuditFormat;
      const limit = intOption('limit', argv.limit) as number;
      const windowSeconds = Number(argv.window);
      if (!Number.isFinite(windowSeconds) || windowSeconds < 0) throw new UsageError(`--window must be a number of seconds, got '${argv.window}'`);
      const driftWorkers = workersOption(argv.workers);
      const ruleLimits = { perFilter: intOption('rule-limit', argv['rule-limit']) as number, perHost: intOption('host-rule-limit', argv['host-rule-limit']) as number };

      // Without --db the store is throw-away, but a temporary file rather than RAM: an in-memory
      // store of a few million events would hold all of them (memory must stay flat as input grows)
      const scratch = argv.db === undefined ? mkdtempSync(join(tmpdir(), 'dfwsim-audit-')) : null;
      const storePath = scratch !== null ? join(scratch, 'audit.db') : (argv.db as string);
      const db = open(storePath);
      let sink: Awaited<ReturnType<typeof clickHouseSink>> | null = null;
      try {
        const engine = chooseEngine(db, argv);
        if (paths.length > 0) {
          // ClickHouse: the events go straight there, the catalogue to the store (as `ingest --engine clickhouse`)
          if (engine?.kind === 'clickhouse') sink = await clickHouseSink(db, engine.url, engine.database ?? argv.database);
          const b = await progressBar(ctx.io.isTTY, 'ingest   [{bar}] {percentage}% | {value}/{total} bytes | {eta}s left', { clearOnComplete: true });
          const s = await ingest(db, paths, {
            host: argv.host ?? null,
            inputFormat: null,
            stdin: ctx.io.stdin,
            ...(sink ? { sink, batchLines: sink.batchLines } : {}),
            onProgress: (done, total) => b.update(done, total),
          });
          b.stop();
          // input problems are reported, and the audit of what was read goes on; a fatal one sets exit 2 at the end
          for (const p of s.problems) ctx.io.err(`${p.path}:${p.line}:${p.col}  ${p.code}  ${p.message}\n`);
          if (s.problems.some((p) => p.fatal)) ctx.exitCode = EXIT.usage;
          await sink?.close();
          sink = null;
          // DuckDB reads an export: what was just ingested is exported there first (incremental)
          if (engine?.kind === 'duckdb') await exportFor(ctx, db, engine.path);
        }
        const b = bar(ctx, 'analyse  [{bar}] {value}/{total} | {step}');
        b?.start(AUDIT_STEPS.length, 0, { step: '' });
        const report = await runAudit(db, {
          limit, windowMs: Math.round(windowSeconds * 1000), ruleLimits, storePath: storePath === ':memory:' ? null : storePath, engine: engine ?? undefined, driftWorkers,
          // asked for explicitly: say how the replay was split (stderr: the report is the same whatever the split)
          onDriftSplit: argv.workers === undefined ? undefined : (split) => ctx.io.err(`${driftSplitLine(split, driftWorkers)}\n`),
          onStep: (i, name) => b?.update(i, { step: name }),
        }).catch((e: unknown) => {
          b?.stop();
          throw e instanceof EngineUnavailable ? new UsageError(e.message) : e;
        });
        b?.update(AUDIT_STEPS.length, { step: 'done' });
        b?.stop();
        // written piece by piece: a large store's JSON report is never one string
        if (argv.output !== undefined) {
          const fd = openSync(argv.output, 'w');
          try {
            // writeFileSync on an fd writes the whole piece at the current offset (writeSync may write part of it)
            for (const piece of renderAuditChunks(report, format)) writeFileSync(fd, piece);
          } finally {
            closeSync(fd);
          }
        } else for (const piece of renderAuditChunks(report, format)) ctx.io.out(piece);
        if (ctx.exitCode === EXIT.ok && failOn.some((f) => report.summary.findings[f] > 0)) ctx.exitCode = EXIT.findings;
      } finally {
        await sink?.close();
        db.close();
        if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** Exports the store's new sources to the DuckDB target (a `.duckdb` file, else a Parquet folder). */
async function exportFor(ctx: CliContext, db: Db, target: string): Promise<void> {
  const b = await progressBar(ctx.io.isTTY, 'export   [{bar}] {percentage}% | {value}/{total} events | {eta}s left', { clearOnComplete: true });
  const asFile = existsSync(target) ? statSync(target).isFile() : /\.(duckdb|db)$/i.test(target);
  try {
    await exportEvents(db, asFile ? 'duckdb' : 'parquet', target, (done, total) => b.update(done, total));
  } finally {
    b.stop();
  }
}
