/**
 * `summarize-dvfilter` -> dvfilter agents, world/port/slot blocks, and the DFW filters
 * (reference/vsipioctl.md 2). A line scanner that reads each line by its key, never by its
 * indentation: the NSX-V 6.4.6 Central CLI prints `  name:` at 2 blanks and ` agentName:` at 1, and
 * `grep` output loses indentation or inserts `--` (reference 2, 8.8).
 */
import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import type { Filter } from '../model/filter.js';
import type { SourceSpan } from '../model/source-span.js';
import { filterNameParts } from './getfilters.js';
import { parsePrompt, splitLines, type SourceLine } from './getrules-prompt.js';

/** `agent: NAME, refCount: N, rev: 0x.., apiRev: 0x.., module: M` (Fastpaths section). */
export interface DvfilterAgent {
  name: string;
  refCount: number;
  module: string | null;
}

/** One `vNic slot N` / `dvPort slot N` block with its `key: value` lines. */
export interface DvfilterSlot {
  /** null when grep dropped the slot line and only `name:` survived */
  kind: 'vNic' | 'dvPort' | null;
  slot: number | null;
  /** filter name (`nic-36445-eth0-vmware-sfw.2`; dvPort filter names hold blanks) */
  name: string | null;
  agentName: string | null;
  /** every `key: value` of the block as printed (`state`, `vmState`, `failurePolicy`, `filter source`, `moduleName`, ...) */
  properties: Record<string, string>;
  span: SourceSpan;
}

/** One ` port N CLIENT` block inside a world (CLIENT may hold blanks: `NSX Manager.eth0`). */
export interface DvfilterPort {
  /** world id; `0` for `<no world>` (vmknics); null when grep cut the world line */
  worldId: string | null;
  /** VM name from `vmm0:NAME`; null for `<no world>` */
  vmName: string | null;
  /** `vcUuid:'50 19 ...-...'` as printed (the same value as getfilters `VM UUID`) */
  vcUuid: string | null;
  portId: string | null;
  /** `AW1.eth0`, `vmk0`, `NSX Manager.eth0` */
  portName: string | null;
  slots: DvfilterSlot[];
  span: SourceSpan;
}

export interface SummarizeDvfilter {
  /** the DFW filters (`vmware-sfw` agent), each with its VM name, world, port and slot */
  filters: Filter[];
  ports: DvfilterPort[];
  agents: DvfilterAgent[];
}

const WORLD = /^world (\d+) (?:<no world>|vmm0:(.*?) vcUuid:'([^']*)')\s*$/;
const PORT = /^port (\d+) (.+?)\s*$/;
const SLOT = /^(vNic|dvPort) slot (\d+)\s*$/;
const AGENT = /^agent: ([^,]+), refCount: (\d+),.*?(?:module: (\S+))?\s*$/;
const KEYVAL = /^([A-Za-z][A-Za-z ]*?):\s?(.*)$/;

/** Parses a summarize-dvfilter output (whole, grep'ed, or Central CLI). Never throws on bad input. */
export function parseSummarizeDvfilter(text: string, file: string): ParseResult<SummarizeDvfilter> {
  return parseSummarizeDvfilterLines(splitLines(text), file);
}

/** The same, over lines already split (one block of a capture). */
export function parseSummarizeDvfilterLines(lines: SourceLine[], file: string): ParseResult<SummarizeDvfilter> {
  const diagnostics: Diagnostic[] = [];
  const ports: DvfilterPort[] = [];
  const agents: DvfilterAgent[] = [];
  let world: { worldId: string | null; vmName: string | null; vcUuid: string | null } = { worldId: null, vmName: null, vcUuid: null };
  let port: DvfilterPort | null = null;
  let slot: DvfilterSlot | null = null;
  const span = (l: SourceLine): SourceSpan => {
    const lead = l.text.length - l.text.trimStart().length;
    return { file, offset: l.offset + lead, line: l.line, column: lead + 1, length: l.text.trim().length };
  };
  const newPort = (l: SourceLine, portId: string | null, portName: string | null): DvfilterPort => {
    const p: DvfilterPort = { ...world, portId, portName, slots: [], span: span(l) };
    ports.push(p);
    return p;
  };

  for (const l of lines) {
    const t = l.text.trim();
    if (parsePrompt(l.text) !== null) {
      if (/\bworld \d+ (?:vmm0:|<no world>)/.test(l.text)) {
        diagnostics.push({ code: DiagnosticCode.InputFlattened, severity: 'error', span: span(l),
          message: 'summarize-dvfilter blocks printed on one line: its line breaks were lost; not parsed', text: t });
      }
      continue;
    }
    // Blank lines, grep's `--` separators and an author's `..` elision carry nothing.
    if (t === '' || t === '--' || /^\.{2,}$/.test(t) || /^(?:Fastpaths|Slowpaths|Filters):$/.test(t) || t.startsWith('slowPath: ')) continue;
    let m: RegExpExecArray | null;
    if ((m = AGENT.exec(t))) {
      agents.push({ name: m[1] ?? '', refCount: Number(m[2]), module: m[3] ?? null });
    } else if ((m = WORLD.exec(t))) {
      world = { worldId: m[1] ?? null, vmName: m[2] ?? null, vcUuid: m[3] ?? null };
      port = null;
      slot = null;
    } else if ((m = PORT.exec(t))) {
      port = newPort(l, m[1] ?? null, m[2] ?? null);
      slot = null;
    } else if ((m = SLOT.exec(t))) {
      port ??= newPort(l, null, null);
      slot = { kind: m[1] === 'vNic' ? 'vNic' : 'dvPort', slot: Number(m[2]), name: null, agentName: null, properties: {}, span: span(l) };
      port.slots.push(slot);
    } else if ((m = KEYVAL.exec(t))) {
      const key = m[1] ?? '';
      const value = (m[2] ?? '').trim();
      // A `name:` with no open slot (or a second `name:`) starts a slot that grep cut the head of.
      if (slot === null || (key === 'name' && slot.name !== null)) {
        port ??= newPort(l, null, null);
        slot = { kind: null, slot: null, name: null, agentName: null, properties: {}, span: span(l) };
        port.slots.push(slot);
      }
      slot.properties[key] = value;
      if (key === 'name') {
        slot.name = value;
        slot.slot ??= filterNameParts(value)?.slot ?? (/\.(\d+)$/.exec(value)?.[1] !== undefined ? Number(/\.(\d+)$/.exec(value)?.[1]) : null);
      } else if (key === 'agentName') slot.agentName = value;
    } else {
      diagnostics.push({ code: DiagnosticCode.LogForeign, severity: 'warning', span: span(l),
        message: 'not a summarize-dvfilter line: skipped', text: t });
    }
  }

  const filters: Filter[] = [];
  for (const p of ports) {
    for (const s of p.slots) {
      if (s.name === null) continue;
      const parts = filterNameParts(s.name);
      // The DFW filter is the `vmware-sfw` agent's (slot 2); other agents are switch security, ESXi firewall ...
      const isDfw = s.agentName === 'vmware-sfw' || (s.agentName === null && parts?.agent === 'vmware-sfw');
      if (!isDfw) continue;
      filters.push({
        name: s.name, hash: null, vmUuid: p.vcUuid, vmName: p.vmName, vnicIndex: parts?.vnicIndex ?? null, host: null,
        worldId: p.worldId ?? parts?.worldId ?? null, portName: p.portName, slot: s.slot, ips: [],
      });
    }
  }
  return { value: { filters, ports, agents }, diagnostics };
}
