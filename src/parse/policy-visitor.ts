/**
 * `.dfw` policy files -> the shared tiered policy model (src/model/policy.ts).
 *
 * 1. Each file is lexed and parsed with grammar/policy (error recovery on: one bad rule costs only
 *    that rule). Lexer and parser errors become diagnostics in plain words (policy-diagnostics.ts).
 * 2. Declarations of all files given together are collected first, so names may be used before they
 *    are declared, and an overlay file can add `exclude f5-bigip-01` to a base file.
 * 3. Names are resolved and checked (unknown group / tier / filter, duplicate names and hashes, port
 *    and priority ranges, bad addresses), each problem a coded Diagnostic with its span.
 * 4. NSX rule statements are projected onto the endpoint-centric model (see {@link projectRule}).
 *
 * Never throws on bad input.
 */
import { Lexer, type CstNode, type IToken, type TokenType } from 'chevrotain';
import { PolicyParser } from '../../grammar/policy/parser.js';
import { policyTokens } from '../../grammar/policy/tokens.js';
import type {
  ActionCstNode,
  EndpointCstNode,
  FilterDeclCstNode,
  GroupDeclCstNode,
  IpEntryCstNode,
  IpValueCstNode,
  LabelMapCstNode,
  LabelWordCstNode,
  NumberValueCstNode,
  ObjectRefCstNode,
  PolicyDeclCstNode,
  PolicyFileCstNode,
  RuleStatementCstNode,
  TargetCstNode,
  TierDeclCstNode,
  WordCstNode,
} from '../../grammar/policy/generated/policy.js';
import { DiagnosticCode, type Diagnostic, type ParseResult, type Severity } from '../model/diagnostics.js';
import {
  antreaBuiltinTiers,
  nsxCategoryTiers,
  type Group,
  type Inventory,
  type LabelSelector,
  type Peer,
  type Policy,
  type PolicyRule,
  type PolicySet,
  type PortSpec,
  type RuleAction,
  type Tier,
  type VmInfo,
} from '../model/policy.js';
import type { PortRange, RealizedAction } from '../model/rule.js';
import type { SourceSpan } from '../model/source-span.js';
import { formatIpv4, ipv4RangeBlocks, parseIp, parseIpEntry, type IpAddr, type IpRange } from '../net/ip.js';
import { protocolNumber } from '../net/protocols.js';
import { ruleStatementFields, type RuleStatementFields } from './getrules-visitor.js';
import { lexDiagnostics, parseErrorDiagnostic, structuredErrors } from './policy-diagnostics.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** Which built-in tier family a policy set uses (DESIGN.md §5 "Tiers"). */
export type TierFamily = 'nsx' | 'antrea';

/**
 * Label keys dfwsim puts on every filter's VmInfo so that a policy can select one filter, one VM or
 * one hash with an ordinary `vms` label selector (the model has no "this VM" peer). Like Antrea's
 * internal `internal.antrea.io/service-account` label, they never come from user input.
 */
export const FilterLabel = {
  /** the filter id of the `filter` declaration */
  filter: 'dfwsim.io/filter',
  /** the `vm` name (all vNIC filters of one VM share it) */
  vm: 'dfwsim.io/vm',
  /** the filter hash as written */
  hash: 'dfwsim.io/filter-hash',
} as const;

/** A `filter` declaration: one vNIC filter (or endpoint) policies are applied to. */
export interface DfwFilter {
  /** the declared id (`f5-bigip-01-eth1`); the endpoint key (`VmInfo.name`) */
  id: string;
  /** NSX-V decimal or NSX-T 8-hex hash, as written */
  hash: string | null;
  /** `nic-11251234-eth1-vmware-sfw.2` */
  filterName: string | null;
  vmName: string | null;
  ips: string[];
  /** user labels (without the {@link FilterLabel} keys) */
  labels: Record<string, string>;
  span: SourceSpan;
}

/** One `exclude` entry and the filters it takes off the DFW. */
export interface DfwExclusion {
  ref: string;
  /** filter ids (a VM name excludes all its filters) */
  filters: string[];
  span: SourceSpan;
}

/**
 * One rule statement as written, with everything the tiered model cannot hold (`strict`,
 * `stateless`, `inet`/`inet6`, `as <alg>`, `at N`, extensions, src+dst together): an NSX-faithful
 * consumer reads these; the tiered engine reads `rules`.
 */
export interface DfwRuleStatement {
  /** the policy's name */
  policy: string;
  /** 0-based position in the policy block (the rule priority, `PolicyRule.index`) */
  index: number;
  /**
   * the same fields `parseGetrules` gives for this line (position = `at N` or null); `action` is
   * the realized verb (`allow` reads as `accept`) or `pass`, which has no realized form
   */
  fields: DfwStatementFields;
  /** the policy-level action (`accept` is `allow`); null for `punt`, which the model lacks */
  action: RuleAction | null;
  /**
   * the PolicyRules this statement became (one per direction, see projectRule); empty when left
   * out (`punt`) or when it cannot decide IP traffic (an L2 `ethertype` rule that accepts)
   */
  rules: PolicyRule[];
  span: SourceSpan;
  /** the statement as written, blanks collapsed */
  text: string;
}

/** {@link RuleStatementFields} with the policy-only action `pass`. */
export type DfwStatementFields = Omit<RuleStatementFields, 'action'> & { action: RealizedAction | 'pass' };

/** Everything a set of `.dfw` files says. */
export interface DfwPolicyDocument {
  family: TierFamily;
  /** tiers (built-in family + custom), policies (kind `nsx`), groups; `diagnostics` = all of this load */
  policySet: PolicySet;
  /** one VmInfo per `filter` (name = filter id), labels include {@link FilterLabel} keys */
  inventory: Inventory;
  filters: DfwFilter[];
  /** filter ids on the exclusion list (no DFW at all: never evaluated, never logged) */
  excluded: string[];
  exclusions: DfwExclusion[];
  statements: DfwRuleStatement[];
}

/** One input of {@link parsePolicyFiles}. */
export interface PolicySource {
  text: string;
  /** path as it should appear in diagnostics (relative to the working directory) */
  file: string;
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

// Built once per process: chevrotain lexers and parsers are costly to build and cheap to reuse.
const lexer = new Lexer(policyTokens, { positionTracking: 'full', ensureOptimizations: true });
const parser = new PolicyParser({ errorMessageProvider: structuredErrors });
const vocabulary = new Map<string, TokenType>(policyTokens.map((t) => [t.name, t]));

/** Parses one `.dfw` file. Same as {@link parsePolicyFiles} with one source. */
export function parsePolicyFile(text: string, file: string): ParseResult<DfwPolicyDocument> {
  return parsePolicyFiles([{ text, file }]);
}

/**
 * Parses several `.dfw` files as one policy set: declarations are shared (a group of the first file
 * can be used by the second), tiers come from one family, and the diagnostics of all files are
 * returned together. Never throws on bad input.
 */
export function parsePolicyFiles(sources: readonly PolicySource[]): ParseResult<DfwPolicyDocument> {
  const diagnostics: Diagnostic[] = [];
  const units: Unit[] = [];
  for (const s of sources) {
    const lexed = lexer.tokenize(s.text);
    diagnostics.push(...lexDiagnostics(lexed.errors, s.text, s.file));
    parser.input = lexed.tokens;
    const cst = parser.policyFile() as PolicyFileCstNode;
    const seen = new Set<number>();
    for (const err of parser.errors) {
      // Recovery can report the same place twice (a mismatch, then a re-sync): keep the first.
      const at = Number.isNaN(err.token.startOffset) ? -1 : err.token.startOffset;
      if (seen.has(at)) continue;
      seen.add(at);
      diagnostics.push(parseErrorDiagnostic(err, lexed.tokens, vocabulary, s.text, s.file));
    }
    units.push({ ...s, cst, lineStarts: lineStarts(s.text) });
  }
  const value = new Resolver(units, diagnostics).run();
  return { value, diagnostics };
}

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

interface Unit extends PolicySource {
  cst: PolicyFileCstNode;
  /** offsets of line starts, for offset -> line:col of statement issues */
  lineStarts: number[];
}

interface Located<T> {
  unit: Unit;
  node: T;
}

/** Tier names that exist in one family only: they decide the family when no `model` header does. */
const NSX_ONLY = new Set(['ethernet', 'infrastructure', 'environment', 'default']);
const ANTREA_ONLY = new Set(['securityops', 'networkops', 'platform', 'baseline']);

/** Custom Antrea tier priorities that are taken or reserved (antrea.md §1.2). */
const RESERVED_TIER_PRIORITIES = new Set([50, 100, 150, 200, 220, 250, 251, 252, 253, 254, 255]);

/** Ethertypes whose frames carry IPv4 or IPv6 (`any`, 0x0800, 0x86dd, by name or number). */
const L2_CARRIES_IP = new Set(['any', '0x0800', '0x86dd', '2048', '34525', 'ipv4', 'ipv6', 'ip']);

const ALL = 'all' as const;
type FilterSet = Set<string> | typeof ALL;

class Resolver {
  private readonly filters: DfwFilter[] = [];
  private readonly filterById = new Map<string, DfwFilter>();
  private readonly groupDecls = new Map<string, Located<GroupDeclCstNode>>();
  private readonly groups = new Map<string, Group>();
  private readonly tiers: Tier[] = [];
  private family: TierFamily = 'nsx';
  private familySource: string | null = null;

  constructor(
    private readonly units: Unit[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  run(): DfwPolicyDocument {
    const decls = this.collect();
    this.decideFamily(decls);
    this.buildTiers(decls.tiers);
    for (const f of decls.filters) this.addFilter(f);
    for (const [name, g] of this.groupDecls) this.groups.set(name, this.buildGroup(name, g));
    this.checkGroupCycles();
    const statements: DfwRuleStatement[] = [];
    const policies: Policy[] = [];
    const policyNames = new Map<string, SourceSpan>();
    const nameSpans = new Map<Policy, SourceSpan>();
    decls.policies.forEach((p, ordinal) => {
      const policy = this.buildPolicy(p, ordinal, statements);
      if (policy === null) return;
      const nameNode = p.node.children.policyName?.[0];
      const nameSpan = nameNode ? nodeSpan(p.unit, nameNode) : policy.span;
      const prev = policyNames.get(policy.name);
      if (prev) {
        this.report('error', DiagnosticCode.PolicyDuplicateName, nameSpan, `policy '${policy.name}' is already declared at ${where(prev)}`);
        return;
      }
      policyNames.set(policy.name, nameSpan);
      nameSpans.set(policy, nameSpan);
      policies.push(policy);
    });
    this.checkPriorities(policies, nameSpans);
    const exclusions = decls.excludes.flatMap((e) => this.buildExclusions(e));
    const excluded = [...new Set(exclusions.flatMap((e) => e.filters))];
    return {
      family: this.family,
      policySet: { tiers: this.tiers, policies, groups: [...this.groups.values()], diagnostics: this.diagnostics },
      inventory: { namespaces: [], pods: [], nodes: [], vms: this.filters.map(vmInfo) },
      filters: this.filters,
      excluded,
      exclusions,
      statements,
    };
  }

  // ---- 1. collect ----

  private collect() {
    const out = {
      models: [] as Located<IToken>[],
      tiers: [] as Located<TierDeclCstNode>[],
      filters: [] as Located<FilterDeclCstNode>[],
      excludes: [] as Located<ObjectRefCstNode[]>[],
      policies: [] as Located<PolicyDeclCstNode>[],
    };
    for (const unit of this.units) {
      for (const st of unit.cst.children.statement ?? []) {
        const c = st.children;
        const model = c.modelDecl?.[0]?.children.family?.[0];
        if (model) out.models.push({ unit, node: model });
        if (c.tierDecl?.[0]) out.tiers.push({ unit, node: c.tierDecl[0] });
        if (c.filterDecl?.[0]) out.filters.push({ unit, node: c.filterDecl[0] });
        if (c.excludeDecl?.[0]) out.excludes.push({ unit, node: c.excludeDecl[0].children.objectRef ?? [] });
        if (c.policyDecl?.[0]) out.policies.push({ unit, node: c.policyDecl[0] });
        const g = c.groupDecl?.[0];
        const gname = g?.children.groupName?.[0];
        if (g && gname && !isVirtual(gname)) {
          const prev = this.groupDecls.get(gname.image);
          if (prev) {
            this.report('error', DiagnosticCode.PolicyDuplicateName, tokSpan(unit, gname),
              `group '${gname.image}' is already declared at ${where(nodeSpan(prev.unit, prev.node))}`);
          } else {
            this.groupDecls.set(gname.image, { unit, node: g });
          }
        }
      }
    }
    return out;
  }

  // ---- 2. tier family ----

  private decideFamily(decls: ReturnType<Resolver['collect']>): void {
    for (const m of decls.models) {
      const fam = m.node.image.toLowerCase();
      if (fam !== 'nsx' && fam !== 'antrea') {
        this.report('error', DiagnosticCode.PolicyInvalid, tokSpan(m.unit, m.node), `unknown model '${m.node.image}': use 'model nsx' or 'model antrea'`);
        continue;
      }
      if (this.familySource !== null && fam !== this.family) {
        this.report('error', DiagnosticCode.PolicyTierFamily, tokSpan(m.unit, m.node),
          `'model ${fam}' conflicts with 'model ${this.family}' (${this.familySource})`);
        continue;
      }
      this.family = fam;
      this.familySource ??= `${where(tokSpan(m.unit, m.node))}`;
    }
    if (this.familySource !== null) return;
    // No header: the first tier name that exists in one family only decides; custom tiers are Antrea's.
    const first = decls.tiers[0];
    if (first) {
      this.family = 'antrea';
      this.familySource = `custom tier at ${where(nodeSpan(first.unit, first.node))}`;
      return;
    }
    for (const p of decls.policies) {
      for (const a of p.node.children.policyAttr ?? []) {
        const t = a.children.tierName?.[0];
        if (!t) continue;
        const lower = t.image.toLowerCase();
        if (NSX_ONLY.has(lower) || ANTREA_ONLY.has(lower)) {
          this.family = NSX_ONLY.has(lower) ? 'nsx' : 'antrea';
          this.familySource = `tier '${t.image}' at ${where(tokSpan(p.unit, t))}`;
          return;
        }
      }
    }
  }

  // ---- 3. tiers ----

  private buildTiers(decls: Located<TierDeclCstNode>[]): void {
    this.tiers.push(...(this.family === 'nsx' ? nsxCategoryTiers() : antreaBuiltinTiers()));
    for (const { unit, node } of decls) {
      const nameTok = node.children.tierName?.[0];
      const num = node.children.numberValue?.[0];
      if (!nameTok || isVirtual(nameTok) || !num) continue;
      const span = nodeSpan(unit, node);
      if (this.family === 'nsx') {
        this.report('error', DiagnosticCode.PolicyTierFamily, span,
          `custom tiers exist only in the Antrea model, and this file uses NSX categories (${this.familySource ?? 'the default'}); add 'model antrea'`);
        continue;
      }
      const clash = this.tiers.find((t) => t.name.toLowerCase() === nameTok.image.toLowerCase() || t.label.toLowerCase() === nameTok.image.toLowerCase());
      if (clash) {
        this.report('error', DiagnosticCode.PolicyDuplicateName, tokSpan(unit, nameTok),
          clash.span ? `tier '${nameTok.image}' is already declared at ${where(clash.span)}` : `tier '${nameTok.image}' is a built-in tier`);
        continue;
      }
      const { value, token } = this.number(unit, num);
      if (!Number.isInteger(value) || value < 0 || value > 249 || RESERVED_TIER_PRIORITIES.has(value)) {
        this.report('error', DiagnosticCode.PolicyOutOfRange, tokSpan(unit, token),
          `tier priority ${token.image} is not allowed: custom tiers take an integer 0-249 other than 50, 100, 150, 200 and 220`);
        continue;
      }
      const taken = this.tiers.find((t) => t.priority === value);
      if (taken) {
        this.report('error', DiagnosticCode.PolicyDuplicatePriority, tokSpan(unit, token),
          `tier priority ${value} is already taken by tier '${taken.label}'`);
        continue;
      }
      this.tiers.push({ name: nameTok.image, label: nameTok.image, priority: value, kind: 'antrea-custom', stage: 'tiered', passTarget: false, span });
    }
  }

  /** A tier reference -> the Tier, or null with a diagnostic. Built-in names are case-insensitive. */
  private resolveTier(unit: Unit, tok: IToken): Tier | null {
    const lower = tok.image.toLowerCase();
    const referable = this.tiers.filter((t) => t.kind !== 'implicit');
    const hit = referable.find((t) => t.name.toLowerCase() === lower || t.label.toLowerCase() === lower);
    if (hit) return hit;
    const other = this.family === 'nsx' ? ANTREA_ONLY.has(lower) : NSX_ONLY.has(lower);
    if (other) {
      this.report('error', DiagnosticCode.PolicyTierFamily, tokSpan(unit, tok),
        `tier '${tok.image}' is ${this.family === 'nsx' ? 'an Antrea tier' : 'an NSX category'}, but this file uses ${this.family === 'nsx' ? 'NSX categories' : 'Antrea tiers'} (${this.familySource ?? 'the default'})`);
      return null;
    }
    const labels = referable.map((t) => t.label);
    const hint = didYouMean(tok.image, labels);
    this.report('error', DiagnosticCode.PolicyUnknownTier, tokSpan(unit, tok),
      `unknown tier '${tok.image}'${hint || ` (known: ${labels.join(', ')})`}`);
    return null;
  }

  // ---- 4. filters ----

  private addFilter({ unit, node }: Located<FilterDeclCstNode>): void {
    const idNode = node.children.filterId?.[0];
    const id = idNode ? wordText(idNode) : null;
    if (id === null || idNode === undefined) return;
    const span = nodeSpan(unit, node);
    const f: DfwFilter = { id, hash: null, filterName: null, vmName: null, ips: [], labels: {}, span };
    for (const attr of node.children.filterAttr ?? []) {
      const a = attr.children;
      if (a.hash?.[0]) {
        const h = this.refText(unit, a.hash[0]);
        const dup = h === null ? undefined : this.filters.find((x) => x.hash === h);
        if (dup) {
          this.report('error', DiagnosticCode.PolicyDuplicateHash, nodeSpan(unit, a.hash[0]),
            `filter hash ${h} is already used by filter '${dup.id}' (${where(dup.span)})`);
        } else if (h !== null) f.hash = h;
      }
      if (a.filterName?.[0]) f.filterName = wordText(a.filterName[0]);
      if (a.vmName?.[0]) f.vmName = wordText(a.vmName[0]);
      for (const list of a.ipList ?? []) {
        for (const entry of list.children.ipEntry ?? []) {
          const value = entry.children.block?.[0];
          if (!value) continue;
          const text = ipText(value);
          if (text === null) continue;
          if (entry.children.except) {
            this.report('error', DiagnosticCode.PolicyInvalid, nodeSpan(unit, entry), `a filter owns addresses; 'except' belongs in a group`);
          }
          const addr = parseIp(text);
          if (addr === null) {
            this.report('error', DiagnosticCode.PolicyBadAddress, nodeSpan(unit, value), `'${text}' is not an IP address (a filter owns single addresses, not CIDRs or ranges)`);
          } else f.ips.push(text);
        }
      }
      for (const m of a.labelMap ?? []) Object.assign(f.labels, this.labels(unit, m));
    }
    const prev = this.filterById.get(id);
    if (prev) {
      this.report('error', DiagnosticCode.PolicyDuplicateName, nodeSpan(unit, idNode), `filter '${id}' is already declared at ${where(prev.span)}`);
      return;
    }
    if (this.groupDecls.has(id)) {
      const g = this.groupDecls.get(id);
      this.report('error', DiagnosticCode.PolicyDuplicateName, nodeSpan(unit, idNode),
        `'${id}' names both a filter and a group (${g ? where(nodeSpan(g.unit, g.node)) : ''}); references would be ambiguous`);
      return;
    }
    this.filters.push(f);
    this.filterById.set(id, f);
  }

  // ---- 5. groups ----

  private buildGroup(name: string, { unit, node }: Located<GroupDeclCstNode>): Group {
    const members: Peer[] = [];
    for (const m of node.children.groupMember ?? []) {
      const c = m.children;
      for (const list of c.ipList ?? []) for (const e of list.children.ipEntry ?? []) members.push(...this.ipBlocks(unit, e));
      for (const lm of c.labelMap ?? []) members.push({ kind: 'vms', selector: selector(this.labels(unit, lm)), span: nodeSpan(unit, lm) });
      for (const ref of c.objectRef ?? []) {
        const p = this.resolveRef(unit, ref, 'member');
        if (p) members.push(p);
      }
    }
    return { name, namespace: null, members, span: nodeSpan(unit, node) };
  }

  /** `ip A except B` -> ip-block peers (an IPv4 range becomes the CIDRs that cover it exactly). */
  private ipBlocks(unit: Unit, entry: IpEntryCstNode): Peer[] {
    const block = entry.children.block?.[0];
    if (!block) return [];
    const except: string[] = [];
    for (const ex of entry.children.except ?? []) except.push(...this.cidrs(unit, ex));
    return this.cidrs(unit, block).map((cidr) => ({ kind: 'ip-block', block: { cidr, except }, span: nodeSpan(unit, entry) }));
  }

  /** A host, CIDR or range as CIDR strings; [] with a diagnostic when it is not an address. */
  private cidrs(unit: Unit, node: IpValueCstNode): string[] {
    const text = ipText(node);
    return text === null ? [] : this.cidrsOf(text, nodeSpan(unit, node));
  }

  private cidrsOf(text: string, span: SourceSpan): string[] {
    const range = parseIpEntry(text);
    if (range === null) {
      this.report('error', DiagnosticCode.PolicyBadAddress, span, `'${text}' is not an IP address, CIDR or range${badAddressHint(text)}`);
      return [];
    }
    if (!text.includes('-')) return [text];
    if (range.af === 6) {
      this.report('error', DiagnosticCode.PolicyBadAddress, span, `IPv6 ranges are not supported; write '${text}' as CIDRs`);
      return [];
    }
    return rangeToCidrs(range.lo, range.hi);
  }

  private labels(unit: Unit, node: LabelMapCstNode): Record<string, string> {
    const out: Record<string, string> = {};
    for (const pair of node.children.labelPair ?? []) {
      const k = pair.children.key?.[0];
      const v = pair.children.value?.[0];
      if (!k || !v) continue;
      const key = labelWordText(k);
      if (key === null || v === undefined) continue;
      if (key.startsWith('dfwsim.io/')) {
        this.report('error', DiagnosticCode.PolicyInvalid, nodeSpan(unit, k), `label keys under 'dfwsim.io/' are reserved for dfwsim`);
        continue;
      }
      out[key] = labelWordText(v) ?? '';
    }
    return out;
  }

  // ---- references ----

  /** The text of an objectRef (`28341`, `8b4a1980`, `f5-bigip-01`, `'NSX Manager'`), or null. */
  private refText(unit: Unit, node: ObjectRefCstNode): string | null {
    const c = node.children;
    const int = c.Integer?.[0];
    if (int && !isVirtual(int)) {
      const tail = c.hexTail?.[0];
      if (!tail) return int.image;
      if (tail.startOffset !== (int.endOffset ?? -2) + 1) {
        this.report('error', DiagnosticCode.ParseMismatchedToken, tokSpan(unit, tail), `unexpected '${tail.image}' after '${int.image}' (a name or hash is one word)`);
        return int.image;
      }
      return int.image + tail.image;
    }
    const name = c.Name?.[0] ?? c.Uuid?.[0];
    if (name && !isVirtual(name)) return name.image;
    const q = c.QuotedString?.[0];
    return q && !isVirtual(q) ? q.image.slice(1, -1) : null;
  }

  /**
   * A name used as a member, applied-to entry or addrset -> a peer. Tried in order: a filter id, a
   * group, a VM name, a filter hash.
   */
  private resolveRef(unit: Unit, node: ObjectRefCstNode, use: 'member' | 'applied-to' | 'addrset'): Peer | null {
    const text = this.refText(unit, node);
    if (text === null) return null;
    return this.resolveName(text, nodeSpan(unit, node), use);
  }

  private resolveName(text: string, span: SourceSpan, use: 'member' | 'applied-to' | 'addrset'): Peer | null {
    if (this.filterById.has(text)) return vmsPeer(FilterLabel.filter, text, span);
    if (this.groupDecls.has(text)) return { kind: 'group', name: text, namespace: null, span };
    if (this.filters.some((f) => f.vmName === text)) return vmsPeer(FilterLabel.vm, text, span);
    if (this.filters.some((f) => f.hash === text)) return vmsPeer(FilterLabel.hash, text, span);
    const names = [...this.groupDecls.keys(), ...this.filters.flatMap((f) => [f.id, ...(f.vmName === null ? [] : [f.vmName])])];
    const hint = didYouMean(text, names);
    if (use === 'addrset') {
      this.report('error', DiagnosticCode.RulesUnknownAddrset, span, `unknown group '${text}'${hint || `: declare it with 'group ${text} { ip ... }'`}`);
    } else {
      this.report('error', DiagnosticCode.PolicyUnknownReference, span,
        `unknown ${use === 'member' ? 'member' : 'applied-to target'} '${text}': no filter, VM, hash or group has that name${hint}`);
    }
    return null;
  }

  /**
   * The declared filters a list of peers covers (an empty list or `any` = all). As an applied-to
   * (`appliedTo` true), addresses select nothing: applied-to picks filters by membership, the way
   * the tiered engine compiles it (antrea.md §4.1) and NSX refuses IP-only groups in Applied To.
   */
  private filtersIn(peers: readonly Peer[], appliedTo = false, depth = 0): FilterSet {
    if (peers.length === 0) return ALL;
    const out = new Set<string>();
    for (const p of peers) {
      const s = this.filtersOfPeer(p, appliedTo, depth);
      if (s === ALL) return ALL;
      for (const id of s) out.add(id);
    }
    return out;
  }

  private filtersOfPeer(p: Peer, appliedTo: boolean, depth: number): FilterSet {
    switch (p.kind) {
      case 'any':
        return ALL;
      case 'none':
      case 'pods':
      case 'nodes':
      case 'service-account':
        return new Set();
      case 'ip-block': {
        if (appliedTo) return new Set();
        const block = parseIpEntry(p.block.cidr);
        const except = p.block.except.map(parseIpEntry).filter((r): r is IpRange => r !== null);
        if (block === null) return new Set();
        const hit = (ip: IpAddr) => inRange(block, ip) && !except.some((e) => inRange(e, ip));
        return new Set(this.filters.filter((f) => f.ips.some((t) => { const ip = parseIp(t); return ip !== null && hit(ip); })).map((f) => f.id));
      }
      case 'vms':
        return new Set(this.filters.filter((f) => selectorMatches(p.selector, vmInfo(f).labels)).map((f) => f.id));
      case 'group': {
        // Groups may nest; a cycle is cut at depth 8 (Antrea itself allows one level).
        const g = this.groups.get(p.name);
        if (!g || depth > 8) return new Set();
        const s = this.filtersIn(g.members, appliedTo, depth + 1);
        // A group with no members selects nothing (filtersIn([]) means "no restriction").
        return g.members.length === 0 ? new Set() : s;
      }
      default:
        return assertNever(p);
    }
  }

  // ---- 6. policies ----

  private buildPolicy({ unit, node }: Located<PolicyDeclCstNode>, ordinal: number, statements: DfwRuleStatement[]): Policy | null {
    const nameNode = node.children.policyName?.[0];
    const name = nameNode ? wordText(nameNode) : null;
    if (name === null) return null;
    const span = nodeSpan(unit, node);
    let tier: Tier | null | undefined;
    let priority: number | null = null;
    let priorityTok: IToken | null = null;
    let appliedTo: Peer[] | null = null;
    for (const attr of node.children.policyAttr ?? []) {
      const a = attr.children;
      if (a.tierName?.[0] && !isVirtual(a.tierName[0])) tier = this.resolveTier(unit, a.tierName[0]);
      if (a.numberValue?.[0]) {
        const { value, token } = this.number(unit, a.numberValue[0]);
        priority = value;
        priorityTok = token;
      }
      if (a.target) appliedTo = [...(appliedTo ?? []), ...a.target.flatMap((t) => this.target(unit, t))];
    }
    // Antrea and NSX both put a policy without a tier in Application.
    const tierObj = tier === undefined ? this.tiers.find((t) => t.name.toLowerCase() === 'application') ?? null : tier;
    if (priorityTok !== null && priority !== null) {
      const [lo, hi] = this.family === 'antrea' ? [1, 10000] : [0, Number.MAX_SAFE_INTEGER];
      if (priority < lo || priority > hi) {
        this.report('error', DiagnosticCode.PolicyOutOfRange, tokSpan(unit, priorityTok),
          `policy priority ${priorityTok.image} is out of range (${this.family === 'antrea' ? 'Antrea allows 1.0-10000.0' : 'it must be 0 or more'})`);
      }
    }
    const policyApplied = appliedTo ?? [{ kind: 'any', span } satisfies Peer];
    const rules: PolicyRule[] = [];
    let lastAt: { at: number; span: SourceSpan } | null = null;
    let stateless = 0;
    const stmts = (node.children.ruleStatement ?? []) as RuleStatementCstNode[];
    stmts.forEach((st, index) => {
      const s = this.statement(unit, st, name, index, tierObj, policyApplied);
      if (s === null) return;
      statements.push(s);
      rules.push(...s.rules);
      if (s.fields.stateless) stateless++;
      if (s.fields.position !== null) {
        if (lastAt !== null && s.fields.position < lastAt.at) {
          this.report('warning', DiagnosticCode.PolicyRuleOrder, s.span,
            `'at ${s.fields.position}' comes after 'at ${lastAt.at}' (${where(lastAt.span)}): rules are evaluated in the order written, 'at' is kept only as a label`);
        }
        lastAt = { at: s.fields.position, span: s.span };
      }
    });
    if (tierObj === null) return null;
    return {
      kind: 'nsx',
      name,
      namespace: null,
      tier: tierObj.name,
      // Without a priority, policies keep the order they are written in (NSX has no policy priority).
      priority: priority ?? ordinal + 1,
      appliedTo: policyApplied,
      rules,
      span,
      stateful: !(stmts.length > 0 && stateless === stmts.length),
    };
  }

  private target(unit: Unit, node: TargetCstNode): Peer[] {
    if (node.children.Any?.[0]) return [{ kind: 'any', span: nodeSpan(unit, node) }];
    const ref = node.children.objectRef?.[0];
    const p = ref ? this.resolveRef(unit, ref, 'applied-to') : null;
    if (p?.kind === 'group' && this.onlyAddresses(p.name, 0)) {
      this.report('warning', DiagnosticCode.PolicyInvalid, p.span,
        `group '${p.name}' has only IP members: applied-to selects filters by membership (labels, members), not by address, so it applies to no filter`);
    }
    return p ? [p] : [];
  }

  /** Does a group (transitively) hold ip members only? (An empty group is not reported here.) */
  private onlyAddresses(name: string, depth: number): boolean {
    const g = this.groups.get(name);
    if (!g || g.members.length === 0 || depth > 8) return false;
    return g.members.every((m) => m.kind === 'ip-block' || (m.kind === 'group' && this.onlyAddresses(m.name, depth + 1)));
  }

  /** A group that contains itself, directly or through other groups, is an error (the engines cut it). */
  private checkGroupCycles(): void {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === 'done') return;
      const g = this.groups.get(name);
      if (!g) return;
      state.set(name, 'open');
      for (const m of g.members) {
        if (m.kind !== 'group') continue;
        if (state.get(m.name) === 'open') {
          this.report('error', DiagnosticCode.PolicyInvalid, m.span, `group cycle: ${[...path, name, m.name].slice(path.indexOf(m.name) >= 0 ? path.indexOf(m.name) : 0).join(' -> ')}`);
          continue;
        }
        visit(m.name, [...path, name]);
      }
      state.set(name, 'done');
    };
    for (const name of this.groups.keys()) visit(name, []);
  }

  /** One rule statement -> its PolicyRules, or null when the CST is a recovery fragment. */
  private statement(unit: Unit, node: RuleStatementCstNode, policy: string, index: number, tier: Tier | null, policyApplied: Peer[]): DfwRuleStatement | null {
    // A statement chevrotain had to recover is already reported; its fields are incomplete.
    if (isRecovered(node)) return null;
    const span = nodeSpan(unit, node);
    const read = ruleStatementFields(node, unit.text);
    const issues = read.issues;
    const action = readAction(only(node.children.action));
    // The shared rule-line visitor knows the realized verbs only; `allow` and `pass` are ours.
    const fields: DfwStatementFields = { ...read.fields, action: action === 'allow' ? 'accept' : action ?? 'punt' };
    for (const i of issues) {
      this.report('error', DiagnosticCode.PolicyOutOfRange, this.offsetSpan(unit, i.offset, i.length), i.message);
    }
    const text = unit.text.slice(span.offset, span.offset + span.length).replace(/\s+/g, ' ');
    const stmt: DfwRuleStatement = { policy, index, fields, action, rules: [], span, text };
    if (action === null) {
      this.report('error', DiagnosticCode.PolicyUnsupportedField, nodeSpan(unit, only(node.children.action)),
        `'punt' cannot be simulated (the tiered model has allow, drop, reject and pass); the rule is left out`);
      return stmt;
    }
    if (action === 'pass' && tier?.stage === 'baseline') {
      this.report('error', DiagnosticCode.PolicyInvalid, nodeSpan(unit, only(node.children.action)),
        `'pass' is not allowed in the ${tier.label} tier (there is no later stage to pass to)`);
    }
    for (const ext of node.children.extension ?? []) {
      this.report('warning', DiagnosticCode.PolicyUnsupportedField, nodeSpan(unit, ext),
        `'${fields.extensions[0] ?? 'with ...'}' is not modelled and is ignored: the rule matches more than it does on NSX`);
    }
    for (const [k, e] of [['src', fields.src], ['dst', fields.dst]] as const) {
      if (e.kind === 'not') {
        this.report('warning', DiagnosticCode.PolicyUnsupportedField, nodeSpan(unit, only(node.children[k])),
          `negated endpoints ('not') cannot be expressed in the tiered model; this side matches nothing`);
      }
    }
    // An L2 (`ethertype`) rule that lets a frame through does not decide anything for IP traffic:
    // NSX goes on to the L3 categories (vsipioctl.md 4.6, `mainrs_L2` before `mainrs`). Only an L2
    // drop/reject of IP frames is a verdict for the endpoint model; other ethertypes never carry IP.
    if (fields.ethertype !== null && (action === 'allow' || action === 'pass' || !L2_CARRIES_IP.has(fields.ethertype))) {
      return stmt;
    }
    const src = this.endpointPeers(unit, only(node.children.src));
    const dst = this.endpointPeers(unit, only(node.children.dst));
    const ports = this.ports(unit, node, fields, span);
    const base = { id: String(fields.ruleId), name: null, index, action, ports, logging: fields.log, logLabel: fields.tag, span };
    stmt.rules = projectRule(fields.direction, src, dst, base, (near) => this.nearSide(near, policyApplied, span));
    return stmt;
  }

  /**
   * A rule's near-side restriction as a rule-level appliedTo: the declared filters that are both in
   * the policy's applied-to and in `near` (the receiver's side for ingress, the sender's for egress),
   * each selected by its filter label. null = no restriction beyond the policy's applied-to.
   */
  private nearSide(near: Peer[], policyApplied: Peer[], span: SourceSpan): Peer[] | null {
    const n = this.filtersIn(near);
    if (n === ALL) return null;
    const scope = this.filtersIn(policyApplied, true);
    return this.filters
      .filter((f) => n.has(f.id) && (scope === ALL || scope.has(f.id)))
      .map((f) => vmsPeer(FilterLabel.filter, f.id, span));
  }

  private endpointPeers(unit: Unit, node: EndpointCstNode): Peer[] {
    const span = nodeSpan(unit, node);
    if (node.children.Any) return [];
    if (node.children.Not) return [{ kind: 'none', reason: 'negated endpoint', span }];
    const t = only(node.children.endpointTarget).children;
    if (t.Addrset) {
      const nameTok = t.addrsetName?.[0]?.children.Name?.[0] ?? t.addrsetName?.[0]?.children.Uuid?.[0];
      if (nameTok) {
        const p = this.resolveName(nameTok.image, tokSpan(unit, nameTok), 'addrset');
        return [p ?? { kind: 'none', reason: `unknown group '${nameTok.image}'`, span }];
      }
      const out: Peer[] = [];
      for (const v of t.inlineSet?.[0]?.children.addressValue ?? []) {
        const tok = firstToken(v);
        if (!tok) continue;
        const vs = tokSpan(unit, tok);
        if (tok.tokenType.name === 'IPv4' || tok.tokenType.name === 'IPv6') {
          out.push(...this.cidrsOf(tok.image, vs).map((cidr): Peer => ({ kind: 'ip-block', block: { cidr, except: [] }, span: vs })));
        } else {
          const p = this.resolveName(tok.image, vs, 'addrset');
          if (p) out.push(p);
        }
      }
      return out.length > 0 ? out : [{ kind: 'none', reason: 'empty address set', span }];
    }
    const v = t.addressValue?.[0];
    const tok = v ? firstToken(v) : undefined;
    if (!tok) return [{ kind: 'none', reason: 'no address', span }];
    const cidrs = this.cidrsOf(tok.image, tokSpan(unit, tok));
    return cidrs.length > 0
      ? cidrs.map((cidr) => ({ kind: 'ip-block', block: { cidr, except: [] }, span }))
      : [{ kind: 'none', reason: `bad address '${tok.image}'`, span }];
  }

  /** Protocol + ports -> PortSpecs (empty = every protocol and port). */
  private ports(unit: Unit, node: RuleStatementCstNode, f: DfwStatementFields, span: SourceSpan): PortSpec[] {
    const portsNode = node.children.dstPorts?.[0] ?? node.children.srcPorts?.[0];
    for (const r of [...(f.dstPorts ?? []), ...(f.srcPorts ?? [])]) {
      if (r.lo > r.hi) this.report('error', DiagnosticCode.PolicyOutOfRange, portsNode ? nodeSpan(unit, portsNode) : span, `port range ${r.lo}-${r.hi} is empty (the first port is larger)`);
    }
    if (f.protocol === null || f.protocol === 'any' || f.protocol === 'ip') {
      if (portsNode) this.report('error', DiagnosticCode.PolicyInvalid, nodeSpan(unit, portsNode), `ports need protocol tcp, udp or sctp (this rule says '${f.protocol ?? 'ethertype'}')`);
      return [];
    }
    const l4 = ({ tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' } as const)[f.protocol as 'tcp' | 'udp' | 'sctp'] ?? null;
    if (l4 !== null) {
      const dsts: (PortRange | null)[] = f.dstPorts ?? [null];
      const srcs: (PortRange | null)[] = f.srcPorts ?? [null];
      return dsts.flatMap((d) => srcs.map((s): PortSpec => ({
        kind: 'l4',
        protocol: l4,
        port: d === null ? { kind: 'any' } : { kind: 'range', lo: d.lo, hi: d.hi },
        srcPorts: s === null ? null : { lo: s.lo, hi: s.hi },
        span,
      })));
    }
    if (portsNode) this.report('error', DiagnosticCode.PolicyInvalid, nodeSpan(unit, portsNode), `ports need protocol tcp, udp or sctp (this rule says '${f.protocol}')`);
    if (f.protocol === 'icmp' || f.protocol === 'ipv6-icmp' || f.protocol === 'icmp6') {
      return [{ kind: 'icmp', icmpType: f.icmpType, icmpCode: f.icmpCode, span }];
    }
    const n = protocolNumber(f.protocol);
    if (n === null || n < 0) {
      const pv = node.children.match?.[0]?.children.protocolMatch?.[0]?.children.protocolValue?.[0];
      this.report('error', DiagnosticCode.PolicyInvalid, pv ? nodeSpan(unit, pv) : span, `unknown protocol '${f.protocol}'`);
      return [{ kind: 'ip-protocol', protocol: -1, span }];
    }
    return [{ kind: 'ip-protocol', protocol: n, span }];
  }

  // ---- 7. exclusions, priorities ----

  private buildExclusions({ unit, node }: Located<ObjectRefCstNode[]>): DfwExclusion[] {
    const out: DfwExclusion[] = [];
    for (const ref of node) {
      const text = this.refText(unit, ref);
      if (text === null) continue;
      const span = nodeSpan(unit, ref);
      const filters = this.filters.filter((f) => f.id === text || f.vmName === text || f.hash === text || f.filterName === text).map((f) => f.id);
      if (filters.length === 0) {
        this.report('error', DiagnosticCode.PolicyUnknownReference, span, `cannot exclude '${text}': no filter, VM or hash has that name`);
        continue;
      }
      out.push({ ref: text, filters, span });
    }
    return out;
  }

  /** Equal (tier, priority) makes rules interleave by index (antrea.md §2): almost never meant. */
  private checkPriorities(policies: Policy[], nameSpans: ReadonlyMap<Policy, SourceSpan>): void {
    const seen = new Map<string, Policy>();
    for (const p of policies) {
      const key = `${p.tier}\u0000${p.priority}`;
      const prev = seen.get(key);
      if (prev) {
        const label = this.tiers.find((t) => t.name === p.tier)?.label ?? p.tier;
        this.report('warning', DiagnosticCode.PolicyDuplicatePriority, nameSpans.get(p) ?? p.span,
          `policies '${prev.name}' and '${p.name}' are both priority ${p.priority} in tier ${label}: their rules interleave by position`);
      } else seen.set(key, p);
    }
  }

  // ---- helpers ----

  private number(unit: Unit, node: NumberValueCstNode): { value: number; token: IToken } {
    const tok = node.children.Decimal?.[0] ?? only(node.children.Integer);
    void unit;
    return { value: Number(tok.image), token: tok };
  }

  private offsetSpan(unit: Unit, offset: number, length: number): SourceSpan {
    let lo = 0;
    let hi = unit.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((unit.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: unit.file, offset, line: lo + 1, column: offset - (unit.lineStarts[lo] ?? 0) + 1, length };
  }

  private report(severity: Severity, code: Diagnostic['code'], span: SourceSpan, message: string): void {
    this.diagnostics.push({ code, severity, span, message });
  }
}

// ---------------------------------------------------------------------------------------------
// The NSX -> endpoint-centric projection
// ---------------------------------------------------------------------------------------------

type RuleBase = Omit<PolicyRule, 'direction' | 'peers' | 'appliedTo'>;

/**
 * An NSX rule matches a packet by source AND destination on whichever filter it is applied to; the
 * tiered model describes a rule from one endpoint's point of view (its far-side peers, its
 * appliedTo). So `dir from S to D` becomes:
 *
 *   - ingress (packet toward the endpoint, `in`/`inout`): peers S, applied to the filters in D;
 *   - egress (packet from the endpoint, `out`/`inout`): peers D, applied to the filters in S;
 *
 * and `inout from any to any` stays one `inout` rule. `near(side)` turns a side into the rule-level
 * appliedTo (intersected with the policy's applied-to; null = the policy's own).
 *
 * What this cannot say: a filter that sees traffic between two *other* endpoints (the promiscuous
 * F5 of rules/f5-promiscuous.dfw) — that needs the realized-rule engine over `statements`.
 */
export function projectRule(
  direction: RuleStatementFields['direction'],
  src: Peer[],
  dst: Peer[],
  base: RuleBase,
  near: (side: Peer[]) => Peer[] | null,
): PolicyRule[] {
  if (direction === 'inout' && src.length === 0 && dst.length === 0) {
    return [{ ...base, direction: 'inout', peers: [], appliedTo: null }];
  }
  const out: PolicyRule[] = [];
  if (direction === 'in' || direction === 'inout') out.push({ ...base, direction: 'ingress', peers: src, appliedTo: near(dst) });
  if (direction === 'out' || direction === 'inout') out.push({ ...base, direction: 'egress', peers: dst, appliedTo: near(src) });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------

function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

function only<T>(xs: T[] | undefined): T {
  const x = xs?.[0];
  if (x === undefined) throw new Error('grammar invariant: missing child');
  return x;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

/** A token chevrotain inserted during recovery (it has no place in the text). */
function isVirtual(t: IToken): boolean {
  return t.isInsertedInRecovery === true || Number.isNaN(t.startOffset);
}

/** Did recovery touch this node or any node under it (a re-synced child, an inserted token)? */
function isRecovered(node: CstNode): boolean {
  if (node.recoveredNode) return true;
  for (const kids of Object.values(node.children)) {
    for (const k of kids) {
      if ('tokenType' in k ? isVirtual(k) : isRecovered(k)) return true;
    }
  }
  return false;
}

/** Levenshtein distance, for "did you mean" on short names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** ` (did you mean 'x'?)` when one candidate is within two edits, else ''. */
function didYouMean(name: string, candidates: readonly string[]): string {
  const lower = name.toLowerCase();
  const best = candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .filter((x) => x.d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  return best ? ` (did you mean '${best.c}'?)` : '';
}

function firstToken(node: CstNode): IToken | undefined {
  for (const kids of Object.values(node.children)) {
    for (const k of kids) {
      const t = 'tokenType' in k ? k : firstToken(k);
      if (t) return t;
    }
  }
  return undefined;
}

function tokSpan(unit: Unit, t: IToken): SourceSpan {
  return { file: unit.file, offset: t.startOffset, line: t.startLine ?? 1, column: t.startColumn ?? 1, length: t.image.length };
}

/** A CST node's span from its location (full tracking), or from its first real token. */
function nodeSpan(unit: Unit, node: CstNode): SourceSpan {
  const loc = node.location;
  if (loc && !Number.isNaN(loc.startOffset) && loc.endOffset !== undefined && !Number.isNaN(loc.endOffset)) {
    return { file: unit.file, offset: loc.startOffset, line: loc.startLine ?? 1, column: loc.startColumn ?? 1, length: loc.endOffset - loc.startOffset + 1 };
  }
  const t = firstToken(node);
  return t && !isVirtual(t) ? tokSpan(unit, t) : { file: unit.file, offset: 0, line: 1, column: 1, length: 0 };
}

function where(span: SourceSpan): string {
  return `${span.file}:${span.line}:${span.column}`;
}

function wordText(node: WordCstNode): string | null {
  const t = node.children.Name?.[0] ?? node.children.QuotedString?.[0];
  if (!t || isVirtual(t)) return null;
  return t.tokenType.name === 'QuotedString' ? t.image.slice(1, -1) : t.image;
}

function labelWordText(node: LabelWordCstNode): string | null {
  const t = firstToken(node);
  if (!t || isVirtual(t)) return null;
  return t.tokenType.name === 'QuotedString' ? t.image.slice(1, -1) : t.image;
}

function ipText(node: IpValueCstNode): string | null {
  const t = node.children.IPv4?.[0] ?? node.children.IPv6?.[0];
  return t && !isVirtual(t) ? t.image : null;
}

function readAction(node: ActionCstNode): RuleAction | null {
  const c = node.children;
  if (c.Accept || c.Allow) return 'allow';
  if (c.Drop) return 'drop';
  if (c.Reject) return 'reject';
  if (c.Pass) return 'pass';
  return null;
}

function selector(matchLabels: Record<string, string>): LabelSelector {
  return { matchLabels, matchExpressions: [] };
}

function vmsPeer(key: string, value: string, span: SourceSpan): Peer {
  return { kind: 'vms', selector: selector({ [key]: value }), span };
}

function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  // Only matchLabels: the .dfw language has no expressions.
  return Object.entries(sel.matchLabels).every(([k, v]) => labels[k] === v);
}

/** The inventory entry of a filter: its id as the endpoint name, user labels plus the filter labels. */
function vmInfo(f: DfwFilter): VmInfo {
  const labels: Record<string, string> = { ...f.labels, [FilterLabel.filter]: f.id };
  if (f.vmName !== null) labels[FilterLabel.vm] = f.vmName;
  if (f.hash !== null) labels[FilterLabel.hash] = f.hash;
  return { name: f.id, filterHash: f.hash, filterName: f.filterName, ips: [...f.ips], labels };
}

function inRange(r: IpRange, ip: IpAddr): boolean {
  if (r.af === 4 && ip.af === 4) return r.lo <= ip.v && ip.v <= r.hi;
  if (r.af === 6 && ip.af === 6) return r.lo <= ip.v && ip.v <= r.hi;
  return false;
}

/** The fewest CIDRs that cover [lo, hi] exactly (IPv4). */
function rangeToCidrs(lo: number, hi: number): string[] {
  return ipv4RangeBlocks(lo, hi).map((b) => `${formatIpv4(b.base)}/${b.len}`);
}

/** A hint for the two usual mistakes: an octet over 255 and a prefix over 32. */
function badAddressHint(text: string): string {
  const [addr, len] = text.split('/');
  if (addr !== undefined && /^\d+(\.\d+){3}$/.test(addr) && addr.split('.').some((o) => Number(o) > 255)) return ' (an octet is over 255)';
  if (len !== undefined && addr !== undefined && !addr.includes(':') && Number(len) > 32) return ' (an IPv4 prefix is at most /32)';
  return '';
}
