/**
 * A capture file of ESXi / NSX Manager host outputs: one or several of getrules, getaddrsets,
 * getfilters and summarize-dvfilter, concatenated with their shell / CLI prompts
 * (`[root@esx:~] vsipioctl getrules -f nic-...`, `nsxmgr01> show dfw host host-10 filter ... rules`).
 *
 * The file is cut into blocks at prompt lines; a block's kind comes from its prompt's command, or,
 * when the prompt says nothing useful (no prompt, a bare prompt, `| grep`), from its first lines.
 * Each block goes to its parser with the original offsets and line numbers; getrules and
 * getaddrsets blocks are read as the lines stream by ({@link VsipCaptureReader}), so ingest writes
 * their rulesets, rules and sets as it reads them and never holds a whole output.
 */
import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import type { Filter } from '../model/filter.js';
import type { AddrsetsSink, GetrulesSink } from '../model/realized-sink.js';
import type { GetaddrsetsDocument, GetrulesDocument } from '../model/rule.js';
import { GetaddrsetsReader } from './getaddrsets-document.js';
import { parseGetfiltersLines } from './getfilters.js';
import { GetrulesDocumentSink, GetrulesReader } from './getrules-document.js';
import { looksFlattened, parsePrompt, splitLines, type Prompt, type PromptCommand, type SourceLine } from './getrules-prompt.js';
import { parseSummarizeDvfilterLines } from './summarize-dvfilter.js';

/** Everything a capture file holds that dfwsim reads. */
export interface VsipCapture {
  /** from getfilters and summarize-dvfilter, merged by filter name (each output adds its own fields) */
  filters: Filter[];
  /** one per getrules output, with the filter its prompt named (`-f <name>`) when there is one */
  getrules: GetrulesDocument[];
  getaddrsets: GetaddrsetsDocument[];
  /** what became of every physical line */
  accounting: CaptureLineAccount;
}

/**
 * Every physical line of a capture counted in exactly one place, so that
 * `lines = records + skipped + rejected.length` (ingest adds `events` = 0 to the same sum).
 */
export interface CaptureLineAccount {
  lines: number;
  /** lines of an output dfwsim reads: rule, address-set and filter lines, their headers and braces */
  records: number;
  /** prompts, blank lines, output of commands dfwsim does not read, lines a parser passed over as foreign */
  skipped: number;
  /** one entry per line that did not parse, however many errors it had (they are all in `reason`) */
  rejected: CaptureRejectedLine[];
}

export interface CaptureRejectedLine {
  line: number;
  /** 1-based column of the line's first error */
  col: number;
  code: string;
  reason: string;
  raw: string;
}

/** A physical line handed to the capture parser; `tooLong` lines hold only their head and are not parsed. */
export interface CaptureLine extends SourceLine {
  /** the full length of a line over the reader's limit */
  tooLong?: number;
}

type BlockKind = Exclude<PromptCommand, 'other' | 'none'>;

// Content shapes, for blocks whose prompt does not say (reference 2-5).
const RULESET_LINE = /^\s*ruleset \S+ \{\s*$/;
const RULE_LINE = /^\s*(?:#\s*internal\s*#\s*)?rule \d+ at \d+ (?:inout|in|out) /;
const UNDERSCORED_RULE = /^\s*(?:#_internal_#_)?rule_\d+_at_\d+_/;
const ADDRSET_LINE = /^\s*addrset \S+ \{\s*$/;
const FILTER_NAME_LINE = /^\s*Filter Name\s+: /;
const DVFILTER_LINE = /^\s*(?:Fastpaths:|Filters:|world \d+ (?:vmm0:|<no world>)|name: nic-\d+-eth\d+-)/;

function contentKind(line: string): BlockKind | null {
  if (RULESET_LINE.test(line) || RULE_LINE.test(line) || UNDERSCORED_RULE.test(line)) return 'getrules';
  if (ADDRSET_LINE.test(line)) return 'getaddrsets';
  if (FILTER_NAME_LINE.test(line)) return 'getfilters';
  if (DVFILTER_LINE.test(line)) return 'summarize-dvfilter';
  return null;
}

/**
 * Confidence (0..1) that a file is vsipioctl-family host output, from its first lines. Claims getrules,
 * getaddrsets, getfilters and summarize-dvfilter text (and their flattened copies behind a prompt,
 * so they are rejected with a reason instead of an unknown format); not packet logs, getfwrules
 * counters, discoveredips, vsish heaps or nsxcli `get firewall` views.
 */
export function sniffVsipioctl(firstLines: string[]): number {
  let score = 0;
  for (const line of firstLines.slice(0, 200)) {
    const p = parsePrompt(line);
    if (p !== null) {
      if (p.kind !== 'other' && p.kind !== 'none') score = Math.max(score, 0.9);
      continue;
    }
    const k = contentKind(line);
    if (k === 'getrules' || k === 'getaddrsets' || k === 'getfilters') score = Math.max(score, 0.9);
    else if (k === 'summarize-dvfilter') score = Math.max(score, 0.85);
    if (score >= 0.9) break;
  }
  return score;
}

/** Parses a capture file. Never throws on bad input. */
export function parseVsipCapture(text: string, file: string): ParseResult<VsipCapture> {
  return parseVsipCaptureLines(splitLines(text), file);
}

/** The same, over the file's physical lines (as ingest's reader delivers them). */
export function parseVsipCaptureLines(all: CaptureLine[], file: string): ParseResult<VsipCapture> {
  const getrules: GetrulesDocument[] = [];
  const getaddrsets: GetaddrsetsDocument[] = [];
  const reader = new VsipCaptureReader(file, {
    getrules: () => {
      const sink = new GetrulesDocumentSink();
      getrules.push(sink.doc);
      return sink;
    },
    getaddrsets: () => {
      const doc: GetaddrsetsDocument = { filter: null, addrsets: [] };
      getaddrsets.push(doc);
      return { set: (a) => void doc.addrsets.push(a), end: (filter) => void (doc.filter = filter) };
    },
  });
  for (const l of all) reader.push(l);
  const { value, diagnostics } = reader.end();
  return { value: { filters: value.filters, getrules, getaddrsets, accounting: value.accounting }, diagnostics };
}

/** Where a {@link VsipCaptureReader} sends each getrules and getaddrsets output (one sink per output, in file order). */
export interface CaptureSinks {
  getrules(): GetrulesSink;
  getaddrsets(): AddrsetsSink;
}

/** What a capture holds besides the outputs that went to the sinks. */
export type CaptureRest = Pick<VsipCapture, 'filters' | 'accounting'>;

/** The block being read: the lines from one prompt (or the start of the file) to the next. */
interface Block {
  prompt: Prompt | null;
  promptLine: SourceLine | null;
  /**
   * `pending` until the first non-blank line, which decides the block's kind; `flattened`: the
   * output is on the prompt line (the block is not read); `foreign`: an output dfwsim does not read.
   */
  state: 'pending' | 'flattened' | 'foreign' | 'getrules' | 'getaddrsets' | 'buffered';
  kind: BlockKind | null;
  /** blank lines before the first non-blank one, while pending */
  pending: SourceLine[];
  first: SourceLine | null;
  /** non-blank lines */
  body: number;
  reader: GetrulesReader | GetaddrsetsReader | null;
  /** diagnostics of `reader` already looked at */
  seen: number;
  /** getfilters and summarize-dvfilter outputs (small) are read whole at the block's end */
  buffered: SourceLine[];
}

/** Per physical line, for the accounting. */
const RECORD = 1;
const TOO_LONG = 2;

/**
 * A capture read line by line, in one pass, as ingest's reader delivers the lines: it is cut into
 * blocks at prompt lines, a block's kind comes from its prompt's command or, when that says
 * nothing useful, from its first non-blank line, and getrules and getaddrsets blocks are read
 * while they stream by (their rulesets, rules and sets go to the sinks). What is kept for the
 * whole file is a flag per line for the accounting, and the text of the rejected lines.
 */
export class VsipCaptureReader {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly filters = new Map<string, Filter>();
  private block: Block = VsipCaptureReader.block(null, null);
  /** line numbers and flags of every line pushed, in order */
  private lineNos = new Int32Array(1024);
  private flags = new Uint8Array(1024);
  private count = 0;
  private readonly tooLong = new Map<number, CaptureLine>();
  /** the text of every line an error names */
  private readonly errorText = new Map<number, string>();

  constructor(
    private readonly file: string,
    private readonly sinks: CaptureSinks,
  ) {}

  private static block(prompt: Prompt | null, promptLine: SourceLine | null): Block {
    return { prompt, promptLine, state: 'pending', kind: null, pending: [], first: null, body: 0, reader: null, seen: 0, buffered: [] };
  }

  push(l: CaptureLine): void {
    const at = this.count++;
    if (at === this.lineNos.length) this.grow();
    this.lineNos[at] = l.line;
    if (l.tooLong !== undefined) {
      // rejected in the accounting, never parsed, and no part of any block
      this.flags[at] = TOO_LONG;
      this.tooLong.set(at, l);
      return;
    }
    const p = parsePrompt(l.text);
    if (p !== null) {
      this.endBlock();
      this.startBlock(p, l);
      return;
    }
    const b = this.block;
    if (b.state === 'flattened') return;
    const blank = l.text.trim() === '';
    if (blank) {
      if (b.state === 'pending') b.pending.push(l);
      else this.feed(b, l);
      return;
    }
    b.body++;
    if (b.state === 'pending') this.decide(b, l);
    if (b.kind !== null && l.text.trim() !== '--') this.flags[at] = RECORD;
    this.feed(b, l);
  }

  /** The end of the file: the last block is read out, and every line accounted for. */
  end(): ParseResult<CaptureRest> {
    this.endBlock();
    const value: CaptureRest = { filters: [...this.filters.values()], accounting: this.account() };
    return { value, diagnostics: this.diagnostics };
  }

  private grow(): void {
    const lineNos = new Int32Array(this.lineNos.length * 2);
    lineNos.set(this.lineNos);
    this.lineNos = lineNos;
    const flags = new Uint8Array(this.flags.length * 2);
    flags.set(this.flags);
    this.flags = flags;
  }

  private startBlock(p: Prompt, line: SourceLine): void {
    const b = VsipCaptureReader.block(p, line);
    this.block = b;
    if (isFlattenedPrompt(p)) {
      b.state = 'flattened';
      this.diagnostics.push({
        code: DiagnosticCode.InputFlattened, severity: 'error',
        span: { file: this.file, offset: line.offset, line: line.line, column: 1, length: line.text.length },
        message: `the output of '${shortCommand(p)}' is on the prompt line itself: its line breaks were lost; not parsed`,
        text: line.text.length > 200 ? `${line.text.slice(0, 200).trim()}...` : line.text.trim(),
      });
      this.errorText.set(line.line, line.text);
    }
  }

  /** The block's first non-blank line: its kind, and its reader, which gets the lines held so far. */
  private decide(b: Block, first: SourceLine): void {
    b.first = first;
    const pk = b.prompt?.kind;
    // What the first line plainly is wins over what the prompt ran: a prompt pasted above another
    // command's output (or a mislabelled capture) must not turn every line of it into a rejection.
    b.kind = contentKind(first.text) ?? (pk !== undefined && pk !== 'other' && pk !== 'none' ? pk : null);
    switch (b.kind) {
      case null:
        b.state = 'foreign';
        return;
      case 'getrules':
        b.state = 'getrules';
        b.reader = new GetrulesReader(this.file, this.sinks.getrules());
        break;
      case 'getaddrsets':
        b.state = 'getaddrsets';
        b.reader = new GetaddrsetsReader(this.file, this.sinks.getaddrsets());
        break;
      default:
        b.state = 'buffered';
    }
    if (b.promptLine !== null) this.feed(b, b.promptLine);
    for (const l of b.pending) this.feed(b, l);
    b.pending = [];
  }

  private feed(b: Block, l: SourceLine): void {
    if (b.reader !== null) {
      b.reader.push(l);
      this.noteErrors(b, l);
    } else if (b.state === 'buffered') b.buffered.push(l);
  }

  /** Keeps the text of the line each new error of the block's reader names (always the line just read). */
  private noteErrors(b: Block, l: SourceLine | null): void {
    const ds = (b.reader as GetrulesReader | GetaddrsetsReader).diagnostics;
    for (; b.seen < ds.length; b.seen++) {
      const d = ds[b.seen] as Diagnostic;
      if (d.severity !== 'error') continue;
      if (l === null || d.span.line !== l.line) throw new Error(`capture reader: an error names line ${d.span.line}, not the line read`);
      this.errorText.set(l.line, l.text);
    }
  }

  private endBlock(): void {
    const b = this.block;
    const file = this.file;
    switch (b.state) {
      case 'flattened':
        return;
      case 'pending': {
        // An nsxcli view whose output was flattened onto its prompt line (`host-1> get firewall addrset
        // name <uuid> Address Count: 2 Address : ip ...`): not a format dfwsim reads, but say why.
        if (b.promptLine !== null && b.prompt !== null && b.prompt.kind === 'other' && /\w\s?:\s\S/.test(b.prompt.command)) {
          this.diagnostics.push({
            code: DiagnosticCode.InputFlattened, severity: 'warning',
            span: { file, offset: b.promptLine.offset, line: b.promptLine.line, column: 1, length: b.promptLine.text.length },
            message: `the output of '${shortCommand(b.prompt)}' is on the prompt line itself (line breaks lost), and it is not an output dfwsim reads`,
            text: b.promptLine.text.length > 200 ? `${b.promptLine.text.slice(0, 200).trim()}...` : b.promptLine.text.trim(),
          });
        }
        return;
      }
      case 'foreign': {
        const at = b.first as SourceLine;
        // Output of a command dfwsim does not read (getfwrules -s, discoveredips, tail ...): said once, not an error.
        this.diagnostics.push({
          code: DiagnosticCode.LogForeign, severity: 'warning',
          span: { file, offset: at.offset, line: at.line, column: 1, length: at.text.length },
          message: b.prompt !== null
            ? `output of '${shortCommand(b.prompt)}' is not a vsipioctl output dfwsim reads: ${b.body} line(s) skipped`
            : `text that is not a vsipioctl output: ${b.body} line(s) skipped`,
          text: at.text.trim(),
        });
        return;
      }
      case 'getrules':
      case 'getaddrsets': {
        const r = b.reader as GetrulesReader | GetaddrsetsReader;
        r.end();
        this.noteErrors(b, null);
        this.diagnostics.push(...r.diagnostics);
        return;
      }
      case 'buffered': {
        let diagnostics: Diagnostic[];
        if (b.kind === 'getfilters') {
          const r = parseGetfiltersLines(b.buffered, file);
          this.addFilters(r.value);
          diagnostics = r.diagnostics;
        } else {
          const r = parseSummarizeDvfilterLines(b.buffered, file);
          this.addFilters(r.value.filters);
          diagnostics = r.diagnostics;
        }
        for (const d of diagnostics) {
          if (d.severity !== 'error') continue;
          const l = b.buffered.find((x) => x.line === d.span.line);
          if (l === undefined) throw new Error(`capture reader: an error names line ${d.span.line}, outside its output`);
          this.errorText.set(l.line, l.text);
        }
        this.diagnostics.push(...diagnostics);
        return;
      }
    }
  }

  private addFilters(fs: Filter[]): void {
    for (const f of fs) {
      const old = this.filters.get(f.name);
      if (old === undefined) {
        // Copy only the shared Filter fields: parser-specific extras stay with their parser's result.
        this.filters.set(f.name, { name: f.name, hash: f.hash, vmUuid: f.vmUuid, vmName: f.vmName, vnicIndex: f.vnicIndex, host: f.host,
          worldId: f.worldId, portName: f.portName, slot: f.slot, ips: [...f.ips] });
      } else {
        old.hash ??= f.hash; old.vmUuid ??= f.vmUuid; old.vmName ??= f.vmName; old.vnicIndex ??= f.vnicIndex; old.host ??= f.host;
        old.worldId ??= f.worldId; old.portName ??= f.portName; old.slot ??= f.slot;
        for (const ip of f.ips) if (!old.ips.includes(ip)) old.ips.push(ip);
      }
    }
  }

  /**
   * Puts every line in one place: rejected when any error names it (one entry per line, its first
   * error by column giving column and code), else skipped when a parser passed over it as foreign,
   * else a record when it belongs to an output dfwsim reads, else skipped.
   */
  private account(): CaptureLineAccount {
    const errors = new Map<number, Diagnostic[]>();
    const foreign = new Set<number>();
    for (const d of this.diagnostics) {
      if (d.severity === 'error') {
        const list = errors.get(d.span.line);
        if (list === undefined) errors.set(d.span.line, [d]);
        else list.push(d);
      } else if (d.code === DiagnosticCode.LogForeign) foreign.add(d.span.line);
    }
    const account: CaptureLineAccount = { lines: this.count, records: 0, skipped: 0, rejected: [] };
    for (let i = 0; i < this.count; i++) {
      const line = this.lineNos[i] as number;
      const flags = this.flags[i] as number;
      if (flags === TOO_LONG) {
        const l = this.tooLong.get(i) as CaptureLine;
        account.rejected.push({ line, col: 1, code: DiagnosticCode.LogLineTooLong, raw: l.text,
          reason: `line of ${l.tooLong} characters is longer than any capture line (limit 1 MiB): not parsed` });
        continue;
      }
      const errs = errors.get(line);
      if (errs !== undefined) {
        errs.sort((a, b) => a.span.column - b.span.column);
        const first = errs[0] as Diagnostic;
        account.rejected.push({ line, col: first.span.column, code: first.code, raw: this.errorText.get(line) as string,
          reason: [...new Set(errs.map((e) => e.message))].join('; ') });
      } else if (!foreign.has(line) && flags === RECORD) account.records++;
      else account.skipped++;
    }
    return account;
  }
}

/** A prompt whose command line also carries the output (the corpus `*.flattened*` captures). */
function isFlattenedPrompt(p: Prompt): boolean {
  if (p.kind === 'other' || p.kind === 'none') return false;
  return looksFlattened(p.command) || /\bworld \d+ (?:vmm0:|<no world>)/.test(p.command) || /\brule \d+ at \d+ /.test(p.command);
}

function shortCommand(p: Prompt): string {
  return p.command.length > 80 ? `${p.command.slice(0, 80)}...` : p.command;
}
