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
