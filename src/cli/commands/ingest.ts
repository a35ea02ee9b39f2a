import type { CommandModule } from 'yargs';
import { ingest } from '../../ingest/ingest.js';
import { INPUT_FORMATS, isInputFormat, type InputFormat } from '../../ingest/sniff.js';
import { renderIngestSummary } from '../../report/ingest.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../../report/tabular.js';
import { EXIT, STDIN_ARG, UsageError, type CliContext } from '../io.js';
import { open, withDb } from '../options.js';
import { progressBar } from '../progress.js';
import { chooseEngine, clickHouseSink } from '../engine-choice.js';

interface Args {
  paths: string[];
  db: string;
  format: string;
  'input-format'?: string;
  host?: string;
  engine?: string;
  url?: string;
  database: string;
}

export function ingestCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'ingest <paths..>',
    describe: 'Ingest dfwpktlog / Antrea np.log files, .gz, support-bundle folders, vsipioctl captures, or - (stdin)',
    builder: (y) =>
      withDb(y)
        .positional('paths', { type: 'string', array: true, demandOption: true })
        .option('format', {
          type: 'string',
          default: 'table',
          describe: `summary format (${OUTPUT_FORMATS.join('|')}); an input format name (${INPUT_FORMATS.join('|')}) forces the parser`,
        })
        .option('input-format', { type: 'string', choices: INPUT_FORMATS as unknown as string[], describe: 'force the input format (skip sniffing)' })
        .option('host', { type: 'string', describe: 'host for records whose envelope names none' })
        .option('engine', { type: 'string', choices: ['sqlite', 'clickhouse'], describe: 'where packet events go (the catalogue stays in --db); default: where the store keeps them' })
        .option('url', { type: 'string', describe: 'ClickHouse HTTP URL of each shard, comma-separated (--engine clickhouse)' })
        .option('database', { type: 'string', default: 'dfwsim', describe: 'ClickHouse database (--engine clickhouse)' }) as never,
    handler: async (argv) => {
      let output: OutputFormat = 'table';
      let input: InputFormat | null = null;
      if ((OUTPUT_FORMATS as readonly string[]).includes(argv.format)) output = argv.format as OutputFormat;
      else if (isInputFormat(argv.format)) input = argv.format;
      else throw new UsageError(`--format must be one of ${[...OUTPUT_FORMATS, ...INPUT_FORMATS].join(', ')}; got '${argv.format}'`);
      if (argv['input-format'] !== undefined) input = argv['input-format'] as InputFormat;

      const db = open(argv.db);
      let sink: Awaited<ReturnType<typeof clickHouseSink>> | null = null;
      try {
        const engine = chooseEngine(db, { engine: argv.engine, url: argv.url, database: argv.database });
        if (engine?.kind === 'clickhouse') sink = await clickHouseSink(db, engine.url, engine.database ?? argv.database);
      } catch (e) {
        db.close();
        throw e;
      }
      const bar = await progressBar(ctx.io.isTTY, 'ingest [{bar}] {percentage}% | {value}/{total} bytes | {eta}s left');
      try {
        const summary = await ingest(db, argv.paths.map((p) => (p === STDIN_ARG ? '-' : p)), {
          host: argv.host ?? null,
          inputFormat: input,
          stdin: ctx.io.stdin,
          ...(sink ? { sink, batchLines: sink.batchLines } : {}),
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.stop();
        ctx.io.out(renderIngestSummary(summary, output));
        for (const p of summary.problems) ctx.io.err(`${p.path}:${p.line}:${p.col}  ${p.code}  ${p.message}\n`);
        // rejected lines are data, not a failure of the run: show the first few, point at the rest
        for (const r of summary.rejectedSamples) ctx.io.err(`${r.path}:${r.line}:${r.col}  rejected  ${r.code}  ${r.reason}\n`);
        if (summary.rejected > summary.rejectedSamples.length)
          ctx.io.err(`... ${summary.rejected - summary.rejectedSamples.length} more rejected lines: dfwsim query "select * from rejected_lines"\n`);
        if (summary.problems.some((p) => p.fatal)) ctx.exitCode = EXIT.usage;
      } finally {
        bar.stop();
        await sink?.close();
        db.close();
      }
    },
  };
}

