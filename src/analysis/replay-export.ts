import type { ReplayExportSummary } from '../store/duckdb/export-summary.js';
import type { ReplayTarget, ReplayStep } from '../store/duckdb/replay-target.js';
import type { Db } from '../store/open.js';
import { countReplayEvents, inReadSnapshot, replayInputs } from '../store/replay-inputs.js';
import { outcomeRow } from './replay-outcome-row.js';
import { replayStoreAsync } from './replay-store.js';

/**
 * The replay part of `dfwsim export`: the store's replay outcomes (one row per replayed NSX DFW
 * event, model/replay-outcome.ts) into the target beside its events, honestly incremental. The
 * outcomes are a function of every complete source and of the realized rules (replay-inputs.ts),
 * so they are rewritten whole when that fingerprint differs from the one the target recorded, and
 * left as they are when it is the same. The replay is the one `dfwsim replay` runs with its
 * defaults (no exclusion list, product generation guessed per filter), over the whole store,
 * streamed: each outcome is appended and dropped. Everything is read in one snapshot of the store.
 *
 * Not written (`skipped`, with the reason): a store without realized rules (every event would be
 * `no-rules`), a store with sources still being ingested (their events would be missing from a
 * stateful replay that covers them once complete), a store whose events are in ClickHouse.
 */
export function replayExportStep(db: Db, onProgress?: (done: number, total: number) => void): ReplayStep {
  return (target) => inReadSnapshot(db, () => exportReplay(db, target, onProgress));
}

async function exportReplay(db: Db, target: ReplayTarget, onProgress?: (done: number, total: number) => void): Promise<ReplayExportSummary> {
  const inputs = replayInputs(db);
  const skipped = (reason: string): ReplayExportSummary => ({ status: 'skipped', rows: 0, reason, fingerprint: null });
  if (inputs.eventsElsewhere) return skipped("the store's events are in ClickHouse (ingest --engine clickhouse): replay outcomes are exported from a SQLite store's events");
  if (inputs.partial > 0)
    return skipped(`${inputs.partial} sources are still being ingested: the stateful replay covers every source, so its outcomes are written once they are complete`);
  if (inputs.rules === 0) return skipped('the store has no realized rules (vsipioctl getrules): every event would be no-rules, so nothing was replayed');
  const current = target.current;
  if (current?.fingerprint === inputs.fingerprint)
    return { status: 'unchanged', rows: current.rows, reason: 'the sources and rules are those they were computed from', fingerprint: inputs.fingerprint };
  const total = countReplayEvents(db);
  const { record, files, partitions } = await target.rewrite(
    { fingerprint: inputs.fingerprint, sourcesHash: inputs.sourcesHash, rulesHash: inputs.rulesHash, sources: inputs.sources },
    async (sink) => {
      await replayStoreAsync(db, {}, {}, (r, e) => sink.append(outcomeRow(r, e)), (done) => onProgress?.(done, total));
    },
  );
  const what = current === null ? [] : [current.sourcesHash !== inputs.sourcesHash && 'the sources', current.rulesHash !== inputs.rulesHash && 'the rules'].filter(Boolean);
  const changed = current === null ? 'no earlier outcomes' : `rewritten: ${what.length ? `${what.join(' and ')} changed` : 'the outcome columns changed'}`;
  return { status: 'written', rows: record.rows, reason: changed, fingerprint: inputs.fingerprint, files, partitions };
}
