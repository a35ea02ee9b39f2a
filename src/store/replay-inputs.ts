import { createHash } from 'node:crypto';
import { eventEngine } from './event-engine-repo.js';
import type { Db } from './open.js';

/**
 * What a store's replay outcomes are a function of. The replay is stateful per filter across the
 * whole log (a state created in one file passes packets of the next), and it walks the realized
 * rules (and the filters' addresses, which pick the filter a REJECT's response is injected into,
 * replay step 11): so the outcomes depend on every complete source, not on the new ones, and on
 * every stored rule. Two fingerprints, combined into one:
 * - `sourcesHash`: the complete sources, by id and file sha256 (an id numbers the events, so the
 *   same files ingested in another order are other outcomes: other `event_id`s);
 * - `rulesHash`: the stored rulesets, rules, addrsets and filters, row by row (so a re-parse that
 *   stores different rules for the same file changes it too).
 */
export interface ReplayInputs {
  fingerprint: string;
  sourcesHash: string;
  rulesHash: string;
  /** complete sources */
  sources: number;
  /** sources still being ingested */
  partial: number;
  /** stored realized rules (0: every event would be `no-rules`) */
  rules: number;
  /** the store's events live in ClickHouse (`ingest --engine clickhouse`), not in this file */
  eventsElsewhere: boolean;
}

/** Bump when the outcome columns or their meaning change: an earlier export's outcomes are then rewritten. */
const OUTCOMES_VERSION = 1;

/** Catalogue tables the replay reads, in a fixed column order (bounded by the inputs, not by traffic). */
const RULE_TABLES = [
  'SELECT * FROM rulesets ORDER BY id',
  'SELECT * FROM rules ORDER BY id',
  'SELECT * FROM addrsets ORDER BY id',
  'SELECT * FROM filters ORDER BY id',
];

export function replayInputs(db: Db): ReplayInputs {
  const sources = createHash('sha256');
  let complete = 0;
  let partial = 0;
  for (const s of db.prepare(`SELECT id, sha256, status FROM sources ORDER BY id`).iterate() as IterableIterator<{ id: number; sha256: string; status: string }>) {
    if (s.status !== 'complete') partial++;
    else {
      complete++;
      sources.update(`${s.id}\t${s.sha256}\n`);
    }
  }
  const rules = createHash('sha256');
  for (const sql of RULE_TABLES) {
    rules.update(`${sql}\n`);
    for (const r of db.prepare(sql).raw().iterate() as IterableIterator<unknown[]>) rules.update(`${JSON.stringify(r)}\n`);
  }
  const sourcesHash = sources.digest('hex');
  const rulesHash = rules.digest('hex');
  const ruleCount = (db.prepare(`SELECT count(*) AS n FROM rules`).get() as { n: number }).n;
  return {
    fingerprint: createHash('sha256').update(`dfwsim-replay-outcomes v${OUTCOMES_VERSION}\n${sourcesHash}\n${rulesHash}\n`).digest('hex'),
    sourcesHash,
    rulesHash,
    sources: complete,
    partial,
    rules: ruleCount,
    eventsElsewhere: eventEngine(db) !== null,
  };
}

/** NSX DFW events in the store: what a replay of it visits (the progress bar's total). */
export function countReplayEvents(db: Db): number {
  return (db.prepare(`SELECT count(*) AS n FROM events WHERE producer = 'nsx-dfw'`).get() as { n: number }).n;
}

/**
 * Runs `fn` in one read transaction, so what it reads (the fingerprint, the rules, the event
 * stream) is one snapshot of the store even while an ingest writes (WAL: the reader keeps its
 * snapshot; the writer goes on). Awaits inside are fine: nothing else uses this connection meanwhile.
 */
export async function inReadSnapshot<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  db.exec('BEGIN');
  try {
    return await fn();
  } finally {
    db.exec('COMMIT');
  }
}
