/**
 * A capture file of ESXi / NSX Manager host outputs: one or several of getrules, getaddrsets,
 * getfilters and summarize-dvfilter, concatenated with their shell / CLI prompts
 * (`[root@esx:~] vsipioctl getrules -f nic-...`, `nsxmgr01> show dfw host host-10 filter ... rules`).
 *
 * The file is cut into blocks at prompt lines; a block's kind comes from its prompt's command, or,
 * when the prompt says nothing useful (no prompt, a bare prompt, `| grep`), from its first lines.
 * Each block goes to its parser with the original offsets and line numbers.
 */
import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import type { Filter } from '../model/filter.js';
import type { GetaddrsetsDocument, GetrulesDocument } from '../model/rule.js';
import { parseGetaddrsetsLines } from './getaddrsets-document.js';
import { parseGetfiltersLines } from './getfilters.js';
import { parseGetrulesLines } from './getrules-document.js';
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

interface Block {
  prompt: Prompt | null;
  promptLine: SourceLine | null;
  lines: SourceLine[];
}

/** Parses a capture file. Never throws on bad input. */
export function parseVsipCapture(text: string, file: string): ParseResult<VsipCapture> {
  return parseVsipCaptureLines(splitLines(text), file);
}

/** The same, over the file's physical lines (as ingest's reader delivers them). */
export function parseVsipCaptureLines(all: CaptureLine[], file: string): ParseResult<VsipCapture> {
  const diagnostics: Diagnostic[] = [];
  const value: VsipCapture = { filters: [], getrules: [], getaddrsets: [], accounting: { lines: all.length, records: 0, skipped: 0, rejected: [] } };
  // Line numbers of the lines that belong to an output dfwsim reads; every other line is skipped
  // unless it is rejected.
  const recordLines = new Set<number>();
  const filters = new Map<string, Filter>();
  const addFilters = (fs: Filter[]) => {
    for (const f of fs) {
      const old = filters.get(f.name);
      if (old === undefined) {
        // Copy only the shared Filter fields: parser-specific extras stay with their parser's result.
        filters.set(f.name, { name: f.name, hash: f.hash, vmUuid: f.vmUuid, vmName: f.vmName, vnicIndex: f.vnicIndex, host: f.host,
          worldId: f.worldId, portName: f.portName, slot: f.slot, ips: [...f.ips] });
      } else {
        old.hash ??= f.hash; old.vmUuid ??= f.vmUuid; old.vmName ??= f.vmName; old.vnicIndex ??= f.vnicIndex; old.host ??= f.host;
        old.worldId ??= f.worldId; old.portName ??= f.portName; old.slot ??= f.slot;
        for (const ip of f.ips) if (!old.ips.includes(ip)) old.ips.push(ip);
      }
    }
  };

  // 1. Cut at prompt lines. Text before the first prompt is a block without a prompt.
  const blocks: Block[] = [{ prompt: null, promptLine: null, lines: [] }];
  for (const l of all) {
    if (l.tooLong !== undefined) continue; // rejected below, never parsed
    const p = parsePrompt(l.text);
    if (p !== null) blocks.push({ prompt: p, promptLine: l, lines: [] });
    else blocks[blocks.length - 1]?.lines.push(l);
  }

  // 2. Hand each block to its parser.
  for (const b of blocks) {
    const body = b.lines.filter((l) => l.text.trim() !== '');
    if (b.promptLine !== null && b.prompt !== null && isFlattenedPrompt(b.prompt)) {
      diagnostics.push({
        code: DiagnosticCode.InputFlattened, severity: 'error',
        span: { file, offset: b.promptLine.offset, line: b.promptLine.line, column: 1, length: b.promptLine.text.length },
        message: `the output of '${shortCommand(b.prompt)}' is on the prompt line itself: its line breaks were lost; not parsed`,
        text: b.promptLine.text.length > 200 ? `${b.promptLine.text.slice(0, 200).trim()}...` : b.promptLine.text.trim(),
      });
      continue;
    }
    if (body.length === 0) {
      // An nsxcli view whose output was flattened onto its prompt line (`host-1> get firewall addrset
      // name <uuid> Address Count: 2 Address : ip ...`): not a format dfwsim reads, but say why.
      if (b.promptLine !== null && b.prompt !== null && b.prompt.kind === 'other' && /\w\s?:\s\S/.test(b.prompt.command)) {
        diagnostics.push({
          code: DiagnosticCode.InputFlattened, severity: 'warning',
          span: { file, offset: b.promptLine.offset, line: b.promptLine.line, column: 1, length: b.promptLine.text.length },
          message: `the output of '${shortCommand(b.prompt)}' is on the prompt line itself (line breaks lost), and it is not an output dfwsim reads`,
          text: b.promptLine.text.length > 200 ? `${b.promptLine.text.slice(0, 200).trim()}...` : b.promptLine.text.trim(),
        });
      }
      continue;
    }
    const pk = b.prompt?.kind;
    const first = body[0]?.text ?? '';
    // What the first line plainly is wins over what the prompt ran: a prompt pasted above another
    // command's output (or a mislabelled capture) must not turn every line of it into a rejection.
    const kind: BlockKind | null = contentKind(first) ?? (pk !== undefined && pk !== 'other' && pk !== 'none' ? pk : null);
    const lines = b.promptLine !== null ? [b.promptLine, ...b.lines] : b.lines;
    if (kind !== null) for (const l of body) if (l.text.trim() !== '--') recordLines.add(l.line);
    switch (kind) {
      case 'getrules': {
        const r = parseGetrulesLines(lines, file);
        value.getrules.push(r.value);
        diagnostics.push(...r.diagnostics);
        break;
      }
      case 'getaddrsets': {
        const r = parseGetaddrsetsLines(lines, file);
        value.getaddrsets.push(r.value);
        diagnostics.push(...r.diagnostics);
        break;
      }
      case 'getfilters': {
        const r = parseGetfiltersLines(lines, file);
        addFilters(r.value);
        diagnostics.push(...r.diagnostics);
        break;
      }
      case 'summarize-dvfilter': {
        const r = parseSummarizeDvfilterLines(lines, file);
        addFilters(r.value.filters);
        diagnostics.push(...r.diagnostics);
        break;
      }
      case null: {
        const at = body[0];
        if (at === undefined) break;
        // Output of a command dfwsim does not read (getfwrules -s, discoveredips, tail ...): said once, not an error.
        diagnostics.push({
          code: DiagnosticCode.LogForeign, severity: 'warning',
          span: { file, offset: at.offset, line: at.line, column: 1, length: at.text.length },
          message: b.prompt !== null
            ? `output of '${shortCommand(b.prompt)}' is not a vsipioctl output dfwsim reads: ${body.length} line(s) skipped`
            : `text that is not a vsipioctl output: ${body.length} line(s) skipped`,
          text: at.text.trim(),
        });
        break;
      }
    }
  }
  value.filters = [...filters.values()];
  value.accounting = accountLines(all, recordLines, diagnostics);
  return { value, diagnostics };
}

/**
 * Puts every line in one place: rejected when any error names it (one entry per line, its first
 * error by column giving column and code), else skipped when a parser passed over it as foreign,
 * else a record when it belongs to an output dfwsim reads, else skipped.
 */
function accountLines(all: CaptureLine[], recordLines: Set<number>, diagnostics: Diagnostic[]): CaptureLineAccount {
  const errors = new Map<number, Diagnostic[]>();
  const foreign = new Set<number>();
  for (const d of diagnostics) {
    if (d.severity === 'error') {
      const list = errors.get(d.span.line);
      if (list === undefined) errors.set(d.span.line, [d]);
      else list.push(d);
    } else if (d.code === DiagnosticCode.LogForeign) foreign.add(d.span.line);
  }
  const account: CaptureLineAccount = { lines: all.length, records: 0, skipped: 0, rejected: [] };
  for (const l of all) {
    if (l.tooLong !== undefined) {
      account.rejected.push({ line: l.line, col: 1, code: DiagnosticCode.LogLineTooLong, raw: l.text,
        reason: `line of ${l.tooLong} characters is longer than any capture line (limit 1 MiB): not parsed` });
      continue;
    }
    const errs = errors.get(l.line);
    if (errs !== undefined) {
      errs.sort((a, b) => a.span.column - b.span.column);
      const first = errs[0] as Diagnostic;
      account.rejected.push({ line: l.line, col: first.span.column, code: first.code, raw: l.text,
        reason: [...new Set(errs.map((e) => e.message))].join('; ') });
    } else if (!foreign.has(l.line) && recordLines.has(l.line)) account.records++;
    else account.skipped++;
  }
  return account;
}

/** A prompt whose command line also carries the output (the corpus `*.flattened*` captures). */
function isFlattenedPrompt(p: Prompt): boolean {
  if (p.kind === 'other' || p.kind === 'none') return false;
  return looksFlattened(p.command) || /\bworld \d+ (?:vmm0:|<no world>)/.test(p.command) || /\brule \d+ at \d+ /.test(p.command);
}

function shortCommand(p: Prompt): string {
  return p.command.length > 80 ? `${p.command.slice(0, 80)}...` : p.command;
}
