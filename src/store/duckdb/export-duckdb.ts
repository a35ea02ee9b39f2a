import { existsSync, statSync } from 'node:fs';
import type { Db } from '../open.js';
import { eventsTableDdl } from './columns.js';
import { appendSourceEvents } from './append-events.js';
import { commitToFile, loadDuckDb, type DuckDbLimits } from './driver.js';
import { ExportTargetError, planExport } from './export-plan.js';
import { EXPORT_MEMORY } from './export-parquet.js';
import type { ExportSummary } from './export-summary.js';
import { duckDbReplayTarget } from './export-replay-duckdb.js';
import type { ReplayStep } from './replay-target.js';

/** The table of a DuckDB file that records which store sources it holds (the Parquet tree's manifest). */
const EXPORTS_DDL = `CREATE TABLE IF NOT EXISTS dfwsim_exports (
  source_id BIGINT PRIMARY KEY, sha256 VARCHAR NOT NULL, path VARCHAR NOT NULL, rows BIGINT NOT NULL, run VARCHAR NOT NULL, exported_at VARCHAR NOT NULL)`;

/**
 * Appends the store's events into a DuckDB file's `events` table (created with the events
 * columns on first use), incrementally: only complete sources that `dfwsim_exports` does not
 * list. The rows and their `dfwsim_exports` entries are committed in one transaction, so an
 * interrupted run leaves the file as it was. `replay` then rewrites its `replay_outcomes`
 * table when their inputs changed (export-replay-duckdb.ts).
 */
export async function exportDuckDbFile(
  db: Db,
  file: string,
  opts: { limits?: DuckDbLimits; onProgress?: (done: number, total: number) => void; replay?: ReplayStep | undefined } = {},
): Promise<ExportSummary> {
  const t0 = performance.now();
  const created = !existsSync(file);
  if (!created && statSync(file).isDirectory()) throw new ExportTargetError(`${file} is a folder (--duckdb takes a DuckDB database file; for a folder use --parquet)`);
  const { DuckDBInstance } = await loadDuckDb();
  let instance;
  try {
    instance = await DuckDBInstance.create(file, { memory_limit: opts.limits?.memoryLimit ?? EXPORT_MEMORY, threads: String(opts.limits?.threads ?? 2) });
  } catch (e) {
    throw new ExportTargetError(`cannot open DuckDB file ${file}: ${(e as Error).message}`);
  }
  try {
    const conn = await instance.connect();
    try {
      await conn.run(`${eventsTableDdl('events').replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS')}; ${EXPORTS_DDL}`);
      const exported = (await conn.runAndReadAll(`SELECT source_id, sha256 FROM dfwsim_exports`)).getRows().map(([id, sha]) => ({ id: Number(id), sha256: String(sha) }));
      const plan = planExport(db, exported);
      const summary: ExportSummary = {
        kind: 'duckdb', target: file, run: null, sources: plan.todo, alreadyExported: plan.already, partial: plan.partial,
        rows: 0, files: created ? 1 : 0, partitions: 0, seconds: 0,
      };
      if (plan.todo.length > 0) {
        const run = new Date().toISOString();
        const total = plan.todo.reduce((n, s) => n + s.rows, 0);
        await commitToFile(conn, async () => {
          summary.rows = await appendSourceEvents(db, plan.todo.map((s) => s.id), conn, 'events', (done) => opts.onProgress?.(done, total));
          const ins = await conn.prepare(`INSERT INTO dfwsim_exports VALUES ($1, $2, $3, $4, $5, $6)`);
          for (const s of plan.todo) {
            ins.bind([BigInt(s.id), s.sha256, s.path, BigInt(s.rows), run, run]);
            await ins.run();
          }
        });
        summary.run = run;
      }
      if (opts.replay) summary.replay = await opts.replay(await duckDbReplayTarget(conn));
      return { ...summary, seconds: (performance.now() - t0) / 1000 };
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
