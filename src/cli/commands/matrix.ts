import type { CommandModule } from 'yargs';
import { matrixCommand as runMatrix } from '../../report/matrix.js';
import type { CliContext } from '../io.js';
import { asOutputFormat, withFormat } from '../options.js';

interface Args {
  scenarios: string[];
  format: string;
  check: boolean;
}

export function matrixCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'matrix <scenarios..>',
    describe: 'Compute reachability matrices (Con/Drp/Rej) of Antrea/K8s policy scenarios, per step and probe',
    builder: (y) =>
      withFormat(y)
        .positional('scenarios', { type: 'string', array: true, demandOption: true, describe: 'scenario YAML files (schema: shared/corpus/antrea-cases/README.md)' })
        .option('check', { type: 'boolean', default: false, describe: 'exit 1 when any cell or probe differs from the expectation' }) as never,
    handler: (argv) => {
      const r = runMatrix(argv.scenarios, { check: argv.check, format: asOutputFormat(argv.format) });
      ctx.io.out(r.output);
      if (r.errors) ctx.io.err(r.errors);
      ctx.exitCode = r.exitCode;
    },
  };
}
