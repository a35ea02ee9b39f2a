import type { CommandModule } from 'yargs';
import { renderExportSummary } from '../../report/export.js';
import type { ExportSummary } from '../../store/duckdb/export-summary.js';
import type { ReplayStep } from '../../store/duckdb/replay-target.js';
import type { Db } from '../../store/open.js';
import { UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';
import { progressBar } from '../progress.js';

interface Args {
  db: string;
  format: string;
  parquet?: string;
  duckdb?: string;
  replay: boolean;
}

export function exportCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'export',
    describe: 'Export the stored events (incrementally) and their replay outcomes, as a hive-partitioned Parquet tree (host=/day=) or into a DuckDB file',
    builder: (y) =>
      withFormat(withDb(y))
        .option('parquet', { type: 'string', describe: 'folder of the Parquet tree (new, empty, or an earlier export: only new sources are written)' })
        .option('duckdb', { type: 'string', describe: "DuckDB database file: events appended to its 'events' table (only new sources)" })
        .option('replay', {
          type: 'boolean',
          default: true,
          describe: "also the replay outcomes (DIR/replay/host=/day=, or table 'replay_outcomes'), rewritten when the sources or rules changed; --no-replay skips them",
        }) as never,
    handler: async (argv) => {
      if ((argv.parquet === undefined) === (argv.duckdb === undefined)) throw new UsageError('export needs exactly one of --parquet DIR or --duckdb FILE');
      const target = (argv.parquet ?? argv.duckdb) as string;
      if (target === '') throw new UsageError(`--${argv.parquet !== undefined ? 'parquet' : 'duckdb'} needs a path`);
      const db = open(argv.db, true);
      const bar = await progressBar(ctx.io.isTTY, 'export [{bar}] {percentage}% | {value}/{total} rows | {eta}s left');
      const replayBar = await progressBar(ctx.io.isTTY, 'replay [{bar}] {percentage}% | {value}/{total} events | {eta}s left');
      try {
        let replaying = false;
        const onReplay = (done: number, total: number) => {
          // the events' bar ends where the replay's starts
          if (!replaying) bar.stop();
          replaying = true;
          replayBar.update(done, total);
        };
        const replay = argv.replay ? (await import('../../analysis/replay-export.js')).replayExportStep(db, onReplay) : null;
        const summary = await exportEvents(db, argv.parquet !== undefined ? 'parquet' : 'duckdb', target, (done, total) => bar.update(done, total), replay);
        bar.stop();
        replayBar.stop();
        if (!argv.replay) summary.replay = { status: 'skipped', rows: 0, reason: '--no-replay (outcomes an earlier export wrote are left as they are)', fingerprint: null };
        ctx.io.out(renderExportSummary(summary, asOutputFormat(argv.format)));
      } finally {
        bar.stop();
        replayBar.stop();
        db.close();
      }
    },
  };
}

/**
 * Exports the store's new sources to a Parquet tree or a DuckDB file (`export`, and `audit
 * --engine duckdb` with paths), then, given `replay`, the replay outcomes; a target that cannot
 * take them is a usage error (exit 2).
 */
export async function exportEvents(
  db: Db,
  kind: 'parquet' | 'duckdb',
  target: string,
  onProgress: (done: number, total: number) => void,
  replay: ReplayStep | null = null,
): Promise<ExportSummary> {
  // loaded here only: the DuckDB library is 70 MB of native code no other command needs
  const { ExportTargetError } = await import('../../store/duckdb/export-plan.js');
  const { ManifestError } = await import('../../store/duckdb/export-manifest.js');
  try {
    return kind === 'parquet'
      ? await (await import('../../store/duckdb/export-parquet.js')).exportParquet(db, target, { onProgress, replay: replay ?? undefined })
      : await (await import('../../store/duckdb/export-duckdb.js')).exportDuckDbFile(db, target, { onProgress, replay: replay ?? undefined });
  } catch (e) {
    if (e instanceof ExportTargetError || e instanceof ManifestError) throw new UsageError(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOTDIR' || code === 'EROFS' || code === 'EPERM') throw new UsageError(`cannot write ${target}: ${(e as Error).message}`);
    throw e;
  }
}
