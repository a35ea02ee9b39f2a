import { COLUMNS, WIDTH, type EventBatch, type EventBatchReader } from '../../model/event-batch.js';
import { claimEventEngine, eventEngine, hasSqliteEvents, prepareLastEventId } from '../event-engine-repo.js';
import type { EventSink } from '../event-sink.js';
import type { Db } from '../open.js';
import { ClickHouse, DEFAULT_DATABASE, ident } from './client.js';
import { countSourceRowsAfter, deleteSourceRowsAfter, ensureSchema, EVENT_COLUMNS, type ClickHouseTarget } from './schema.js';

/** The store cannot take events into this engine (it holds them elsewhere): a usage error for the CLI. */
export class EventEngineMismatch extends Error {}

/** Parses `--url`: one HTTP URL per shard, comma-separated; the first takes the queries. */
export function parseUrls(url: string): string[] {
  const urls = url.split(',').map((u) => u.trim()).filter((u) => u !== '');
  if (urls.length === 0) throw new EventEngineMismatch('--url names no ClickHouse server');
  return urls;
}

/**
 * Lines per catalogue transaction (one insert each) when the events go to ClickHouse: ClickHouse
 * wants few big inserts (each makes a part on every shard). Measured on 196k events: 6.1 s at
 * 16,384 lines (ingest's default), 5.5 s at 65,536, 5.8 s at 262,144; about 25 MB of rows in memory.
 */
export const CLICKHOUSE_BATCH_LINES = 65_536;

/** TabSeparated escaping: backslash, tab, line feed, carriage return and NUL (ClickHouse TSV format). */
const TSV_SPECIAL = /[\\\t\n\r\0]/;
const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };
function tsv(s: string): string {
  return TSV_SPECIAL.test(s) ? s.replace(/[\\\t\n\r\0]/g, (c) => TSV_ESCAPES[c]!) : s;
}

/** Column kinds in COLUMNS order: 0 number, 1 dictionary text, 2 free text. */
const KINDS = Uint8Array.from(COLUMNS.map(([, k]) => (k === 'num' ? 0 : k === 'dict' ? 1 : 2)));

/**
 * Ingest's sink into ClickHouse (`dfwsim ingest --engine clickhouse --url URL`): each chunk's
 * events become TabSeparated rows in memory, and at each batch's commit they are inserted
 * through the Distributed table, synchronously (insert_distributed_sync), before the SQLite
 * catalogue (the source's progress, its rejected lines, the last event id) commits.
 *
 * Crash safety: a crash after the insert and before the catalogue's commit leaves rows of the
 * source after its committed progress. `begin` deletes them (by primary key; a mutation on each
 * shard) before the source is resumed, so no row is stored twice, and the resumed batch gets
 * the same ids again (the last id rolled back with the catalogue). Chosen over a
 * ReplacingMergeTree keyed by (source_id, line): that keeps the duplicates until a merge, so
 * every audit read would need FINAL (a per-shard merge on read, slow in 18.16) to be exact.
 */
export class ClickHouseEventSink implements EventSink {
  /** lines per batch ingest should use with this sink */
  readonly batchLines = CLICKHOUSE_BATCH_LINES;
  private pieces: string[] = [];
  private lastId: number;
  private committedId: number;
  private readonly setLastId: (id: number) => void;
  private readonly table: string;

  private constructor(
    private readonly db: Db,
    private readonly servers: readonly ClickHouse[],
    private readonly target: ClickHouseTarget,
    lastId: number,
  ) {
    this.lastId = this.committedId = lastId;
    this.setLastId = prepareLastEventId(db);
    this.table = `${ident(target.database)}.events`;
  }

  /**
   * Connects to every URL, creates the schema and records in the catalogue that its events are
   * there. A store whose events are in SQLite, or in another ClickHouse, is refused.
   */
  static async open(db: Db, url: string, database = DEFAULT_DATABASE): Promise<ClickHouseEventSink> {
    const urls = parseUrls(url);
    const current = eventEngine(db);
    if (current === null && hasSqliteEvents(db)) throw new EventEngineMismatch(`this store holds its events itself (SQLite): ingest into ClickHouse needs a new store (--db)`);
    if (current !== null && current.database !== database) {
      throw new EventEngineMismatch(`this store's events are in ClickHouse database '${current.database}' (at ${current.location}), not '${database}'`);
    }
    const servers: ClickHouse[] = [];
    try {
      for (const u of urls) servers.push(await ClickHouse.connect(u));
      await ensureSchema(servers, database);
    } catch (e) {
      for (const s of servers) await s.close();
      throw e;
    }
    const row = claimEventEngine(db, 'clickhouse', urls.join(','), database);
    return new ClickHouseEventSink(db, servers, { entry: servers[0]!, database }, row.lastId);
  }

  /** Drops rows a crash left after the source's committed progress (none on a clean run: one count query). */
  async begin(sourceId: number, resumeAfter: number): Promise<void> {
    this.pieces = [];
    this.lastId = this.committedId = eventEngine(this.db)!.lastId;
    if ((await countSourceRowsAfter(this.target, sourceId, resumeAfter)) === 0) return;
    await deleteSourceRowsAfter(this.servers, this.target.database, sourceId, resumeAfter);
    if ((await countSourceRowsAfter(this.target, sourceId, resumeAfter)) !== 0) {
      throw new Error(`uncommitted rows of source ${sourceId} remain on a shard whose URL was not given: pass every shard's URL to --url`);
    }
  }

  write(sourceId: number, r: EventBatchReader, b: EventBatch): void {
    if (b.count === 0) return void r.open(b);
    r.open(b);
    // fields into a reused array joined per row, rows joined per chunk: 294k rows took 2.8 s of
    // encoding, against 4.7 s growing one string row by row (cons-strings flattened at the send)
    const fields: string[] = new Array(WIDTH + 2);
    const lines: string[] = new Array(b.count);
    fields[1] = String(sourceId);
    for (let row = 0; row < b.count; row++) {
      const o = row * WIDTH;
      fields[0] = String(++this.lastId);
      for (let c = 0; c < WIDTH; c++) {
        const k = KINDS[c];
        if (k === 0) {
          const v = r.num(o + c);
          fields[c + 2] = v === null ? '\\N' : String(v);
        } else {
          const v = k === 1 ? r.dict(o + c) : r.text(o + c);
          fields[c + 2] = v === null ? '\\N' : tsv(v);
        }
      }
      lines[row] = fields.join('\t');
    }
    this.pieces.push(`${lines.join('\n')}\n`);
  }

  async commit(commitCatalogue: () => void): Promise<void> {
    // the last id goes into the catalogue's open transaction now, before anything can interleave
    this.setLastId(this.lastId);
    const pieces = this.pieces;
    this.pieces = [];
    if (pieces.length > 0) await this.target.entry.insertTsv(this.table, EVENT_COLUMNS.map((c) => c.name), pieces);
    commitCatalogue();
    this.committedId = this.lastId;
  }

  rollback(): void {
    this.pieces = [];
    this.lastId = this.committedId;
  }

  async close(): Promise<void> {
    for (const s of this.servers) await s.close();
  }
}
