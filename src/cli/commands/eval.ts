import type { CommandModule } from 'yargs';
import { evaluate } from '../../engine/evaluate.js';
import { loadCompiledFilter } from '../../analysis/realized.js';
import { resolveFilterName } from '../../store/realized-repo.js';
import { flowText, renderDecision } from '../../report/decision.js';
import { UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';
import { flowFromArgs, protocolNumber, withFlow, type FlowArgs } from '../flow-args.js';
import { evaluatePolicyConnection, inventoryFromStore, loadPolicies } from '../../analysis/policy-eval.js';
import { mergeInventory } from '../../policy/index.js';
import { renderConnection } from '../../report/connection.js';
import { renderDiagnostics } from '../../report/diagnostics.js';
import { intOption } from '../options.js';
import { EXIT } from '../io.js';
import { areNsxExports } from '../../analysis/connectivity-load.js';

interface Args extends FlowArgs {
  db: string;
  format: string;
  filter?: string;
  dir?: string;
  generation?: string;
  policy?: string[];
  inventory?: string[];
  'store-inventory'?: boolean;
  compat?: string;
}

export function evalCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'eval',
    describe: "Evaluate one packet on a filter's realized rules and show which rule decides, and why earlier rules did not",
    builder: (y) =>
      withFlow(withFormat(withDb(y)))
        .option('filter', { type: 'string', describe: 'filter name or hash (realized rules from the store)' })
        .option('dir', { type: 'string', choices: ['in', 'out', 'IN', 'OUT'], describe: 'in = toward the VM, out = from it' })
        .option('policy', { type: 'string', array: true, describe: 'policy files (Antrea / K8s YAML, .dfw): evaluate a connection between two endpoints instead' })
        .option('inventory', { type: 'string', array: true, describe: 'inventory files (kubectl get pods,namespaces -o json/yaml, scenario cluster:, vms:)' })
        .option('store-inventory', { type: 'boolean', describe: 'with --policy: add the VMs/filters of the store (--db) to the inventory' })
        .option('generation', { type: 'string', choices: ['nsxv', 'nsxt2', 'nsxt3+'], describe: 'product generation (TCP strict); default from ruleset names' })
        .option('compat', { type: 'string', choices: ['nsxanalyzer'], describe: 'with --policy on an NSX export: evaluate as np-guard nsxanalyzer does' }) as never,
    handler: async (argv) => {
      // an NSX Manager export (Policy API JSON): the intent path, OUT on the sender and IN on the receiver
      if (argv.policy !== undefined && areNsxExports(argv.policy)) return (await import('./connectivity.js')).intentFlow(ctx, argv, false);
      if (argv.policy !== undefined) return evalPolicies(ctx, argv);
      if (argv.filter === undefined) throw new UsageError('--filter is required (a filter name or hash; see dfwsim filters)');
      if (argv.dir === undefined) throw new UsageError('--dir in|out is required');
      const flow = flowFromArgs(argv);
      const db = open(argv.db, true);
      try {
        const name = resolveFilterName(db, argv.filter);
        if (name === null) throw new UsageError(`no filter named or hashed '${argv.filter}' in ${argv.db} (see 'dfwsim filters')`);
        const compiled = loadCompiledFilter(db, name);
        if (!compiled) throw new UsageError(`filter ${name} has no realized rules in the store (ingest its 'vsipioctl getrules -f' output)`);
        const dir = argv.dir.toUpperCase() as 'IN' | 'OUT';
        const d = evaluate(compiled, flow, dir, argv.generation ? { generation: argv.generation as 'nsxv' | 'nsxt2' | 'nsxt3+' } : {});
        ctx.io.out(renderDecision(d, asOutputFormat(argv.format), { filter: name, direction: dir, flow: flowText(flow) }));
      } finally {
        db.close();
      }
    },
  };
}

/** `eval --policy`: the connection src -> dst, egress on the sender and ingress on the receiver. */
function evalPolicies(ctx: CliContext, argv: Args): void {
  if (argv.src === undefined || argv.dst === undefined) throw new UsageError('--src and --dst are required (ns/pod, a VM name, or an IP)');
  const loaded = loadPolicies(argv.policy ?? [], argv.inventory ?? []);
  if (argv['store-inventory']) {
    const db = open(argv.db, true);
    try {
      const fromStore = inventoryFromStore(db);
      loaded.inventory = mergeInventory(loaded.inventory, fromStore.inventory);
      for (const n of fromStore.notes) ctx.io.err(`note: ${n}\n`);
    } finally {
      db.close();
    }
  }
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const shown = loaded.diagnostics.filter((d) => d.severity !== 'info');
  if (shown.length) ctx.io.err(renderDiagnostics(shown, loaded.sources));
  if (errors.length) {
    ctx.exitCode = EXIT.usage;
    return;
  }
  const proto = protocolNumber(argv.proto);
  const name = ({ 6: 'TCP', 17: 'UDP', 132: 'SCTP', 1: 'ICMP', 58: 'ICMP' } as Record<number, string>)[proto];
  const port = intOption('dport', argv.dport, 65535);
  const sport = intOption('sport', argv.sport, 65535);
  const icmpType = intOption('icmp-type', argv['icmp-type'], 255);
  const icmpCode = intOption('icmp-code', argv['icmp-code'], 255);
  const d = evaluatePolicyConnection(loaded, argv.src, argv.dst, {
    protocol: name ?? proto,
    ...(port !== undefined ? { port } : {}),
    ...(sport !== undefined ? { srcPort: sport } : {}),
    ...(icmpType !== undefined ? { icmpType } : {}),
    ...(icmpCode !== undefined ? { icmpCode } : {}),
  });
  ctx.io.out(renderConnection(d, asOutputFormat(argv.format), { src: argv.src, dst: argv.dst, protocol: name ?? proto, port: port ?? null }));
}
