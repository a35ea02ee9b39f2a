import { commitToFile, type DuckDBConnection } from './driver.js';
import { appendOutcomes, replayTableDdl } from './replay-columns.js';
import type { ReplayRecord, ReplayTarget } from './replay-target.js';

/** The one-row table of a DuckDB file that records what its `replay_outcomes` were computed from. */
const RECORD_DDL = `CREATE TABLE IF NOT EXISTS dfwsim_replay (
  run VARCHAR NOT NULL, written_at VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, sources_hash VARCHAR NOT NULL,
  rules_hash VARCHAR NOT NULL, sources BIGINT NOT NULL, "rows" BIGINT NOT NULL)`;

/**
 * The replay outcomes of a DuckDB export file: a `replay_outcomes` table (the outcome columns,
 * replay-columns.ts; join `replay_outcomes.event_id = events.id`) and its record in
 * `dfwsim_replay`. A rewrite fills `replay_outcomes_new` and swaps it in (DROP, RENAME) with the
 * record in one transaction: a run that dies leaves the old table and record, since DuckDB does
 * not replay an uncommitted transaction from its WAL.
 */
export async function duckDbReplayTarget(conn: DuckDBConnection): Promise<ReplayTarget> {
  await conn.run(RECORD_DDL);
  const row = (await conn.runAndReadAll(`SELECT run, written_at, fingerprint, sources_hash, rules_hash, sources, "rows" FROM dfwsim_replay`)).getRows()[0];
  const current: ReplayRecord | null =
    row === undefined
      ? null
      : { run: String(row[0]), at: String(row[1]), fingerprint: String(row[2]), sourcesHash: String(row[3]), rulesHash: String(row[4]), sources: Number(row[5]), rows: Number(row[6]) };
  return {
    current,
    async rewrite(inputs, fill) {
      const run = new Date().toISOString();
      const record = await commitToFile(conn, async () => {
        await conn.run(`DROP TABLE IF EXISTS replay_outcomes_new; ${replayTableDdl('replay_outcomes_new')}`);
        const rows = await appendOutcomes(conn, 'replay_outcomes_new', fill);
        await conn.run(`DROP TABLE IF EXISTS replay_outcomes; ALTER TABLE replay_outcomes_new RENAME TO replay_outcomes; DELETE FROM dfwsim_replay`);
        const done: ReplayRecord = { ...inputs, run, at: run, rows };
        const ins = await conn.prepare(`INSERT INTO dfwsim_replay VALUES ($1, $2, $3, $4, $5, $6, $7)`);
        ins.bind([done.run, done.at, done.fingerprint, done.sourcesHash, done.rulesHash, BigInt(done.sources), BigInt(done.rows)]);
        await ins.run();
        return done;
      });
      return { record, files: 0, partitions: 0 };
    },
  };
}
