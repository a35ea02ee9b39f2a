import type { AnalyticsEngine } from '../store/analytics.js';
import type { Db } from '../store/open.js';
import { addressClaims, bothDirectionsInFilters, declaredAddresses, type AddressClaim } from '../store/ownership-repo.js';

/** Which filter (vNIC) owns which address: from a declared inventory, or inferred from the logs. */
export interface Ownership {
  /** the filter hash that owns `ip` on `host` (host null = any host), or null when unknown or ambiguous */
  ownerOf(host: string | null, ip: string): string | null;
  /** does this filter own `ip`? */
  owns(filterHash: string, ip: string): boolean;
  /** where a filter's ownership comes from: declared inventory, inferred from the logs, or nothing */
  basis(filterHash: string): 'inventory' | 'inferred' | 'none';
  /** the addresses a filter owns (sorted) */
  addressesOf(filterHash: string): string[];
}

/** Multicast and limited broadcast reach many vNICs by design: nobody owns them. */
export function isGroupAddress(ip: string): boolean {
  if (ip.includes(':')) return /^ff/i.test(ip);
  const first = Number(ip.split('.')[0]);
  return ip === '255.255.255.255' || (first >= 224 && first <= 239);
}

/** IPv4 ending in .255: the directed broadcast of every subnet from /24 to /30 whose upper half it is (masks are not in the inventory). */
export function mayBeDirectedBroadcast(ip: string): boolean {
  return !ip.includes(':') && ip.endsWith('.255');
}

/**
 * Ownership of addresses per host. Declared addresses (filters.ips_json, `.dfw` `filter ... ip`
 * passed in `extra`) win. Otherwise it is inferred from the logs:
 * 1. a filter owns the source addresses of its OUT records (a VM sends from its own address);
 * 2. a filter that never receives both directions of a connection IN (not an observer) also
 *    owns the destination of its IN records when no filter claims that address by rule 1 and
 *    no other filter by rule 2: a server logs mostly IN first packets, since the DFW logs only
 *    the first packet of a session (dfw-stateful.md);
 *    or, when several filters receive it, the one of them that sends from no address of its own
 *    (never an IPv4 .255 address, which may be a directed broadcast every vNIC receives);
 * 3. an address two filters claim at the same strength has no owner (ambiguous, not guessed).
 */
export function loadOwnership(db: Db, extra: OwnershipExtra = {}): Ownership {
  return ownershipFrom(declaredAddresses(db), extra, bothDirectionsInFilters(db), addressClaims(db));
}

/** The same, with the event-side queries answered by an analytics engine (the catalogue stays in `db`). */
export async function loadOwnershipVia(engine: AnalyticsEngine, db: Db, extra: OwnershipExtra = {}): Promise<Ownership> {
  return ownershipFrom(declaredAddresses(db), extra, await engine.bothDirectionsInFilters(), await engine.addressClaims());
}

export interface OwnershipExtra {
  filters?: { hash: string; ips: string[] }[];
}

function ownershipFrom(
  declaredRows: readonly { filterHash: string; ips: string[] }[],
  extra: OwnershipExtra,
  bothDirectionsIn: readonly string[],
  claims: readonly AddressClaim[],
): Ownership {
  const declared = new Map<string, Set<string>>();
  const declare = (hash: string, ips: readonly string[]) => {
    let s = declared.get(hash);
    if (s === undefined) declared.set(hash, (s = new Set()));
    for (const ip of ips) s.add(ip);
  };
  for (const d of declaredRows) declare(d.filterHash, d.ips);
  for (const f of extra.filters ?? []) declare(f.hash, f.ips);
  const declaredOwner = new Map<string, string | null>();
  for (const [hash, ips] of declared) for (const ip of ips) declaredOwner.set(ip, declaredOwner.has(ip) && declaredOwner.get(ip) !== hash ? null : hash);

  const observers = new Set(bothDirectionsIn);
  // per host|ip: the filters claiming it by OUT source, and by IN destination (non-observers)
  const strong = new Map<string, Set<string>>();
  const weak = new Map<string, Set<string>>();
  for (const c of claims) {
    if (isGroupAddress(c.ip)) continue;
    // receiving for x.x.x.255 is what every vNIC does with a directed broadcast: no evidence of owning it
    const into = c.via === 'out-src' ? strong : observers.has(c.filterHash) || mayBeDirectedBroadcast(c.ip) ? null : weak;
    if (into === null) continue;
    const k = `${c.host}|${c.ip}`;
    let s = into.get(k);
    if (s === undefined) into.set(k, (s = new Set()));
    s.add(c.filterHash);
  }
  const senders = new Set<string>();
  for (const s of strong.values()) for (const h of s) senders.add(h);
  const owner = new Map<string, string>();
  const anyHost = new Map<string, string | null>();
  const owned = new Map<string, Set<string>>();
  const setOwner = (k: string, hash: string) => {
    owner.set(k, hash);
    const ip = k.slice(k.indexOf('|') + 1);
    anyHost.set(ip, anyHost.has(ip) && anyHost.get(ip) !== hash ? null : hash);
    let s = owned.get(hash);
    if (s === undefined) owned.set(hash, (s = new Set()));
    s.add(ip);
  };
  for (const k of new Set([...strong.keys(), ...weak.keys()])) {
    const ip = k.slice(k.indexOf('|') + 1);
    if (declaredOwner.has(ip)) continue;
    const s = strong.get(k);
    const w = weak.get(k);
    if (s !== undefined && s.size > 0) {
      if (s.size === 1) setOwner(k, [...s][0] as string);
    } else if (w !== undefined) {
      // several receivers: one that never sends from an address of its own is the server; the
      // others own the addresses they send from and only see this one
      const candidates = w.size === 1 ? [...w] : [...w].filter((h) => !senders.has(h));
      if (candidates.length === 1) setOwner(k, candidates[0] as string);
    }
  }
  for (const [hash, ips] of declared) for (const ip of ips) if (declaredOwner.get(ip) === hash) {
    let s = owned.get(hash);
    if (s === undefined) owned.set(hash, (s = new Set()));
    s.add(ip);
  }
  return {
    ownerOf(host, ip) {
      const d = declaredOwner.get(ip);
      if (d !== undefined) return d;
      if (host === null) return anyHost.get(ip) ?? null;
      return owner.get(`${host}|${ip}`) ?? null;
    },
    owns(hash, ip) {
      return owned.get(hash)?.has(ip) ?? false;
    },
    basis(hash) {
      return declared.has(hash) ? 'inventory' : owned.has(hash) ? 'inferred' : 'none';
    },
    addressesOf(hash) {
      return [...(owned.get(hash) ?? [])].sort();
    },
  };
}
