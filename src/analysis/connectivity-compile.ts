import { DiagnosticCode, type Diagnostic } from '../model/diagnostics.js';
import { nsxCategoryTiers, type Tier } from '../model/policy.js';
import { Bitset } from '../engine/tiered/bitset.js';
import { jsonDiagnostic } from '../policy/nsx-fields.js';
import type { JsonAt, NsxExpr, NsxGroup, NsxIntent, NsxPolicy, NsxRule, NsxServiceEntry, NsxVm } from '../policy/nsx-intent.js';
import { blockName, externalBlocks, FULL_RANGE, isFull, parseAddrRef, rangeWithin, type Range4 } from './connectivity-addr.js';
import {
  allConn,
  connUnion,
  EMPTY_CONN,
  ICMP_CODES,
  ICMP_TYPES,
  ivl,
  ivlIntersect,
  ivlOf,
  PORTS,
  set2,
  type ConnSet,
} from './connectivity-set.js';

/**
 * NsxIntent -> the compiled form the symbolic walk (connectivity.ts) evaluates: endpoints
 * (VMs, then external address blocks), every rule in evaluation order per direction with its
 * peer bitset, the VMs it is applied to and its connection set, and per VM the rules applied
 * to it. Two semantics (`Semantics`):
 *
 * - `nsx` (default): what NSX enforces. Order by policy then rule `sequence_number` (array
 *   position as tiebreak); disabled rules skipped; REJECT kept distinct; `ANY` and exclusion
 *   include external addresses; groups without collected members evaluated from their
 *   expression; ALG, IP-protocol, IGMP, nested and ICMPv6 services honoured; JUMP_TO_APPLICATION
 *   resumes at Application; the empty category after Application; VMs in no group stay.
 * - `nsxanalyzer`: np-guard nsxanalyzer's reading (cases README "What nsxanalyzer implements"),
 *   for users who need its exact answer: array order, disabled ignored, ANY = grouped VMs only,
 *   realized members only, L4 + ICMPv4 services only, VMs in no group dropped.
 */

export type Semantics = 'nsx' | 'nsxanalyzer';
export type Direction = 'ingress' | 'egress';

/** An endpoint: a VM, or an external IPv4 block that appears in rules. */
export interface IntentEndpoint {
  index: number;
  kind: 'vm' | 'external';
  /** VM display name, or the block's nsxanalyzer name (`1.2.0.0/24`, `0.0.3.0-255.255.255.255`) */
  name: string;
  vm: NsxVm | null;
  block: Range4 | null;
}

/** One rule in one direction. `rule` null = a policy's default rule (connectivity_preference). */
export interface IntentRule {
  seq: number;
  /** position of the rule in the evaluation order of all rules (shared by its two directions) */
  order: number;
  direction: Direction;
  /** index into CompiledIntent.categories */
  categoryOrder: number;
  category: Tier;
  policy: NsxPolicy;
  rule: NsxRule | null;
  /** rule_id when given, else the rule's name */
  label: string;
  ruleId: number | null;
  action: NsxRule['action'];
  /** the far side: sources (ingress) or destinations (egress) */
  peers: Bitset;
  /** VMs the rule is evaluated on in this direction (dst ∩ scope / src ∩ scope) */
  applied: Bitset;
  /** the near side before the scope: destinations (ingress) or sources (egress) */
  local: Bitset;
  conn: ConnSet;
  at: JsonAt;
}

export interface CompiledIntent {
  semantics: Semantics;
  universe: ConnSet;
  categories: Tier[];
  /** category order where JUMP_TO_APPLICATION resumes, per category order */
  jumpResume: number[];
  endpoints: IntentEndpoint[];
  /** endpoints 0 .. vmCount-1 are VMs */
  vmCount: number;
  /** VMs taking part (nsxanalyzer drops VMs in no group) */
  analysed: Bitset;
  byName: Map<string, number>;
  rules: Record<Direction, IntentRule[]>;
  /** per direction, per VM: seqs of the rules applied to it, ascending */
  applicable: Record<Direction, Int32Array[]>;
  diagnostics: Diagnostic[];
}

interface Resolved {
  vms: Bitset;
  blocks: Range4[];
}

const DIRS: Direction[] = ['ingress', 'egress'];

/** Ports of an entry list as an Ivl; empty list = every port (README item 9). */
function portSet(ps: [number, number][]): number[] {
  return ps.length === 0 ? [...PORTS] : [...ivlIntersect(ivlOf(ps.flat()), PORTS)];
}

/** UDP ALGs; every other ALG (FTP, MS_RPC_TCP, ORACLE_TNS, SUN_RPC_TCP) runs over TCP. */
const UDP_ALGS = new Set(['TFTP', 'SUN_RPC_UDP']);

export function compileIntent(intent: NsxIntent, semantics: Semantics = 'nsx'): CompiledIntent {
  const nsx = semantics === 'nsx';
  const diagnostics: Diagnostic[] = [];
  const warn = (at: JsonAt, msg: string, code: Diagnostic['code'] = DiagnosticCode.PolicyUnknownReference, sev: Diagnostic['severity'] = 'warning') =>
    diagnostics.push(jsonDiagnostic(code, sev, at.file, at.path, msg));

  // 1. VMs and what they own: IPv4 addresses, segments (subnets).
  const vms = intent.vms;
  const nVm = vms.length;
  const vmIndex = new Map(vms.map((v, i) => [v.id, i]));
  const segByPath = new Map(intent.segments.map((s) => [s.path, s]));
  const vmV4: number[][] = vms.map((v) => v.vnics.flatMap((n) => n.ips).map((ip) => parseAddrRef(ip)).flatMap((r) => (r && r.family === 4 ? [r.range[0]] : [])));
  const vmFirstIp: (string | null)[] = vms.map((v) => v.vnics[0]?.ips[0] ?? null);
  const vmSubnets: Range4[][] = vms.map((v) =>
    v.vnics.flatMap((n) => (n.segment ? (segByPath.get(n.segment)?.subnets ?? []) : [])).flatMap((s) => {
      const r = parseAddrRef(s);
      return r && r.family === 4 ? [r.range] : [];
    }),
  );
  const internal: Range4[] = [...vmV4.flat().map((a): Range4 => [a, a]), ...vmSubnets.flat()];
  for (const s of intent.segments) for (const sub of s.subnets) {
    const r = parseAddrRef(sub);
    if (r && r.family === 4) internal.push(r.range);
  }

  /** Is VM i inside an address block (README item 7)? */
  const vmInBlock = (i: number, b: Range4): boolean => {
    const addrs = vmV4[i] ?? [];
    if (addrs.some((a) => a >= b[0] && a <= b[1])) return true;
    // NSX: a VM with addresses is matched by them only; without one, its segment's subnet is
    // where it lives. nsxanalyzer also counts the segment for addressed VMs.
    if (nsx && addrs.length > 0) return false;
    if ((vmSubnets[i] ?? []).some((s) => rangeWithin(s, b))) return true;
    return addrs.length === 0 && (vmSubnets[i] ?? []).length === 0 && isFull(b);
  };

  // 2. Groups: realized members, else (NSX) the expression.
  const groupByPath = new Map(intent.groups.map((g) => [g.path, g]));
  const groupMemo = new Map<string, Resolved>();
  const newBits = () => new Bitset(nVm);
  const evalExpr = (list: NsxExpr[], depth: number): Resolved => {
    let acc: Resolved | null = null;
    let op: 'AND' | 'OR' = 'OR';
    for (const e of list) {
      if (e.kind === 'conjunction') {
        op = e.op;
        continue;
      }
      const r = evalOperand(e, depth);
      if (acc === null) acc = r;
      else if (op === 'AND') acc = { vms: and(acc.vms, r.vms), blocks: acc.blocks.length && r.blocks.length ? intersectRanges(acc.blocks, r.blocks) : [] };
      else acc = { vms: or(acc.vms, r.vms), blocks: [...acc.blocks, ...r.blocks] };
    }
    return acc ?? { vms: newBits(), blocks: [] };
  };
  const evalOperand = (e: Exclude<NsxExpr, { kind: 'conjunction' }>, depth: number): Resolved => {
    const out: Resolved = { vms: newBits(), blocks: [] };
    switch (e.kind) {
      case 'condition': {
        const test = conditionTest(e);
        if (!test || e.memberType !== 'VirtualMachine') {
          warn(e.at, `condition ${e.memberType} ${e.key} ${e.operator} is not evaluated (matches nothing)`, DiagnosticCode.PolicyUnsupportedField);
          break;
        }
        vms.forEach((v, i) => test(v) && out.vms.add(i));
        break;
      }
      case 'nested':
        return evalExpr(e.expressions, depth);
      case 'ip':
        for (const a of e.addresses) {
          const r = parseAddrRef(a);
          if (r && r.family === 4) out.blocks.push(r.range);
        }
        break;
      case 'external-id':
        for (const id of e.ids) {
          const i = vmIndex.get(id);
          if (i !== undefined) out.vms.add(i);
        }
        break;
      case 'path':
        for (const p of e.paths) {
          const g = groupByPath.get(p);
          if (g) {
            if (depth < 8) merge(out, resolveGroup(g, depth + 1));
            continue;
          }
          const seg = segByPath.get(p);
          if (seg) {
            vms.forEach((v, i) => v.vnics.some((n) => n.segment === p) && out.vms.add(i));
            continue;
          }
          warn(e.at, `path '${p}' is no group or segment of the export (matches nothing)`);
        }
        break;
      case 'unsupported':
        break;
      default:
        assertNever(e);
    }
    return out;
  };
  const resolveGroup = (g: NsxGroup, depth = 0): Resolved => {
    const cached = groupMemo.get(g.path);
    if (cached) return cached;
    const out: Resolved = { vms: newBits(), blocks: [] };
    groupMemo.set(g.path, out); // cycle guard: a group reached again adds nothing
    if (g.members) {
      const m = g.members;
      for (const id of [...m.vms, ...m.vifOwners]) {
        const i = vmIndex.get(id);
        if (i !== undefined) out.vms.add(i);
      }
      const ipBlocks = m.ips.map((a) => parseAddrRef(a)).flatMap((r) => (r && r.family === 4 ? [r.range] : []));
      if (nsx) {
        out.blocks.push(...ipBlocks);
        for (const s of m.segments) vms.forEach((v, i) => v.vnics.some((n) => n.segment === s) && out.vms.add(i));
      } else {
        // nsxanalyzer: a VM whose first address string equals an ips member; IPAddress groups'
        // addresses are blocks (nsx-policy-json.md §5 item 2)
        for (const ip of m.ips) vmFirstIp.forEach((f, i) => f === ip && out.vms.add(i));
        if (g.ipAddressType) out.blocks.push(...ipBlocks);
      }
      if (nsx && g.expression.length > 0 && depth === 0) {
        const fromExpr = evalExpr(g.expression, depth + 1);
        if (!sameBits(fromExpr.vms, out.vms) && fromExpr.vms.words.some((w) => w !== 0)) {
          warn(g.at, `group '${g.name}': its expression selects other VMs than the collected members (the members are used)`, DiagnosticCode.Unverified, 'info');
        }
      }
    } else if (nsx) {
      merge(out, evalExpr(g.expression, depth));
    }
    return out;
  };

  // 3. VMs in the analysis: nsxanalyzer drops VMs that no group holds.
  const analysed = newBits();
  if (nsx) for (let i = 0; i < nVm; i++) analysed.add(i);
  else for (const g of intent.groups) analysed.or(resolveGroup(g).vms);

  // 4. Rules in evaluation order, their references still as text.
  const tiers = nsxCategoryTiers();
  const categories = nsx ? tiers.filter((t) => t.name !== 'Ethernet') : tiers.filter((t) => ['Emergency', 'Infrastructure', 'Environment', 'Application'].includes(t.name));
  const catOrder = new Map(categories.map((t, i) => [t.name, i]));
  const seqKey = (n: number | null) => (n === null ? Number.POSITIVE_INFINITY : n);
  const policies = [...intent.policies].filter((p) => {
    const cat = p.category ?? (nsx ? 'Default' : null);
    if (cat === 'Ethernet') {
      warn(p.at, `Ethernet (layer 2) policy '${p.name}' is not part of the layer-3 evaluation`, DiagnosticCode.PolicyUnsupportedField, 'info');
      return false;
    }
    if (cat === null || !catOrder.has(cat)) {
      warn(p.at, `policy '${p.name}' with category '${p.categoryText}' is dropped (nsxanalyzer evaluates the four layer-3 categories only)`, DiagnosticCode.PolicyUnsupportedField, 'info');
      return false;
    }
    return true;
  });
  const orderOf = (p: NsxPolicy) => catOrder.get(p.category ?? 'Default') ?? 0;
  if (nsx) policies.sort((a, b) => orderOf(a) - orderOf(b) || seqKey(a.sequenceNumber) - seqKey(b.sequenceNumber) || a.index - b.index);
  else policies.sort((a, b) => orderOf(a) - orderOf(b) || a.index - b.index);

  // 5. External endpoints from every address block a rule or IPAddress group names.
  const blocksOfRef = (ref: string): Range4[] | null => {
    if (ref.toUpperCase() === 'ANY') return nsx ? [FULL_RANGE] : [];
    const g = groupByPath.get(ref);
    if (g) return resolveGroup(g).blocks;
    const r = parseAddrRef(ref);
    if (r && r.family === 4) return [r.range];
    return r ? [] : null;
  };
  const allBlocks: Range4[] = [];
  const ruleList: { p: NsxPolicy; r: NsxRule }[] = [];
  for (const p of policies) {
    const rules = [...p.rules];
    if (nsx) rules.sort((a, b) => seqKey(a.sequenceNumber) - seqKey(b.sequenceNumber) || a.index - b.index);
    for (const r of rules) {
      if (nsx && r.disabled) {
        warn(r.at, `rule ${r.ruleId ?? r.name} is disabled: not enforced`, DiagnosticCode.Unverified, 'info');
        continue;
      }
      ruleList.push({ p, r });
      for (const [refs, excluded] of [
        [r.sources, r.sourcesExcluded],
        [r.destinations, r.destinationsExcluded],
      ] as const) {
        for (const ref of refs) allBlocks.push(...(blocksOfRef(ref) ?? []));
        // NSX: "NOT these groups" also holds every address outside them
        if (excluded && nsx) allBlocks.push(FULL_RANGE);
      }
    }
  }
  const ext = externalBlocks(allBlocks, internal);
  const endpoints: IntentEndpoint[] = vms.map((v, i) => ({ index: i, kind: 'vm', name: v.name, vm: v, block: null }));
  for (const b of ext) endpoints.push({ index: endpoints.length, kind: 'external', name: blockName(b), vm: null, block: b });
  const n = endpoints.length;
  const byName = new Map<string, number>();
  for (const e of endpoints) if (!byName.has(e.name)) byName.set(e.name, e.index);

  // 6. Reference lists -> endpoint bitsets.
  const refMemo = new Map<string, Bitset>();
  const resolveRef = (ref: string, at: JsonAt, vmOnly: boolean): Bitset => {
    const key = `${vmOnly ? 's' : 'p'}|${ref}`;
    const hit = refMemo.get(key);
    if (hit) return hit;
    const out = new Bitset(n);
    if (ref.toUpperCase() === 'ANY') {
      for (const i of analysed) out.add(i);
      if (nsx && !vmOnly) for (let i = nVm; i < n; i++) out.add(i);
    } else {
      let blocks: Range4[] = [];
      const g = groupByPath.get(ref);
      if (g) {
        const r = resolveGroup(g);
        for (const i of r.vms) out.add(i);
        blocks = r.blocks;
      } else {
        const a = parseAddrRef(ref);
        if (a === null) warn(at, `'${ref}' is no group path of the export and no IP address, CIDR or range (matches nothing)`);
        else if (a.family === 4) blocks = [a.range];
      }
      for (const b of blocks) {
        for (let i = 0; i < nVm; i++) if (vmInBlock(i, b)) out.add(i);
        if (!vmOnly) for (let i = nVm; i < n; i++) if (rangeWithin(endpoints[i]?.block ?? [1, 0], b)) out.add(i);
      }
    }
    // only analysed VMs take part
    for (let i = 0; i < nVm; i++) if (!analysed.has(i) && out.has(i)) out.words[i >>> 5] = (out.words[i >>> 5] ?? 0) & ~(1 << (i & 31));
    refMemo.set(key, out);
    return out;
  };
  const resolveRefs = (refs: string[], excluded: boolean, at: JsonAt): Bitset => {
    const out = new Bitset(n);
    for (const ref of refs) {
      // nsxanalyzer ignores literal addresses in an excluded list (README item 8)
      if (excluded && !nsx && !groupByPath.has(ref) && ref.toUpperCase() !== 'ANY') continue;
      out.or(resolveRef(ref, at, false));
    }
    if (refs.length === 0) for (const i of resolveRef('ANY', at, false)) out.add(i);
    if (!excluded) return out;
    const inv = new Bitset(n);
    for (let i = 0; i < n; i++) {
      if (out.has(i)) continue;
      if (i < nVm ? analysed.has(i) : nsx) inv.add(i);
    }
    return inv;
  };
  const scopeBits = (scope: string[], at: JsonAt): Bitset => {
    const out = new Bitset(n);
    if (scope.length === 0 || scope.some((s) => s.toUpperCase() === 'ANY')) {
      for (const i of analysed) out.add(i);
      return out;
    }
    for (const s of scope) out.or(resolveRef(s, at, true));
    return out;
  };

  // 7. Services -> connection sets.
  const serviceByPath = new Map(intent.services.map((s) => [s.path, s]));
  const entryConn = (e: NsxServiceEntry, depth: number): ConnSet => {
    switch (e.kind) {
      case 'l4': {
        const s = set2(portSet(e.srcPorts), portSet(e.dstPorts));
        return e.protocol === 'TCP' ? { ...EMPTY_CONN, tcp: s } : { ...EMPTY_CONN, udp: s };
      }
      case 'icmp': {
        if (e.version === 6 && !nsx) return EMPTY_CONN; // nsxanalyzer: IPv4 only
        const types = e.type === null ? ICMP_TYPES : ivlIntersect(ivl(e.type, e.type), ICMP_TYPES);
        const codes = e.code === null ? ICMP_CODES : ivl(e.code, e.code);
        const s = set2(types, codes);
        return e.version === 6 ? { ...EMPTY_CONN, icmp6: s } : { ...EMPTY_CONN, icmp: s };
      }
      case 'ip-protocol': {
        if (!nsx) return EMPTY_CONN;
        const all = allConn('nsx');
        switch (e.protocol) {
          case 6:
            return { ...EMPTY_CONN, tcp: all.tcp };
          case 17:
            return { ...EMPTY_CONN, udp: all.udp };
          case 1:
            return { ...EMPTY_CONN, icmp: all.icmp };
          case 58:
            return { ...EMPTY_CONN, icmp6: all.icmp6 };
          default:
            return { ...EMPTY_CONN, proto: ivl(e.protocol, e.protocol) };
        }
      }
      case 'alg': {
        if (!nsx) return EMPTY_CONN;
        // the control connection; the ALG then admits the data channel it negotiates
        const s = set2(portSet(e.srcPorts), portSet(e.dstPorts));
        return UDP_ALGS.has(e.alg.toUpperCase()) ? { ...EMPTY_CONN, udp: s } : { ...EMPTY_CONN, tcp: s };
      }
      case 'igmp':
        return nsx ? { ...EMPTY_CONN, proto: ivl(2, 2) } : EMPTY_CONN;
      case 'nested': {
        if (!nsx) return EMPTY_CONN;
        const s = serviceByPath.get(e.path);
        if (!s || depth > 8) {
          warn(e.at, `nested service '${e.path}' is not in the export (matches nothing)`);
          return EMPTY_CONN;
        }
        return s.entries.reduce((acc, x) => connUnion(acc, entryConn(x, depth + 1)), EMPTY_CONN);
      }
      case 'ether':
        return EMPTY_CONN; // layer 2: never an IP connection
      default:
        return assertNever(e);
    }
  };
  const universe = allConn(nsx ? 'nsx' : 'nsxanalyzer');
  const ruleConn = (r: NsxRule): ConnSet => {
    const paths = r.services.filter((s) => s.toUpperCase() !== 'ANY');
    if (paths.length === 0 && r.serviceEntries.length === 0) return universe;
    let c = EMPTY_CONN;
    for (const p of paths) {
      const s = serviceByPath.get(p);
      if (!s) {
        warn(r.at, `service '${p}' is not in the export (give the services catalog as another --policy file); it matches nothing`);
        continue;
      }
      for (const e of s.entries) c = connUnion(c, entryConn(e, 0));
    }
    for (const e of r.serviceEntries) c = connUnion(c, entryConn(e, 0));
    return c;
  };

  // 8. Compiled rules per direction (IN: on dst ∩ scope, peers = sources; OUT: on src ∩ scope).
  const rules: Record<Direction, IntentRule[]> = { ingress: [], egress: [] };
  let order = 0;
  const push = (p: NsxPolicy, r: NsxRule | null, fields: { action: NsxRule['action']; direction: NsxRule['direction']; src: Bitset; dst: Bitset; scope: Bitset; conn: ConnSet; ruleId: number | null; label: string; at: JsonAt }) => {
    const catIndex = orderOf(p);
    const category = categories[catIndex];
    if (!category) return;
    const at = order++;
    for (const d of DIRS) {
      if (d === 'ingress' && fields.direction === 'OUT') continue;
      if (d === 'egress' && fields.direction === 'IN') continue;
      const local = d === 'ingress' ? fields.dst : fields.src;
      rules[d].push({
        seq: rules[d].length,
        order: at,
        direction: d,
        categoryOrder: catIndex,
        category,
        policy: p,
        rule: r,
        label: fields.label,
        ruleId: fields.ruleId,
        action: fields.action,
        peers: d === 'ingress' ? fields.src : fields.dst,
        applied: and(local, fields.scope),
        local,
        conn: fields.conn,
        at: fields.at,
      });
    }
  };
  let lastPolicy: NsxPolicy | null = null;
  const closePolicy = (p: NsxPolicy | null) => {
    if (!p?.defaultRule) return;
    // the policy's default rule: any-any over the policy scope, after its rules (§5 item 9)
    const all = resolveRefs([], false, p.at);
    push(p, null, {
      action: p.defaultRule.action,
      direction: 'IN_OUT',
      src: all,
      dst: all,
      scope: scopeBits(p.scope, p.at),
      conn: universe,
      ruleId: p.defaultRule.ruleId,
      label: p.defaultRule.ruleId !== null ? String(p.defaultRule.ruleId) : `${p.name}/default`,
      at: p.at,
    });
  };
  for (const { p, r } of ruleList) {
    if (p !== lastPolicy) {
      closePolicy(lastPolicy);
      lastPolicy = p;
    }
    if (nsx && r.ipProtocol === 'IPV6') {
      warn(r.at, `rule ${r.ruleId ?? r.name} is IPv6 only: no IPv4 connection matches it`, DiagnosticCode.Unverified, 'info');
      continue;
    }
    // a policy scope other than ANY replaces the rule scope (NSX: the policy Applied-To wins)
    const policyScoped = p.scope.length > 0 && !p.scope.some((s) => s.toUpperCase() === 'ANY');
    push(p, r, {
      action: r.action,
      direction: r.direction,
      src: resolveRefs(r.sources, r.sourcesExcluded, r.at),
      dst: resolveRefs(r.destinations, r.destinationsExcluded, r.at),
      scope: scopeBits(policyScoped ? p.scope : r.scope, r.at),
      conn: ruleConn(r),
      ruleId: r.ruleId,
      label: r.ruleId !== null ? String(r.ruleId) : r.name,
      at: r.at,
    });
  }
  closePolicy(lastPolicy);

  // 9. Per-VM applicable lists.
  const applicable = { ingress: [] as Int32Array[], egress: [] as Int32Array[] };
  for (const d of DIRS) {
    const lists: number[][] = Array.from({ length: nVm }, () => []);
    for (const r of rules[d]) for (const i of r.applied) if (i < nVm) lists[i]?.push(r.seq);
    applicable[d] = lists.map((l) => Int32Array.from(l));
  }
  // 10. Where a jump resumes: Application (NSX, [doc] InlineNsxRule1); the next category (nsxanalyzer).
  const app = catOrder.get('Application') ?? categories.length;
  const jumpResume = categories.map((_, i) => (nsx && i < app ? app : i + 1));

  return { semantics, universe, categories, jumpResume, endpoints, vmCount: nVm, analysed, byName, rules, applicable, diagnostics };
}

function conditionTest(e: Extract<NsxExpr, { kind: 'condition' }>): ((vm: NsxVm) => boolean) | null {
  // "Evaluation of the condition expression will be case insensitive" ([doc] NsxCondition)
  const op = e.operator.toUpperCase();
  const cmp = (have: string, want: string): boolean => {
    const h = have.toLowerCase();
    const w = want.toLowerCase();
    switch (op) {
      case 'EQUALS':
      case 'NOTEQUALS':
        return h === w;
      case 'CONTAINS':
        return h.includes(w);
      case 'STARTSWITH':
        return h.startsWith(w);
      case 'ENDSWITH':
        return h.endsWith(w);
      default:
        return false;
    }
  };
  if (!['EQUALS', 'NOTEQUALS', 'CONTAINS', 'STARTSWITH', 'ENDSWITH'].includes(op)) return null;
  const negate = op === 'NOTEQUALS';
  switch (e.key) {
    case 'Tag': {
      // `scope|tag`; an empty side matches any value; no `|` = the tag in any scope
      const bar = e.value.indexOf('|');
      const scope = bar >= 0 ? e.value.slice(0, bar) : '';
      const tag = bar >= 0 ? e.value.slice(bar + 1) : e.value;
      return (vm) => {
        const has = vm.tags.some((t) => (scope === '' || t.scope.toLowerCase() === scope.toLowerCase()) && (tag === '' || cmp(t.tag, tag)));
        return negate ? !has : has;
      };
    }
    case 'Name':
      return (vm) => (negate ? !cmp(vm.name, e.value) : cmp(vm.name, e.value));
    default:
      return null;
  }
}

function and(a: Bitset, b: Bitset): Bitset {
  const out = new Bitset(a.size);
  for (let w = 0; w < out.words.length; w++) out.words[w] = (a.words[w] ?? 0) & (b.words[w] ?? 0);
  return out;
}
function or(a: Bitset, b: Bitset): Bitset {
  const out = new Bitset(a.size);
  for (let w = 0; w < out.words.length; w++) out.words[w] = (a.words[w] ?? 0) | (b.words[w] ?? 0);
  return out;
}
function sameBits(a: Bitset, b: Bitset): boolean {
  for (let w = 0; w < a.words.length; w++) if (a.words[w] !== b.words[w]) return false;
  return true;
}
function merge(into: Resolved, from: Resolved): void {
  into.vms.or(from.vms);
  into.blocks.push(...from.blocks);
}
function intersectRanges(a: Range4[], b: Range4[]): Range4[] {
  const out: Range4[] = [];
  for (const x of a) for (const y of b) {
    const lo = Math.max(x[0], y[0]);
    const hi = Math.min(x[1], y[1]);
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}
function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
