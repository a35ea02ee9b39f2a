import { readFileSync } from 'node:fs';
import { unreadableFile, type Diagnostic } from '../model/diagnostics.js';
import { importNsxFiles, looksLikeNsxJson } from '../policy/nsx-import.js';
import type { NsxIntent } from '../policy/nsx-intent.js';
import { compileIntent, type CompiledIntent, type Semantics } from './connectivity-compile.js';

/** NSX exports read from files, imported and compiled, with every diagnostic of both steps. */
export interface LoadedIntent {
  intent: NsxIntent;
  compiled: CompiledIntent;
  diagnostics: Diagnostic[];
}

/** Reads `files` (NSX Policy API JSON, any of the shapes nsx-import.ts accepts) as one export. */
export function loadIntent(files: string[], semantics: Semantics): LoadedIntent {
  const diagnostics: Diagnostic[] = [];
  const texts: { text: string; file: string }[] = [];
  for (const file of files) {
    try {
      texts.push({ text: readFileSync(file, 'utf8'), file });
    } catch (e) {
      diagnostics.push(unreadableFile(file, e));
    }
  }
  const imported = importNsxFiles(texts);
  diagnostics.push(...imported.diagnostics);
  const compiled = compileIntent(imported.value, semantics);
  diagnostics.push(...compiled.diagnostics);
  return { intent: imported.value, compiled, diagnostics };
}

/** Are these policy files NSX Policy API JSON (so `eval` / `explain --policy` take the intent path)? */
export function areNsxExports(files: string[]): boolean {
  if (files.length === 0) return false;
  return files.every((f) => {
    if (!f.toLowerCase().endsWith('.json')) return false;
    try {
      return looksLikeNsxJson(readFileSync(f, 'utf8'));
    } catch {
      return false;
    }
  });
}
