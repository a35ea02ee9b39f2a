/**
 * `vsipioctl getfilters` -> filters (reference/vsipioctl.md 3). A line scanner: blocks of
 * `KEY (padded) : VALUE`, each starting at `Filter Name`. Field sets:
 * NSX-V 6.0/6.1 (Filter Name, VM UUID, VNIC Index, Service Profile), NSX-V 6.2.3+ (+ Filter Hash),
 * NSX-T/4 (+ VNIC UUID, VIF ID, LSP ID, Filter Rule Config).
 */
import { DiagnosticCode, type Diagnostic, type ParseResult } from '../model/diagnostics.js';
import type { Filter } from '../model/filter.js';
import type { SourceSpan } from '../model/source-span.js';
import { looksFlattened, parsePrompt, splitLines, type SourceLine } from './getrules-prompt.js';

/** A filter as getfilters prints it: the shared Filter plus the fields only this output has. */
export interface GetfiltersFilter extends Filter {
  /** `Service Profile` (`--NOT SET--` in every sample), or null when absent */
  serviceProfile: string | null;
  /** NSX-T: `VNIC UUID` (`<vm-uuid>.001`) */
  vnicUuid: string | null;
  /** NSX-T: `VIF ID`; its last 8 hex digits are the filter hash of NSX-T packet logs (reference 6.3) */
  vifId: string | null;
  /** NSX-T: `LSP ID` (logical switch port) */
  lspId: string | null;
  /** NSX-T: `Filter Rule Config` (`configured`) */
  ruleConfig: string | null;
  /** where the block starts (its `Filter Name` line) */
  span: SourceSpan;
}

/** What a filter name says: `nic-<worldID>-eth<N>-<agentName>.<slot>` (reference 2). */
export interface FilterNameParts {
  worldId: string;
  vnicIndex: number;
  agent: string;
  slot: number;
}

/** Splits `nic-36445-eth0-vmware-sfw.2`; null for other shapes (dvPort filters `<port>-sw<uuid>...`). */
export function filterNameParts(name: string): FilterNameParts | null {
  const m = /^nic-(\d+)-eth(\d+)-(.+)\.(\d+)$/.exec(name);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined || m[4] === undefined) return null;
  return { worldId: m[1], vnicIndex: Number(m[2]), agent: m[3], slot: Number(m[4]) };
}

const KV = /^\s*([A-Za-z][A-Za-z ]*?)\s*:\s?(.*)$/;

/** Parses a getfilters output. Never throws on bad input. */
export function parseGetfilters(text: string, file: string): ParseResult<GetfiltersFilter[]> {
  return parseGetfiltersLines(splitLines(text), file);
}

/** The same, over lines already split (one block of a capture). */
export function parseGetfiltersLines(lines: SourceLine[], file: string): ParseResult<GetfiltersFilter[]> {
  const out: GetfiltersFilter[] = [];
  const diagnostics: Diagnostic[] = [];
  let cur: GetfiltersFilter | null = null;
  const span = (l: SourceLine): SourceSpan => ({ file, offset: l.offset, line: l.line, column: 1, length: l.text.length });

  for (const l of lines) {
    const prompt = parsePrompt(l.text);
    if (prompt !== null || l.text.trim() === '' || l.text.trim() === '--') {
      if (prompt !== null && looksFlattened(prompt.command)) {
        diagnostics.push({ code: DiagnosticCode.InputFlattened, severity: 'error', span: span(l),
          message: 'getfilters fields printed on one line: its line breaks were lost; not parsed', text: l.text.trim() });
      }
      continue;
    }
    const m = KV.exec(l.text);
    const key = m?.[1]?.toLowerCase();
    const value = (m?.[2] ?? '').trim();
    if (key === undefined) {
      diagnostics.push({ code: DiagnosticCode.LogForeign, severity: 'warning', span: span(l),
        message: 'not a getfilters "KEY : VALUE" line: skipped', text: l.text.trim() });
      continue;
    }
    if (key === 'filter name') {
      const parts = filterNameParts(value);
      cur = {
        name: value, hash: null, vmUuid: null, vmName: null, vnicIndex: parts?.vnicIndex ?? null, host: null,
        worldId: parts?.worldId ?? null, portName: null, slot: parts?.slot ?? null, ips: [],
        serviceProfile: null, vnicUuid: null, vifId: null, lspId: null, ruleConfig: null, span: span(l),
      };
      out.push(cur);
      continue;
    }
    if (cur === null) {
      // `grep -B 5` can cut a block's head; fields without their Filter Name cannot be attached.
      diagnostics.push({ code: DiagnosticCode.LogForeign, severity: 'warning', span: span(l),
        message: `'${m?.[1] ?? ''}' before any 'Filter Name' line: skipped`, text: l.text.trim() });
      continue;
    }
    const v = value === '' ? null : value;
    switch (key) {
      case 'vm uuid': cur.vmUuid = v; break;
      case 'vnic index': if (v !== null && /^\d+$/.test(v)) cur.vnicIndex = Number(v); break;
      case 'service profile': cur.serviceProfile = v; break;
      case 'filter hash': cur.hash = v; break;
      case 'vnic uuid': cur.vnicUuid = v; break;
      case 'vif id': cur.vifId = v; break;
      case 'lsp id': cur.lspId = v; break;
      case 'filter rule config': cur.ruleConfig = v; break;
      case 'vm name': cur.vmName = v; break;
      default:
        diagnostics.push({ code: DiagnosticCode.Unverified, severity: 'info', span: span(l),
          message: `unknown getfilters field '${m?.[1] ?? ''}': ignored`, text: l.text.trim() });
    }
  }
  return { value: out, diagnostics };
}
