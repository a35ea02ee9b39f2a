import type { CommandModule } from 'yargs';
import { explainContext, explainStore } from '../../analysis/explain-store.js';
import type { ConnectionSelector } from '../../store/events-repo.js';
import { ExplainWriter } from '../../report/explain.js';
import { EXIT, UsageError, type CliContext } from '../io.js';
import { asOutputFormat, intOption, open, replayScope, withDb, withFormat, withReplayScope } from '../options.js';
import { areNsxExports } from '../../analysis/connectivity-load.js';

interface Args {
  db: string;
  format: string;
  event?: string;
  all?: boolean;
  src?: string;
  dst?: string;
  dport?: string;
  proto?: string;
  host?: string;
  since?: string;
  until?: string;
  generation?: string;
  limit: string;
  'fail-on'?: string[];
  policy?: string[];
  sport?: string;
  'icmp-type'?: string;
  'icmp-code'?: string;
  compat?: string;
}

const FINDINGS = ['deny', 'drift'] as const;

export function explainCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'explain [event]',
    describe: 'Explain why a connection was rejected or reset: every filter that saw it, the causal chain, and checked fixes',
    builder: (y) =>
      withReplayScope(withFormat(withDb(y)), 'records')
        .positional('event', { type: 'string', describe: 'an event id (dfwsim events): explain its connection' })
        .option('all', { type: 'boolean', describe: 'every connection with a REJECT or a TCP reset in the store' })
        .option('src', { type: 'string', describe: 'flow: source address (the initiator)' })
        .option('dst', { type: 'string', describe: 'flow: destination address' })
        .option('dport', { type: 'string', describe: 'flow: destination port' })
        .option('proto', { type: 'string', describe: 'flow: protocol as logged (tcp, udp, icmp, ...)' })
        .option('limit', { type: 'string', default: '20', describe: 'table: explanations shown in full (the summary counts all)' })
        .option('policy', { type: 'string', array: true, describe: 'NSX Manager export (Policy API JSON files): explain the flow --src -> --dst between two VMs under that intent' })
        .option('sport', { type: 'string', describe: 'with --policy: source port' })
        .option('icmp-type', { type: 'string', describe: 'with --policy: ICMP type' })
        .option('icmp-code', { type: 'string', describe: 'with --policy: ICMP code' })
        .option('compat', { type: 'string', choices: ['nsxanalyzer'], describe: 'with --policy: evaluate as np-guard nsxanalyzer does' })
        .option('fail-on', { type: 'string', array: true, choices: FINDINGS as unknown as string[], describe: 'exit 1 when an explained connection was denied by the DFW (deny) or disagrees with the rules (drift)' }) as never,
    handler: async (argv) => {
      // --policy EXPORT: a flow between two VMs of an NSX Manager export (no store involved)
      if (argv.policy !== undefined) {
        if (!areNsxExports(argv.policy)) throw new UsageError('explain --policy takes NSX Policy API JSON exports (for .dfw / YAML policies use eval --policy)');
        return (await import('./connectivity.js')).intentFlow(ctx, argv, true);
      }
      const byFlow = argv.src !== undefined || argv.dst !== undefined || argv.dport !== undefined;
      const modes = [argv.event !== undefined, argv.all === true, byFlow].filter(Boolean).length;
      if (modes !== 1) throw new UsageError('explain: give one of an event id, --all, or a flow (--src/--dst/--dport [--proto])');
      let sel: ConnectionSelector;
      if (argv.event !== undefined) sel = { kind: 'event', id: intOption('event', argv.event) as number };
      else if (argv.all) sel = { kind: 'reject-or-reset' };
      else sel = { kind: 'flow', protocol: argv.proto?.toLowerCase(), src: argv.src, dst: argv.dst, dstPort: intOption('dport', argv.dport, 65535) };
      const limit = intOption('limit', argv.limit) as number;
      const db = open(argv.db, true);
      try {
        const xctx = explainContext(db, replayScope(argv).generation);
        const writer = new ExplainWriter(asOutputFormat(argv.format), ctx.io.out, sel.kind === 'event', limit);
        const failOn = new Set(argv['fail-on'] ?? []);
        let hit = false;
        explainStore(db, replayScope(argv).query, sel, (x) => {
          if (failOn.has('deny') && x.cause.decidingEvent !== null && x.cause.kind !== 'drift') hit = true;
          if (failOn.has('drift') && x.drift.length > 0) hit = true;
          writer.write(x);
        }, xctx);
        if (sel.kind === 'event' && writer.count === 0) throw new UsageError(`explain: no NSX DFW event with id ${sel.id}`);
        writer.end();
        if (hit) ctx.exitCode = EXIT.findings;
      } finally {
        db.close();
      }
    },
  };
}
