import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The HTTP client to a ClickHouse cluster (issue 11), over `@clickhouse/client`, loaded on
 * first use (a dynamic import), so `dfwsim --help` and the SQLite-only commands never load it.
 *
 * Checked against Debian's clickhouse-server 18.16.1 (2018) with @clickhouse/client 1.23: the
 * client sends no setting of its own unless told (18.16 rejects settings it does not know),
 * inserts and `JSONEachRow` streaming selects work; `JSONCompactEachRow` does not exist in 18.16
 * (code 73, unknown format), so rows are read as `JSONEachRow` objects, with 64-bit integers as
 * JSON numbers (`output_format_json_quote_64bit_integers = 0`; ids, ms times and counts stay
 * below 2^53). 18.16 has no query parameters either: values are inlined as literals (`str`, `int`).
 */

/** The `remote_servers` cluster the Distributed table spans (scripts/clickhouse-cluster.sh). */
export const CLUSTER = 'dfwsim';
export const DEFAULT_DATABASE = 'dfwsim';

/** Settings every read sends: integers as numbers; a big sort spills to disk instead of failing. */
const READ_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  max_bytes_before_external_sort: String(1 << 30),
  max_bytes_before_external_group_by: String(1 << 30),
  // an `IN (SELECT ... FROM events)` inside a query on `events` runs on each shard against its own
  // events_local: right here, since a connection's rows all sit on one shard (schema.ts)
  distributed_product_mode: 'local',
} as const;

type Row = Record<string, unknown>;

let loaded: Promise<typeof import('@clickhouse/client')> | null = null;

/** One server of the cluster, by its HTTP URL. */
export class ClickHouse {
  private constructor(
    readonly url: string,
    private readonly client: ClickHouseClient,
  ) {}

  static async connect(url: string): Promise<ClickHouse> {
    const { createClient, ClickHouseLogLevel } = await (loaded ??= import('@clickhouse/client'));
    // request_timeout: a big sort can take minutes on a 2-core machine. The client's own log is
    // off: its failures reach the caller as errors, and its advice (progress headers) is for
    // load balancers, of which a loopback cluster has none.
    return new ClickHouse(url, createClient({ url, request_timeout: 30 * 60_000, application: 'dfwsim', log: { level: ClickHouseLogLevel.OFF } }));
  }

  /** A statement without result rows (DDL, ALTER). */
  async command(sql: string): Promise<void> {
    await this.client.command({ query: sql });
  }

  /** A query's whole result: only for results bounded by a limit or by the rules, never by the events. */
  async all<T = Row>(sql: string): Promise<T[]> {
    const rs = await this.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: READ_SETTINGS });
    return (await rs.json()) as T[];
  }

  /** A query's rows in the server's order, in the batches they arrive in (one HTTP response, read as it comes). */
  async *stream<T = Row>(sql: string): AsyncGenerator<T[]> {
    const rs = await this.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: READ_SETTINGS });
    const body = rs.stream();
    try {
      for await (const rows of body) {
        const out: T[] = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) out[i] = rows[i]!.json() as T;
        yield out;
      }
    } finally {
      // a caller that stops early: end the response, so the connection is not left half read
      body.destroy();
    }
  }

  /**
   * Inserts TabSeparated text (pieces of whole lines) into `table`, synchronously through a
   * Distributed table: the rows are on their shards when this resolves (insert_distributed_sync).
   */
  async insertTsv(table: string, columns: readonly string[], pieces: readonly string[]): Promise<void> {
    await this.client.insert({
      table,
      columns: columns as [string, ...string[]],
      values: Readable.from(pieces, { objectMode: false }),
      format: 'TabSeparated',
      clickhouse_settings: { insert_distributed_sync: 1 },
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A ClickHouse string literal: quotes and backslashes escaped, and control characters as \xHH (bytes as UTF-8). */
export function str(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\0-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

/** An integer literal (a value that is not a safe integer is a bug of the caller, not input to quote). */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

/** A database or table name (dfwsim's own, or the user's `--database`): plain identifiers only. */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain ClickHouse name: '${name}'`);
  return name;
}
