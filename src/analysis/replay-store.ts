import { Replayer, type OwnerLookup, type ReplayOptions, type ReplaySummary } from '../engine/replay.js';
import type { ReplayInput } from '../model/packet-event.js';
import type { ReplayEventResult } from '../model/replay.js';
import type { AnalyticsEngine } from '../store/analytics.js';
import type { Db } from '../store/open.js';
import { streamEventsByHostTime, type EventStreamQuery } from '../store/events-repo.js';
import { loadOwnership } from './ownership.js';
import { compiledOnly, loadCompiledFilters, type LoadedFilter } from './realized.js';

/** A replay of the store's events: the filters it used and the per-filter summaries. */
export interface StoreReplay {
  filters: ReadonlyMap<string, LoadedFilter>;
  summary: ReplaySummary;
}

/** Called once per replayed event, in replay order; the result is not kept after the call. */
export type ReplayVisitor = (r: ReplayEventResult, e: ReplayInput) => void;

/**
 * Replays the stored NSX DFW events statefully against the stored realized rules, streaming:
 * events come from a cursor per host in time order, each result goes to `visit` and is then
 * dropped; only per-filter state is held. Which filter owns an address (to inject a REJECT's
 * response into the sender's filter) comes from `owners`, else from the store's inventory or logs.
 */
export function replayStore(db: Db, query: EventStreamQuery, opts: ReplayOptions, visit: ReplayVisitor, filters: ReadonlyMap<string, LoadedFilter> = loadCompiledFilters(db)): StoreReplay {
  const owners: OwnerLookup = opts.owners ?? loadOwnership(db);
  const r = new Replayer(compiledOnly(filters), owners, opts);
  for (const e of streamEventsByHostTime(db, { ...query, dfwOnly: true })) visit(r.push(e), e);
  return { filters, summary: r.finish() };
}

/**
 * replayStore for a long-running caller (`dfwsim export`): every `every` events it gives the event
 * loop a turn (a progress bar redraws, a signal is handled) and tells `onEvents` the count so far.
 */
export async function replayStoreAsync(
  db: Db,
  query: EventStreamQuery,
  opts: ReplayOptions,
  visit: ReplayVisitor,
  onEvents?: (replayed: number) => void,
  every = 65_536,
): Promise<StoreReplay> {
  const filters = loadCompiledFilters(db);
  const r = new Replayer(compiledOnly(filters), opts.owners ?? loadOwnership(db), opts);
  let n = 0;
  for (const e of streamEventsByHostTime(db, { ...query, dfwOnly: true })) {
    visit(r.push(e), e);
    if (++n % every === 0) {
      onEvents?.(n);
      await new Promise<void>((res) => setImmediate(res));
    }
  }
  onEvents?.(n);
  return { filters, summary: r.finish() };
}

/** The same, with the events read through an analytics engine; `owners` must be given (loadOwnershipVia), the rules come from `db`. */
export async function replayVia(
  engine: AnalyticsEngine,
  db: Db,
  query: EventStreamQuery,
  opts: ReplayOptions & { owners: OwnerLookup },
  visit: ReplayVisitor,
  filters: ReadonlyMap<string, LoadedFilter> = loadCompiledFilters(db),
): Promise<StoreReplay> {
  const r = new Replayer(compiledOnly(filters), opts.owners, opts);
  for await (const batch of engine.eventsByHostTime({ ...query, dfwOnly: true })) for (const e of batch) visit(r.push(e), e);
  return { filters, summary: r.finish() };
}
