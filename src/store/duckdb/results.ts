import type { DuckDBConnection } from './driver.js';
import type * as DuckDb from '@duckdb/node-api';

type Value = DuckDb.DuckDBValue;

/**
 * DuckDB values to the contract's JS values: BIGINT / HUGEINT (sums) arrive as bigint and leave as
 * numbers (ids, ms times and counts stay below 2^53, src/store/analytics.ts), NULL stays null.
 */
export function jsValue(v: Value): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function jsRow(r: readonly Value[]): unknown[] {
  const out = new Array<unknown>(r.length);
  for (let i = 0; i < r.length; i++) {
    const v = r[i]!;
    out[i] = typeof v === 'bigint' ? Number(v) : v;
  }
  return out;
}

/** Runs a query on its own connection and returns every row as JS values (for bounded results: set queries). */
export async function allRows(connect: () => Promise<DuckDBConnection>, sql: string, params: Value[] = [], types?: DuckDb.DuckDBType[]): Promise<unknown[][]> {
  const c = await connect();
  try {
    const reader = await c.runAndReadAll(sql, params, types);
    return reader.getRows().map(jsRow);
  } finally {
    c.closeSync();
  }
}

/**
 * Streams a query on its own connection (DuckDB runs one streaming result per connection), one
 * result chunk (up to 2,048 rows: DuckDB's vector size) per batch: the rows are never all in
 * JavaScript; DuckDB sorts within its memory_limit and spills the rest to its temp directory.
 * Closing the iterator early (a `break`) closes the connection, which ends the query.
 */
export async function* streamRows<T>(
  connect: () => Promise<DuckDBConnection>,
  sql: string,
  params: Value[],
  build: (row: unknown[]) => T,
): AsyncGenerator<T[]> {
  const c = await connect();
  try {
    const result = await c.stream(sql, params);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) return;
      const rows = chunk.getRows();
      const batch = new Array<T>(rows.length);
      for (let i = 0; i < rows.length; i++) batch[i] = build(jsRow(rows[i]!));
      yield batch;
    }
  } finally {
    c.closeSync();
  }
}
