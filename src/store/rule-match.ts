/**
 * How a realized rule is kept in a `rules` row (0002-realized-rules): the columns hold every scalar
 * field, and `match_json` holds only what no column holds exactly. For a plain rule (see
 * {@link encodeMatch}) that is its offset alone, a bare number, and the endpoints and ports are read
 * back from their text columns; otherwise a JSON array `[src, dst, srcPorts, dstPorts, extensions,
 * offset]`. The rule's file is its source's path.
 *
 * Stores written before issue 12 part 2 hold the whole RealizedRule as a JSON object in
 * `match_json`, and stores written before the bare offset hold the array for every rule;
 * {@link decodeRule} reads all three (by the first character: `{`, `[`, or a digit or `-`).
 * The full object cost a 17,235-rule ingest 11 MB of JSON (the file path and the rule text again in
 * every row): stringifying it, inserting it and committing it took longer than parsing the capture.
 */
import type { Statement } from 'better-sqlite3';
import type { RealizedRule } from '../model/rule.js';
import { endpointText, portsText } from '../model/rule-text.js';

/** The statement that stores one rule; {@link insertRuleRow} runs it. */
export const INSERT_RULE = `INSERT INTO rules (ruleset_id, idx, section, rule_id, position, internal, direction, af,
    protocol, ethertype, strict, stateless, icmp_type, icmp_code, src, dst, src_ports, dst_ports, action, log, alg, tag,
    line, col, text, match_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Runs {@link INSERT_RULE} (prepared) for a rule of the ruleset row `rulesetId`. */
export function insertRuleRow(stmt: Statement, rulesetId: number, r: RealizedRule): void {
  // The values as arguments, not one array: better-sqlite3 reads an array element by element
  // through the V8 API, which measured 15-20% slower for these 26 values (17,235 rows: 86 vs 72 ms).
  stmt.run(rulesetId, r.index, r.section, r.ruleId, r.position, r.internal ? 1 : 0, r.direction, r.af, r.protocol,
    r.ethertype, r.strict ? 1 : 0, r.stateless ? 1 : 0, r.icmpType, r.icmpCode, endpointText(r.src),
    endpointText(r.dst), r.srcPorts === null ? null : portsText(r.srcPorts), r.dstPorts === null ? null : portsText(r.dstPorts),
    r.action, r.log ? 1 : 0, r.alg, r.tag, r.span.line, r.span.column, r.text, encodeMatch(r));
}

/** The columns of `rules` that {@link decodeRule} reads, in this order, after `match_json`. */
export const RULE_COLUMNS = `match_json, idx, section, rule_id, position, internal, direction, af, protocol, ethertype,
  strict, stateless, icmp_type, icmp_code, action, log, alg, tag, line, col, text, src, dst, src_ports, dst_ports`;

/** A `rules` row as `SELECT ${RULE_COLUMNS}` returns it in raw mode. */
export type RuleRowValues = [
  matchJson: string, idx: number, section: string | null, ruleId: number, position: number, internal: number,
  direction: RealizedRule['direction'], af: RealizedRule['af'], protocol: string | null, ethertype: string | null,
  strict: number, stateless: number, icmpType: number | null, icmpCode: number | null, action: RealizedRule['action'],
  log: number, alg: string | null, tag: string | null, line: number, col: number, text: string,
  src: string, dst: string, srcPorts: string | null, dstPorts: string | null,
];

type Match = [RealizedRule['src'], RealizedRule['dst'], RealizedRule['srcPorts'], RealizedRule['dstPorts'], string[], number];

/** An endpoint its text column gives back exactly ({@link endpointOfText}): all but an inline set. */
function plainEndpoint(e: RealizedRule['src']): boolean {
  return e.kind === 'not' ? plainEndpoint(e.of) : e.kind !== 'inline';
}

/**
 * The `match_json` of a rule: the parts no column holds. Nearly every rule is plain (no inline
 * set, no extension, no empty port list): its endpoints and ports are read back from their text
 * columns, and `match_json` is only its offset, a bare number. Measured on the 17,235-rule capture:
 * the array form cost 18 ms of JSON.stringify and about 1.7 MB of rows (insert and commit).
 */
export function encodeMatch(r: RealizedRule): string {
  if (r.extensions.length === 0 && plainEndpoint(r.src) && plainEndpoint(r.dst) && r.srcPorts?.length !== 0 && r.dstPorts?.length !== 0)
    return String(r.span.offset);
  const m: Match = [r.src, r.dst, r.srcPorts, r.dstPorts, r.extensions, r.span.offset];
  return JSON.stringify(m);
}

/** The inverse of endpointText for every endpoint but an inline set (`any`, `addrset X`, `ip A`, `not ...`). */
function endpointOfText(s: string): RealizedRule['src'] {
  if (s === 'any') return { kind: 'any' };
  if (s.startsWith('not ')) return { kind: 'not', of: endpointOfText(s.slice(4)) };
  if (s.startsWith('ip ')) return { kind: 'ip', value: s.slice(3) };
  if (s.startsWith('addrset ')) return { kind: 'addrset', name: s.slice(8) };
  throw new Error(`rules row: endpoint '${s}' is not one a plain row holds`);
}

/** The inverse of portsText: `80`, `49152-65535`, `{67, 68-69}`. */
function portsOfText(s: string | null): RealizedRule['srcPorts'] {
  if (s === null) return null;
  const body = s.charCodeAt(0) === 123 ? s.slice(1, -1) : s; // `{`
  return body.split(', ').map((item) => {
    const dash = item.indexOf('-');
    const lo = Number(dash < 0 ? item : item.slice(0, dash));
    return { lo, hi: dash < 0 ? lo : Number(item.slice(dash + 1)) };
  });
}

/**
 * The rule a row holds, field for field (and in the key order) the parser built it. `ruleset` is
 * its ruleset's name, `file` its source's path.
 */
export function decodeRule(row: RuleRowValues, ruleset: string, file: string): RealizedRule {
  const [json, index, section, ruleId, position, internal, direction, af, protocol, ethertype, strict, stateless,
    icmpType, icmpCode, action, log, alg, tag, line, column, text, srcText, dstText, srcPortsText, dstPortsText] = row;
  const first = json.charCodeAt(0);
  if (first === 123) return JSON.parse(json) as RealizedRule; // `{`: a whole rule (older stores)
  // a bare offset: a plain rule, whose endpoints and ports are their columns (encodeMatch)
  const [src, dst, srcPorts, dstPorts, extensions, offset] =
    first === 91 ? (JSON.parse(json) as Match) : [endpointOfText(srcText), endpointOfText(dstText), portsOfText(srcPortsText), portsOfText(dstPortsText), [], Number(json)];
  return {
    ruleset, section, ruleId, position, index, internal: internal === 1, direction, af, protocol, ethertype,
    strict: strict === 1, stateless: stateless === 1, icmpType, icmpCode, src, srcPorts, dst, dstPorts, extensions,
    action, log: log === 1, alg, tag, span: { file, offset, line, column, length: text.length }, text,
  };
}
