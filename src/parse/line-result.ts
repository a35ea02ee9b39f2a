import type { PacketEvent } from '../model/packet-event.js';
import type { DiagnosticCode } from '../model/diagnostics.js';

/**
 * What a line parser knows about the line besides its text. One object is reused for every
 * line of a file (ingest mutates `line`), so parsers must not keep a reference to it.
 */
export interface LineContext {
  /** source path as given on the command line (`-` for stdin); copied into `PacketEvent.source` */
  source: string;
  /** 1-based line number; copied into `PacketEvent.line` */
  line: number;
  /** fallback host for records whose envelope names none (`--host`, support-bundle path) */
  host: string | null;
}

/**
 * The outcome of parsing one line of a packet log.
 * - `event`: a record of the format, fully parsed.
 * - `foreign`: not a firewall record at all (another syslog program, a shell prompt, a blank
 *   line); counted as skipped, not an error.
 * - `rejected`: looked like a record of this format but could not be parsed; `column` is
 *   1-based and points at the character where parsing stopped.
 */
export type LineResult =
  | { kind: 'event'; event: PacketEvent }
  | { kind: 'foreign'; reason: string }
  | { kind: 'rejected'; code: DiagnosticCode; column: number; reason: string };

/**
 * Lines longer than this are rejected without being scanned: no packet-log record comes
 * near it (the longest corpus line is about 350 characters), so such a line is a binary
 * or corrupt file, and scanning it would only cost time.
 */
export const MAX_RECORD_CHARS = 64 * 1024;

// ---------------------------------------------------------------------------------------
// String scanning helpers shared by the parsers (the Antrea scanner, the dfwpktlog slow
// paths). They work on (string, start, end) ranges with charCodeAt and allocate nothing.
// The dfwpktlog hot path has byte-array twins of some of them (see dfwpktlog.ts).
// ---------------------------------------------------------------------------------------

/**
 * Index of the first character in [from, to) that cannot occur in a text log line: C0
 * controls other than TAB, DEL, and U+FFFD (what a UTF-8 decoder puts in place of invalid
 * bytes). -1 when there is none.
 */
export function findBinaryChar(s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0xfffd) return i;
  }
  return -1;
}

/**
 * Value of the decimal digits in [from, to), or -1 if the range is empty, holds a
 * non-digit, or has more than 15 digits (beyond exact double integers).
 */
export function parseDecimal(s: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** True if [from, to) is a dotted-quad IPv4 address (each octet 0..255, 1..3 digits). */
export function isIPv4(s: string, from: number, to: number): boolean {
  let parts = 0;
  let digits = 0;
  let val = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
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

function isAnyHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * True if [from, to) is an IPv6 address in text form: up to 8 groups of 1..4 hex digits,
 * at most one `::`, optionally ending in an embedded dotted quad (`::ffff:1.2.3.4`).
 * NSX writes all 8 groups without `::` (reference section 3.5), but `::` is accepted
 * defensively, as the reference advises.
 */
export function isIPv6(s: string, from: number, to: number): boolean {
  if (to - from < 2) return false;
  let groups = 0;
  let doubleColon = false;
  let i = from;
  if (s.charCodeAt(i) === 58 /* : */) {
    if (s.charCodeAt(i + 1) !== 58) return false;
    doubleColon = true;
    i += 2;
    if (i === to) return true; // "::"
  }
  while (i < to) {
    const groupStart = i;
    while (i < to && isAnyHex(s.charCodeAt(i))) i++;
    const len = i - groupStart;
    if (i < to && s.charCodeAt(i) === 46 /* . */) {
      // embedded IPv4 tail: counts as two groups and must end the address
      if (!isIPv4(s, groupStart, to)) return false;
      groups += 2;
      i = to;
      break;
    }
    if (len === 0 || len > 4) return false;
    groups++;
    if (i === to) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < to && s.charCodeAt(i) === 58) {
      if (doubleColon) return false;
      doubleColon = true;
      i++;
      if (i === to) break;
    } else if (i === to) {
      return false; // trailing single colon
    }
  }
  return doubleColon ? groups <= 7 : groups === 8;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days in month `m` (1..12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Two decimal digits at `at`, or -1. */
export function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Four decimal digits at `at`, or -1. */
export function fourDigits(s: string, at: number): number {
  const hi = twoDigits(s, at);
  const lo = twoDigits(s, at + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

/** ISO 8601 UTC with milliseconds for an epoch-ms value (`2016-09-17T10:34:55.004Z`). */
export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** A short, printable excerpt of what was found at a position, for error messages. */
export function foundAt(s: string, at: number, to: number = s.length): string {
  if (at >= to) return 'end of line';
  let end = at;
  while (end < to && end - at < 24 && s.charCodeAt(end) !== 32) end++;
  const tok = s.slice(at, end);
  return `'${JSON.stringify(tok).slice(1, -1)}'`;
}
