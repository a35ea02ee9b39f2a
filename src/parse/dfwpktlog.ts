/**
 * Line scanner for VMware NSX firewall packet logs ("dfwpktlog"): DFW records of NSX-V,
 * NSX-T, NSX 4 / VCF and VMC, and NSX-T Edge gateway-firewall records, in every envelope of
 * reference/dfwpktlog.md section 2 (E1..E11 and the VMC JSON wrapper).
 *
 * Speed is part of the contract: bench/parse-speed.ts measures it against the section-8
 * regex of bench/regex-baseline.ts (the target is 2x; see the numbers there).
 * `String.prototype.charCodeAt` costs a few ns per call (type and bounds checks, string
 * representation dispatch), so the line is first copied into a reused byte buffer with one
 * native `TextEncoder.encodeInto` call and the scanner reads bytes. Byte i is character i
 * (the copy is 1:1, see `load`), so every index found in the bytes is also an index into
 * the string, from which the field values are sliced. Intermediate results live in
 * module-level scratch variables; the common field values are interned; no regular
 * expression runs on the hot path.
 */
import type { PacketEvent } from '../model/packet-event.js';
import { DiagnosticCode } from '../model/diagnostics.js';
import type { LineContext, LineResult } from './line-result.js';
import { MAX_RECORD_CHARS, daysFromCivil, daysInMonth, findBinaryChar, foundAt, isoFromMs } from './line-result.js';

export type { LineContext, LineResult } from './line-result.js';

// ---- character codes --------------------------------------------------------------------
const SP = 32;
const TAB = 9;
const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const COLON = 58;
const DASH = 45;
const DOT = 46;
const COMMA = 44;
const LBRACKET = 91;
const RBRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const LPAREN = 40;
const RPAREN = 41;
const CR = 13;

// ---- the byte view of the current line --------------------------------------------------

/**
 * Bytes of the line being scanned: B[i] is the code of character i for ASCII characters,
 * 0xFF for any other character (never part of a structural token) and 0x01 for U+FFFD
 * (what a UTF-8 decoder puts in place of invalid bytes, so it is caught as binary).
 * Room for the longest accepted line in UTF-8 plus the zero sentinels after the end.
 */
const B = new Uint8Array(MAX_RECORD_CHARS * 3 + 64);
const ENCODER = new TextEncoder();
/** zero bytes written after the end, so look-ahead reads never see an older line */
const SENTINEL = 16;

/** Copies `s` into B (1:1 with its UTF-16 code units) and zeroes SENTINEL bytes after `end`. */
function load(s: string, end: number): void {
  const r = ENCODER.encodeInto(s, B);
  if (r.read !== r.written) {
    // Non-ASCII present: UTF-8 shifted the indices, so redo the copy one unit per byte.
    for (let i = 0; i < end; i++) {
      const c = s.charCodeAt(i);
      B[i] = c < 0x80 ? c : c === 0xfffd ? 0x01 : 0xff;
    }
  }
  for (let i = end; i < end + SENTINEL; i++) B[i] = 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLowerHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}
function isAnyHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isAddrChar(c: number): boolean {
  return (c >= 48 && c <= 58) /* 0-9 : */ || c === DOT || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Index of the next space at or after `i` (or `end`). */
function tokenEnd(i: number, end: number): number {
  while (i < end && B[i] !== SP) i++;
  return i;
}

/** A word as bytes, for `wordAt`. */
function bytes(w: string): Uint8Array {
  return Uint8Array.from(w, (c) => c.charCodeAt(0));
}

/** True if the bytes of `w` are at `at` and are followed by a space or by `end`. */
function wordAt(at: number, end: number, w: Uint8Array): boolean {
  const n = w.length;
  if (at + n > end) return false;
  for (let i = 0; i < n; i++) if (B[at + i] !== w[i]) return false;
  return at + n === end || B[at + n] === SP;
}

/** True if the bytes of `w` are at `at` (no boundary check). */
function bytesAt(at: number, w: Uint8Array): boolean {
  for (let i = 0; i < w.length; i++) if (B[at + i] !== w[i]) return false;
  return true;
}

/** Value of the decimal digits in [from, to), or -1 (empty, non-digit, or over 15 digits). */
function decimal(from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = B[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Two decimal digits at `at`, or -1. */
function d2(at: number): number {
  const a = B[at]! - 48;
  const b = B[at + 1]! - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/**
 * True if [from, to) is a dotted-quad IPv4 address (octets 0..255, 1..3 digits). The byte
 * twin of line-result.ts `isIPv4` (which reads a string): this parser scans a byte copy of
 * the line on its hot path, where charCodeAt costs about 3 ns a call.
 */
function isIPv4At(from: number, to: number): boolean {
  let parts = 0;
  let digits = 0;
  let val = 0;
  for (let i = from; i < to; i++) {
    const c = B[i]!;
    if (c === DOT) {
      if (digits === 0 || ++parts > 3) return false;
      digits = 0;
      val = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
      val = val * 10 + (c - 48);
      if (val > 255) return false;
    } else {
      return false;
    }
  }
  return parts === 3 && digits > 0;
}

/**
 * True if [from, to) is an IPv6 address: up to 8 groups of 1..4 hex digits, at most one
 * `::`, optionally an embedded dotted quad at the end. NSX writes all 8 groups without `::`
 * (reference section 3.5), but `::` is accepted defensively, as the reference advises.
 */
function isIPv6At(from: number, to: number): boolean {
  if (to - from < 2) return false;
  let groups = 0;
  let doubleColon = false;
  let i = from;
  if (B[i] === COLON) {
    if (B[i + 1] !== COLON) return false;
    doubleColon = true;
    i += 2;
    if (i === to) return true; // "::"
  }
  while (i < to) {
    const groupStart = i;
    while (i < to && isAnyHex(B[i]!)) i++;
    if (i < to && B[i] === DOT) {
      // embedded IPv4 tail: two groups' worth, and it ends the address
      if (!isIPv4At(groupStart, to)) return false;
      groups += 2;
      break;
    }
    const len = i - groupStart;
    if (len === 0 || len > 4) return false;
    groups++;
    if (i === to) break;
    if (B[i] !== COLON) return false;
    i++;
    if (i < to && B[i] === COLON) {
      if (doubleColon) return false;
      doubleColon = true;
      i++;
    } else if (i === to) {
      return false; // a trailing single colon
    }
  }
  return doubleColon ? groups <= 7 : groups === 8;
}

/** Index of the first binary byte (C0 control other than TAB, DEL, or U+FFFD) in [from, to), or -1. */
function binaryByte(from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = B[i]!;
    if ((c < 0x20 && c !== TAB) || c === 0x7f) return i;
  }
  return -1;
}

// ---- interned values ------------------------------------------------------------------
/** `PROTO n` protocol strings, so the hot path does not build `String(n)` per line. */
const PROTO_NUMBERS: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Actions of reference section 8 (`action`), from the DFW and Edge docs (section 3.2). */
const ACTIONS: readonly string[] = ['PASS', 'DROP', 'REJECT', 'NAT', 'NONAT', 'RDR', 'NORDR', 'PUNT', 'REDIRECT', 'COPY', 'PBR', 'LB'];
const ACTION_BYTES: readonly Uint8Array[] = ACTIONS.map(bytes);
const ACTION_LIST = ACTIONS.join(', ');

/** The action whose bytes are exactly [at, e), or null. */
function actionAt(at: number, e: number): string | null {
  const n = e - at;
  if (n === 4) {
    // the two actions of every real line first (section 3.2 "seen in real lines")
    if (B[at] === 80 && B[at + 1] === 65 && B[at + 2] === 83 && B[at + 3] === 83) return 'PASS';
    if (B[at] === 68 && B[at + 1] === 82 && B[at + 2] === 79 && B[at + 3] === 80) return 'DROP';
  }
  if (n < 2 || n > 8 || !isUpper(B[at]!)) return null;
  for (let k = 0; k < ACTION_BYTES.length; k++) {
    const w = ACTION_BYTES[k]!;
    if (w.length === n && bytesAt(at, w)) return ACTIONS[k]!;
  }
  return null;
}

/** TCP flag strings seen or documented (section 3.6), returned without slicing. */
const COMMON_FLAGS: readonly string[] = ['S', 'SEW', 'SA', 'A', 'R', 'F', 'P', 'U', 'FA', 'PA', 'RA', 'SE', 'SAE'];
const COMMON_FLAG_BYTES: readonly Uint8Array[] = COMMON_FLAGS.map(bytes);

function isFlagChar(c: number): boolean {
  // F S R P A U E W (pf order, section 3.6)
  return c === 70 || c === 83 || c === 82 || c === 80 || c === 65 || c === 85 || c === 69 || c === 87;
}

const W_INET = bytes('INET');
const W_INET6 = bytes('INET6');
const W_L2 = bytes('L2');
const W_MATCH = bytes('match');
const W_TERM = bytes('TERM');
const W_REASON_MATCH = bytes('reason-match');
const W_SPOOFGUARD = bytes('SpoofGuard');
const W_ICMP = bytes('ICMP');
const W_PROTO = bytes('PROTO');
const W_RST = bytes('RST');
const W_FIN = bytes('FIN');
const W_TIMEOUT = bytes('TIMEOUT');
const W_DFWPKTLOGS = bytes('dfwpktlogs');
const W_FIREWALL_PKTLOG = bytes('FIREWALL_PKTLOG');
const W_FIREWALL_HPKTLOG = bytes('FIREWALL-PKTLOG');
const W_NSX = bytes('NSX');
const W_FIREWALL = bytes('FIREWALL');

// ---- scratch state of the line being parsed (module-level: no per-line allocation) ------
let fTs: string | null = null;
let fTsMs: number | null = null;
let fHostStart = -1;
let fHostEnd = -1;
let fEnvelope = '';
/** hash kind: 0 none, 1 decimal (NSX-V), 2 8-hex (NSX-T/4) */
let fHashKind = 0;
let fHashStart = 0;
let fHashEnd = 0;
let fAf: 'INET' | 'INET6' | 'L2' = 'INET';
let fReason = '';
let fAction: string | null = null;
let fRulesetStart = -1;
let fRulesetEnd = -1;
let fRuleId = 0;
let fDir: 'IN' | 'OUT' = 'IN';
let fLength: number | null = null;
let fProto = '';
let fIcmpType: number | null = null;
let fIcmpCode: number | null = null;
let fClose: string | null = null;
let fSrcStart = 0;
let fSrcEnd = 0;
let fDstStart = 0;
let fDstEnd = 0;
let fSport: number | null = null;
let fDport: number | null = null;
let fFlags: string | null = null;
let fFlagsStart = 0;
let fFlagsEnd = 0;
let fPkIn: number | null = null;
let fPkOut: number | null = null;
let fByIn: number | null = null;
let fByOut: number | null = null;
let fTagStart = -1;
let fEdge = false;
let fVrf: number | null = null;
let fIfStart = -1;
let fIfEnd = -1;

// failure state
let xCode: DiagnosticCode = DiagnosticCode.LogMalformed;
let xCol = 1;
let xMsg = '';
let xForeign = false;

/** Sets a rejection (column from a 0-based index); returns false for `return fail(...)`. */
function fail(at: number, msg: string, code: DiagnosticCode = DiagnosticCode.LogMalformed): false {
  xForeign = false;
  xCode = code;
  xCol = at + 1;
  xMsg = msg;
  return false;
}

/** Marks the line foreign (not a firewall record); returns false. */
function foreign(msg: string): false {
  xForeign = true;
  xMsg = msg;
  return false;
}

function resetFields(): void {
  fTs = null;
  fTsMs = null;
  fHostStart = -1;
  fEnvelope = '';
  fHashKind = 0;
  fAction = null;
  fRulesetStart = -1;
  fLength = null;
  fIcmpType = null;
  fIcmpCode = null;
  fClose = null;
  fSport = null;
  fDport = null;
  fFlags = null;
  fFlagsStart = 0;
  fFlagsEnd = 0;
  fPkIn = null;
  fPkOut = null;
  fByIn = null;
  fByOut = null;
  fTagStart = -1;
  fEdge = false;
  fVrf = null;
  fIfStart = -1;
}

// ---- timestamps -------------------------------------------------------------------------

/** set by scanTimeOfDay: index after the time and its fraction */
let todEnd = 0;

/** `HH:MM:SS[.fraction]` at `at`: ms since midnight (fraction truncated to ms), or -1. */
function scanTimeOfDay(at: number, end: number): number {
  if (at + 8 > end) return -1;
  const h = d2(at);
  const mi = d2(at + 3);
  const se = d2(at + 6);
  if (h < 0 || mi < 0 || se < 0 || h > 23 || mi > 59 || se > 60 || B[at + 2] !== COLON || B[at + 5] !== COLON) return -1;
  let i = at + 8;
  let ms = 0;
  if (B[i] === DOT) {
    i++;
    const fs = i;
    while (i < end && isDigit(B[i]!)) {
      if (i - fs < 3) ms = ms * 10 + (B[i]! - 48);
      i++;
    }
    const n = i - fs;
    if (n === 0 || n > 9) return -1;
    if (n === 1) ms *= 100;
    else if (n === 2) ms *= 10;
  }
  todEnd = i;
  return ((h * 60 + mi) * 60 + se) * 1000 + ms;
}

/**
 * ISO 8601 timestamp `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM|+HHMM)` at `at`, which
 * must be followed by a space or the end. Sets fTs (UTC, ms, `Z`) and fTsMs and returns the
 * index after it, or -1. Digits past the ms are truncated, not rounded ("keep µs truncated
 * to ms"). The common DFW form (`.mmmZ`, 24 characters) is kept as a slice of the line.
 */
function scanIsoTs(s: string, at: number, end: number): number {
  if (at + 19 > end) return -1;
  const yHi = d2(at);
  const yLo = d2(at + 2);
  const y = yHi * 100 + yLo;
  if (yHi < 0 || yLo < 0 || B[at + 4] !== DASH || B[at + 7] !== DASH || B[at + 10] !== 84 /* T */) return -1;
  const mo = d2(at + 5);
  const d = d2(at + 8);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return -1;
  const tod = scanTimeOfDay(at + 11, end);
  if (tod < 0) return -1;
  let i = todEnd;
  let offsetMin = 0;
  const c = B[i];
  if (c === 90 /* Z */) {
    i++;
  } else if (c === 43 /* + */ || c === DASH) {
    const oh = d2(i + 1);
    const colon = B[i + 3] === COLON ? 1 : 0;
    const om = d2(i + 3 + colon);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return -1;
    offsetMin = (oh * 60 + om) * (c === 43 ? 1 : -1);
    i += 5 + colon;
  } else {
    return -1; // no zone: not seen in any envelope, and local time cannot be placed
  }
  if (i > end || (i < end && B[i] !== SP)) return -1;
  const ms = daysFromCivil(y, mo, d) * 86400000 + tod - offsetMin * 60000;
  fTsMs = ms;
  if (offsetMin !== 0) fTs = isoFromMs(ms);
  else if (todEnd - at === 23) fTs = s.slice(at, i); // `.mmmZ`: already the normal form
  else if (todEnd - at > 23) fTs = s.slice(at, at + 23) + 'Z'; // µs and beyond: truncated
  else fTs = isoFromMs(ms); // no fraction, or fewer than 3 digits
  return i;
}

/**
 * Dateless `THH:MM:SS.mmmZ`: a file line whose date was cut off (seeds/002, the F5
 * write-up). ts keeps its `T..Z` form; tsMs places it on 1970-01-01 (see PacketEvent.ts).
 */
function scanDatelessTs(s: string, at: number, end: number): number {
  const tod = scanTimeOfDay(at + 1, end);
  if (tod < 0) return -1;
  const i = todEnd;
  if (B[i] !== 90 /* Z */ || (i + 1 < end && B[i + 1] !== SP)) return -1;
  fTsMs = tod;
  // kept as logged at ms precision; another precision is normalised to ms
  fTs = i + 1 - at === 14 ? s.slice(at, i + 1) : 'T' + isoFromMs(tod).slice(11);
  return i + 1;
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/**
 * RFC 3164 `Mmm dd HH:MM:SS` (day space-padded) at `at`. The header has no year, so the
 * year cannot be known from the line: ts keeps a yearless ISO 8601 form
 * (`--MM-DDTHH:MM:SS.000Z`, the truncated representation of ISO 8601:2000) and tsMs puts the
 * moment in 1970, as the model does for dateless lines (a Feb 29 lands on Mar 1 there).
 * A caller that knows the year (the file's date) can correct both.
 */
function scanBsdTs(s: string, at: number, end: number): number {
  if (at + 15 > end || B[at + 3] !== SP || B[at + 6] !== SP) return -1;
  const mIdx = MONTHS.indexOf(s.slice(at, at + 3));
  if (mIdx < 0 || mIdx % 3 !== 0) return -1;
  const mo = mIdx / 3 + 1;
  const d = B[at + 4] === SP ? (isDigit(B[at + 5]!) ? B[at + 5]! - 48 : -1) : d2(at + 4);
  if (d < 1 || d > daysInMonth(2000, mo)) return -1;
  const tod = scanTimeOfDay(at + 7, end);
  if (tod < 0 || todEnd !== at + 15) return -1;
  if (at + 15 < end && B[at + 15] !== SP) return -1;
  fTsMs = daysFromCivil(1970, mo, d) * 86400000 + tod;
  fTs = `--${mo < 10 ? '0' : ''}${mo}-${d < 10 ? '0' : ''}${d}T${s.slice(at + 7, at + 15)}.000Z`;
  return at + 15;
}

// ---- syslog idents ----------------------------------------------------------------------

/** set by identAt: index after the ident (and its colon) */
let identEnd = 0;

/**
 * A firewall syslog tag at `at` (section 7 item 3): `dfwpktlogs`, `FIREWALL_PKTLOG` or
 * `FIREWALL-PKTLOG`, optionally `[pid]`, then `:` when `needColon` (not for an RFC 5424
 * APP-NAME); followed by a space or the end. Returns 0 (none), 1 (`dfwpktlogs`),
 * 2 (`FIREWALL_PKTLOG`) or 3 (`FIREWALL-PKTLOG`) and sets identEnd.
 */
function identAt(at: number, end: number, needColon: boolean): number {
  let kind: number;
  let i = at;
  const c = B[at];
  if (c === 100 /* d */ && bytesAt(at, W_DFWPKTLOGS)) {
    kind = 1;
    i += 10;
  } else if (c === 70 /* F */ && bytesAt(at, W_FIREWALL_PKTLOG)) {
    kind = 2;
    i += 15;
  } else if (c === 70 && bytesAt(at, W_FIREWALL_HPKTLOG)) {
    kind = 3;
    i += 15;
  } else {
    return 0;
  }
  if (B[i] === LBRACKET) {
    const ps = ++i;
    while (i < end && isDigit(B[i]!)) i++;
    if (i === ps || B[i] !== RBRACKET) return 0;
    i++;
  }
  if (needColon) {
    if (B[i] !== COLON) return 0;
    i++;
  }
  if (i < end && B[i] !== SP) return 0;
  identEnd = i;
  return kind;
}

// ---- the record body (reference section 3 and section 8) --------------------------------

/** True if `INET`, `INET6` or `L2` (then a space or end) is at `at`. */
function afAt(at: number, end: number): boolean {
  const c = B[at];
  if (c === 73 /* I */) return wordAt(at, end, W_INET) || wordAt(at, end, W_INET6);
  return c === 76 /* L */ && wordAt(at, end, W_L2);
}

/** Kind of filter hash in [at, e): 1 = 1..10 digits, 2 = 8 lowercase hex, 0 = not a hash. */
function hashKind(at: number, e: number): number {
  const n = e - at;
  if (n < 1) return 0;
  let digits = true;
  for (let i = at; i < e; i++) {
    const c = B[i]!;
    if (c < 48 || c > 57) {
      digits = false;
      if (!(c >= 97 && c <= 102)) return 0;
    }
  }
  if (digits && n <= 10) return 1;
  return n === 8 ? 2 : 0;
}

/**
 * Parses the record body from `p` to `end`: `[hash] AF reason [action] [ruleset/]rule DIR
 * [len] PROTO [close] src[/sport]->dst[/dport] [flags] [pkts bytes] [tag]`, after the Edge
 * `<vrf ifid>` prefix when `edge` (section 5). Fills the f* scratch fields; on failure sets
 * the x* state and returns false.
 */
function parseBody(s: string, p: number, end: number, edge: boolean): boolean {
  if (p >= end) return fail(p, 'expected a record body after the envelope, found end of line');
  if (edge && !edgePrefix(s, p, end)) return false;
  if (edge) p = identEnd;

  // [hash] AF
  let c = B[p]!;
  if (!((c === 73 || c === 76) && afAt(p, end))) {
    const e = tokenEnd(p, end);
    const kind = hashKind(p, e);
    if (kind === 0 || e >= end) {
      if (B[e - 1] === COMMA) return nonNative(p);
      return fail(p, `expected a filter hash or INET/INET6/L2 at column ${p + 1}, found ${foundAt(s, p, end)}`);
    }
    fHashKind = kind;
    fHashStart = p;
    fHashEnd = e;
    p = e + 1;
    if (!afAt(p, end)) {
      if (B[tokenEnd(p, end) - 1] === COMMA) return nonNative(p);
      return fail(p, `expected INET, INET6 or L2 after the filter hash at column ${p + 1}, found ${foundAt(s, p, end)}`);
    }
  }
  if (B[p] === 76) {
    // Section 7 item 5 / section 11: the layout of L2 records (MACs, ETHTYPE) is unknown.
    fAf = 'L2';
    return fail(p, `L2 record at column ${p + 1}: the layout of L2 records is not documented (reference section 11), not parsed`, DiagnosticCode.Unverified);
  }
  if (B[p + 4] === 54 /* 6 */) {
    fAf = 'INET6';
    p += 6;
  } else {
    fAf = 'INET';
    p += 5;
  }

  // reason
  let e = tokenEnd(p, end);
  if (e >= end) return fail(p, `expected a reason (match, TERM, ...) and more fields at column ${p + 1}, found ${foundAt(s, p, end)}`);
  let isMatch = false;
  let isTerm = false;
  c = B[p]!;
  if (c === 109 /* m */ && e - p === 5 && bytesAt(p, W_MATCH)) {
    fReason = 'match';
    isMatch = true;
  } else if (c === 84 /* T */ && e - p === 4 && bytesAt(p, W_TERM)) {
    fReason = 'TERM';
    isTerm = true;
  } else if (c === 114 /* r */ && e - p === 12 && bytesAt(p, W_REASON_MATCH)) {
    fReason = 'reason-match';
    isMatch = true;
  } else if (c === 83 /* S */ && e - p === 10 && bytesAt(p, W_SPOOFGUARD)) {
    fReason = 'SpoofGuard';
  } else {
    // the other pf reasons: lower case and '-' (state-mismatch, bad-offset, ...), section 3.2
    for (let i = p; i < e; i++) {
      const ch = B[i]!;
      if (!(isLower(ch) || ch === DASH)) return fail(p, `expected a reason (match, reason-match, TERM, or a lower-case pf reason) at column ${p + 1}, found ${foundAt(s, p, end)}`);
    }
    fReason = s.slice(p, e);
  }
  p = e + 1;

  // [action]: always after match (section 3, field 4); optional after TERM (section 4)
  e = tokenEnd(p, end);
  const action = actionAt(p, e);
  if (action !== null) {
    fAction = action;
    p = e + 1;
    e = tokenEnd(p, end);
  } else if (isMatch) {
    return fail(p, `expected an action (${ACTION_LIST}) after '${fReason}' at column ${p + 1}, found ${foundAt(s, p, end)}`);
  }

  // [ruleset/]rule
  if (e >= end) return fail(p, `expected a rule id and a direction at column ${p + 1}, found ${foundAt(s, p, end)}`);
  let idStart = p;
  c = B[p]!;
  if (!isDigit(c)) {
    // ruleset = [A-Za-z][A-Za-z0-9_-]* "/" (domain-c46, mainrs)
    let i = p;
    if (isUpper(c) || isLower(c)) {
      i++;
      for (;;) {
        c = B[i]!;
        if (!(isLower(c) || isDigit(c) || c === DASH || isUpper(c) || c === 95)) break;
        i++;
      }
    }
    if (B[i] !== SLASH || i === p) {
      if (isTerm && fAction === null) {
        return fail(p, `expected an action (${ACTION_LIST}) or a rule id after 'TERM' at column ${p + 1}, found ${foundAt(s, p, end)}`);
      }
      return fail(p, `expected a rule id (digits, or ruleset/digits) at column ${p + 1}, found ${foundAt(s, p, end)}`);
    }
    fRulesetStart = p;
    fRulesetEnd = i;
    idStart = i + 1;
  }
  const ruleId = decimal(idStart, e);
  if (ruleId < 0) {
    return fail(idStart, `expected a rule id (digits${idStart > p ? ' after the ruleset' : ', or ruleset/digits'}) at column ${idStart + 1}, found ${foundAt(s, idStart, end)}`);
  }
  fRuleId = ruleId;
  p = e + 1;

  // DIR
  c = B[p]!;
  if (c === 73 && B[p + 1] === 78 && (B[p + 2] === SP || p + 2 === end)) {
    fDir = 'IN';
    p += 3;
  } else if (c === 79 && B[p + 1] === 85 && B[p + 2] === 84 && (B[p + 3] === SP || p + 3 === end)) {
    fDir = 'OUT';
    p += 4;
  } else {
    return fail(p, `expected IN or OUT after rule id at column ${p + 1}, found ${foundAt(s, p, end)}`);
  }
  if (p >= end) return fail(p, `expected a packet length or a protocol at column ${p + 1}, found end of line`);

  // [len]: match records only (section 3.4)
  if (isDigit(B[p]!)) {
    e = tokenEnd(p, end);
    const n = e - p <= 6 ? decimal(p, e) : -1;
    if (n < 0) return fail(p, `expected a packet length (digits) at column ${p + 1}, found ${foundAt(s, p, end)}`);
    fLength = n;
    p = e + 1;
  }

  // PROTO
  let tcp = false;
  let icmp = false;
  c = B[p]!;
  if (c === 84 && B[p + 1] === 67 && B[p + 2] === 80 && (B[p + 3] === SP || p + 3 === end)) {
    fProto = 'tcp';
    tcp = true;
    p += 4;
  } else if (c === 85 && B[p + 1] === 68 && B[p + 2] === 80 && (B[p + 3] === SP || p + 3 === end)) {
    fProto = 'udp';
    p += 4;
  } else if (c === 73 && wordAt(p, end, W_ICMP)) {
    fProto = 'icmp';
    icmp = true;
    p += 5;
  } else if (c === 80 && wordAt(p, end, W_PROTO)) {
    p += 6;
    e = tokenEnd(p, end);
    const n = e - p <= 3 ? decimal(p, e) : -1;
    if (n < 0 || n > 255) return fail(p, `expected a protocol number (0-255) after PROTO at column ${p + 1}, found ${foundAt(s, p, end)}`);
    fProto = PROTO_NUMBERS[n]!;
    p = e + 1;
  } else {
    return fail(p, `expected a protocol (TCP, UDP, ICMP, PROTO n) at column ${p + 1}, found ${foundAt(s, p, end)}`);
  }
  if (p >= end) return fail(p, `expected the addresses (src->dst) at column ${p + 1}, found end of line`);
  return parseBodyTail(s, p, end, tcp, icmp, isTerm);
}

/**
 * The body from the protocol on: `[icmp type code] [close] endpoints [flags] [counters]
 * [tag]`. A function of its own so that TurboFan gives it its own inlining budget.
 */
function parseBodyTail(s: string, p: number, end: number, tcp: boolean, icmp: boolean, isTerm: boolean): boolean {
  let e: number;
  let c: number;
  // ICMP <type> <code>: unconfirmed (section 3 row 9b, SAP's grok only). Taken only when
  // both tokens are plain numbers followed by more text: an address token always has '->'.
  if (icmp && isDigit(B[p]!)) {
    e = tokenEnd(p, end);
    const t = e - p <= 3 ? decimal(p, e) : -1;
    if (t >= 0 && t <= 255 && e < end) {
      const e2 = tokenEnd(e + 1, end);
      const code = e2 - e - 1 <= 3 ? decimal(e + 1, e2) : -1;
      if (code >= 0 && code <= 255 && e2 < end) {
        fIcmpType = t;
        fIcmpCode = code;
        p = e2 + 1;
      }
    }
  }

  // [close]: TERM only (section 4). The docs give TIMEOUT for non-TCP too, so not tied to TCP.
  if (isTerm) {
    c = B[p]!;
    if (c === 82 && wordAt(p, end, W_RST)) {
      fClose = 'RST';
      p += 4;
    } else if (c === 70 && wordAt(p, end, W_FIN)) {
      fClose = 'FIN';
      p += 4;
    } else if (c === 84 && wordAt(p, end, W_TIMEOUT)) {
      fClose = 'TIMEOUT';
      p += 8;
    }
  }

  // src[/sport]->dst[/dport]
  p = scanEndpoint(s, p, end, true);
  if (p < 0) return false;
  if (B[p] !== DASH || B[p + 1] !== GT) return fail(p, `expected '->' after the source at column ${p + 1}, found ${foundAt(s, p, end)}`);
  p = scanEndpoint(s, p + 2, end, false);
  if (p < 0) return false;
  if (p === end) return true;
  if (B[p] !== SP) return fail(p, `expected a space or the end of the line after the destination at column ${p + 1}, found ${foundAt(s, p, end)}`);
  p++;

  // [flags]: TCP records other than TERM; on any other record such a token is the tag (section 3.8)
  if (tcp && !isTerm) {
    e = p;
    while (e < end && isFlagChar(B[e]!)) e++;
    const n = e - p;
    if (n >= 1 && n <= 8 && (e === end || B[e] === SP)) {
      for (let k = 0; k < COMMON_FLAG_BYTES.length; k++) {
        const w = COMMON_FLAG_BYTES[k]!;
        if (w.length === n && bytesAt(p, w)) {
          fFlags = COMMON_FLAGS[k]!;
          break;
        }
      }
      if (fFlags === null) {
        fFlagsStart = p;
        fFlagsEnd = e;
      }
      if (e === end) return true;
      p = e + 1;
    }
  }

  // [pkts bytes]: `a/b c/d` on TERM records (section 3.7)
  if (isTerm && isDigit(B[p]!)) {
    let i = p;
    while (isDigit(B[i]!)) i++;
    if (B[i] === SLASH) {
      const a = decimal(p, i);
      const bs = i + 1;
      const e1 = tokenEnd(bs, end);
      const b = decimal(bs, e1);
      if (b < 0 || e1 >= end) return fail(p, `expected TERM counters 'pkts_fwd/pkts_rev bytes_fwd/bytes_rev' at column ${p + 1}, found ${foundAt(s, p, end)}`);
      const cs = e1 + 1;
      i = cs;
      while (isDigit(B[i]!)) i++;
      const e2 = tokenEnd(cs, end);
      const cc = B[i] === SLASH ? decimal(cs, i) : -1;
      const d = cc >= 0 ? decimal(i + 1, e2) : -1;
      if (cc < 0 || d < 0) return fail(cs, `expected TERM byte counters 'fwd/rev' after the packet counters at column ${cs + 1}, found ${foundAt(s, cs, end)}`);
      fPkIn = a;
      fPkOut = b;
      fByIn = cc;
      fByOut = d;
      if (e2 === end) return true;
      p = e2 + 1;
    }
  }

  // [tag]: free text to the end of the line (section 3.8: spaces are not excluded)
  if (p < end) fTagStart = p;
  return true;
}

/** The Edge prefix `<vrf hex16:hex16> ` at `p` (section 5); sets identEnd to the index after it. */
function edgePrefix(s: string, p: number, end: number): boolean {
  if (B[p] !== LT) return fail(p, `expected the Edge '<vrf ifid>' prefix at column ${p + 1}, found ${foundAt(s, p, end)}`);
  let i = p + 1;
  const vs = i;
  while (i < end && isDigit(B[i]!)) i++;
  if (i === vs || i - vs > 9 || B[i] !== SP) return fail(i, `expected a VRF id (digits) and a space in the Edge prefix at column ${i + 1}, found ${foundAt(s, i, end)}`);
  const vrf = decimal(vs, i);
  const is = ++i;
  while (i < end && isLowerHex(B[i]!)) i++;
  if (i - is !== 16 || B[i] !== COLON) return fail(is, `expected 16 lowercase hex digits and ':' (interface id) at column ${is + 1}, found ${foundAt(s, is, end)}`);
  const h2 = ++i;
  while (i < end && isLowerHex(B[i]!)) i++;
  if (i - h2 !== 16 || B[i] !== GT) return fail(h2, `expected 16 lowercase hex digits and '>' (interface id) at column ${h2 + 1}, found ${foundAt(s, h2, end)}`);
  if (B[i + 1] !== SP) return fail(i + 1, `expected a space after the Edge prefix at column ${i + 2}, found ${foundAt(s, i + 1, end)}`);
  fVrf = vrf;
  fIfStart = is;
  fIfEnd = i;
  fEdge = true;
  identEnd = i + 2;
  return true;
}

/**
 * `addr[/port]` at `p`; sets the source or destination fields and returns the index after
 * it, or -1. The address family must agree with the AF token.
 */
function scanEndpoint(s: string, p: number, end: number, isSrc: boolean): number {
  const as = p;
  if (fAf === 'INET') {
    // dotted quad, validated while it is read
    let parts = 0;
    let digits = 0;
    let val = 0;
    for (;;) {
      const c = B[p]!;
      if (c >= 48 && c <= 57) {
        val = val * 10 + (c - 48);
        if (++digits > 3 || val > 255) return badAddress(s, as, end, isSrc);
      } else if (c === DOT) {
        if (digits === 0 || ++parts > 3) return badAddress(s, as, end, isSrc);
        digits = 0;
        val = 0;
      } else {
        break;
      }
      p++;
    }
    if (parts !== 3 || digits === 0) return badAddress(s, as, end, isSrc);
  } else {
    while (isAddrChar(B[p]!)) p++;
    if (!isIPv6At(as, p)) return badAddress(s, as, end, isSrc);
  }
  const ae = p;
  let port: number | null = null;
  if (B[p] === SLASH) {
    const ps = ++p;
    let v = 0;
    while (isDigit(B[p]!)) {
      v = v * 10 + (B[p]! - 48);
      p++;
    }
    if (p === ps || p - ps > 5 || v > 65535) {
      fail(ps, `expected a ${isSrc ? 'source' : 'destination'} port (0-65535) after '/' at column ${ps + 1}, found ${foundAt(s, ps, end)}`);
      return -1;
    }
    port = v;
  }
  if (isSrc) {
    fSrcStart = as;
    fSrcEnd = ae;
    fSport = port;
  } else {
    fDstStart = as;
    fDstEnd = ae;
    fDport = port;
  }
  return p;
}

function badAddress(s: string, as: number, end: number, isSrc: boolean): number {
  let e = as;
  while (e < end && isAddrChar(B[e]!)) e++;
  const what = isSrc ? 'source' : 'destination';
  if (e === as) fail(as, `expected the ${what} address at column ${as + 1}, found ${foundAt(s, as, end)}`);
  else fail(as, `expected an ${fAf === 'INET' ? 'IPv4' : 'IPv6'} ${what} address (AF ${fAf}) at column ${as + 1}, found '${s.slice(as, e)}'`);
  return -1;
}

/** The CSV re-rendering (section 7 item 17): `PASS, domain-c100488/1279, IN, ...`. */
function nonNative(p: number): false {
  return fail(
    p,
    `third-party CSV rendering of a dfwpktlog record (comma-separated fields at column ${p + 1}), not the native NSX format: not parsed`,
    DiagnosticCode.LogNonNative,
  );
}

// ---- envelopes (reference section 2) ----------------------------------------------------

/**
 * Parses envelope and body of the loaded line [0, end). Returns true with the f* fields
 * set, or false with the x* state set (foreign or rejected).
 */
function parseLine(s: string, end: number): boolean {
  const c0 = B[0]!;
  if (isDigit(c0)) {
    // E1/E2/E4 (file), E3/E5/E5b (TS host ident), E6 (ESXi 8 file), E10 (Edge file)
    const t = scanIsoTs(s, 0, end);
    if (t >= 0) return afterIsoTs(s, t + 1, end);
    return bareBody(s, 0, end); // E11 with a decimal hash
  }
  if (c0 === LT) return afterPri(s, end);
  // E11 with an 8-hex hash that starts with a letter, or a body alone
  if ((c0 >= 97 && c0 <= 102) || ((c0 === 73 || c0 === 76) && afAt(0, end))) return bareBody(s, 0, end);
  if (c0 === 84 /* T */ && isDigit(B[1]!)) {
    const t = scanDatelessTs(s, 0, end);
    if (t >= 0) return fileBody(s, t + 1, end);
  }
  if (isUpper(c0)) {
    const t = scanBsdTs(s, 0, end);
    if (t >= 0) return afterBsdTs(s, t + 1, end);
  }
  return unknownEnvelope(s, end, 0, 'no dfwpktlog envelope (timestamp, <PRI>, filter hash or INET record) at the start of the line');
}

/** E11: `hash body` (or a body alone) left by a collector that stripped the header. */
function bareBody(s: string, p: number, end: number): boolean {
  const e = tokenEnd(p, end);
  if (!afAt(p, end) && !(hashKind(p, e) !== 0 && afAt(e + 1, end))) {
    return unknownEnvelope(s, end, p, 'no dfwpktlog envelope or record at the start of the line');
  }
  fEnvelope = 'E11';
  return parseBody(s, p, end, false);
}

/** E1/E2/E4: the file form `TS [hash] body`; the envelope id follows the hash kind. */
function fileBody(s: string, p: number, end: number): boolean {
  if (!parseBody(s, p, end, false)) return false;
  fEnvelope = fHashKind === 0 ? 'E1' : fHashKind === 1 ? 'E2' : 'E4';
  return true;
}

function afterIsoTs(s: string, p: number, end: number): boolean {
  if (p >= end) return unknownEnvelope(s, end, p, 'a timestamp alone, no record');
  const e = tokenEnd(p, end);
  // file lines: the body (with or without a hash) follows the timestamp
  if (afAt(p, end) || (hashKind(p, e) !== 0 && afAt(e + 1, end))) return fileBody(s, p, end);
  // E6: the ESXi 8 file form `TS Sev(PRI) IDENT[pid]: body` (`No(13)`, `In(166)`)
  if (e - p >= 5 && isUpper(B[p]!) && isLower(B[p + 1]!) && B[p + 2] === LPAREN && B[e - 1] === RPAREN && decimal(p + 3, e - 1) >= 0) {
    if (e >= end) return foreign('ESXi log line without a message');
    if (identAt(e + 1, end, true) === 0) return unknownEnvelope(s, end, e + 1, 'ESXi 8 log line of another program');
    fEnvelope = 'E6';
    return parseBody(s, identEnd + 1, end, false);
  }
  // `TS host IDENT: body` (E3, E5, E5b without PRI) or the Edge file form (E10)
  return afterHost(s, p, e, end, false);
}

/** After `TS ` of a syslog header: `host IDENT: body` or `host NSX procid FIREWALL [SD] msg`. */
function afterHost(s: string, hs: number, he: number, end: number, hasPri: boolean): boolean {
  if (he >= end) return unknownEnvelope(s, end, hs, 'a syslog header without a message');
  const p = he + 1;
  const kind = identAt(p, end, true);
  if (kind !== 0) {
    setHost(hs, he);
    fEnvelope = kind === 1 ? 'E3' : kind === 2 ? 'E5' : 'E5b';
    return parseBody(s, identEnd + 1, end, false);
  }
  if (B[p] === 78 /* N */ && wordAt(p, end, W_NSX)) {
    setHost(hs, he);
    if (!afterApp5424(s, p, end, true)) return false;
    fEnvelope = hasPri ? 'E9' : 'E10';
    return true;
  }
  return unknownEnvelope(s, end, p, 'syslog line of another program');
}

function setHost(hs: number, he: number): void {
  if (he - hs === 1 && B[hs] === DASH) return; // RFC 5424 NILVALUE: no host
  fHostStart = hs;
  fHostEnd = he;
}

/** `<PRI>`, then RFC 5424 (`1 TS host APP ...`), `TS host IDENT:` (E5/E5b) or RFC 3164 (E3b). */
function afterPri(s: string, end: number): boolean {
  let i = 1;
  while (i < end && isDigit(B[i]!)) i++;
  if (i === 1 || i > 4 || B[i] !== GT) return unknownEnvelope(s, end, 0, 'a line starting with "<" that is no syslog <PRI>');
  i++;
  const c = B[i]!;
  if (c === 49 /* 1 */ && B[i + 1] === SP) {
    // RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD SP MSG
    let p = i + 2;
    if (B[p] === DASH && B[p + 1] === SP) {
      p += 2; // NILVALUE timestamp
    } else {
      const t = scanIsoTs(s, p, end);
      if (t < 0) return unknownEnvelope(s, end, p, 'RFC 5424 line without a valid timestamp');
      p = t + 1;
    }
    const he = tokenEnd(p, end);
    if (he >= end) return unknownEnvelope(s, end, p, 'RFC 5424 header without a message');
    setHost(p, he);
    const ap = he + 1;
    if (B[ap] === 78 && wordAt(ap, end, W_NSX)) {
      if (!afterApp5424(s, ap, end, true)) return false;
      fEnvelope = 'E9';
      return true;
    }
    if (identAt(ap, end, false) !== 0) {
      if (!afterApp5424(s, ap, end, false)) return false;
      fEnvelope = fHashKind === 0 ? 'E7' : 'E7b';
      return true;
    }
    return unknownEnvelope(s, end, ap, 'RFC 5424 line of another application');
  }
  if (isDigit(c)) {
    // E5 / E5b: <PRI> glued to an ISO timestamp, no version digit
    const t = scanIsoTs(s, i, end);
    if (t < 0) return unknownEnvelope(s, end, i, 'syslog line without a valid timestamp');
    const hs = t + 1;
    return afterHost(s, hs, tokenEnd(hs, end), end, true);
  }
  const t = scanBsdTs(s, i, end);
  if (t >= 0) return afterBsdTs(s, t + 1, end);
  return unknownEnvelope(s, end, i, 'syslog line with an unrecognised header');
}

/**
 * E3b: RFC 3164 `Mmm dd HH:MM:SS host ident: body`. The reference knows this header with
 * `dfwpktlogs` (SC4S); the other firewall idents are taken too and get the same id.
 */
function afterBsdTs(s: string, p: number, end: number): boolean {
  const he = tokenEnd(p, end);
  if (he >= end) return unknownEnvelope(s, end, p, 'syslog header without a message');
  if (identAt(he + 1, end, true) === 0) return unknownEnvelope(s, end, he + 1, 'syslog line of another program');
  setHost(p, he);
  fEnvelope = 'E3b';
  return parseBody(s, identEnd + 1, end, false);
}

/**
 * RFC 5424 from the APP-NAME on: `APP PROCID MSGID SD MSG`. For the Edge (`NSX ... FIREWALL
 * [nsx@6876 ...]`, E9/E10) the MSG is a gateway record; for a firewall APP-NAME (E7/E7b) a
 * DFW body, with or without hash (section 2 notes). Any PROCID and MSGID are accepted.
 */
function afterApp5424(s: string, ap: number, end: number, edge: boolean): boolean {
  const ae = tokenEnd(ap, end);
  const pe = ae < end ? tokenEnd(ae + 1, end) : end; // PROCID
  const ms = pe + 1;
  const me = pe < end ? tokenEnd(ms, end) : end; // MSGID
  if (me >= end) return unknownEnvelope(s, end, ap, 'RFC 5424 header without structured data and message');
  if (edge && !(me - ms === 8 && bytesAt(ms, W_FIREWALL))) {
    return unknownEnvelope(s, end, ms, 'NSX syslog message that is not a firewall packet log (MSGID is not FIREWALL)');
  }
  // STRUCTURED-DATA: `-`, or one or more `[id k="v" ...]` with `\"`, `\]`, `\\` escapes
  let p = me + 1;
  let sdHasPkt = false;
  if (B[p] === DASH) {
    p++;
  } else if (B[p] === LBRACKET) {
    const sdStart = p;
    while (B[p] === LBRACKET) {
      let inQuote = false;
      p++;
      while (p < end) {
        const c = B[p];
        if (inQuote) {
          if (c === BACKSLASH) p++;
          else if (c === QUOTE) inQuote = false;
        } else if (c === QUOTE) {
          inQuote = true;
        } else if (c === RBRACKET) {
          break;
        }
        p++;
      }
      if (p >= end) return fail(sdStart, `unterminated RFC 5424 structured data starting at column ${sdStart + 1}`);
      p++;
    }
    const k = s.indexOf('firewallpkt', sdStart);
    sdHasPkt = k >= 0 && k < p;
  } else {
    return unknownEnvelope(s, end, p, 'RFC 5424 line without structured data');
  }
  if (p >= end) {
    return edge && !sdHasPkt ? foreign('NSX FIREWALL message without text') : fail(p, 'expected a record body after the syslog header, found end of line');
  }
  if (B[p] !== SP) return fail(p, `expected a space after the structured data at column ${p + 1}, found ${foundAt(s, p, end)}`);
  p++;
  if (edge) {
    // MSGID FIREWALL also carries rule and section events (VCF 9 message-id table): only
    // text with the `<vrf ifid>` prefix, or from the firewallpkt component, is a packet log.
    if (B[p] !== LT && !sdHasPkt) return foreign('NSX FIREWALL message that is not a gateway packet log');
    return parseBody(s, p, end, true);
  }
  return parseBody(s, p, end, false);
}

/**
 * No known envelope. A line that still holds an `INET`/`INET6` record body is rejected
 * (it was meant as a record); anything else is foreign.
 */
function unknownEnvelope(s: string, end: number, at: number, why: string): false {
  const b = findInetBody(s, 0, end);
  if (b >= 0) {
    return fail(at, `unrecognised envelope at column ${at + 1} (${why}), found ${foundAt(s, at, end)}; an INET record starts at column ${b + 1}`);
  }
  return foreign(why);
}

/**
 * Index of a space-delimited `INET`/`INET6` token followed by a reason-like word (lower
 * case, TERM or SpoofGuard) in [from, end), or -1. Tells a damaged record from another
 * program's line, and finds the second record of a flattened line.
 */
function findInetBody(s: string, from: number, end: number): number {
  let i = s.indexOf('INET', from);
  while (i >= 0 && i < end) {
    if (i === 0 || s.charCodeAt(i - 1) === SP) {
      let j = i + 4;
      if (s.charCodeAt(j) === 54) j++;
      if (s.charCodeAt(j) === SP) {
        const c = s.charCodeAt(j + 1);
        if (isLower(c) || s.startsWith('TERM ', j + 1) || s.startsWith('SpoofGuard ', j + 1)) return i;
      }
    }
    i = s.indexOf('INET', i + 4);
  }
  return -1;
}

// ---- the JSON wrapper (E8, VMC) ---------------------------------------------------------

/**
 * `{"sddc_id":...,"text":"<E5 line>","timestamp":<epoch ms>}` (section 2, E8). The text is
 * parsed as a line of its own; a column in it is mapped back to the raw JSON line, where an
 * escape such as `\/` takes two characters for one decoded one. JSON.parse runs only for
 * lines that start with `{`.
 */
function parseJsonLine(raw: string, ctx: LineContext): LineResult {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (e) {
    if (findInetBody(raw, 0, raw.length) >= 0 || raw.includes('PKTLOG')) {
      return rejected(DiagnosticCode.LogMalformed, 1, `invalid JSON wrapper around a firewall record: ${(e as Error).message}`);
    }
    return { kind: 'foreign', reason: 'a JSON line that is not a firewall record' };
  }
  const text = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['text'] : undefined;
  if (typeof text !== 'string') return { kind: 'foreign', reason: 'a JSON document without a "text" field' };
  const tEnd = text.length > 0 && text.charCodeAt(text.length - 1) === CR ? text.length - 1 : text.length;
  if (tEnd === 0 || tEnd > MAX_RECORD_CHARS) return { kind: 'foreign', reason: 'a JSON document whose text is empty or too long for a record' };
  load(text, tEnd);
  resetFields();
  if (!parseLine(text, tEnd)) {
    const bin = binaryByte(0, tEnd);
    if (bin >= 0) return rejected(DiagnosticCode.LogBinary, jsonColumn(raw, bin), 'control character in the JSON text field: not a text log');
    if (xForeign) return { kind: 'foreign', reason: `a JSON document whose text is not a firewall record: ${xMsg}` };
    // the scanner counted columns in the decoded text: restate them as columns of the raw line
    const msg = xMsg.replace(/at column (\d+)/g, (_m, n: string) => `at column ${jsonColumn(raw, Number(n) - 1)}`);
    return rejected(xCode, jsonColumn(raw, xCol - 1), `in the JSON "text" field: ${msg}`);
  }
  const bin = binaryByte(0, tEnd);
  if (bin >= 0) return rejected(DiagnosticCode.LogBinary, jsonColumn(raw, bin), 'control character in the JSON text field: not a text log');
  const flat = flattenedAt(text, tEnd);
  if (flat >= 0) return rejected(DiagnosticCode.InputFlattened, jsonColumn(raw, flat), flattenedMsg(jsonColumn(raw, flat)));
  if (fTs === null) {
    // the text had no timestamp of its own (an E11 text): use the wrapper's epoch ms
    const ts = (doc as Record<string, unknown>)['timestamp'];
    if (typeof ts === 'number' && Number.isFinite(ts)) {
      fTsMs = Math.trunc(ts);
      fTs = isoFromMs(fTsMs);
    }
  }
  fEnvelope = 'json';
  return { kind: 'event', event: buildEvent(text, tEnd, raw, ctx) };
}

/** 1-based column in the raw JSON line of index `idx` of the decoded "text" value. */
function jsonColumn(raw: string, idx: number): number {
  const k = raw.indexOf('"text"');
  if (k < 0) return 1;
  let i = raw.indexOf('"', raw.indexOf(':', k + 6) + 1);
  if (i < 0) return 1;
  i++;
  for (let n = 0; n < idx && i < raw.length; n++) {
    if (raw.charCodeAt(i) === BACKSLASH) i += raw.charCodeAt(i + 1) === 117 /* u */ ? 6 : 2;
    else i++;
  }
  return i + 1;
}

// ---- flattened captures -----------------------------------------------------------------

/**
 * A tag that holds another whole record means the file lost its line breaks (the
 * vsipioctl `.flattened` captures). Returns the index where the second record starts
 * (its timestamp or hash when present), or -1. Runs only when a tag was found.
 */
function flattenedAt(s: string, end: number): number {
  if (fTagStart < 0) return -1;
  const b = findInetBody(s, fTagStart, end);
  if (b < 0) return -1;
  let start = b;
  // back up over the record's hash and timestamp, when they precede it within the tag
  if (start - 1 > fTagStart) {
    const ts = Math.max(s.lastIndexOf(' ', start - 2) + 1, fTagStart);
    if (hashKind(ts, start - 1) !== 0) start = ts;
  }
  if (start - 1 > fTagStart) {
    const ts = Math.max(s.lastIndexOf(' ', start - 2) + 1, fTagStart);
    if (isDigit(B[ts]!) && B[ts + 4] === DASH && B[ts + 10] === 84 /* T */) start = ts;
  }
  return start;
}

function flattenedMsg(column: number): string {
  return `more than one record on this line (line breaks lost in copying): another record starts at column ${column}`;
}

// ---- results ----------------------------------------------------------------------------

function rejected(code: DiagnosticCode, column: number, reason: string): LineResult {
  return { kind: 'rejected', code, column, reason };
}

const BLANK: LineResult = { kind: 'foreign', reason: 'blank line' };

function buildEvent(s: string, end: number, raw: string, ctx: LineContext): PacketEvent {
  return {
    ts: fTs,
    tsMs: fTsMs,
    host: fHostStart >= 0 ? s.slice(fHostStart, fHostEnd) : ctx.host,
    filterHash: fHashKind === 0 ? null : s.slice(fHashStart, fHashEnd),
    af: fAf,
    reason: fReason,
    action: fAction,
    ruleset: fRulesetStart >= 0 ? s.slice(fRulesetStart, fRulesetEnd) : null,
    ruleId: fRuleId,
    direction: fDir,
    length: fLength,
    protocol: fProto,
    src: s.slice(fSrcStart, fSrcEnd),
    srcPort: fSport,
    dst: s.slice(fDstStart, fDstEnd),
    dstPort: fDport,
    tcpFlags: fFlags ?? (fFlagsEnd > fFlagsStart ? s.slice(fFlagsStart, fFlagsEnd) : null),
    icmpType: fIcmpType,
    icmpCode: fIcmpCode,
    closeReason: fClose,
    packetsIn: fPkIn,
    packetsOut: fPkOut,
    bytesIn: fByIn,
    bytesOut: fByOut,
    tag: fTagStart >= 0 ? s.slice(fTagStart, end) : null,
    source: ctx.source,
    line: ctx.line,
    producer: fEdge || fReason === 'reason-match' ? 'nsx-gateway' : 'nsx-dfw',
    envelope: fEnvelope,
    vrf: fVrf,
    interfaceId: fIfStart >= 0 ? s.slice(fIfStart, fIfEnd) : null,
    policyRef: null,
    ruleName: null,
    table: null,
    ofPriority: null,
    appliedTo: null,
    dedupCount: null,
    dedupDuration: null,
    raw,
  };
}

function binary(line: string, at: number): LineResult {
  const c = line.charCodeAt(at);
  return rejected(DiagnosticCode.LogBinary, at + 1, `control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at column ${at + 1}: binary data, not a text log line`);
}

/**
 * Parses one line of an NSX packet log (any envelope of reference section 2) into a
 * PacketEvent, or classifies it: `foreign` for another program's line, a shell prompt or a
 * blank line; `rejected` for a damaged record (1-based column and what was expected there),
 * a non-native rendering, a flattened capture, binary data or an over-long line.
 * A trailing `\r` is ignored. Never throws on input.
 */
export function parseDfwpktlogLine(line: string, ctx: LineContext): LineResult {
  let end = line.length;
  if (end > MAX_RECORD_CHARS) {
    return rejected(DiagnosticCode.LogLineTooLong, 1, `line of ${end} characters is longer than any packet-log record (limit ${MAX_RECORD_CHARS}): not parsed`);
  }
  if (end > 0 && line.charCodeAt(end - 1) === CR) end--;
  if (end === 0) return BLANK;
  const c0 = line.charCodeAt(0);
  const raw = end === line.length ? line : line.slice(0, end);
  if (c0 === 123 /* { */) return parseJsonLine(raw, ctx);
  if ((c0 === SP || c0 === TAB) && raw.trim() === '') return BLANK;
  load(line, end);
  resetFields();
  if (parseLine(line, end)) {
    // Tokens were checked byte by byte; only the free-text host and tag can still hold
    // control characters.
    let bin = fTagStart >= 0 ? binaryByte(fTagStart, end) : -1;
    if (bin < 0 && fHostStart >= 0) bin = binaryByte(fHostStart, fHostEnd);
    if (bin >= 0) return binary(line, bin);
    const flat = fTagStart >= 0 ? flattenedAt(line, end) : -1;
    if (flat >= 0) return rejected(DiagnosticCode.InputFlattened, flat + 1, flattenedMsg(flat + 1));
    return { kind: 'event', event: buildEvent(line, end, raw, ctx) };
  }
  const bin = findBinaryChar(line, 0, end);
  if (bin >= 0) return binary(line, bin);
  if (xForeign) return { kind: 'foreign', reason: xMsg };
  return rejected(xCode, xCol, xMsg);
}

/**
 * Confidence (0..1) that a file whose first lines are `firstLines` is an NSX packet log.
 * Records count fully, damaged or non-native records half (so such a file still comes here
 * and each line is rejected with its reason), foreign lines (prompts, other programs) not at
 * all. Any record lifts the score to at least 0.5, so a syslog file that holds some
 * firewall lines among other programs' lines is taken.
 */
export function sniffDfwpktlog(firstLines: string[]): number {
  const ctx: LineContext = { source: '', line: 0, host: null };
  let lines = 0;
  let score = 0;
  let records = 0;
  for (const l of firstLines) {
    if (l.trim() === '') continue;
    lines++;
    const r = parseDfwpktlogLine(l, ctx);
    if (r.kind === 'event') {
      score += 1;
      records++;
    } else if (r.kind === 'rejected' && r.code !== DiagnosticCode.LogBinary && r.code !== DiagnosticCode.LogLineTooLong) {
      score += 0.5;
      records++;
    }
  }
  if (lines === 0 || records === 0) return 0;
  return Math.min(1, 0.5 + (0.5 * score) / lines);
}
