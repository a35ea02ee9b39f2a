/**
 * CST -> model for the NSX rule statement (grammar/rule-line). Shared by getrules and by any grammar
 * that embeds `ruleStatement` (the `.dfw` policy language): the CST shape is the same in both.
 *
 * Plain functions over the generated CST types (grammar/generated/rule-line.d.ts) rather than a
 * chevrotain visitor class: no parser instance is needed to build one, and the typed children make a
 * grammar rename a compile error here.
 */
import type { IToken } from 'chevrotain';
import type {
  ActionCstNode,
  AddressValueCstNode,
  EndpointCstNode,
  EndpointTargetCstNode,
  ExtensionCstNode,
  MatchCstNode,
  PortSpecCstNode,
  RuleStatementCstNode,
} from '../../grammar/generated/rule-line.js';
import type { Endpoint, PortRange, RealizedAction, RealizedRule } from '../model/rule.js';

/** What one rule statement says on its own; the document context (ruleset, section, index, span) is added by the caller. */
export type RuleStatementFields = Omit<RealizedRule, 'ruleset' | 'section' | 'index' | 'span' | 'text' | 'position'> & {
  /** `at N`, or null when the statement has none (nsxcli views, hand-written policy rules) */
  position: number | null;
};

/** A value the grammar accepts but the model cannot hold (port 70000, `icmptype 300`). */
export interface StatementIssue {
  message: string;
  /** offset of the offending token in the lexed text */
  offset: number;
  length: number;
  text: string;
}

export interface StatementResult {
  fields: RuleStatementFields;
  issues: StatementIssue[];
}

/** Reads a rule statement CST. `source` is the text the tokens were lexed from (for clause text). */
export function ruleStatementFields(node: RuleStatementCstNode, source: string): StatementResult {
  const c = node.children;
  const issues: StatementIssue[] = [];
  const int = (t: IToken | undefined, max: number, what: string): number => {
    if (t === undefined) throw new Error(`grammar invariant: missing ${what} token`);
    const n = Number(t.image);
    if (!Number.isSafeInteger(n) || n > max) {
      issues.push({ message: `${what} ${t.image} is out of range (0-${max})`, offset: t.startOffset, length: t.image.length, text: t.image });
    }
    return n;
  };

  const match = readMatch(only(c.match, 'match'), int);
  const srcPorts = c.srcPorts ? readPorts(only(c.srcPorts, 'srcPorts'), int) : null;
  const dstPorts = c.dstPorts ? readPorts(only(c.dstPorts, 'dstPorts'), int) : null;

  let log = false;
  let alg: string | null = null;
  let tag: string | null = null;
  for (const opt of c.ruleOption ?? []) {
    const o = opt.children;
    if (o.Log) log = true;
    else if (o.alg?.[0]) alg = o.alg[0].image;
    else if (o.QuotedString?.[0]) tag = o.QuotedString[0].image.slice(1, -1);
  }

  const dir = only(c.direction, 'direction').children;
  const af = c.addressFamily?.[0]?.children;
  const fields: RuleStatementFields = {
    ruleId: int(c.ruleId[0], Number.MAX_SAFE_INTEGER, 'rule id'),
    position: c.position?.[0] ? int(c.position[0], Number.MAX_SAFE_INTEGER, 'position') : null,
    internal: c.InternalMarker !== undefined,
    direction: dir.Inout ? 'inout' : dir.In ? 'in' : 'out',
    af: af === undefined ? null : af.Inet6 ? 'inet6' : 'inet',
    protocol: match.protocol,
    ethertype: match.ethertype,
    strict: match.strict,
    stateless: match.stateless,
    icmpType: match.icmpType,
    icmpCode: match.icmpCode,
    src: readEndpoint(only(c.src, 'src')),
    srcPorts,
    dst: readEndpoint(only(c.dst, 'dst')),
    dstPorts,
    extensions: (c.extension ?? []).map((e) => extensionText(e, source)),
    action: readAction(only(c.action, 'action')),
    log,
    alg,
    tag,
  };
  return { fields, issues };
}

type IntReader = (t: IToken | undefined, max: number, what: string) => number;

function only<T>(xs: T[] | undefined, what: string): T {
  const x = xs?.[0];
  if (x === undefined) throw new Error(`grammar invariant: missing ${what}`);
  return x;
}

function readMatch(node: MatchCstNode, int: IntReader) {
  const pm = node.children.protocolMatch?.[0];
  if (pm) {
    const v = only(pm.children.protocolValue, 'protocol').children;
    const tok = v.Name?.[0] ?? v.Integer?.[0] ?? v.Any?.[0] ?? v.Ip?.[0];
    // Protocol names are case-insensitive in NSX; the printed form is lower case.
    const protocol = tok ? tok.image.toLowerCase() : 'any';
    if (v.Integer?.[0]) int(v.Integer[0], 255, 'protocol number');
    const mods = pm.children.protocolModifier ?? [];
    const icmp = mods.find((m) => m.children.icmpSpec)?.children.icmpSpec?.[0]?.children;
    return {
      protocol,
      ethertype: null,
      strict: mods.some((m) => m.children.Strict !== undefined),
      stateless: mods.some((m) => m.children.Stateless !== undefined),
      icmpType: icmp?.icmpType?.[0] ? int(icmp.icmpType[0], 255, 'ICMP type') : null,
      icmpCode: icmp?.icmpCode?.[0] ? int(icmp.icmpCode[0], 255, 'ICMP code') : null,
    };
  }
  const em = only(node.children.ethertypeMatch, 'ethertype').children;
  const tok = em.Any?.[0] ?? em.Name?.[0] ?? em.HexNumber?.[0] ?? em.Integer?.[0];
  return {
    protocol: null,
    ethertype: tok ? tok.image.toLowerCase() : 'any',
    strict: false,
    stateless: em.Stateless !== undefined,
    icmpType: null,
    icmpCode: null,
  };
}

function readEndpoint(node: EndpointCstNode): Endpoint {
  const c = node.children;
  if (c.Any) return { kind: 'any' };
  const target = readTarget(only(c.endpointTarget, 'endpoint target'));
  return c.Not ? { kind: 'not', of: target } : target;
}

function readTarget(node: EndpointTargetCstNode): Endpoint {
  const c = node.children;
  if (c.Addrset) {
    const name = c.addrsetName?.[0]?.children;
    if (name) return { kind: 'addrset', name: only(name.Name ?? name.Uuid, 'addrset name').image };
    const set = only(c.inlineSet, 'inline set');
    return { kind: 'inline', entries: set.children.addressValue.map(addressText) };
  }
  return { kind: 'ip', value: addressText(only(c.addressValue, 'address')) };
}

/** The address as printed (host, CIDR, range, IPv6, MAC, or a name). */
export function addressText(node: AddressValueCstNode): string {
  const c = node.children;
  return only(c.IPv4 ?? c.IPv6 ?? c.MacAddress ?? c.Uuid ?? c.Name, 'address').image;
}

function readPorts(node: PortSpecCstNode, int: IntReader): PortRange[] {
  return (node.children.portItem ?? []).map((item) => {
    const lo = int(item.children.lo[0], 65535, 'port');
    const hi = item.children.hi?.[0] ? int(item.children.hi[0], 65535, 'port') : lo;
    return { lo, hi };
  });
}

function readAction(node: ActionCstNode): RealizedAction {
  const c = node.children;
  return c.Accept ? 'accept' : c.Drop ? 'drop' : c.Reject ? 'reject' : 'punt';
}

/** `with extended src <uuid>` as printed, blanks collapsed (the model keeps extensions as text). */
function extensionText(node: ExtensionCstNode, source: string): string {
  // The clause's tokens are all direct children; its text runs from the first to the end of the last.
  let start = Infinity;
  let end = -1;
  for (const toks of Object.values(node.children) as IToken[][]) {
    for (const t of toks) {
      start = Math.min(start, t.startOffset);
      end = Math.max(end, t.startOffset + t.image.length);
    }
  }
  return source.slice(start, end).replace(/\s+/g, ' ');
}
