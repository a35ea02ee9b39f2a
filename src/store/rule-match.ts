/**
 * How a realized rule is kept in a `rules` row (0002-realized-rules): the columns hold every scalar
 * field, and `match_json` holds only what no column holds exactly, as a JSON array:
 * `[src, dst, srcPorts, dstPorts, extensions, offset]`. The rule's file is its source's path.
 *
 * Stores written before issue 12 part 2 hold the whole RealizedRule as a JSON object in
 * `match_json`; {@link decodeRule} reads both (the object form starts with `{`, the array with `[`).
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
  strict, stateless, icmp_type, icmp_code, action, log, alg, tag, line, col, text`;

/** A `rules` row as `SELECT ${RULE_COLUMNS}` returns it in raw mode. */
export type RuleRowValues = [
  matchJson: string, idx: number, section: string | null, ruleId: number, position: number, internal: number,
  direction: RealizedRule['direction'], af: RealizedRule['af'], protocol: string | null, ethertype: string | null,
  strict: number, stateless: number, icmpType: number | null, icmpCode: number | null, action: RealizedRule['action'],
  log: number, alg: string | null, tag: string | null, line: number, col: number, text: string,
];

type Match = [RealizedRule['src'], RealizedRule['dst'], RealizedRule['srcPorts'], RealizedRule['dstPorts'], string[], number];

/** The `match_json` of a rule: the parts no column holds. */
export function encodeMatch(r: RealizedRule): string {
  const m: Match = [r.src, r.dst, r.srcPorts, r.dstPorts, r.extensions, r.span.offset];
  return JSON.stringify(m);
}

/**
 * The rule a row holds, field for field (and in the key order) the parser built it. `ruleset` is
 * its ruleset's name, `file` its source's path.
 */
export function decodeRule(row: RuleRowValues, ruleset: string, file: string): RealizedRule {
  const [json, index, section, ruleId, position, internal, direction, af, protocol, ethertype, strict, stateless,
    icmpType, icmpCode, action, log, alg, tag, line, column, text] = row;
  if (json.charCodeAt(0) === 123) return JSON.parse(json) as RealizedRule; // `{`: a whole rule (older stores)
  const [src, dst, srcPorts, dstPorts, extensions, offset] = JSON.parse(json) as Match;
  return {
    ruleset, section, ruleId, position, index, internal: internal === 1, direction, af, protocol, ethertype,
    strict: strict === 1, stateless: stateless === 1, icmpType, icmpCode, src, srcPorts, dst, dstPorts, extensions,
    action, log: log === 1, alg, tag, span: { file, offset, line, column, length: text.length }, text,
  };
}
