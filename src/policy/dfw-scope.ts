/**
 * What a parsed `.dfw` document's names stand for, seen from the realized (per-filter) side:
 * which declared filters a policy's applied-to covers, and which addresses an `addrset NAME`
 * holds. The tiered model answers the same questions per endpoint; here they are answered per
 * filter, the way NSX programs a vNIC (vsipioctl.md §4.7, §5).
 */
import type { Group, Peer, Policy } from '../model/policy.js';
import type { AddrSetEntry } from '../model/rule.js';
import type { DfwFilter, DfwPolicyDocument, DfwRuleStatement } from '../parse/policy-visitor.js';
import { formatIpv4, ipv4RangeBlocks, parseIpEntry, type IpRange } from '../net/ip.js';

/** Filter ids of the document, or every filter (`any`). */
export type FilterScope = ReadonlySet<string> | 'all';

/** An addrset's members: known entries, or why they cannot be known (the engine then says `unknown`). */
export type AddrsetContent = { kind: 'known'; entries: AddrSetEntry[] } | { kind: 'unknown'; reason: string };

/** Groups nest; a cycle (already reported by the parser) is cut at this depth. */
const MAX_DEPTH = 8;

export class DfwScope {
  private readonly groups: Map<string, Group>;
  private readonly labelsById: Map<string, Record<string, string>>;

  constructor(private readonly doc: DfwPolicyDocument) {
    this.groups = new Map(doc.policySet.groups.map((g) => [g.name, g]));
    this.labelsById = new Map(doc.inventory.vms.map((v) => [v.name, v.labels]));
  }

  get filters(): readonly DfwFilter[] {
    return this.doc.filters;
  }

  isGroup(name: string): boolean {
    return this.groups.has(name);
  }

  /**
   * The filters a policy is applied to. Applied-to selects by membership, never by address (NSX
   * refuses IP-only groups there; the parser warns). An empty list means every written target was
   * unknown (already reported): the policy then applies to no filter, never to all of them.
   */
  appliedTo(policy: Policy): FilterScope {
    return this.peersScope(policy.appliedTo, 0);
  }

  private peersScope(peers: readonly Peer[], depth: number): FilterScope {
    const out = new Set<string>();
    for (const p of peers) {
      const s = this.peerScope(p, depth);
      if (s === 'all') return 'all';
      for (const id of s) out.add(id);
    }
    return out;
  }

  private peerScope(p: Peer, depth: number): FilterScope {
    switch (p.kind) {
      case 'any':
        return 'all';
      case 'vms':
        return new Set(this.doc.filters.filter((f) => matches(p.selector.matchLabels, this.labelsById.get(f.id) ?? {})).map((f) => f.id));
      case 'group': {
        const g = this.groups.get(p.name);
        if (g === undefined || depth > MAX_DEPTH) return new Set();
        return this.peersScope(g.members, depth + 1);
      }
      default:
        // addresses, pods, nodes, service accounts and unmodelled peers select no filter
        return new Set();
    }
  }

  /**
   * The members of `addrset NAME`: a group's addresses (member filters contribute their declared
   * `ip`s), or a filter / VM / hash named directly. Unknown when a member filter declares no
   * address or the name resolves to nothing: the engine reports `unknown`, never a guess.
   */
  addrset(name: string): AddrsetContent {
    const g = this.groups.get(name);
    if (g !== undefined) return this.groupContent(g, 0);
    const filters = this.doc.filters.filter((f) => f.id === name || f.vmName === name || f.hash === name);
    if (filters.length === 0) return { kind: 'unknown', reason: `no group, filter, VM or hash is named '${name}'` };
    return filterAddresses(filters);
  }

  private groupContent(g: Group, depth: number): AddrsetContent {
    if (depth > MAX_DEPTH) return { kind: 'unknown', reason: `group '${g.name}' nests too deep (a cycle?)` };
    const entries: AddrSetEntry[] = [];
    for (const m of g.members) {
      let part: AddrsetContent;
      switch (m.kind) {
        case 'ip-block':
          part = blockEntries(m.block.cidr, m.block.except);
          break;
        case 'vms': {
          const hit = this.doc.filters.filter((f) => matches(m.selector.matchLabels, this.labelsById.get(f.id) ?? {}));
          part = filterAddresses(hit);
          break;
        }
        case 'group': {
          const child = this.groups.get(m.name);
          part = child === undefined ? { kind: 'unknown', reason: `group '${m.name}' is not declared` } : this.groupContent(child, depth + 1);
          break;
        }
        default:
          part = { kind: 'unknown', reason: `a member of group '${g.name}' has no addresses dfwsim can know (${m.kind})` };
      }
      if (part.kind === 'unknown') return { kind: 'unknown', reason: `group '${g.name}': ${part.reason}` };
      entries.push(...part.entries);
    }
    return { kind: 'known', entries: dedupe(entries) };
  }
}

/**
 * The policy a statement belongs to: the policy whose block contains it. (Statements of a policy
 * the parser dropped, e.g. a duplicate name or an unknown tier, belong to none.)
 */
export function policyOfStatement(policies: readonly Policy[], stmt: DfwRuleStatement): Policy | null {
  const s = stmt.span;
  return policies.find((p) => p.span.file === s.file && s.offset >= p.span.offset && s.offset < p.span.offset + p.span.length) ?? null;
}

function matches(want: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

function filterAddresses(filters: readonly DfwFilter[]): AddrsetContent {
  const entries: AddrSetEntry[] = [];
  for (const f of filters) {
    if (f.ips.length === 0) return { kind: 'unknown', reason: `filter '${f.id}' declares no ip` };
    for (const ip of f.ips) entries.push({ kind: 'ip', value: ip });
  }
  return { kind: 'known', entries: dedupe(entries) };
}

/** A CIDR minus its `except` addresses, as the fewest CIDRs (IPv4; IPv6 exceptions are not supported). */
function blockEntries(cidr: string, except: readonly string[]): AddrsetContent {
  if (except.length === 0) return { kind: 'known', entries: [{ kind: 'ip', value: cidr }] };
  const base = parseIpEntry(cidr);
  const holes = except.map(parseIpEntry);
  if (base === null || base.af !== 4 || holes.some((h) => h === null || h.af !== 4)) {
    return { kind: 'unknown', reason: `'${cidr} except ...' needs IPv4 addresses` };
  }
  let parts: { lo: number; hi: number }[] = [{ lo: base.lo, hi: base.hi }];
  for (const h of holes as (IpRange & { af: 4 })[]) {
    parts = parts.flatMap((p) => {
      if (h.hi < p.lo || h.lo > p.hi) return [p];
      const out: { lo: number; hi: number }[] = [];
      if (h.lo > p.lo) out.push({ lo: p.lo, hi: h.lo - 1 });
      if (h.hi < p.hi) out.push({ lo: h.hi + 1, hi: p.hi });
      return out;
    });
  }
  return { kind: 'known', entries: parts.flatMap((p) => rangeToCidrs(p.lo, p.hi)).map((value) => ({ kind: 'ip', value })) };
}

/** The fewest CIDRs covering [lo, hi] exactly; a single address prints without `/32`, as getaddrsets does. */
function rangeToCidrs(lo: number, hi: number): string[] {
  return ipv4RangeBlocks(lo, hi).map((b) => (b.len === 32 ? formatIpv4(b.base) : `${formatIpv4(b.base)}/${b.len}`));
}

function dedupe(entries: AddrSetEntry[]): AddrSetEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const k = `${e.kind}:${e.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
