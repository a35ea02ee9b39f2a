import type { Argv } from 'yargs';
import type { Flow } from '../model/flow.js';
import { PROTO_ANY, protocolNumber as engineProtocolNumber } from '../net/protocols.js';
import { UsageError } from './io.js';
import { intOption } from './options.js';

/** The flow options shared by `eval` (and later `explain`/`whatif`). */
export function withFlow<T>(y: Argv<T>) {
  return y
    .option('proto', { type: 'string', default: 'tcp', describe: 'tcp | udp | icmp | ipv6-icmp | sctp | protocol number' })
    .option('src', { type: 'string', describe: 'source address (or ns/pod with --policy)' })
    .option('sport', { type: 'string', describe: 'source port' })
    .option('dst', { type: 'string', describe: 'destination address (or ns/pod with --policy)' })
    .option('dport', { type: 'string', describe: 'destination port' })
    .option('flags', { type: 'string', describe: 'TCP flags in pf letters: S (initial SYN), SA, A, R, FA' })
    .option('icmp-type', { type: 'string', describe: 'ICMP type' })
    .option('icmp-code', { type: 'string', describe: 'ICMP code' });
}

export interface FlowArgs {
  proto: string;
  src?: string;
  sport?: string;
  dst?: string;
  dport?: string;
  flags?: string;
  'icmp-type'?: string;
  'icmp-code'?: string;
}

/** A protocol name or number for one packet (`any` is a rule match, not a packet's protocol). */
export function protocolNumber(p: string): number {
  const n = engineProtocolNumber(p);
  if (n === null || n === PROTO_ANY) throw new UsageError(`--proto: unknown protocol '${p}' (a name such as tcp, udp, icmp, or a number 0-255)`);
  return n;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

/** Builds a Flow from the options, validating addresses, ports and flags (exit 2 on bad input). */
export function flowFromArgs(a: FlowArgs, requireAddresses = true): Flow {
  const protocol = protocolNumber(a.proto);
  const addr = (name: 'src' | 'dst'): string => {
    const v = a[name];
    if (v === undefined) {
      if (requireAddresses) throw new UsageError(`--${name} is required`);
      return '';
    }
    if (!IPV4.test(v) && !(v.includes(':') && IPV6.test(v))) throw new UsageError(`--${name} is not an IP address: '${v}'`);
    return v;
  };
  const src = addr('src');
  const dst = addr('dst');
  if (src && dst && src.includes(':') !== dst.includes(':')) throw new UsageError('--src and --dst must be of the same address family');
  const ported = protocol === 6 || protocol === 17 || protocol === 132;
  if (!ported && (a.sport !== undefined || a.dport !== undefined)) throw new UsageError(`--sport/--dport apply to tcp, udp and sctp only`);
  if (protocol !== 6 && a.flags !== undefined) throw new UsageError('--flags applies to tcp only');
  if (a.flags !== undefined && !/^[FSRPAUEW]+$/.test(a.flags)) throw new UsageError(`--flags takes pf letters F S R P A U E W, got '${a.flags}'`);
  const icmp = protocol === 1 || protocol === 58;
  if (!icmp && (a['icmp-type'] !== undefined || a['icmp-code'] !== undefined)) throw new UsageError('--icmp-type/--icmp-code apply to icmp only');
  return {
    af: src.includes(':') ? 'inet6' : 'inet',
    protocol,
    src,
    dst,
    srcPort: ported ? (intOption('sport', a.sport, 65535) ?? null) : null,
    dstPort: ported ? (intOption('dport', a.dport, 65535) ?? null) : null,
    tcpFlags: protocol === 6 ? (a.flags ?? null) : null,
    icmpType: icmp ? (intOption('icmp-type', a['icmp-type'], 255) ?? null) : null,
    icmpCode: icmp ? (intOption('icmp-code', a['icmp-code'], 255) ?? null) : null,
  };
}
