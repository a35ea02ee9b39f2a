import type { Db } from '../open.js';
import { EVENT_COLUMNS, EVENT_SELECT_LIST } from './columns.js';
import type { DuckDBConnection } from './driver.js';

/** Rows between progress reports (and event-loop turns, so a progress bar can redraw). */
const REPORT_ROWS = 131_072;

/**
 * Copies the events of the given sources from the SQLite store into a DuckDB table with the events
 * columns (columns.ts), streaming: a better-sqlite3 cursor (one row in JavaScript at a time, in
 * rowid order: a plain table scan, no sort) feeds DuckDB's appender value by value; the appender
 * fills its own 2,048-row chunks natively and writes row groups to the table within DuckDB's
 * memory_limit, so memory stays flat. Integers are read as BigInt (`safeIntegers`), what a BIGINT
 * append takes. Value by value measured 1.7x faster than building column-major data chunks in
 * JavaScript (`DuckDBDataChunk.setColumns`, which converts and checks every value generically):
 * 200k store rows in 1.8 s against 3.1 s. Returns the rows appended; `onRows` is told as it goes.
 */
export async function appendSourceEvents(
  db: Db,
  sourceIds: readonly number[],
  conn: DuckDBConnection,
  table: string,
  onRows?: (appended: number) => void,
): Promise<number> {
  if (sourceIds.length === 0) return 0;
  const isInt = EVENT_COLUMNS.map(([, t]) => t === 'BIGINT');
  const width = isInt.length;
  const appender = await conn.createAppender(table);
  const stmt = db
    .prepare(`SELECT ${EVENT_SELECT_LIST} FROM events WHERE source_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .raw()
    .safeIntegers(true);
  let total = 0;
  try {
    for (const r of stmt.iterate(JSON.stringify(sourceIds)) as IterableIterator<unknown[]>) {
      for (let i = 0; i < width; i++) {
        const v = r[i];
        if (v === null) appender.appendNull();
        else if (isInt[i]) appender.appendBigInt(v as bigint);
        else appender.appendVarchar(v as string);
      }
      appender.endRow();
      if (++total % REPORT_ROWS === 0) {
        onRows?.(total);
        await new Promise<void>((res) => setImmediate(res));
      }
    }
    appender.flushSync();
    onRows?.(total);
  } finally {
    appender.closeSync();
  }
  return total;
}
