import type { CommandModule } from 'yargs';
import { replayStore } from '../../analysis/replay-store.js';
import { resolveFilterHashes } from '../../store/realized-repo.js';
import { ReplayWriter, type ReplayShow } from '../../report/replay.js';
import type { ReplayAgreement } from '../../model/replay.js';
import type { ProductGeneration } from '../../model/replay.js';
import { EXIT, UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';
import type { Db } from '../../store/open.js';

interface Args {
  db: string;
  format: string;
  'exclude-filter'?: string[];
  host?: string;
  since?: string;
  until?: string;
  generation?: string;
  show: string;
  'fail-on'?: string[];
}

const FINDINGS = ['drift', 'state-hit', 'state-uncertain', 'reject'] as const;

/** `--exclude-filter` values (hash, filter name or VM name) to hashes; an unknown name is a usage error. */
export function excludedHashes(db: Db, names: readonly string[]): string[] {
  return names.flatMap((x) => {
    const hashes = resolveFilterHashes(db, x);
    if (hashes.length > 0) return hashes;
    // a hash the logs use but no getfilters output described
    if (/^([0-9]{1,10}|[0-9a-f]{8})$/.test(x)) return [x];
    throw new UsageError(`--exclude-filter: no filter named or hashed '${x}'`);
  });
}

export function replayCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'replay',
    describe: 'Replay the logged packets statefully per filter against the realized rules and compare with the log',
    builder: (y) =>
      withFormat(withDb(y))
        .option('exclude-filter', { type: 'string', array: true, describe: 'put this filter (hash, name or VM name) on the exclusion list' })
        .option('host', { type: 'string', describe: 'only events of this host' })
        .option('since', { type: 'string', describe: 'ISO date/time' })
        .option('until', { type: 'string', describe: 'ISO date/time' })
        .option('generation', { type: 'string', choices: ['nsxv', 'nsxt2', 'nsxt3+'], describe: 'product generation for every filter' })
        .option('show', { type: 'string', choices: ['all', 'findings', 'none'], default: 'all', describe: 'which events to print: all, findings (not a reproduced pass), none (per-filter summary only)' })
        .option('fail-on', { type: 'string', array: true, choices: FINDINGS as unknown as string[], describe: 'exit 1 when any event has this outcome' }) as never,
    handler: (argv) => {
      const db = open(argv.db, true);
      try {
        const excluded = excludedHashes(db, argv['exclude-filter'] ?? []);
        const failOn = new Set(argv['fail-on'] ?? []);
        let hit = false;
        const writer = new ReplayWriter(asOutputFormat(argv.format), argv.show as ReplayShow, ctx.io.out);
        const { summary } = replayStore(
          db,
          { host: argv.host, since: argv.since, until: argv.until },
          { excluded, ...(argv.generation ? { generation: argv.generation as ProductGeneration } : {}) },
          (r, e) => {
            if (failOn.has(r.agreement as ReplayAgreement) || (failOn.has('reject') && r.simulated?.verdict === 'reject')) hit = true;
            writer.event(r, e);
          },
        );
        writer.end(summary);
        if (hit) ctx.exitCode = EXIT.findings;
      } finally {
        db.close();
      }
    },
  };
}
