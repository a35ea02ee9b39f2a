import type { CommandModule } from 'yargs';
import { checkPolicyFiles } from '../../parse/policy-check.js';
import type { CliContext } from '../io.js';

interface Args {
  files: string[];
}

/** `dfwsim policy check FILE...`: parse and validate .dfw policy files (one set when given together). */
export function policyCommand(ctx: CliContext): CommandModule<object, object> {
  const check: CommandModule<object, Args> = {
    command: 'check <files..>',
    describe: 'Parse and validate .dfw policy files (given together they form one policy set)',
    builder: (y) => y.positional('files', { type: 'string', array: true, demandOption: true }) as never,
    handler: (argv) => {
      const r = checkPolicyFiles(argv.files);
      if (r.exitCode === 0) ctx.io.out(r.output);
      else ctx.io.err(r.output);
      ctx.exitCode = r.exitCode;
    },
  };
  return {
    command: 'policy <command>',
    describe: 'Work with .dfw policy files (check)',
    builder: (y) => y.command(check as unknown as CommandModule<object, object>).demandCommand(1, 'name a policy subcommand: check'),
    handler: () => {},
  };
}
