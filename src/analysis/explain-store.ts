import type { ReplayOptions } from '../engine/replay.js';
import type { ReplayInput } from '../model/packet-event.js';
import type { AnalyticsEngine } from '../store/analytics.js';
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
  const g = connectionGrouper(ctx, visit);
  for (const { group, event } of streamConnectionGroups(db, query, sel)) g.push(group, event);
  return g.end();
}

/** The same, with the events read through an analytics engine. */
export async function explainVia(engine: AnalyticsEngine, query: EventStreamQuery, sel: ConnectionSelector, visit: (x: Explanation) => void, ctx: ExplainContext): Promise<number> {
  const g = connectionGrouper(ctx, visit);
  for await (const batch of engine.connectionGroups(query, sel)) for (const { group, event } of batch) g.push(group, event);
  return g.end();
}

/** Collects a grouped stream's rows into connections and explains each when the next begins. */
function connectionGrouper(ctx: ExplainContext, visit: (x: Explanation) => void): { push(group: string, event: ReplayInput): void; end(): number } {
  let n = 0;
  let current: string | null = null;
  let events: ReplayInput[] = [];
  const flush = () => {
    if (events.length === 0) return;
    visit(explainConnection(events, ctx));
    n++;
    events = [];
  };
  return {
    push(group, event) {
      if (group !== current) {
        flush();
        current = group;
      }
      events.push(event);
    },
    end() {
      flush();
      return n;
    },
  };
}
