import yargs from 'yargs';
import { commands } from './commands/index.js';
import { EXIT, STDIN_ARG, UsageError, processIo, type CliContext, type Io } from './io.js';

/** Builds the parser for `argv` (already without `node` and the script); tests call this in-process. */
export function createCli(argv: string[], ctx: CliContext) {
  let y = yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a)))
    .scriptName('dfwsim')
    .usage('$0 <command> [options]\n\nDistributed-firewall log and policy simulator (NSX DFW, Antrea).')
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .help()
    .version(false)
    // yargs would print help and exit on its own; we turn usage failures into exit code 2
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(`${msg}\nRun 'dfwsim --help' for usage.`);
    });
  for (const c of commands(ctx)) y = y.command(c);
  return y;
}

/** Runs one command line and returns its exit code (0 ok, 1 findings when asked, 2 usage/input error). */
export async function runCli(argv: string[], io: Io = processIo()): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT.ok };
  let helpShown = '';
  try {
    const parser = createCli(argv, ctx);
    await parser.parseAsync(argv.map((a) => (a === '-' ? STDIN_ARG : a)), {}, (err, _argv, output) => {
      if (output && !err) helpShown = output;
    });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`dfwsim: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (helpShown) io.out(`${helpShown}\n`);
  return ctx.exitCode;
}
