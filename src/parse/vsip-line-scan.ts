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
 * test/parse/vsip-line-scan.test.ts checks that both readers give the same values on every corpus line.
 */
import { HEX_NUMBER, INTERNAL_MARKER, IPV4, IPV6, MAC_ADDRESS, RULE_LINE_KEYWORDS, UUID } from '../../grammar/rule-line/patterns.js';
import type { Endpoint, PortRange, RealizedAction } from '../model/rule.js';
import type { RuleStatementFields } from './getrules-visitor.js';
import type { AddrsetLineValue, GetrulesLineValue } from './vsip-line.js';

/** Token kinds: a keyword is its own word; the rest are shapes and punctuation. */
type Kind = string;

interface Tok {
  kind: Kind;
  start: number;
  end: number;
}

const sticky = (r: RegExp) => new RegExp(r.source, 'y');
const MAC_Y = sticky(MAC_ADDRESS);
const IPV6_Y = sticky(IPV6);
const IPV4_Y = sticky(IPV4);
const UUID_Y = sticky(UUID);
const HEX_Y = sticky(HEX_NUMBER);
const INTERNAL_Y = sticky(INTERNAL_MARKER);
const NAME_WORD = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DIGITS = /^\d+$/;
const PORT_RANGE = /^(\d+)-(\d+)$/;

/** The literal shapes in the lexer's order (grammar/rule-line/tokens.ts buildVocabulary). */
const LITERALS: readonly (readonly [RegExp, Kind])[] = [[MAC_Y, 'MacAddress'], [IPV6_Y, 'IPv6'], [IPV4_Y, 'IPv4'], [UUID_Y, 'Uuid']];

const GETRULES_KEYWORDS: ReadonlySet<string> = new Set([...RULE_LINE_KEYWORDS, 'ruleset']);
const ADDRSETS_KEYWORDS: ReadonlySet<string> = new Set([...RULE_LINE_KEYWORDS, 'mac']);

/** Length of the match of a sticky pattern at the start of `w`, or -1. */
function matchLength(re: RegExp, w: string): number {
  re.lastIndex = 0;
  const m = re.exec(w);
  return m === null ? -1 : m[0].length;
}

/**
 * Pushes the token(s) of one word (a run without blanks, braces, commas, semicolons, quotes, `#`).
 * False when the lexer would split the word differently from any shape accepted here.
 */
function pushWord(text: string, start: number, end: number, keywords: ReadonlySet<string>, out: Tok[]): boolean {
  const w = text.slice(start, end);
  if (NAME_WORD.test(w)) {
    // a name-shaped word holds no ':' and starts with no digit: only UUID, a keyword or Name can match it
    const kind = w.length === 36 && matchLength(UUID_Y, w) === 36 ? 'Uuid' : keywords.has(w) ? w : 'Name';
    out.push({ kind, start, end });
    return true;
  }
  // digits alone: no literal shape matches them (each needs ':', '.', '-' or 'x'), so Integer
  if (DIGITS.test(w)) {
    out.push({ kind: 'Integer', start, end });
    return true;
  }
  // The literal shapes, in the lexer's order: the first one that matches decides.
  for (const [re, kind] of LITERALS) {
    const n = matchLength(re, w);
    if (n < 0) continue;
    if (n !== w.length) return false;
    out.push({ kind, start, end });
    return true;
  }
  if (matchLength(HEX_Y, w) >= 0) return false; // `0x0800`: taken by the grammar
  const range = PORT_RANGE.exec(w);
  if (range !== null) {
    const dash = start + (range[1]?.length ?? 0);
    out.push({ kind: 'Integer', start, end: dash }, { kind: '-', start: dash, end: dash + 1 }, { kind: 'Integer', start: dash + 1, end });
    return true;
  }
  return false;
}

/** The tokens of a line, or null when a character or word is beyond the scanner. */
function tokenize(text: string, keywords: ReadonlySet<string>, headers: boolean): Tok[] | null {
  // a line break inside the line (a lone CR): the lexer's whitespace and header rules differ there
  if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) return null;
  const out: Tok[] = [];
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
      out.push({ kind: text[i] as string, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === 39) {
      // 'quoted' (no line breaks inside: the line has none)
      const close = text.indexOf("'", i + 1);
      if (close < 0) return null;
      out.push({ kind: 'QuotedString', start: i, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (c === 35) {
      // `# internal #` first (a rule prefix), else a header comment to the end of the line
      INTERNAL_Y.lastIndex = i;
      const m = INTERNAL_Y.exec(text);
      if (m !== null) {
        out.push({ kind: 'InternalMarker', start: i, end: i + m[0].length });
        i += m[0].length;
        continue;
      }
      if (!headers) return null;
      out.push({ kind: 'HeaderComment', start: i, end: n });
      return out;
    }
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 32 || d === 9 || d === 123 || d === 125 || d === 44 || d === 59 || d === 39 || d === 35) break;
      j++;
    }
    if (!pushWord(text, i, j, keywords, out)) return null;
    i = j;
  }
  return out;
}

/** A failed walk: the grammar takes the line. */
class NotScanned extends Error {}
const NOT_SCANNED = new NotScanned();

/** Walks a token list in the grammar's order (grammar/rule-line/parser.ts). */
class Walker {
  i = 0;
  constructor(
    readonly text: string,
    readonly toks: Tok[],
  ) {}

  peek(k = 0): Kind | undefined {
    return this.toks[this.i + k]?.kind;
  }
  take(kind: Kind): Tok {
    const t = this.toks[this.i];
    if (t === undefined || t.kind !== kind) throw NOT_SCANNED;
    this.i++;
    return t;
  }
  takeOneOf(kinds: readonly Kind[]): Tok {
    const t = this.toks[this.i];
    if (t === undefined || !kinds.includes(t.kind)) throw NOT_SCANNED;
    this.i++;
    return t;
  }
  image(t: Tok): string {
    return this.text.slice(t.start, t.end);
  }
  /** An integer the model can hold; larger values get a diagnostic from the grammar path. */
  int(t: Tok, max: number): number {
    const v = Number(this.image(t));
    if (!Number.isSafeInteger(v) || v > max) throw NOT_SCANNED;
    return v;
  }
  done(): boolean {
    return this.i === this.toks.length;
  }
}

const ADDRESS_KINDS = ['IPv4', 'IPv6', 'MacAddress', 'Uuid', 'Name'] as const;

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
  const t = w.takeOneOf(['addrset', 'ip']);
  if (t.kind === 'addrset') return { kind: 'addrset', name: w.image(w.takeOneOf(['Name', 'Uuid'])) }; // inline `{...}`: grammar
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
  const dir = w.takeOneOf(['inout', 'in', 'out']).kind as 'inout' | 'in' | 'out';
  let af: 'inet' | 'inet6' | null = null;
  if (w.peek() === 'inet' || w.peek() === 'inet6') af = w.takeOneOf(['inet', 'inet6']).kind as 'inet' | 'inet6';

  let protocol: string | null = null;
  let ethertype: string | null = null;
  let strict = false;
  let stateless = false;
  let icmpType: number | null = null;
  if (w.peek() === 'protocol') {
    w.i++;
    const p = w.takeOneOf(['Name', 'Integer', 'any', 'ip']);
    if (p.kind === 'Integer') w.int(p, 255);
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
    ethertype = w.image(w.takeOneOf(['any', 'Name', 'Integer'])).toLowerCase();
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
    const last = w.takeOneOf(['Uuid', 'Name']);
    extensions.push(w.text.slice(first.start, last.end).replace(/\s+/g, ' '));
  }

  const action = w.takeOneOf(['accept', 'drop', 'reject', 'punt']).kind as RealizedAction;
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
  return { kind: 'rule', fields, issues: [], start: w.toks[0]?.start ?? 0, end: semi.end };
}

/** One getrules line, or null when the grammar must read it. */
export function scanGetrulesLine(text: string): GetrulesLineValue | null {
  const toks = tokenize(text, GETRULES_KEYWORDS, true);
  const first = toks?.[0];
  if (toks === null || first === undefined) return null;
  const w = new Walker(text, toks);
  try {
    if (first.kind === 'ruleset') {
      w.i++;
      const name = w.image(w.takeOneOf(['Name', 'Uuid']));
      w.take('{');
      return w.done() ? { kind: 'open', name, column0: first.start } : null;
    }
    if (first.kind === '}') return toks.length === 1 ? { kind: 'close' } : null;
    if (first.kind === 'HeaderComment') return { kind: 'header', image: text.slice(first.start, first.end) };
    return ruleStatement(w);
  } catch (e) {
    if (e === NOT_SCANNED) return null;
    throw e;
  }
}

/** One getaddrsets line, or null when the grammar must read it. */
export function scanAddrsetLine(text: string): AddrsetLineValue | null {
  const toks = tokenize(text, ADDRSETS_KEYWORDS, false);
  const first = toks?.[0];
  if (toks === null || first === undefined) return null;
  const w = new Walker(text, toks);
  try {
    let value: AddrsetLineValue;
    if (first.kind === 'addrset') {
      w.i++;
      const name = w.image(w.takeOneOf(['Name', 'Uuid']));
      w.take('{');
      value = { kind: 'open', name, column0: first.start };
    } else if (first.kind === 'ip' || first.kind === 'mac') {
      w.i++;
      const v = w.image(w.takeOneOf(ADDRESS_KINDS));
      if (w.peek() === ',') w.i++;
      value = { kind: 'entry', entry: { kind: first.kind, value: v }, column0: first.start };
    } else {
      w.take('}');
      value = { kind: 'close', column0: first.start };
    }
    return w.done() ? value : null;
  } catch (e) {
    if (e === NOT_SCANNED) return null;
    throw e;
  }
}
