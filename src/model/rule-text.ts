import type { Endpoint, PortRange } from './rule.js';

/** Renders an endpoint the way getrules prints it (`any`, `addrset X`, `not ip A`; vsipioctl.md §4.2). */
export function endpointText(e: Endpoint): string {
  switch (e.kind) {
    case 'any':
      return 'any';
    case 'addrset':
      return `addrset ${e.name}`;
    case 'inline':
      return `addrset {${e.entries.join(', ')}}`;
    case 'ip':
      return `ip ${e.value}`;
    case 'not':
      return `not ${endpointText(e.of)}`;
  }
}

/** Ports the way getrules prints them: `80`, `49152-65535`, `{67, 68}`. */
export function portsText(p: readonly PortRange[]): string {
  const one = (r: PortRange) => (r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`);
  return p.length === 1 && p[0] ? one(p[0]) : `{${p.map(one).join(', ')}}`;
}
