/**
 * The events table's columns as `src/store/migrations/0001-init.ts` declares them, in that order,
 * with their DuckDB types: SQLite INTEGER -> BIGINT (every integer there is 64-bit), TEXT ->
 * VARCHAR. The Parquet export writes these, the DuckDB file's `events` table has these, and
 * both sources expose exactly these (test/store/duckdb-source.test.ts compares every column of
 * every row with SQLite).
 */
export const EVENT_COLUMNS = [
  ['id', 'BIGINT'], ['source_id', 'BIGINT'], ['line', 'BIGINT'], ['ts', 'VARCHAR'], ['ts_ms', 'BIGINT'],
  ['host', 'VARCHAR'], ['filter_hash', 'VARCHAR'], ['af', 'VARCHAR'], ['reason', 'VARCHAR'], ['action', 'VARCHAR'],
  ['ruleset', 'VARCHAR'], ['rule_id', 'BIGINT'], ['direction', 'VARCHAR'], ['length', 'BIGINT'], ['protocol', 'VARCHAR'],
  ['src', 'VARCHAR'], ['src_port', 'BIGINT'], ['dst', 'VARCHAR'], ['dst_port', 'BIGINT'], ['tcp_flags', 'VARCHAR'],
  ['icmp_type', 'BIGINT'], ['icmp_code', 'BIGINT'], ['close_reason', 'VARCHAR'], ['packets_in', 'BIGINT'],
  ['packets_out', 'BIGINT'], ['bytes_in', 'BIGINT'], ['bytes_out', 'BIGINT'], ['tag', 'VARCHAR'], ['producer', 'VARCHAR'],
  ['envelope', 'VARCHAR'], ['vrf', 'BIGINT'], ['interface_id', 'VARCHAR'], ['policy_ref', 'VARCHAR'], ['rule_name', 'VARCHAR'],
  ['of_table', 'VARCHAR'], ['of_priority', 'VARCHAR'], ['applied_to', 'VARCHAR'], ['dedup_count', 'BIGINT'],
  ['dedup_duration', 'VARCHAR'], ['raw', 'VARCHAR'],
] as const satisfies readonly (readonly [string, 'BIGINT' | 'VARCHAR'])[];

export type EventColumn = (typeof EVENT_COLUMNS)[number][0];

export const EVENT_COLUMN_NAMES: readonly EventColumn[] = EVENT_COLUMNS.map(([n]) => n);

/** Columns SQLite declares NOT NULL. */
const NOT_NULL: ReadonlySet<string> = new Set(['id', 'source_id', 'line', 'producer', 'raw']);

/** `CREATE TABLE <name> (...)` with the events columns. */
export function eventsTableDdl(name: string): string {
  return `CREATE TABLE ${name} (${EVENT_COLUMNS.map(([n, t]) => `"${n}" ${t}${NOT_NULL.has(n) ? ' NOT NULL' : ''}`).join(', ')})`;
}

/** The select list that exposes the events columns, in order (quoted: `length` and `line` are keywords in some dialects). */
export const EVENT_SELECT_LIST = EVENT_COLUMN_NAMES.map((n) => `"${n}"`).join(', ');
