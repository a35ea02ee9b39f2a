import type { CommandModule } from 'yargs';
import { findDuplicates } from '../../analysis/duplicates.js';
import { renderDuplicates } from '../../report/duplicates.js';
import { EXIT, UsageError, type CliContext } from '../io.js';
import { asOutputFormat, intOption, open, withDb, withFormat } from '../options.js';

interface Args {
  db: string;
  format: string;
  window: string;
  host?: string;
  limit: string;
  'fail-on'?: string[];
}

const FINDINGS = ['duplicate', 'promiscuous-suspect'] as const;

export function duplicatesCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'duplicates',
    describe: 'Find packets logged on more filters than the sender/receiver pair: extra observers and promiscuous suspects',
    builder: (y) =>
      withFormat(withDb(y))
        .option('window', { type: 'string', default: '1', describe: 'seconds: copies of one packet within this time of its first record form a group' })
        .option('host', { type: 'string', describe: 'only records of this host' })
        .option('limit', { type: 'string', default: '50', describe: 'groups listed (the summary counts all)' })
        .option('fail-on', { type: 'string', array: true, choices: FINDINGS as unknown as string[], describe: 'exit 1 when a group has an extra observer (duplicate) or a filter is a promiscuous suspect' }) as never,
    handler: (argv) => {
      const seconds = Number(argv.window);
      if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--window must be a number of seconds >= 0, got '${argv.window}'`);
      const limit = intOption('limit', argv.limit) as number;
      const db = open(argv.db, true);
      try {
        const r = findDuplicates(db, { windowMs: Math.round(seconds * 1000), host: argv.host, limit });
        ctx.io.out(renderDuplicates(r, asOutputFormat(argv.format)));
        const failOn = new Set(argv['fail-on'] ?? []);
        if ((failOn.has('duplicate') && r.summary.extraObserverGroups > 0) || (failOn.has('promiscuous-suspect') && r.summary.promiscuousSuspects > 0)) ctx.exitCode = EXIT.findings;
      } finally {
        db.close();
      }
    },
  };
}
