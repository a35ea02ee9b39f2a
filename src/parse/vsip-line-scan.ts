/**
 * Hand-written scanner for the regular shapes of getrules and getaddrsets lines
 * (reference/vsipioctl.md 4.1, 4.2, 5): `ruleset NAME {`, `}`, `# header`, the usual rule statement,
 * `addrset NAME {`, `ip VALUE,`. It returns null for anything else, and the chevrotain grammar reads
 * that line instead (vsip-line-reader.ts), so the grammar stays the one definition of the language:
 *
 * - Words are classified with the token patterns of grammar/rule-line/patterns.ts, tried in the
 *   lexer's order; a word is accepted only when the first matching pattern covers all of it, i.e.
 *   when the chevrotain lexer would give exactly this one token.
 * - The statement is walked in the grammar's order; forms the scanner does not take (inline sets,
 *   `with {...}` modifiers, `typecode`, `with attribute`, hex ethertypes, values out of range, a
 *   missing `at`) and every error go to the grammar, which also writes the diagnostics.
 *
 * Two tiers: a usual rule line (or `ip A.B.C.D,` entry) is read by one regular expression
 * ({@link fastRuleLine}, {@link fastAddrsetLine}); any other line by the token walk
 * ({@link walkGetrulesLine}, {@link walkAddrsetLine}), whose tokens live in arrays reused line after line.
 *
 * test/parse/vsip-line-scan.test.ts checks that both readers give the same values on every corpus
 * line, and that the fast path gives the walk's value on every line it takes.
 */
import { HEX_NUMBER, INTERNAL_MARKER, IPV4, IPV6, MAC_ADDRESS, RULE_LINE_KEYWORDS, UUID } from '../../grammar/rule-line/patterns.js';
import type { Endpoint, PortRange, RealizedAction } from '../model/rule.js';
import type { RuleStatementFields } from './getrules-visitor.js';
import type { AddrsetLineValue, GetrulesLineValue } from './vsip-line.js';

/**
 * Token kinds: a keyword is its own word; the rest are shapes and punctuation. The tokens of the
 * line being read are kept in three arrays (kinds, starts, ends), reused line after line: a
 * 17,000-rule capture has some 400,000 tokens, and no object is made for any of them.
 */
type Kind = string;

let kinds: Kind[] = [];
let starts = new Int32Array(64);
let ends = new Int32Array(64);
let ntok = 0;

function push(kind: Kind, start: number, end: number): void {
  if (ntok === starts.length) {
    const s2 = new Int32Array(ntok * 2);
    s2.set(starts);
    starts = s2;
    const e2 = new Int32Array(ntok * 2);
    e2.set(ends);
    ends = e2;
  }
  kinds[ntok] = kind;
  starts[ntok] = start;
  ends[ntok] = end;
  ntok++;
}

const sticky = (r: RegExp) => new RegExp(r.source, 'y');
const MAC_Y = sticky(MAC_ADDRESS);
const IPV6_Y = sticky(IPV6);
const IPV4_Y = sticky(IPV4);
const UUID_Y = sticky(UUID);
const HEX_Y = sticky(HEX_NUMBER);
const INTERNAL_Y = sticky(INTERNAL_MARKER);

/** The literal shapes in the lexer's order (grammar/rule-line/tokens.ts buildVocabulary). */
const LITERALS: readonly (readonly [RegExp, Kind])[] = [[MAC_Y, 'MacAddress'], [IPV6_Y, 'IPv6'], [IPV4_Y, 'IPv4'], [UUID_Y, 'Uuid']];

const GETRULES_KEYWORDS: ReadonlySet<string> = new Set([...RULE_LINE_KEYWORDS, 'ruleset']);
const ADDRSETS_KEYWORDS: ReadonlySet<string> = new Set([...RULE_LINE_KEYWORDS, 'mac']);
const LONGEST_KEYWORD = Math.max(...[...GETRULES_KEYWORDS, ...ADDRSETS_KEYWORDS].map((k) => k.length));

/**
 * End of the match of a sticky pattern at `start` of the line, or -1. Matching in the line
 * instead of a copy of the word gives the same match: no pattern's classes or look-aheads take a
 * character that ends a word (blank, brace, comma, semicolon, quote, `#`).
 */
function matchEnd(re: RegExp, text: string, start: number): number {
  re.lastIndex = start;
  return re.test(text) ? re.lastIndex : -1;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
/** [A-Za-z_] */
const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
/** [A-Za-z0-9_.-] */
const isNameChar = (c: number) => isNameStart(c) || isDigit(c) || c === 46 || c === 45;

/**
 * Pushes the token(s) of one word (a run without blanks, braces, commas, semicolons, quotes, `#`).
 * False when the lexer would split the word differently from any shape accepted here.
 */
function pushWord(text: string, start: number, end: number, keywords: ReadonlySet<string>): boolean {
  const c0 = text.charCodeAt(start);
  if (isNameStart(c0)) {
    let i = start + 1;
    while (i < end && isNameChar(text.charCodeAt(i))) i++;
    if (i === end) {
      // a name-shaped word holds no ':' and starts with no digit: only UUID, a keyword or Name can match it
      const n = end - start;
      let kind = 'Name';
      if (n === 36 && matchEnd(UUID_Y, text, start) === end) kind = 'Uuid';
      else if (n <= LONGEST_KEYWORD) {
        const w = text.slice(start, end);
        if (keywords.has(w)) kind = w;
      }
      push(kind, start, end);
      return true;
    }
  }
  // digits alone: no literal shape matches them (each needs ':', '.', '-' or 'x'), so Integer;
  // digits, '-', digits: a port range, as the lexer splits it
  if (isDigit(c0)) {
    let i = start + 1;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === end) {
      push('Integer', start, end);
      return true;
    }
  }
  // The literal shapes, in the lexer's order: the first one that matches decides.
  for (const [re, kind] of LITERALS) {
    const e = matchEnd(re, text, start);
    if (e < 0) continue;
    if (e !== end) return false;
    push(kind, start, end);
    return true;
  }
  if (matchEnd(HEX_Y, text, start) >= 0) return false; // `0x0800`: taken by the grammar
  let dash = start;
  while (dash < end && isDigit(text.charCodeAt(dash))) dash++;
  if (dash === start || dash === end || text.charCodeAt(dash) !== 45) return false;
  let i = dash + 1;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  if (i !== end || i === dash + 1) return false;
  push('Integer', start, dash);
  push('-', dash, dash + 1);
  push('Integer', dash + 1, end);
  return true;
}

/** Reads the tokens of a line into the arrays; false when a character or word is beyond the scanner. */
function tokenize(text: string, keywords: ReadonlySet<string>, headers: boolean): boolean {
  ntok = 0;
  // a line break inside the line (a lone CR): the lexer's whitespace and header rules differ there
  if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) return false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 123 || c === 125 || c === 44 || c === 59) {
      // { } , ;
      push(c === 123 ? '{' : c === 125 ? '}' : c === 44 ? ',' : ';', i, i + 1);
      i++;
      continue;
    }
    if (c === 39) {
      // 'quoted' (no line breaks inside: the line has none)
      const close = text.indexOf("'", i + 1);
      if (close < 0) return false;
      push('QuotedString', i, close + 1);
      i = close + 1;
      continue;
    }
    if (c === 35) {
      // `# internal #` first (a rule prefix), else a header comment to the end of the line
      const e = matchEnd(INTERNAL_Y, text, i);
      if (e >= 0) {
        push('InternalMarker', i, e);
        i = e;
        continue;
      }
      if (!headers) return false;
      push('HeaderComment', i, n);
      return true;
    }
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 32 || d === 9 || d === 123 || d === 125 || d === 44 || d === 59 || d === 39 || d === 35) break;
      j++;
    }
    if (!pushWord(text, i, j, keywords)) return false;
    i = j;
  }
  return true;
}

/** A failed walk: the grammar takes the line. */
class NotScanned extends Error {}
const NOT_SCANNED = new NotScanned();

/** Walks the line's tokens in the grammar's order (grammar/rule-line/parser.ts); a token is its index. */
class Walker {
  i = 0;
  constructor(readonly text: string) {}

  peek(k = 0): Kind | undefined {
    return this.i + k < ntok ? kinds[this.i + k] : undefined;
  }
  take(kind: Kind): number {
    if (this.i >= ntok || kinds[this.i] !== kind) throw NOT_SCANNED;
    return this.i++;
  }
  takeOneOf(ks: readonly Kind[]): number {
    if (this.i >= ntok || !ks.includes(kinds[this.i] as Kind)) throw NOT_SCANNED;
    return this.i++;
  }
  kind(t: number): Kind {
    return kinds[t] as Kind;
  }
  start(t: number): number {
    return starts[t] as number;
  }
  end(t: number): number {
    return ends[t] as number;
  }
  image(t: number): string {
    return this.text.slice(starts[t], ends[t]);
  }
  /** An integer the model can hold; larger values get a diagnostic from the grammar path. */
  int(t: number, max: number): number {
    const v = Number(this.image(t));
    if (!Number.isSafeInteger(v) || v > max) throw NOT_SCANNED;
    return v;
  }
  done(): boolean {
    return this.i === ntok;
  }
}

const ADDRESS_KINDS = ['IPv4', 'IPv6', 'MacAddress', 'Uuid', 'Name'] as const;
const TARGET_KINDS = ['addrset', 'ip'] as const;
const SET_NAME_KINDS = ['Name', 'Uuid'] as const;
const DIRECTION_KINDS = ['inout', 'in', 'out'] as const;
const AF_KINDS = ['inet', 'inet6'] as const;
const PROTOCOL_KINDS = ['Name', 'Integer', 'any', 'ip'] as const;
const ETHERTYPE_KINDS = ['any', 'Name', 'Integer'] as const;
const EXTENSION_KINDS = ['Uuid', 'Name'] as const;
const ACTION_KINDS = ['accept', 'drop', 'reject', 'punt'] as const;

function endpoint(w: Walker): Endpoint {
  if (w.peek() === 'any') {
    w.i++;
    return { kind: 'any' };
  }
  if (w.peek() === 'not') {
    w.i++;
    return { kind: 'not', of: target(w) };
  }
  return target(w);
}

function target(w: Walker): Endpoint {
  const t = w.takeOneOf(TARGET_KINDS);
  if (w.kind(t) === 'addrset') return { kind: 'addrset', name: w.image(w.takeOneOf(SET_NAME_KINDS)) }; // inline `{...}`: grammar
  return { kind: 'ip', value: w.image(w.takeOneOf(ADDRESS_KINDS)) };
}

function portItem(w: Walker): PortRange {
  const lo = w.int(w.take('Integer'), 65535);
  if (w.peek() !== '-') return { lo, hi: lo };
  w.i++;
  return { lo, hi: w.int(w.take('Integer'), 65535) };
}

function portSpec(w: Walker): PortRange[] {
  if (w.peek() !== '{') return [portItem(w)];
  w.i++;
  const items = [portItem(w)];
  while (w.peek() === ',') {
    w.i++;
    items.push(portItem(w));
  }
  w.take('}');
  return items;
}

/** The rule statement, `# internal #` to `;`, with nothing after it. */
function ruleStatement(w: Walker): GetrulesLineValue {
  const internal = w.peek() === 'InternalMarker';
  if (internal) w.i++;
  w.take('rule');
  const ruleId = w.int(w.take('Integer'), Number.MAX_SAFE_INTEGER);
  w.take('at'); // no `at`: the grammar path (it warns)
  const position = w.int(w.take('Integer'), Number.MAX_SAFE_INTEGER);
  const dir = w.kind(w.takeOneOf(DIRECTION_KINDS)) as 'inout' | 'in' | 'out';
  let af: 'inet' | 'inet6' | null = null;
  if (w.peek() === 'inet' || w.peek() === 'inet6') af = w.kind(w.takeOneOf(AF_KINDS)) as 'inet' | 'inet6';

  let protocol: string | null = null;
  let ethertype: string | null = null;
  let strict = false;
  let stateless = false;
  let icmpType: number | null = null;
  if (w.peek() === 'protocol') {
    w.i++;
    const p = w.takeOneOf(PROTOCOL_KINDS);
    if (w.kind(p) === 'Integer') w.int(p, 255);
    // names are case-insensitive in NSX; the printed form is lower case
    protocol = w.image(p).toLowerCase();
    for (;;) {
      const k = w.peek();
      if (k === 'strict') strict = true;
      else if (k === 'stateless') stateless = true;
      else if (k === 'icmptype') {
        w.i++;
        const v = w.int(w.take('Integer'), 255);
        icmpType ??= v; // the first ICMP type counts, as in the CST reader
        continue;
      } else break; // `typecode`, `with {...}`: the grammar path
      w.i++;
    }
  } else {
    w.take('ethertype');
    ethertype = w.image(w.takeOneOf(ETHERTYPE_KINDS)).toLowerCase();
    if (w.peek() === 'stateless') {
      w.i++;
      stateless = true;
    }
  }

  w.take('from');
  const src = endpoint(w);
  let srcPorts: PortRange[] | null = null;
  if (w.peek() === 'port') {
    w.i++;
    srcPorts = portSpec(w);
  }
  w.take('to');
  const dst = endpoint(w);
  let dstPorts: PortRange[] | null = null;
  if (w.peek() === 'port') {
    w.i++;
    dstPorts = portSpec(w);
  }

  const extensions: string[] = [];
  while (w.peek() === 'with' && w.peek(1) === 'extended') {
    const first = w.take('with');
    w.i++;
    w.take('src');
    const last = w.takeOneOf(EXTENSION_KINDS);
    extensions.push(w.text.slice(w.start(first), w.end(last)).replace(/\s+/g, ' '));
  }

  const action = w.kind(w.takeOneOf(ACTION_KINDS)) as RealizedAction;
  let log = false;
  let alg: string | null = null;
  let tag: string | null = null;
  for (;;) {
    const k = w.peek();
    if (k === 'with') {
      w.i++;
      w.take('log');
      log = true;
    } else if (k === 'as') {
      w.i++;
      alg = w.image(w.take('Name'));
    } else if (k === 'tag') {
      w.i++;
      tag = w.image(w.take('QuotedString')).slice(1, -1);
    } else break;
  }
  const semi = w.take(';');
  if (!w.done()) throw NOT_SCANNED;

  const fields: RuleStatementFields = {
    ruleId, position, internal, direction: dir, af, protocol, ethertype, strict, stateless, icmpType, icmpCode: null,
    src, srcPorts, dst, dstPorts, extensions, action, log, alg, tag,
  };
  return { kind: 'rule', fields, issues: [], start: ntok > 0 ? w.start(0) : 0, end: w.end(semi) };
}

/** One getrules line by the token walk alone, or null when the grammar must read it. */
export function walkGetrulesLine(text: string): GetrulesLineValue | null {
  if (!tokenize(text, GETRULES_KEYWORDS, true) || ntok === 0) return null;
  const w = new Walker(text);
  const first = kinds[0];
  try {
    if (first === 'ruleset') {
      w.i++;
      const name = w.image(w.takeOneOf(SET_NAME_KINDS));
      w.take('{');
      return w.done() ? { kind: 'open', name, column0: w.start(0) } : null;
    }
    if (first === '}') return ntok === 1 ? { kind: 'close' } : null;
    if (first === 'HeaderComment') return { kind: 'header', image: w.image(0) };
    return ruleStatement(w);
  } catch (e) {
    if (e === NOT_SCANNED) return null;
    throw e;
  }
}

/** One getaddrsets line by the token walk alone, or null when the grammar must read it. */
export function walkAddrsetLine(text: string): AddrsetLineValue | null {
  if (!tokenize(text, ADDRSETS_KEYWORDS, false) || ntok === 0) return null;
  const w = new Walker(text);
  const first = kinds[0];
  const column0 = w.start(0);
  try {
    let value: AddrsetLineValue;
    if (first === 'addrset') {
      w.i++;
      const name = w.image(w.takeOneOf(SET_NAME_KINDS));
      w.take('{');
      value = { kind: 'open', name, column0 };
    } else if (first === 'ip' || first === 'mac') {
      w.i++;
      const v = w.image(w.takeOneOf(ADDRESS_KINDS));
      if (w.peek() === ',') w.i++;
      value = { kind: 'entry', entry: { kind: first, value: v }, column0 };
    } else {
      w.take('}');
      value = { kind: 'close', column0 };
    }
    return w.done() ? value : null;
  } catch (e) {
    if (e === NOT_SCANNED) return null;
    throw e;
  }
}

// ---- the fast path: one regular expression for the usual rule line ----

const NAME_RE = '[A-Za-z_][A-Za-z0-9_.-]*';
const ENDPOINT_RE = `any|(?:not )?(?:addrset ${NAME_RE}|ip \\d{1,3}(?:\\.\\d{1,3}){3}(?:/\\d{1,2})?)`;
const PORT_RE = '\\d{1,5}(?:-\\d{1,5})?';
const PORTS_RE = `${PORT_RE}|\\{${PORT_RE}(?:, ${PORT_RE})*\\}`;

/**
 * The rule statement as NSX prints it (single blanks, `protocol`, addrset / IPv4 / any endpoints,
 * `with log`, `as ALG`, `tag '...'` in this order): nearly every line of a real capture. What it
 * accepts is a subset of what the token walk accepts, and it gives the same value (checked, with
 * the names that are keywords or UUIDs sent to the walk, in {@link fastRuleLine}); any other line
 * goes to the walk. One native match per line instead of a JavaScript loop over its characters:
 * a fresh process reads a 17,000-rule capture before the loop would be optimised.
 */
const RULE_RE = new RegExp(
  `^([ \\t]*)(# internal # )?rule (\\d{1,15}) at (\\d{1,15}) (inout|in|out) (?:(inet6?) )?protocol (${NAME_RE}|\\d{1,3})` +
    `((?: (?:strict|stateless|icmptype \\d{1,3}))*) from (${ENDPOINT_RE})(?: port (${PORTS_RE}))? to (${ENDPOINT_RE})(?: port (${PORTS_RE}))?` +
    ` (accept|drop|reject|punt)( with log)?(?: as (${NAME_RE}))?(?: tag '([^'\\r\\n]*)')?;[ \\t]*$`,
);

/** `ip A.B.C.D[/N][,]`, the usual getaddrsets entry. */
const ENTRY_RE = /^([ \t]*)ip (\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?),?[ \t]*$/;

/** A fast-path value the walk would not give: the line goes to the walk. */
const NOT_FAST = NOT_SCANNED;

/** A name the walk reads as `Name`: not a keyword, and not a UUID (its own token). */
function plainName(w: string): string {
  if (GETRULES_KEYWORDS.has(w) || (w.length === 36 && matchEnd(UUID_Y, w, 0) === 36)) throw NOT_FAST;
  return w;
}

function fastEndpoint(s: string): Endpoint {
  if (s === 'any') return { kind: 'any' };
  if (s.charCodeAt(0) === 110) return { kind: 'not', of: fastEndpoint(s.slice(4)) }; // `not `
  if (s.charCodeAt(0) === 105) return { kind: 'ip', value: s.slice(3) }; // `ip `
  const name = s.slice(8); // `addrset `: a UUID is a set name too
  if (GETRULES_KEYWORDS.has(name)) throw NOT_FAST;
  return { kind: 'addrset', name };
}

/**
 * The ports of a `port` group of {@link RULE_RE}: `80`, `49152-65535` or `{67, 68-69}` (digits,
 * one `-`, items joined by `, `, as the expression checked). Read digit by digit: a fresh process
 * runs this for every rule before any of it is optimised, and a split into words and numbers
 * measured 20 ms of a 17,235-rule capture.
 */
function fastPorts(s: string | undefined): PortRange[] | null {
  if (s === undefined) return null;
  const out: PortRange[] = [];
  const n = s.length;
  let i = s.charCodeAt(0) === 123 ? 1 : 0; // `{`
  for (;;) {
    let lo = 0;
    for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) lo = lo * 10 + c - 48;
    let hi = lo;
    if (s.charCodeAt(i) === 45) {
      // `-`
      hi = 0;
      for (let c = s.charCodeAt(++i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) hi = hi * 10 + c - 48;
    }
    if (lo > 65535 || hi > 65535) throw NOT_FAST;
    out.push({ lo, hi });
    if (i >= n || s.charCodeAt(i) === 125) return out; // the end, or `}`
    i += 2; // `, `
  }
}

/** The fast path of {@link scanGetrulesLine}; null for any line it does not take. */
export function fastRuleLine(text: string): GetrulesLineValue | null {
  const m = RULE_RE.exec(text);
  if (m === null) return null;
  try {
    const proto = m[7] as string;
    if (proto !== 'any' && proto !== 'ip') {
      if (isDigit(proto.charCodeAt(0))) {
        if (Number(proto) > 255) throw NOT_FAST;
      } else plainName(proto);
    }
    let strict = false;
    let stateless = false;
    let icmpType: number | null = null;
    const mods = m[8] as string;
    if (mods !== '') {
      const words = mods.slice(1).split(' ');
      for (let i = 0; i < words.length; i++) {
        const k = words[i];
        if (k === 'strict') strict = true;
        else if (k === 'stateless') stateless = true;
        else {
          const v = Number(words[++i]);
          if (v > 255) throw NOT_FAST;
          icmpType ??= v; // the first ICMP type counts, as in the walk
        }
      }
    }
    const alg = m[15];
    const fields: RuleStatementFields = {
      ruleId: Number(m[3]), position: Number(m[4]), internal: m[2] !== undefined, direction: m[5] as 'inout' | 'in' | 'out',
      af: (m[6] ?? null) as 'inet' | 'inet6' | null, protocol: proto.toLowerCase(), ethertype: null, strict, stateless, icmpType, icmpCode: null,
      src: fastEndpoint(m[9] as string), srcPorts: fastPorts(m[10]), dst: fastEndpoint(m[11] as string), dstPorts: fastPorts(m[12]),
      extensions: [], action: m[13] as RealizedAction, log: m[14] !== undefined, alg: alg === undefined ? null : plainName(alg), tag: m[16] ?? null,
    };
    return { kind: 'rule', fields, issues: [], start: (m[1] as string).length, end: text.lastIndexOf(';') + 1 };
  } catch (e) {
    if (e === NOT_FAST) return null;
    throw e;
  }
}

/** The fast path of {@link scanAddrsetLine}; null for any line it does not take. */
export function fastAddrsetLine(text: string): AddrsetLineValue | null {
  const m = ENTRY_RE.exec(text);
  return m === null ? null : { kind: 'entry', entry: { kind: 'ip', value: m[2] as string }, column0: (m[1] as string).length };
}

/** One getrules line, or null when the grammar must read it. */
export function scanGetrulesLine(text: string): GetrulesLineValue | null {
  return fastRuleLine(text) ?? walkGetrulesLine(text);
}

/** One getaddrsets line, or null when the grammar must read it. */
export function scanAddrsetLine(text: string): AddrsetLineValue | null {
  return fastAddrsetLine(text) ?? walkAddrsetLine(text);
}
