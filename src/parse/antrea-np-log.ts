/**
 * Line scanner for the Antrea NetworkPolicy audit log (`/var/log/antrea/networkpolicy/np.log`),
 * all six format generations A..F of corpus/antrea-np-log/README.md. Fields are single
 * space-separated tokens after a Go `log` timestamp; the generation follows from the token
 * count, confirmed by the action (and, for F, the direction) vocabulary.
 */
import type { PacketEvent } from '../model/packet-event.js';
import { DiagnosticCode } from '../model/diagnostics.js';
import type { LineContext, LineResult } from './line-result.js';
import { MAX_RECORD_CHARS, daysFromCivil, daysInMonth, findBinaryChar, isIPv4, isIPv6, parseDecimal, twoDigits, fourDigits } from './line-result.js';

export type { LineContext, LineResult } from './line-result.js';

/** The Go `log` prefix `YYYY/MM/DD HH:MM:SS.uuuuuu ` is 27 characters. */
const TS_LEN = 26;

/** Dispositions of README "Field meanings": logged in Go's capitalisation. */
const ACTIONS: Readonly<Record<string, string>> = {
  Allow: 'ALLOW',
  Drop: 'DROP',
  Reject: 'REJECT',
  Pass: 'PASS',
  Redirect: 'REDIRECT',
};
const ACTION_LIST = 'Allow, Drop, Reject, Pass, Redirect';

/** Field positions (token indexes after the timestamp) of one generation; -1 = absent. */
interface Layout {
  id: 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
  count: number;
  table: number;
  npRef: number;
  ruleName: number;
  direction: number;
  action: number;
  ofPriority: number;
  appliedTo: number;
  src: number;
  srcPort: number;
  dst: number;
  dstPort: number;
  proto: number;
  pktLen: number;
  logLabel: number;
}

/** README "Formats" table, one entry per generation. A has the literal tokens `SRC:` (4) and `DEST:` (6). */
const LAYOUTS: readonly Layout[] = [
  { id: 'A', count: 10, table: 0, npRef: 1, ruleName: -1, direction: -1, action: 2, ofPriority: 3, appliedTo: -1, src: 5, srcPort: -1, dst: 7, dstPort: -1, pktLen: 8, proto: 9, logLabel: -1 },
  { id: 'B', count: 8, table: 0, npRef: 1, ruleName: -1, direction: -1, action: 2, ofPriority: 3, appliedTo: -1, src: 4, srcPort: -1, dst: 5, dstPort: -1, pktLen: 6, proto: 7, logLabel: -1 },
  { id: 'C', count: 10, table: 0, npRef: 1, ruleName: -1, direction: -1, action: 2, ofPriority: 3, appliedTo: -1, src: 4, srcPort: 5, dst: 6, dstPort: 7, proto: 8, pktLen: 9, logLabel: -1 },
  { id: 'D', count: 11, table: 0, npRef: 1, ruleName: 2, direction: -1, action: 3, ofPriority: 4, appliedTo: -1, src: 5, srcPort: 6, dst: 7, dstPort: 8, proto: 9, pktLen: 10, logLabel: -1 },
  { id: 'E', count: 12, table: 0, npRef: 1, ruleName: 2, direction: -1, action: 3, ofPriority: 4, appliedTo: -1, src: 5, srcPort: 6, dst: 7, dstPort: 8, proto: 9, pktLen: 10, logLabel: 11 },
  { id: 'F', count: 14, table: 0, npRef: 1, ruleName: 2, direction: 3, action: 4, ofPriority: 5, appliedTo: 6, src: 7, srcPort: 8, dst: 9, dstPort: 10, proto: 11, pktLen: 12, logLabel: 13 },
];

/** A rejection found while checking one layout. */
interface Problem {
  at: number;
  msg: string;
}

function quoted(t: string): string {
  return `'${JSON.stringify(t.length > 40 ? t.slice(0, 40) + '...' : t).slice(1, -1)}'`;
}

/** `<nil>` is Go's rendering of an empty value: null. */
function nil(t: string): string | null {
  return t === '<nil>' ? null : t;
}

/** `YYYY/MM/DD HH:MM:SS.uuuuuu` at 0: epoch ms (µs truncated), or -1. */
function scanGoTs(s: string): number {
  if (s.length < TS_LEN) return -1;
  const y = fourDigits(s, 0);
  const mo = twoDigits(s, 5);
  const d = twoDigits(s, 8);
  const h = twoDigits(s, 11);
  const mi = twoDigits(s, 14);
  const se = twoDigits(s, 17);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return -1;
  if (s.charCodeAt(4) !== 47 || s.charCodeAt(7) !== 47 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return -1;
  const us = parseDecimal(s, 20, 26);
  if (us < 0) return -1;
  return daysFromCivil(y, mo, d) * 86400000 + ((h * 60 + mi) * 60 + se) * 1000 + Math.floor(us / 1000);
}

/** Checks `toks` against layout `l`; returns the first problem, or null when it fits. */
function check(l: Layout, toks: string[], starts: number[]): Problem | null {
  const at = (i: number): number => starts[i] ?? 0;
  const tok = (i: number): string => toks[i] ?? '';
  if (l.id === 'A' && (tok(4) !== 'SRC:' || tok(6) !== 'DEST:')) {
    const i = tok(4) !== 'SRC:' ? 4 : 6;
    return { at: at(i), msg: `expected '${i === 4 ? 'SRC:' : 'DEST:'}' (format A) at column ${at(i) + 1}, found ${quoted(tok(i))}` };
  }
  if (ACTIONS[tok(l.action)] === undefined) {
    return { at: at(l.action), msg: `expected an action (${ACTION_LIST}) as field ${l.action + 1} (format ${l.id}) at column ${at(l.action) + 1}, found ${quoted(tok(l.action))}` };
  }
  if (l.direction >= 0 && !['Ingress', 'Egress', '<nil>'].includes(tok(l.direction))) {
    return { at: at(l.direction), msg: `expected a direction (Ingress, Egress, <nil>) as field ${l.direction + 1} (format F) at column ${at(l.direction) + 1}, found ${quoted(tok(l.direction))}` };
  }
  const pri = tok(l.ofPriority);
  if (pri !== '<nil>' && parseDecimal(pri, pri.startsWith('-') ? 1 : 0, pri.length) < 0) {
    return { at: at(l.ofPriority), msg: `expected an OpenFlow priority (integer or <nil>) at column ${at(l.ofPriority) + 1}, found ${quoted(pri)}` };
  }
  for (const [i, what] of [[l.src, 'source'], [l.dst, 'destination']] as const) {
    const a = tok(i);
    if (!isIPv4(a, 0, a.length) && !isIPv6(a, 0, a.length)) return { at: at(i), msg: `expected a ${what} IP address at column ${at(i) + 1}, found ${quoted(a)}` };
  }
  for (const [i, what] of [[l.srcPort, 'source'], [l.dstPort, 'destination']] as const) {
    if (i < 0) continue;
    const p = tok(i);
    const v = p === '<nil>' ? 0 : p.length <= 5 ? parseDecimal(p, 0, p.length) : -1;
    if (v < 0 || v > 65535) return { at: at(i), msg: `expected a ${what} port (0-65535 or <nil>) at column ${at(i) + 1}, found ${quoted(p)}` };
  }
  const len = tok(l.pktLen);
  if (parseDecimal(len, 0, len.length) < 0) return { at: at(l.pktLen), msg: `expected a packet length (digits) at column ${at(l.pktLen) + 1}, found ${quoted(len)}` };
  if (tok(l.proto) === '') return { at: at(l.proto), msg: `expected a protocol at column ${at(l.proto) + 1}, found nothing` };
  return null;
}

/** IN/OUT from an OVS table name: `*Ingress*` → IN, `*Egress*` → OUT (README "table"). */
function directionOfTable(table: string): 'IN' | 'OUT' | null {
  if (table.includes('Ingress')) return 'IN';
  if (table.includes('Egress')) return 'OUT';
  return null;
}

/**
 * Parses one np.log line (any of the generations A..F) into a PacketEvent, or classifies it:
 * `foreign` when it does not start with the Go log timestamp (or is blank), `rejected` when
 * it does but its fields fit no generation (1-based column of the first bad field), or it
 * holds binary data or is too long. A trailing `\r` is ignored. Never throws on input.
 */
export function parseAntreaNpLogLine(line: string, ctx: LineContext): LineResult {
  if (line.length > MAX_RECORD_CHARS) {
    return { kind: 'rejected', code: DiagnosticCode.LogLineTooLong, column: 1, reason: `line of ${line.length} characters is longer than any np.log record (limit ${MAX_RECORD_CHARS}): not parsed` };
  }
  const s = line.endsWith('\r') ? line.slice(0, -1) : line;
  const bin = findBinaryChar(s, 0, s.length);
  if (bin >= 0) {
    return { kind: 'rejected', code: DiagnosticCode.LogBinary, column: bin + 1, reason: `control character U+${s.charCodeAt(bin).toString(16).toUpperCase().padStart(4, '0')} at column ${bin + 1}: binary data, not a text log line` };
  }
  if (s.trim() === '') return { kind: 'foreign', reason: 'blank line' };
  // Go `log` with Ldate|Lmicroseconds: the agent's local time, normally UTC in the
  // container (README "Timestamp"). It is taken as UTC; there is no zone to say otherwise.
  const tsMs = scanGoTs(s);
  if (tsMs < 0) return { kind: 'foreign', reason: 'not an np.log line (no "YYYY/MM/DD HH:MM:SS.uuuuuu" timestamp at the start)' };
  if (s.length === TS_LEN || s.charCodeAt(TS_LEN) !== 32) {
    return { kind: 'rejected', code: DiagnosticCode.LogMalformed, column: TS_LEN + 1, reason: `expected a space and the record fields after the timestamp at column ${TS_LEN + 1}` };
  }

  // the de-dup suffix ` [N packets in D]` (v1.3+, README "Who writes what")
  let end = s.length;
  let dedupCount: number | null = null;
  let dedupDuration: string | null = null;
  if (s.charCodeAt(end - 1) === 93 /* ] */) {
    const open = s.lastIndexOf(' [', end);
    const m = open > TS_LEN ? / \[(\d+) packets in ([0-9.µμmnshu]+)\]$/.exec(s.slice(open)) : null;
    if (m === null) {
      return { kind: 'rejected', code: DiagnosticCode.LogMalformed, column: open > 0 ? open + 2 : end, reason: `expected a de-duplication suffix '[N packets in D]' at column ${open > 0 ? open + 2 : end}, found ${quoted(s.slice(open > 0 ? open + 1 : end - 1))}` };
    }
    dedupCount = Number(m[1]);
    dedupDuration = m[2] ?? null;
    end = open;
  }

  // tokens after the timestamp, with their 0-based start in the line (table may be empty)
  const toks: string[] = [];
  const starts: number[] = [];
  let p = TS_LEN + 1;
  for (;;) {
    let e = s.indexOf(' ', p);
    if (e < 0 || e > end) e = end;
    toks.push(s.slice(p, e));
    starts.push(p);
    if (e >= end) break;
    p = e + 1;
  }

  let layout: Layout | null = null;
  let first: Problem | null = null;
  for (const l of LAYOUTS) {
    if (l.count !== toks.length) continue;
    const problem = check(l, toks, starts);
    if (problem === null) {
      layout = l;
      break;
    }
    // A and C both have 10 fields: report the layout that got furthest along the line
    if (first === null || problem.at > first.at) first = problem;
  }
  if (layout === null) {
    if (first !== null) return { kind: 'rejected', code: DiagnosticCode.LogMalformed, column: first.at + 1, reason: first.msg };
    return {
      kind: 'rejected', code: DiagnosticCode.LogMalformed, column: TS_LEN + 2,
      reason: `expected 8 (format B), 10 (A, C), 11 (D), 12 (E) or 14 (F) space-separated fields after the timestamp at column ${TS_LEN + 2}, found ${toks.length}`,
    };
  }
  const l = layout;
  const tok = (i: number): string | null => (i < 0 ? null : nil(toks[i] ?? ''));
  const num = (i: number): number | null => {
    const t = tok(i);
    return t === null ? null : Number(t);
  };
  const table = toks[l.table] ?? '';
  const dirTok = tok(l.direction);
  // F logs the direction; when it is <nil>, and in A..E, the table name tells it
  const direction = dirTok === 'Ingress' ? 'IN' : dirTok === 'Egress' ? 'OUT' : directionOfTable(table);
  const src = toks[l.src] ?? '';
  const event: PacketEvent = {
    ts: new Date(tsMs).toISOString(),
    tsMs,
    host: ctx.host,
    filterHash: null,
    af: src.includes(':') ? 'INET6' : 'INET',
    reason: null,
    action: ACTIONS[toks[l.action] ?? ''] ?? null,
    ruleset: null,
    ruleId: null,
    direction,
    length: num(l.pktLen),
    protocol: (toks[l.proto] ?? '').toLowerCase(),
    src,
    srcPort: num(l.srcPort),
    dst: toks[l.dst] ?? null,
    dstPort: num(l.dstPort),
    tcpFlags: null,
    icmpType: null,
    icmpCode: null,
    closeReason: null,
    packetsIn: null,
    packetsOut: null,
    bytesIn: null,
    bytesOut: null,
    tag: tok(l.logLabel),
    source: ctx.source,
    line: ctx.line,
    producer: 'antrea',
    envelope: l.id,
    vrf: null,
    interfaceId: null,
    policyRef: tok(l.npRef),
    ruleName: tok(l.ruleName),
    table: table === '' ? null : table,
    ofPriority: tok(l.ofPriority),
    appliedTo: tok(l.appliedTo),
    dedupCount,
    dedupDuration,
    raw: s,
  };
  return { kind: 'event', event };
}

/**
 * Confidence (0..1) that a file whose first lines are `firstLines` is an Antrea np.log:
 * the share of non-blank lines that parse (lines with the Go timestamp that fail count
 * half). 0 when no line has the np.log shape.
 */
export function sniffAntreaNpLog(firstLines: string[]): number {
  const ctx: LineContext = { source: '', line: 0, host: null };
  let lines = 0;
  let score = 0;
  for (const l of firstLines) {
    if (l.trim() === '') continue;
    lines++;
    const r = parseAntreaNpLogLine(l, ctx);
    if (r.kind === 'event') score += 1;
    else if (r.kind === 'rejected' && r.code === DiagnosticCode.LogMalformed) score += 0.5;
  }
  return lines === 0 || score === 0 ? 0 : score / lines;
}
