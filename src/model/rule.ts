import type { SourceSpan } from './source-span.js';

/** Rule action as realized on the host (`vsipioctl getrules`). */
export type RealizedAction = 'accept' | 'drop' | 'reject' | 'punt';

/** Inclusive port range; a single port has lo === hi. */
export interface PortRange {
  lo: number;
  hi: number;
}

/** A rule endpoint (`from` / `to` side). */
export type Endpoint =
  | { kind: 'any' }
  /** `addrset NAME`: members come from getaddrsets; unknown members give an `unknown` outcome */
  | { kind: 'addrset'; name: string }
  /** `addrset {a, b}` inline set (NSX 9 Edge NAT rules) */
  | { kind: 'inline'; entries: string[] }
  /** `ip ADDRESS` (host, CIDR or range as printed) */
  | { kind: 'ip'; value: string }
  /** `not addrset X` / `not ip A` */
  | { kind: 'not'; of: Endpoint };

/** One realized dataplane rule line of `vsipioctl getrules -f <filter>`. */
export interface RealizedRule {
  /** `domain-c7`, `domain-c7_L2`, `mainrs`, `mainrs_L2` */
  ruleset: string;
  /** section header the rule sits under (`Filter rules`, `PRE_FILTER rules`, `FILTER (APP Category) rules`), or null */
  section: string | null;
  /** rule id; repeats on consecutive lines when a rule was exploded */
  ruleId: number;
  /** the `at N` position (1-based within its section; not unique with the id) */
  position: number;
  /** 0-based index of the line within its ruleset: the evaluation order */
  index: number;
  /** the line started with `# internal #` (an ALG companion rule: still a real rule) */
  internal: boolean;
  direction: 'in' | 'out' | 'inout';
  /** `inet` / `inet6` when the rule is limited to one family, else null (both) */
  af: 'inet' | 'inet6' | null;
  /** `any`, `tcp`, `udp`, `icmp`, `ipv6-icmp`, other names, or a decimal number; null for an `ethertype` rule */
  protocol: string | null;
  /** `ethertype any` (L2 rules); null for protocol rules */
  ethertype: string | null;
  strict: boolean;
  stateless: boolean;
  icmpType: number | null;
  icmpCode: number | null;
  src: Endpoint;
  /** null = any source port */
  srcPorts: PortRange[] | null;
  dst: Endpoint;
  /** null = any destination port */
  dstPorts: PortRange[] | null;
  /** `with extended src UUID`, `with attribute ...`, as printed */
  extensions: string[];
  action: RealizedAction;
  log: boolean;
  /** `as dcerpc` */
  alg: string | null;
  /** `tag 'default-deny'` text, without quotes */
  tag: string | null;
  span: SourceSpan;
  /** the rule line as printed, trimmed */
  text: string;
}

/** One `ruleset NAME { ... }` block. */
export interface Ruleset {
  name: string;
  /** `_L2` rulesets are Ethernet (stateless, evaluated before L3) */
  layer: 'L2' | 'L3';
  /** `# generation number: N` */
  generation: string | null;
  /** `# realization time : 2020-07-13T06:29:59` */
  realizationTime: string | null;
  rules: RealizedRule[];
  span: SourceSpan;
}

/** One `vsipioctl getrules -f <filter>` document (one filter's realized rules). */
export interface GetrulesDocument {
  /** filter named by the command prompt line when the capture has one */
  filter: string | null;
  rulesets: Ruleset[];
}

export interface AddrSetEntry {
  kind: 'ip' | 'mac';
  value: string;
}

/** One `addrset NAME { ... }` block of `vsipioctl getaddrsets -f <filter>`. */
export interface AddrSet {
  name: string;
  entries: AddrSetEntry[];
  span: SourceSpan;
}

export interface GetaddrsetsDocument {
  filter: string | null;
  addrsets: AddrSet[];
}
