import type { CommandModule } from 'yargs';
import { renderExportSummary } from '../../report/export.js';
import { UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';

interface Args {
  db: string;
  format: string;
  parquet?: string;
  duckdb?: string;
}

export function exportCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'export',
    describe: 'Export the stored events, incrementally, as a hive-partitioned Parquet tree (host=/day=) or into a DuckDB file',
    builder: (y) =>
      withFormat(withDb(y))
        .option('parquet', { type: 'string', describe: 'folder of the Parquet tree (new, empty, or an earlier export: only new sources are written)' })
        .option('duckdb', { type: 'string', describe: "DuckDB database file: events appended to its 'events' table (only new sources)" }) as never,
    handler: async (argv) => {
      if ((argv.parquet === undefined) === (argv.duckdb === undefined)) throw new UsageError('export needs exactly one of --parquet DIR or --duckdb FILE');
      const target = (argv.parquet ?? argv.duckdb) as string;
      if (target === '') throw new UsageError(`--${argv.parquet !== undefined ? 'parquet' : 'duckdb'} needs a path`);
      const db = open(argv.db, true);
      const bar = ctx.io.isTTY ? await progressBar() : null;
      let started = false;
      const onProgress = (done: number, total: number) => {
        if (!bar) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      };
      // loaded here only: the DuckDB library is 70 MB of native code no other command needs
      const { ExportTargetError } = await import('../../store/duckdb/export-plan.js');
      const { ManifestError } = await import('../../store/duckdb/export-manifest.js');
      try {
        const summary =
          argv.parquet !== undefined
            ? await (await import('../../store/duckdb/export-parquet.js')).exportParquet(db, target, { onProgress })
            : await (await import('../../store/duckdb/export-duckdb.js')).exportDuckDbFile(db, target, { onProgress });
        bar?.stop();
        ctx.io.out(renderExportSummary(summary, asOutputFormat(argv.format)));
      } catch (e) {
        if (e instanceof ExportTargetError || e instanceof ManifestError) throw new UsageError(e.message);
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'ENOTDIR' || code === 'EROFS' || code === 'EPERM') throw new UsageError(`cannot write ${target}: ${(e as Error).message}`);
        throw e;
      } finally {
        bar?.stop();
        db.close();
      }
    },
  };
}

/** The progress bar, on a terminal only (as ingest's). */
async function progressBar() {
  const { default: cliProgress } = await import('cli-progress');
  return new cliProgress.SingleBar(
    { stream: process.stderr, format: 'export [{bar}] {percentage}% | {value}/{total} rows | {eta}s left', etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
}
