/**
 * Splitting a whole-store replay across workers without changing a single outcome.
 *
 * What couples events in the stateful replay (engine/replay.ts): a filter's state (connection
 * table, rule hits) is keyed by its hash alone, and a REJECT's response is injected into the
 * filter that owns the sender's address on the same host (dfw-stateful.md step 11). So the
 * events of one host depend on each other, and two hosts depend on each other when a filter
 * hash is logged on both. The unit a worker can replay alone is therefore a connected set of
 * hosts (hosts joined by a shared filter hash); a worker replays its units' hosts in the global
 * host order, so each host's stream is what the sequential replay reads.
 */

import type { HostFilterLoad } from '../store/events-repo.js';

/** NSX DFW events per (host, filter), in the engine's host order (NULL first, bytes): AnalyticsEngine.hostFilterLoads. */
export type { HostFilterLoad };

export interface HostPartition {
  /** hosts of this partition, in the global order */
  hosts: (string | null)[];
  events: number;
}

/**
 * At most `parts` partitions of whole host groups, balanced by events (largest group first into
 * the lightest partition). Host ranks (positions in the global order) come from `loads`' order.
 */
export function partitionHosts(loads: readonly HostFilterLoad[], parts: number): { partitions: HostPartition[]; rank: Map<string | null, number> } {
  const rank = new Map<string | null, number>();
  for (const l of loads) if (!rank.has(l.host)) rank.set(l.host, rank.size);
  // union-find over hosts: a filter hash logged on two hosts joins them
  const parent = new Map<string | null, string | null>();
  const find = (h: string | null): string | null => {
    let r = h;
    while (parent.get(r) !== r) r = parent.get(r) as string | null;
    parent.set(h, r);
    return r;
  };
  for (const h of rank.keys()) parent.set(h, h);
  const hostOfFilter = new Map<string, string | null>();
  for (const l of loads) {
    if (l.filterHash === null) continue;
    const other = hostOfFilter.get(l.filterHash);
    if (other === undefined) hostOfFilter.set(l.filterHash, l.host);
    else if (other !== l.host) {
      const a = find(other);
      const b = find(l.host);
      if (a !== b) parent.set(b, a);
    }
  }
  const groups = new Map<string | null, HostPartition>();
  for (const l of loads) {
    const root = find(l.host);
    let g = groups.get(root);
    if (g === undefined) groups.set(root, (g = { hosts: [], events: 0 }));
    if (!g.hosts.includes(l.host)) g.hosts.push(l.host);
    g.events += l.events;
  }
  const bins: HostPartition[] = Array.from({ length: Math.max(1, Math.min(parts, groups.size)) }, () => ({ hosts: [], events: 0 }));
  for (const g of [...groups.values()].sort((a, b) => b.events - a.events || (rank.get(a.hosts[0] ?? null) ?? 0) - (rank.get(b.hosts[0] ?? null) ?? 0))) {
    const bin = bins.reduce((m, x) => (x.events < m.events ? x : m));
    bin.hosts.push(...g.hosts);
    bin.events += g.events;
  }
  for (const b of bins) b.hosts.sort((x, y) => (rank.get(x) ?? 0) - (rank.get(y) ?? 0));
  return { partitions: bins.filter((b) => b.hosts.length > 0), rank };
}
