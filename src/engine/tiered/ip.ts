/**
 * Minimal exact IPv4/IPv6 address and CIDR handling for peer matching (ipBlock, node IPs).
 * Addresses are BigInts tagged with their family; only compile time and bare-IP remotes use it.
 */

/** A parsed address. */
export interface IpAddr {
  family: 4 | 6;
  value: bigint;
}

/** A parsed CIDR block: the network (host bits cleared) and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

/** Parse an IPv4 or IPv6 address; null when it is not one. */
export function parseIp(text: string): IpAddr | null {
  const s = text.trim();
  if (s.includes(':')) return parseIp6(s);
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return { family: 4, value: v };
}

function parseIp6(s: string): IpAddr | null {
  let text = s;
  let tail: bigint[] = [];
  // embedded IPv4 (::ffff:1.2.3.4)
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIp(maybeV4);
    if (!v4 || v4.family !== 4) return null;
    tail = [v4.value >> 16n, v4.value & 0xffffn];
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): bigint[] | null => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(BigInt(parseInt(g, 16)));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  let groups: bigint[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 0) return null;
    groups = [...head, ...new Array<bigint>(fill).fill(0n), ...rest];
  } else groups = head;
  if (groups.length !== 8) return null;
  if (tail.length === 2) {
    groups[6] = tail[0] ?? 0n;
    groups[7] = tail[1] ?? 0n;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | g;
  return { family: 6, value: v };
}

/** Parse `a.b.c.d/n` (or a bare address = host route). */
export function parseCidr(text: string): Cidr | null {
  const [addr, len] = text.split('/');
  const ip = parseIp(addr ?? '');
  if (!ip) return null;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = len === undefined ? bits : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return null;
  const hostBits = BigInt(bits - prefix);
  const base = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, base, prefix };
}

/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: IpAddr): boolean {
  if (cidr.family !== ip.family) return false;
  const hostBits = BigInt((ip.family === 4 ? 32 : 128) - cidr.prefix);
  return (ip.value >> hostBits) << hostBits === cidr.base;
}
