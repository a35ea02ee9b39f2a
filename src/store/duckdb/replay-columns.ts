import type { ReplayOutcomeRow } from '../../model/replay-outcome.js';
import { loadDuckDb, type DuckDBConnection } from './driver.js';

type ColumnType = 'BIGINT' | 'VARCHAR' | 'BOOLEAN' | 'VARCHAR[]';

/**
 * The replay outcome columns (model/replay-outcome.ts), in order, with their DuckDB types; Parquet
 * keeps them (BIGINT -> INT64, VARCHAR -> UTF8 string, BOOLEAN, VARCHAR[] -> a LIST of strings,
 * which Spark reads as array<string> and ClickHouse as Array(String)). The `satisfies` clause
 * makes a row field without a column (or the reverse) a compile error.
 */
export const REPLAY_COLUMNS = [
  ['event_id', 'BIGINT'], ['host', 'VARCHAR'], ['ts_ms', 'BIGINT'], ['filter_hash', 'VARCHAR'], ['direction', 'VARCHAR'],
  ['kind', 'VARCHAR'], ['agreement', 'VARCHAR'], ['logged_action', 'VARCHAR'], ['logged_ruleset', 'VARCHAR'],
  ['logged_rule_id', 'BIGINT'], ['simulated_verdict', 'VARCHAR'], ['simulated_basis', 'VARCHAR'],
  ['simulated_ruleset', 'VARCHAR'], ['simulated_rule_id', 'BIGINT'], ['simulated_position', 'BIGINT'],
  ['simulated_is_default', 'BOOLEAN'], ['simulated_tier', 'VARCHAR'], ['simulated_policy', 'VARCHAR'],
  ['simulated_reject_sends', 'VARCHAR'], ['simulated_walkthrough', 'VARCHAR'], ['matched_state', 'BOOLEAN'],
  ['rule_walk_verdict', 'VARCHAR'], ['rule_walk_ruleset', 'VARCHAR'], ['rule_walk_rule_id', 'BIGINT'],
  ['state_key', 'VARCHAR'], ['connection', 'VARCHAR'], ['created_state', 'BOOLEAN'], ['caused_by', 'BIGINT'],
  ['synthetic_kind', 'VARCHAR'], ['synthetic_from_filter', 'VARCHAR'], ['synthetic_injected_into', 'VARCHAR'],
  ['synthetic_verdict', 'VARCHAR'], ['synthetic_closed_state', 'VARCHAR'], ['notes', 'VARCHAR[]'],
] as const satisfies readonly (readonly [keyof ReplayOutcomeRow, ColumnType])[];

type Covered = (typeof REPLAY_COLUMNS)[number][0];
// every row field has a column
const _covered: Record<Exclude<keyof ReplayOutcomeRow, Covered>, never> = {};
void _covered;

const NOT_NULL: ReadonlySet<string> = new Set(['event_id', 'filter_hash', 'direction', 'kind', 'agreement', 'matched_state', 'state_key', 'connection', 'created_state', 'notes']);

export const REPLAY_COLUMN_NAMES: readonly string[] = REPLAY_COLUMNS.map(([n]) => n);

/** `CREATE TABLE <name> (...)` with the replay outcome columns. */
export function replayTableDdl(name: string): string {
  return `CREATE TABLE ${name} (${REPLAY_COLUMNS.map(([n, t]) => `"${n}" ${t}${NOT_NULL.has(n) ? ' NOT NULL' : ''}`).join(', ')})`;
}

/** Appends outcome rows to a table with the replay columns (a DuckDB appender: 2,048-row native chunks, spilled within memory_limit). */
export interface OutcomeSink {
  append(row: ReplayOutcomeRow): void;
  readonly rows: number;
}

/** Opens a sink on `table`, runs `fill` with it, and flushes; returns the rows appended. */
export async function appendOutcomes(conn: DuckDBConnection, table: string, fill: (sink: OutcomeSink) => Promise<void>): Promise<number> {
  const { LIST, VARCHAR } = await loadDuckDb();
  const listOfText = LIST(VARCHAR);
  const appender = await conn.createAppender(table);
  let rows = 0;
  const sink: OutcomeSink = {
    append(row) {
      for (const [name, type] of REPLAY_COLUMNS) {
        const v = row[name];
        if (v === null) appender.appendNull();
        else if (type === 'BIGINT') appender.appendBigInt(BigInt(v as number));
        else if (type === 'BOOLEAN') appender.appendBoolean(v as boolean);
        else if (type === 'VARCHAR[]') appender.appendList(v as string[], listOfText);
        else appender.appendVarchar(v as string);
      }
      appender.endRow();
      rows++;
    },
    get rows() {
      return rows;
    },
  };
  try {
    await fill(sink);
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return rows;
}
