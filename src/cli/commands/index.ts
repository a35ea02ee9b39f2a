import type { CommandModule } from 'yargs';
import type { CliContext } from '../io.js';

type CommandFactory = (ctx: CliContext) => CommandModule<object, never>;

/**
 * One command: `command` and `describe` are what `dfwsim --help` lists (they must equal the
 * module's own, test/cli/registry.test.ts checks it); `load` imports the module only when the
 * command runs, so a run pays for its own command's imports and no other's.
 */
export interface CommandEntry {
  command: string;
  describe: string;
  load: () => Promise<CommandFactory>;
}

/** Erases a command's own argument type: yargs gets it back from the builder at run time. */
const factory = <A>(f: (ctx: CliContext) => CommandModule<object, A>) => f as unknown as CommandFactory;

/** Every command, in the order `--help` lists them. Adding a command is one entry. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    command: 'audit [paths..]',
    describe: 'Ingest exported logs and vsipioctl output and run every analysis: one report (traffic, REJECT/RST explanations, duplicates, unused/shadowed rules, drift)',
    load: () => import('./audit.js').then((m) => factory(m.auditCommand)),
  },
  {
    command: 'ingest <paths..>',
    describe: 'Ingest dfwpktlog / Antrea np.log files, .gz, support-bundle folders, vsipioctl captures, or - (stdin)',
    load: () => import('./ingest.js').then((m) => factory(m.ingestCommand)),
  },
  { command: 'events', describe: 'List stored packet events', load: () => import('./events.js').then((m) => factory(m.eventsCommand)) },
  { command: 'query <sql>', describe: 'Run a read-only SQL query on the store', load: () => import('./query.js').then((m) => factory(m.queryCommand)) },
  {
    command: 'filters',
    describe: 'List vNIC filters (vsipioctl getfilters, summarize-dvfilter)',
    load: () => import('./filters.js').then((m) => factory(m.filtersCommand)),
  },
  {
    command: 'rules',
    describe: 'List realized rules per filter (vsipioctl getrules -f)',
    load: () => import('./rules.js').then((m) => factory(m.rulesCommand)),
  },
  {
    command: 'eval',
    describe: "Evaluate one packet on a filter's realized rules and show which rule decides, and why earlier rules did not",
    load: () => import('./eval.js').then((m) => factory(m.evalCommand)),
  },
  {
    command: 'replay',
    describe: 'Replay the logged packets statefully per filter against the realized rules and compare with the log',
    load: () => import('./replay.js').then((m) => factory(m.replayCommand)),
  },
  {
    command: 'explain [event]',
    describe: 'Explain why a connection was rejected or reset: every filter that saw it, the causal chain, and checked fixes',
    load: () => import('./explain.js').then((m) => factory(m.explainCommand)),
  },
  {
    command: 'whatif',
    describe: 'Replay the logged events under the current rules and a proposed change; list every flow whose verdict or deciding rule changes',
    load: () => import('./whatif.js').then((m) => factory(m.whatifCommand)),
  },
  {
    command: 'duplicates',
    describe: 'Find packets logged on more filters than the sender/receiver pair: extra observers and promiscuous suspects',
    load: () => import('./duplicates.js').then((m) => factory(m.duplicatesCommand)),
  },
  {
    command: 'matrix <scenarios..>',
    describe: 'Compute reachability matrices (Con/Drp/Rej) of Antrea/K8s policy scenarios, per step and probe',
    load: () => import('./matrix.js').then((m) => factory(m.matrixCommand)),
  },
  {
    command: 'connectivity',
    describe: 'Permitted connections between every pair of VMs (and external blocks) under an NSX Manager policy export, computed symbolically',
    load: () => import('./connectivity.js').then((m) => factory(m.connectivityCommand)),
  },
  {
    command: 'lint',
    describe: 'Find shadowed and redundant rules (covered by the union of earlier rules) in realized filters (--db) or policy files (--policy)',
    load: () => import('./lint.js').then((m) => factory(m.lintCommand)),
  },
  {
    command: 'drift',
    describe: "Compare an NSX Manager policy export with the rules realized on each VM's filter (getrules in the store): missing, extra, different action or order",
    load: () => import('./drift.js').then((m) => factory(m.driftCommand)),
  },
  {
    command: 'export',
    describe: 'Export the stored events (incrementally) and their replay outcomes, as a hive-partitioned Parquet tree (host=/day=) or into a DuckDB file',
    load: () => import('./export.js').then((m) => factory(m.exportCommand)),
  },
  {
    command: 'policy <command>',
    describe: 'Work with .dfw policy files (check)',
    load: () => import('./policy.js').then((m) => factory(m.policyCommand)),
  },
];

/** The name a command string declares: `query <sql>` -> `query`. */
export function commandName(e: Pick<CommandEntry, 'command'>): string {
  return e.command.split(' ', 1)[0] ?? e.command;
}
