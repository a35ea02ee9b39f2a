import type { ReplayOptions } from '../engine/replay.js';
import type { ReplayInput } from '../model/packet-event.js';
import type { Db } from '../store/open.js';
import { streamConnectionGroups, type ConnectionSelector, type EventStreamQuery } from '../store/events-repo.js';
import { listFilters } from '../store/realized-repo.js';
import { explainConnection, type ExplainContext, type Explanation } from './explain.js';
import { loadOwnership, type Ownership } from './ownership.js';
import { loadCompiledFilters, loadRealizedFilter } from './realized.js';
import { CompileCache } from '../engine/compile.js';

/**
 * Everything explaining needs from the store, loaded once: the compiled rules (filters alike
 * share them), ownership and names. A filter's uncompiled rules are read again from the store
 * only when a fix must edit them; `db` must stay open while the context is used.
 */
export function explainContext(db: Db, replay: Omit<ReplayOptions, 'owners' | 'trace'> = {}, ownership: Ownership = loadOwnership(db)): ExplainContext {
  const cache = new CompileCache();
  const names = new Map<string, { name: string; vm: string | null }>();
  for (const f of listFilters(db)) if (f.hash !== null && !names.has(f.hash)) names.set(f.hash, { name: f.name, vm: f.vmName });
  return { filters: loadCompiledFilters(db, cache), realized: (key) => loadRealizedFilter(db, key), cache, ownership, names, replay };
}

/**
 * Explains the selected connections, one at a time, streaming: the store returns each
 * connection's records together (every filter, both directions), each is explained and handed
 * to `visit`, and only the current connection is held. Returns how many were explained.
 */
export function explainStore(db: Db, query: EventStreamQuery, sel: ConnectionSelector, visit: (x: Explanation) => void, ctx: ExplainContext = explainContext(db)): number {
  let n = 0;
  let group: string | null = null;
  let events: ReplayInput[] = [];
  const flush = () => {
    if (events.length === 0) return;
    visit(explainConnection(events, ctx));
    n++;
    events = [];
  };
  for (const { group: g, event } of streamConnectionGroups(db, query, sel)) {
    if (g !== group) {
      flush();
      group = g;
    }
    events.push(event);
  }
  flush();
  return n;
}
