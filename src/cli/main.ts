import yargs, { type CommandModule } from 'yargs';
import { COMMANDS, commandName, type CommandEntry } from './commands/index.js';
import { helpWidth } from './help-cache.js';
import { EXIT, STDIN_ARG, UsageError, processIo, type CliContext, type Io } from './io.js';

/**
 * The command a command line runs: the first token naming one (options may come before it).
 * Only this command's module is loaded; the others are registered by name and description.
 */
export function invokedCommand(argv: readonly string[]): CommandEntry | undefined {
  for (const a of argv) {
    if (a === '--') return undefined;
    const e = COMMANDS.find((c) => commandName(c) === a);
    if (e) return e;
  }
  return undefined;
}

/** Listed in `--help` and known to `recommendCommands`; the invoked command is registered in full instead. */
function listedOnly(e: CommandEntry): CommandModule<object, object> {
  return {
    command: e.command,
    describe: e.describe,
    // only reached when an option value before the command equals another command's name
    handler: () => {
      throw new UsageError(`put the command name first: dfwsim ${commandName(e)} [options]`);
    },
  };
}

/** Builds the parser for `argv` (already without `node` and the script); tests call this in-process. */
export async function createCli(argv: string[], ctx: CliContext) {
  const invoked = invokedCommand(argv);
  const loaded = invoked ? (await invoked.load())(ctx) : undefined;
  let y = yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a)))
    .scriptName('dfwsim')
    .usage('$0 <command> [options]\n\nDistributed-firewall log and policy simulator (NSX DFW, Antrea).')
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .exitProcess(false)
    .wrap(helpWidth(process.stdout.columns))
    .help()
    .version(false)
    // yargs would print help and exit on its own; we turn usage failures into exit code 2
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(`${msg}\nRun 'dfwsim --help' for usage.`);
    });
  for (const e of COMMANDS) y = y.command(e === invoked && loaded ? loaded : (listedOnly(e) as CommandModule<object, never>));
  return y;
}

/** Runs one command line and returns its exit code (0 ok, 1 findings when asked, 2 usage/input error). */
export async function runCli(argv: string[], io: Io = processIo()): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT.ok };
  let helpShown = '';
  try {
    const parser = await createCli(argv, ctx);
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
