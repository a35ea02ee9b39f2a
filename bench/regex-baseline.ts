import type { PacketEvent } from '../src/model/packet-event.js';

/**
 * The speed baseline for the dfwpktlog scanner: what a straightforward implementation would
 * do. The envelope is stripped with one simple regex (everything before the first
 * `[hash ]INET|INET6|L2 ` token; a JSON line is unwrapped with JSON.parse first), then the
 * reference's section-8 body regex, translated to JS named groups, is applied as written.
 * It returns the raw capture groups: no normalisation, no validation, no diagnostics. Our
 * parser must be at least 2x faster than this while doing more (bench/parse-speed.ts).
 */

/** Lazily skips header tokens until the body starts (optionally with the Edge `<vrf ifid>` prefix). */
const ENVELOPE = /^(?:\S+ )*?(?=(?:<\d+ [0-9a-f]{16}:[0-9a-f]{16}> )?(?:(?:[0-9a-f]{8}|\d{1,10}) )?(?:INET6?|L2) )/;

/** reference/dfwpktlog.md section 8, Python `re.X` rendering, as JS named groups. */
const BODY = new RegExp(
  [
    String.raw`^(?:<(?<vrf>\d+) (?<ifid>[0-9a-f]{16}:[0-9a-f]{16})>\s)?`, // section 8: strip the Edge prefix first
    String.raw`(?:(?<hash>[0-9a-f]{8}|\d{1,10})\s)?`,
    String.raw`(?<af>INET6?|L2)\s`,
    String.raw`(?<reason>reason-match|match|TERM|SpoofGuard|[a-z-]+)\s`,
    String.raw`(?:(?<action>PASS|DROP|REJECT|NAT|NONAT|RDR|NORDR|PUNT|REDIRECT|COPY|PBR|LB)\s)?`,
    String.raw`(?:(?<ruleset>[A-Za-z][\w-]*)/)?(?<rule>\d+)\s`,
    String.raw`(?<dir>IN|OUT)\s`,
    String.raw`(?:(?<len>\d+)\s)?`,
    String.raw`(?<proto>TCP|UDP|ICMP|PROTO\s\d+)\s`,
    String.raw`(?:(?<close>RST|FIN|TIMEOUT)\s)?`,
    String.raw`(?<src>[0-9A-Fa-f:.]+)(?:/(?<sport>\d+))?->(?<dst>[0-9A-Fa-f:.]+)(?:/(?<dport>\d+))?`,
    String.raw`(?:\s(?<flags>[FSRPAUEW]{1,8})(?=\s|$))?`,
    String.raw`(?:\s(?<pkts>\d+/\d+)\s(?<bytes>\d+/\d+))?`,
    String.raw`(?:\s(?<tag>.+))?$`,
  ].join(''),
);

/**
 * Applies the section-8 regex to one line after stripping its envelope; returns the named
 * groups, or null when the line does not match.
 */
export function regexScanLine(line: string): object | null {
  let text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.startsWith('{')) {
    try {
      const doc = JSON.parse(text) as { text?: unknown };
      if (typeof doc.text !== 'string') return null;
      text = doc.text;
    } catch {
      return null;
    }
  }
  const env = ENVELOPE.exec(text);
  if (env === null) return null;
  const m = BODY.exec(env[0].length === 0 ? text : text.slice(env[0].length));
  return m?.groups ?? null;
}

/**
 * The envelope as a plain regex: optional `<PRI>` and RFC 5424 version, the ISO timestamp, then
 * the host and ident of the syslog forms (or the ESXi 8 `No(13) FIREWALL-PKTLOG[pid]:` marker).
 */
const HEADER =
  /^(?:<\d+>)?(?:1 )?(?<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))? ?(?:\S+\(\d+\) FIREWALL-PKTLOG\[\d+\]: |(?<host>\S+) (?:dfwpktlogs: |FIREWALL[_-]PKTLOG(?:\[\d+\])?: |FIREWALL-PKTLOG - - - |NSX \d+ FIREWALL \[[^\]]*\] ))?/;

/**
 * The plain-regex *parser*: the same job as parseDfwpktlogLine done the obvious way. One
 * regex for the envelope, the section-8 regex for the body, then the capture groups turned
 * into a PacketEvent (numbers, ISO timestamp and epoch ms, lower-case protocol, TCP flags vs
 * tag, TERM counters). This is the baseline of the parse-only target: both sides produce the
 * same typed record, so the ratio measures the scanning technique, not a difference in work.
 */
export function regexParseLine(line: string, source: string, lineNo: number): PacketEvent | null {
  let text = line.endsWith('\r') ? line.slice(0, -1) : line;
  let envelope: string | null = null;
  if (text.startsWith('{')) {
    try {
      const doc = JSON.parse(text) as { text?: unknown };
      if (typeof doc.text !== 'string') return null;
      text = doc.text;
      envelope = 'json';
    } catch {
      return null;
    }
  }
  const h = HEADER.exec(text);
  const rest = h ? text.slice(h[0].length) : text;
  const m = BODY.exec(rest);
  if (!m?.groups) return null;
  const g = m.groups;
  const ts = h?.groups?.['ts'];
  const ms = ts ? Date.parse(ts) : null;
  const proto = g['proto']!;
  const protocol = proto.startsWith('PROTO') ? proto.slice(6) : proto.toLowerCase();
  const isTcpMatch = protocol === 'tcp' && g['reason'] !== 'TERM';
  const flags = g['flags'] !== undefined && isTcpMatch ? g['flags'] : null;
  const tag = g['flags'] !== undefined && !isTcpMatch ? (g['tag'] !== undefined ? `${g['flags']} ${g['tag']}` : g['flags']) : (g['tag'] ?? null);
  const pkts = g['pkts']?.split('/');
  const bytes = g['bytes']?.split('/');
  const num = (s: string | undefined) => (s === undefined ? null : Number(s));
  return {
    ts: ms !== null && !Number.isNaN(ms) ? new Date(ms).toISOString() : null,
    tsMs: ms,
    host: h?.groups?.['host'] ?? null,
    filterHash: g['hash'] ?? null,
    af: g['af'] as PacketEvent['af'],
    reason: g['reason']!,
    action: g['action'] ?? null,
    ruleset: g['ruleset'] ?? null,
    ruleId: Number(g['rule']),
    direction: g['dir'] as PacketEvent['direction'],
    length: num(g['len']),
    protocol,
    src: g['src']!,
    srcPort: num(g['sport']),
    dst: g['dst']!,
    dstPort: num(g['dport']),
    tcpFlags: flags,
    icmpType: null,
    icmpCode: null,
    closeReason: g['close'] ?? null,
    packetsIn: num(pkts?.[0]),
    packetsOut: num(pkts?.[1]),
    bytesIn: num(bytes?.[0]),
    bytesOut: num(bytes?.[1]),
    tag,
    source,
    line: lineNo,
    producer: g['vrf'] !== undefined ? 'nsx-gateway' : 'nsx-dfw',
    envelope,
    vrf: num(g['vrf']),
    interfaceId: g['ifid'] ?? null,
    policyRef: null,
    ruleName: null,
    table: null,
    ofPriority: null,
    appliedTo: null,
    dedupCount: null,
    dedupDuration: null,
    raw: line,
  };
}
