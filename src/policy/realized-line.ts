/**
 * Realized rule lines: building one from a `.dfw` rule statement, printing it the way `vsipioctl
 * getrules` does, and numbering the `at N` positions of a ruleset (reference/vsipioctl.md §4).
 */
import type { Endpoint, RealizedAction, RealizedRule } from '../model/rule.js';
import { endpointText, portsText } from '../model/rule-text.js';
import type { DfwRuleStatement } from '../parse/policy-visitor.js';

/**
 * How a product lays out a ruleset (vsipioctl.md §4.4, §4.8): NSX-V (`domain-cN`) has one
 * `# Filter rules` section and `at` runs 1..N over the ruleset; NSX-T/4 (`mainrs`) has sections
 * and `at` restarts at 1 in each.
 */
export type RulesetLayout = 'nsxv' | 'nsxt';

export function layoutOf(rulesetName: string): RulesetLayout {
  return /^domain-c\d+/.test(rulesetName) ? 'nsxv' : 'nsxt';
}

/** NSX categories realized before the Application section on NSX-T/4 (vsipioctl.md §4.6, inferred). */
const PRE_FILTER_CATEGORIES = new Set(['emergency', 'infrastructure', 'environment']);

/**
 * The section header a rule of `tier` sits under. NSX-V prints `# Filter rules` in both rulesets.
 * NSX-T/4: L2 `# FILTER rules`; L3 Application and Default rules under `# FILTER (APP Category)
 * rules` [seen]; Emergency / Infrastructure / Environment under `# PRE_FILTER rules`, which the
 * reference marks as inferred (§4.6: no capture names a PRE_FILTER rule's category).
 */
export function sectionFor(layout: RulesetLayout, layer: 'L2' | 'L3', tier: string): string {
  if (layout === 'nsxv') return 'Filter rules';
  if (layer === 'L2') return 'FILTER rules';
  return PRE_FILTER_CATEGORIES.has(tier.toLowerCase()) ? 'PRE_FILTER rules' : 'FILTER (APP Category) rules';
}

/** `pass` has no realized form; everything else of a statement maps onto a RealizedRule field. */
export function realizableAction(stmt: DfwRuleStatement): RealizedAction | null {
  return stmt.fields.action === 'pass' ? null : stmt.fields.action;
}

/**
 * The realized line of a `.dfw` rule statement in `ruleset`/`section`. Position and index are
 * placeholders until {@link renumber} runs; `span` points at the statement in the `.dfw` file so a
 * walkthrough leads back to the line the user wrote.
 */
export function lineFromStatement(stmt: DfwRuleStatement, action: RealizedAction, ruleset: string, section: string): RealizedRule {
  const f = stmt.fields;
  const rule: RealizedRule = {
    ruleset,
    section,
    ruleId: f.ruleId,
    position: f.position ?? 0,
    index: 0,
    internal: f.internal,
    direction: f.direction,
    af: f.af,
    protocol: f.protocol,
    ethertype: f.ethertype,
    strict: f.strict,
    stateless: f.stateless,
    icmpType: f.icmpType,
    icmpCode: f.icmpCode,
    src: f.src,
    srcPorts: f.srcPorts,
    dst: f.dst,
    dstPorts: f.dstPorts,
    extensions: [...f.extensions],
    action,
    log: f.log,
    alg: f.alg,
    tag: f.tag,
    span: stmt.span,
    text: '',
  };
  rule.text = ruleLineText(rule);
  return rule;
}

/** A rule line as getrules prints it (grammar and clause order: vsipioctl.md §4.2). */
export function ruleLineText(r: RealizedRule): string {
  const parts: string[] = [];
  if (r.internal) parts.push('# internal #');
  parts.push('rule', String(r.ruleId), 'at', String(r.position), r.direction);
  if (r.af !== null) parts.push(r.af);
  if (r.protocol !== null) {
    parts.push('protocol', r.protocol);
    if (r.strict) parts.push('strict');
    if (r.stateless) parts.push('stateless');
    if (r.icmpType !== null) parts.push(r.icmpCode !== null ? `typecode ${r.icmpType}:${r.icmpCode}` : `icmptype ${r.icmpType}`);
  } else {
    parts.push('ethertype', r.ethertype ?? 'any');
    if (r.stateless) parts.push('stateless');
  }
  parts.push('from', endpointText(r.src));
  if (r.srcPorts !== null) parts.push('port', portsText(r.srcPorts));
  parts.push('to', endpointText(r.dst));
  if (r.dstPorts !== null) parts.push('port', portsText(r.dstPorts));
  parts.push(...r.extensions, r.action);
  if (r.log) parts.push('with log');
  if (r.alg !== null) parts.push('as', r.alg);
  if (r.tag !== null) parts.push(`tag '${r.tag}'`);
  return `${parts.join(' ')};`;
}

const AT = /^((?:#\s*internal\s*#\s*)?rule\s+\d+\s+at\s+)\d+/;

/**
 * Gives every line of one ruleset its evaluation index and its `at` position the way the product
 * numbers them (vsipioctl.md §4.4: NSX-V 1..N over the ruleset, NSX-T/4 restarting per section).
 * Lines whose index or position change are copied, never mutated; their text is updated.
 */
export function renumber(rules: readonly RealizedRule[], rulesetName: string): RealizedRule[] {
  const perSection = layoutOf(rulesetName) === 'nsxt';
  let pos = 0;
  let section: string | null | undefined;
  return rules.map((r, index) => {
    if (perSection && r.section !== section) pos = 0;
    section = r.section;
    pos++;
    if (r.index === index && r.position === pos && r.ruleset === rulesetName) return r;
    const moved: RealizedRule = { ...r, ruleset: rulesetName, index, position: pos };
    moved.text = AT.test(r.text) ? r.text.replace(AT, `$1${pos}`) : ruleLineText(moved);
    return moved;
  });
}

/** Addrset names a rule line or statement refers to (`addrset X`, `not addrset X`), in src, dst order. */
export function addrsetNames(r: { src: Endpoint; dst: Endpoint }): string[] {
  const out: string[] = [];
  const visit = (e: Endpoint): void => {
    if (e.kind === 'addrset') out.push(e.name);
    else if (e.kind === 'not') visit(e.of);
  };
  visit(r.src);
  visit(r.dst);
  return out;
}

/** `from any to any` with no ports or extensions: the shape of the per-vNIC default rules (vsipioctl.md §4.5). */
function fromAnyToAny(r: RealizedRule): boolean {
  return r.src.kind === 'any' && r.dst.kind === 'any' && r.srcPorts === null && r.extensions.length === 0;
}

/** `protocol any` / `ethertype any` from any to any: the rule that closes a section. */
function catchAll(r: RealizedRule): boolean {
  return fromAnyToAny(r) && (r.protocol === 'any' || r.ethertype === 'any') && r.dstPorts === null && r.icmpType === null && r.af === null;
}

/**
 * Index where the default rules of a ruleset begin: the catch-all closing the last section and the
 * `from any to any` service rules (DHCP, IPv6 ND: 1002, 1003 on NSX-V; 3, 4 on NSX-T) right before
 * it (vsipioctl.md §4.5: defaults are recognised by their any/any match at the end, not by action).
 * An earlier catch-all (a user's `reject any any`, like 1026 on the F5) is not a default.
 * `rules.length` when the ruleset does not end with a catch-all.
 */
export function defaultsStart(rules: readonly RealizedRule[]): number {
  const last = rules[rules.length - 1];
  if (last === undefined || !catchAll(last)) return rules.length;
  let i = rules.length - 1;
  while (i > 0) {
    const prev = rules[i - 1] as RealizedRule;
    if (prev.section !== last.section || !fromAnyToAny(prev) || catchAll(prev)) break;
    i--;
  }
  return i;
}
