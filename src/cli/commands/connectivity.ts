import type { CommandModule } from 'yargs';
import { loadIntent } from '../../analysis/connectivity-load.js';
import { connectivityMap } from '../../analysis/connectivity-map.js';
import { CONNECTIVITY_FORMATS, ConnectivityWriter, type ConnectivityFormat } from '../../report/connectivity.js';
import { renderDiagnostics } from '../../report/diagnostics.js';
import { renderIntentFlow } from '../../report/connectivity.js';
import { evaluateIntentFlow, resolveIntentEndpoint } from '../../analysis/connectivity-flow.js';
import { connIntersect, EMPTY_CONN, ICMP_CODES, ICMP_TYPES, PORTS, set2, type ConnSet } from '../../analysis/connectivity-set.js';
import { protocolNumber } from '../flow-args.js';
import { intOption } from '../options.js';
import { EXIT, UsageError, type CliContext } from '../io.js';

interface Args {
  policy: string[];
  format: string;
  compat?: string;
}

export function connectivityCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'connectivity',
    describe: 'Permitted connections between every pair of VMs (and external blocks) under an NSX Manager policy export, computed symbolically',
    builder: (y) =>
      y
        .option('policy', { type: 'string', array: true, demandOption: true, describe: 'NSX Policy API JSON files (nsxanalyzer resources container, Infra hierarchy, list responses, services catalog)' })
        .option('format', { type: 'string', choices: CONNECTIVITY_FORMATS as unknown as string[], default: 'table', describe: 'output format; nsxanalyzer = exactly `nsxanalyzer analyze -o txt`' })
        .option('compat', { type: 'string', choices: ['nsxanalyzer'], describe: "evaluate as np-guard nsxanalyzer does where it differs from NSX (ANY = VMs only, array order, disabled rules kept, ...)" }) as never,
    handler: (argv) => {
      const semantics = argv.compat === 'nsxanalyzer' ? 'nsxanalyzer' : 'nsx';
      const loaded = loadIntent(argv.policy, semantics);
      const writer = new ConnectivityWriter(argv.format as ConnectivityFormat, semantics);
      const run = connectivityMap(loaded.compiled, (r) => writer.add(r));
      const diagnostics = [...loaded.diagnostics, ...run.diagnostics];
      const shown = diagnostics.filter((d) => d.severity !== 'info');
      if (shown.length) ctx.io.err(renderDiagnostics(shown));
      if (diagnostics.some((d) => d.severity === 'error')) {
        ctx.exitCode = EXIT.usage;
        return;
      }
      writer.end((t) => ctx.io.out(t));
    },
  };
}

/** The flow options `eval` and `explain` take, as far as an intent flow needs them. */
export interface IntentFlowArgs {
  policy?: string[];
  format: string;
  compat?: string;
  src?: string;
  dst?: string;
  proto?: string;
  dport?: string;
  sport?: string;
  'icmp-type'?: string;
  'icmp-code'?: string;
}

/**
 * `eval --policy EXPORT` / `explain --policy EXPORT`: one flow between two endpoints of an NSX
 * export, OUT on the sender and IN on the receiver. Without --dport (or --icmp-type) the flow
 * is every port of the protocol, evaluated as one set.
 */
export function intentFlow(ctx: CliContext, argv: IntentFlowArgs, explain: boolean): void {
  if (argv.src === undefined || argv.dst === undefined) throw new UsageError('--src and --dst are required (a VM name or id, or an IP address)');
  const semantics = argv.compat === 'nsxanalyzer' ? 'nsxanalyzer' : 'nsx';
  const loaded = loadIntent(argv.policy ?? [], semantics);
  const shown = loaded.diagnostics.filter((d) => d.severity !== 'info');
  if (shown.length) ctx.io.err(renderDiagnostics(shown));
  if (loaded.diagnostics.some((d) => d.severity === 'error')) {
    ctx.exitCode = EXIT.usage;
    return;
  }
  const c = loaded.compiled;
  const src = resolveIntentEndpoint(c, argv.src);
  const dst = resolveIntentEndpoint(c, argv.dst);
  if (src === null) throw new UsageError(`--src '${argv.src}' is no VM of the export and no address in a rule's blocks`);
  if (dst === null) throw new UsageError(`--dst '${argv.dst}' is no VM of the export and no address in a rule's blocks`);
  if (src >= c.vmCount && dst >= c.vmCount) throw new UsageError('--src and --dst are both external addresses: no DFW filter sees the flow');
  const format = argv.format === 'csv' || argv.format === 'json' ? argv.format : 'table';
  ctx.io.out(renderIntentFlow(evaluateIntentFlow(c, src, dst, connIntersect(flowSet(argv, c.universe), c.universe)), format, semantics, explain));
}

function flowSet(a: IntentFlowArgs, universe: ConnSet): ConnSet {
  const proto = protocolNumber(a.proto ?? 'tcp');
  const one = (name: string, v: string | undefined, max: number, all: readonly number[]): number[] => {
    const n = intOption(name, v, max);
    return n === undefined ? [...all] : [n, n];
  };
  switch (proto) {
    case 6:
    case 17: {
      const s = set2(one('sport', a.sport, 65535, PORTS), one('dport', a.dport, 65535, PORTS));
      return proto === 6 ? { ...EMPTY_CONN, tcp: s } : { ...EMPTY_CONN, udp: s };
    }
    case 1:
    case 58: {
      if (a.dport !== undefined || a.sport !== undefined) throw new UsageError('--sport/--dport apply to tcp and udp only');
      const s = set2(one('icmp-type', a['icmp-type'], 254, ICMP_TYPES), one('icmp-code', a['icmp-code'], 255, ICMP_CODES));
      return proto === 1 ? { ...EMPTY_CONN, icmp: s } : { ...EMPTY_CONN, icmp6: s };
    }
    default:
      if (a.dport !== undefined || a.sport !== undefined) throw new UsageError('--sport/--dport apply to tcp and udp only');
      return connIntersect({ ...EMPTY_CONN, proto: [proto, proto] }, universe);
  }
}
