import type { CommandModule } from 'yargs';
import { replayStore } from '../../analysis/replay-store.js';
import { resolveFilterHashes } from '../../store/realized-repo.js';
import { ReplayWriter, type ReplayShow } from '../../report/replay.js';
import type { ReplayAgreement } from '../../model/replay.js';
import { EXIT, UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, replayScope, withDb, withFormat, withReplayScope } from '../options.js';
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
      withReplayScope(withFormat(withDb(y)))
        .option('exclude-filter', { type: 'string', array: true, describe: 'put this filter (hash, name or VM name) on the exclusion list' })
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
          replayScope(argv).query,
          { excluded, ...replayScope(argv).generation },
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
