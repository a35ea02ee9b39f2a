import type { EventBatch, EventBatchReader } from '../model/event-batch.js';
import { insertEventBatch, prepareEventInserts, type EventInserts } from './events-repo.js';
import type { Db } from './open.js';

/**
 * Where ingest puts a log's parsed events (issue 11). Ingest runs one SQLite transaction per
 * batch of lines (the events, rejected lines and the source's progress) and hands the events
 * to the sink inside it; at the batch's end the sink makes its rows durable and then runs
 * `commitCatalogue` (the SQLite COMMIT). Either step may be async: ingest reads nothing further
 * until it is done.
 */
export interface EventSink {
  /** before a log's first chunk; `resumeAfter` is the source's committed progress (lines) */
  begin(sourceId: number, resumeAfter: number): void | Promise<void>;
  /** one parsed chunk, while the catalogue's transaction is open */
  write(sourceId: number, reader: EventBatchReader, batch: EventBatch): void;
  /** the rows written since the last commit are made durable, then the catalogue is committed */
  commit(commitCatalogue: () => void): void | Promise<void>;
  /** the catalogue's transaction was rolled back: rows written since the last commit are forgotten */
  rollback(): void;
}

/** Today's path: the events go into the same SQLite transaction as the catalogue. */
export class SqliteEventSink implements EventSink {
  private inserts: EventInserts | null = null;

  constructor(private readonly db: Db) {}

  begin(): void {
    this.inserts = prepareEventInserts(this.db);
  }

  write(sourceId: number, reader: EventBatchReader, batch: EventBatch): void {
    insertEventBatch((this.inserts ??= prepareEventInserts(this.db)), reader, sourceId, batch);
  }

  commit(commitCatalogue: () => void): void {
    commitCatalogue();
  }

  rollback(): void {}
}
