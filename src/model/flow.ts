/** IANA protocol numbers dfwsim names. */
export const IpProto = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, 'ipv6-icmp': 58, sctp: 132 } as const;

/**
 * One packet to evaluate, as a filter sees it. Direction is not part of the flow: it is
 * relative to a filter (`IN` = toward the VM, `OUT` = from it) and passed to the engine.
 */
export interface Flow {
  af: 'inet' | 'inet6';
  /** IANA protocol number (6 tcp, 17 udp, 1 icmp, 58 ipv6-icmp) */
  protocol: number;
  src: string;
  dst: string;
  srcPort: number | null;
  dstPort: number | null;
  /** TCP flags in pf letters (`S`, `SA`, `A`, `R`, `FA`); null = unknown */
  tcpFlags: string | null;
  icmpType: number | null;
  icmpCode: number | null;
}
