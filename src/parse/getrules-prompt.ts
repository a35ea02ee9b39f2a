/**
 * Line-level helpers shared by the vsipioctl parsers (getrules, getaddrsets, getfilters,
 * summarize-dvfilter, captures): physical lines with their offsets, and shell / CLI prompt lines
 * (reference/vsipioctl.md 4.1: "a prompt line and a trailing prompt or blank line often surround the
 * text in captures").
 */

/** One physical line: text without its line break, 0-based offset of its first character, 1-based number. */
export interface SourceLine {
  text: string;
  offset: number;
  line: number;
}

/** Splits on `\n`, dropping a `\r` before it; offsets stay those of the original text. */
export function splitLines(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    out.push({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, offset: start, line });
    if (end === text.length) break;
    start = end + 1;
    line++;
  }
  // A final line break does not start a line of its own.
  if (out.length > 1 && out[out.length - 1]?.text === '' && text.endsWith('\n')) out.pop();
  return out;
}

/** What a prompt line ran. `other` covers tail, vsish, getfwrules and so on. */
export type PromptCommand = 'getrules' | 'getaddrsets' | 'getfilters' | 'summarize-dvfilter' | 'other' | 'none';

export interface Prompt {
  /** the text after the prompt (`vsipioctl getrules -f nic-...`), trimmed; '' for a bare prompt */
  command: string;
  kind: PromptCommand;
  /** `-f <name>` (vsipioctl) or `filter <name>` (NSX-V Central CLI), else null */
  filter: string | null;
  /** `show dfw host <host-id> ...` (Central CLI), else null */
  hostId: string | null;
}

// `[root@ESXi-04:~] cmd`: a bracketed ESXi prompt; anything may follow (nothing in the outputs starts with `[`).
const BRACKET = /^\[[^\]\n]*\][ \t]*[#$]?[ \t]*(.*)$/;
// `nsxmgr01> show ...`, `vcf09-edge01> get ...`, `> get ...`: a CLI prompt word ending in `>`.
const ANGLE = /^([\w.@:~/-]*)>[ \t]*(.*)$/;
// `~ # cmd`, `# cmd`, `$ cmd`: only with a known command after it, so `# Filter rules` is not a prompt.
const HASH = /^([\w.@:~/-]*)[ \t]*[#$][ \t]+(.*)$/;
const KNOWN_COMMANDS = /^(?:vsipioctl|summarize-dvfilter|show|get|vsish|tail|cat|less|grep|esxcli|net-dvs|nsxcli|esxcfg-\S+)\b/;

/**
 * False when no prompt pattern can match: each needs a `[` first, a `>`, or a `#` / `$` (trimming
 * the end removes only blanks, so the test holds on the untrimmed line). Skips the three patterns
 * on the rule and address lines that make up nearly all of a capture.
 */
function mayBePrompt(line: string): boolean {
  return line.charCodeAt(0) === 91 || line.indexOf('>') >= 0 || line.indexOf('#') >= 0 || line.indexOf('$') >= 0;
}

/** Reads a prompt line; null when the line is not one. */
export function parsePrompt(line: string): Prompt | null {
  if (!mayBePrompt(line)) return null;
  let command: string | null = null;
  const t = line.trimEnd();
  const b = BRACKET.exec(t);
  if (b) command = b[1] ?? '';
  else {
    const a = ANGLE.exec(t);
    if (a && (a[1] !== '' || (a[2] ?? '') !== '') && (a[2] === '' || KNOWN_COMMANDS.test(a[2] ?? ''))) command = a[2] ?? '';
    else {
      const h = HASH.exec(t);
      if (h && KNOWN_COMMANDS.test(h[2] ?? '')) command = h[2] ?? '';
    }
  }
  if (command === null) return null;
  command = command.trim();
  return { command, kind: promptKind(command), filter: filterOf(command), hostId: /\bshow dfw host (\S+)/.exec(command)?.[1] ?? null };
}

function promptKind(cmd: string): PromptCommand {
  if (cmd === '') return 'none';
  if (/\bgetrules\b/.test(cmd) || /^show dfw host \S+ filter \S+ rules?\b/.test(cmd)) return 'getrules';
  if (/\bgetaddrsets\b/.test(cmd) || /^show dfw host \S+ filter \S+ addrsets?\b/.test(cmd)) return 'getaddrsets';
  if (/\bgetfilters\b/.test(cmd)) return 'getfilters';
  if (/\bsummarize-dvfilter\b/.test(cmd)) return 'summarize-dvfilter';
  return 'other';
}

function filterOf(cmd: string): string | null {
  // Filter names never hold blanks except dvPort filters, which have no DFW rules (reference 2).
  return /(?:^|\s)-f\s+(\S+)/.exec(cmd)?.[1] ?? /\bfilter\s+(\S+)/.exec(cmd)?.[1] ?? null;
}

/**
 * True when a line holds what should be several lines: two rule statements, or a `ruleset X {`
 * followed by more text. Such text came through a store that turned line breaks into blanks
 * (corpus `*.flattened*` files); header comments then swallow the rest of the line, so it cannot be
 * parsed faithfully and is rejected with `input/flattened`.
 */
export function looksFlattened(line: string): boolean {
  // each pattern needs a word of its own in the line: two `rule`, a `{`, `VM UUID` (checked first, cheaply)
  const first = line.indexOf('rule');
  if (first >= 0 && line.indexOf('rule', first + 4) >= 0) {
    const rules = line.match(/(?:^|[\s;])rule[ _]\d+[ _]at[ _]\d+/g);
    if (rules !== null && rules.length >= 2) return true;
  }
  return (line.indexOf('{') >= 0 && /\b(?:ruleset|addrset) \S+ \{\s*\S/.test(line)) ||
    (line.indexOf('VM UUID') >= 0 && /(?:Filter Name\s*:.*){1}VM UUID\s*:/.test(line));
}
