import type { CommandModule } from 'yargs';
import { replayStore } from '../../analysis/realized.js';
import { queryEvents } from '../../store/events-repo.js';
import { renderReplay } from '../../report/replay.js';
import type { ReplayAgreement } from '../../model/replay.js';
import { EXIT, UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';

interface Args {
  db: string;
  format: string;
  'exclude-filter'?: string[];
  host?: string;
  since?: string;
  until?: string;
  generation?: string;
  'fail-on'?: string[];
}

const FINDINGS = ['drift', 'state-hit', 'state-uncertain', 'reject'] as const;

export function replayCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'replay',
    describe: 'Replay the logged packets statefully per filter against the realized rules and compare with the log',
    builder: (y) =>
      withFormat(withDb(y))
        .option('exclude-filter', { type: 'string', array: true, describe: 'put this filter (hash or name) on the exclusion list' })
        .option('host', { type: 'string', describe: 'only events of this host' })
        .option('since', { type: 'string', describe: 'ISO date/time' })
        .option('until', { type: 'string', describe: 'ISO date/time' })
        .option('generation', { type: 'string', choices: ['nsxv', 'nsxt2', 'nsxt3+'], describe: 'product generation for every filter' })
        .option('fail-on', { type: 'string', array: true, choices: FINDINGS as unknown as string[], describe: 'exit 1 when any event has this outcome' }) as never,
    handler: (argv) => {
      const db = open(argv.db, true);
      try {
        const excluded = (argv['exclude-filter'] ?? []).map((x) => {
          const row = db.prepare('SELECT hash FROM filters WHERE name = ? OR hash = ? LIMIT 1').get(x, x) as { hash: string | null } | undefined;
          if (row?.hash) return row.hash;
          if (/^([0-9]{1,10}|[0-9a-f]{8})$/.test(x)) return x;
          throw new UsageError(`--exclude-filter: no filter named or hashed '${x}'`);
        });
        const query = { host: argv.host, since: argv.since, until: argv.until };
        const { result } = replayStore(db, query, {
          excluded,
          ...(argv.generation ? { generation: argv.generation as 'nsxv' | 'nsxt2' | 'nsxt3+' } : {}),
        });
        const events = new Map(queryEvents(db, query).map((e) => [e.id, e]));
        ctx.io.out(renderReplay(result, events, asOutputFormat(argv.format)));
        const failOn = new Set(argv['fail-on'] ?? []);
        const hit = result.events.some(
          (r) => failOn.has(r.agreement as ReplayAgreement) || (failOn.has('reject') && r.simulated?.verdict === 'reject'),
        );
        if (hit) ctx.exitCode = EXIT.findings;
      } finally {
        db.close();
      }
    },
  };
}
