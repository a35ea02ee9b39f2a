/**
 * Protocol names as printed by `vsipioctl getrules` and `dfwpktlog`, mapped to IANA numbers.
 * Names from vsipioctl.md §4.2 (seen and secondary forms); numbers from the IANA registry.
 */
const PROTO_BY_NAME: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  'ipv6-crypt': 50,
  esp: 50,
  'ipv6-auth': 51,
  ah: 51,
  'ipv6-icmp': 58,
  icmp6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  pim: 103,
  vrrp: 112,
  sctp: 132,
};

/** Sentinel for `protocol any` (and `protocol ip`, see protocolNumber). */
export const PROTO_ANY = -1;

/**
 * IANA number for a protocol token (`tcp`, `17`, `ipv6-icmp`), PROTO_ANY for `any`, or null
 * when the name is not known. `ip` is read as "any IP protocol" (protocol 0 is the IP
 * pseudo-protocol in /etc/protocols); no capture shows it, so this is lenient [inferred].
 */
export function protocolNumber(name: string): number | null {
  const n = name.trim().toLowerCase();
  if (n === 'any' || n === 'ip') return PROTO_ANY;
  if (/^\d{1,3}$/.test(n)) {
    const v = Number(n);
    return v <= 255 ? v : null;
  }
  return PROTO_BY_NAME[n] ?? null;
}

/** Protocols whose packets carry ports. */
export function hasPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132;
}

/** Short upper-case name for walkthrough lines (`TCP`, `UDP`, `PROTO 47`). */
export function protocolLabel(proto: number): string {
  switch (proto) {
    case 1:
      return 'ICMP';
    case 6:
      return 'TCP';
    case 17:
      return 'UDP';
    case 58:
      return 'ICMPv6';
    case 132:
      return 'SCTP';
    default:
      return `PROTO ${proto}`;
  }
}

/**
 * ICMP error message types (they quote another packet). pf never answers an ICMP error
 * with another one (dfw-stateful.md §4.1, S17b). IPv4: 3, 4, 5, 11, 12; ICMPv6: types < 128.
 */
export function isIcmpError(proto: number, type: number | null): boolean {
  if (type === null) return false;
  if (proto === 1) return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
  if (proto === 58) return type < 128;
  return false;
}
