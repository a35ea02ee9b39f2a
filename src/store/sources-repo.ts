import type { Db } from './open.js';

export interface SourceRecord {
  id: number;
  path: string;
  size: number;
  sha256: string;
  format: string;
  host: string | null;
  status: 'partial' | 'complete';
  linesDone: number;
  events: number;
  skipped: number;
  rejected: number;
}

const SELECT = `SELECT id, path, size, sha256, format, host, status, lines_done AS linesDone, events, skipped,
  rejected FROM sources`;

export function findSourceBySha(db: Db, sha256: string): SourceRecord | undefined {
  return db.prepare(`${SELECT} WHERE sha256 = ?`).get(sha256) as SourceRecord | undefined;
}

export function listSources(db: Db): SourceRecord[] {
  return db.prepare(`${SELECT} ORDER BY id`).all() as SourceRecord[];
}

export function insertSource(
  db: Db,
  s: { path: string; size: number; sha256: string; format: string; host: string | null },
): number {
  const r = db
    .prepare(
      `INSERT INTO sources (path, size, sha256, format, host, status, ingested_at) VALUES (?, ?, ?, ?, ?, 'partial', ?)`,
    )
    .run(s.path, s.size, s.sha256, s.format, s.host, new Date().toISOString());
  return Number(r.lastInsertRowid);
}

/** Progress of one source, written in the same transaction as the batch it counts (crash-safe resume). */
export function prepareSourceProgress(db: Db) {
  const stmt = db.prepare(
    `UPDATE sources SET lines_done = ?, events = events + ?, skipped = skipped + ?, rejected = rejected + ? WHERE id = ?`,
  );
  return (id: number, linesDone: number, events: number, skipped: number, rejected: number) =>
    stmt.run(linesDone, events, skipped, rejected, id);
}

export function markSourceComplete(db: Db, id: number): void {
  db.prepare(`UPDATE sources SET status = 'complete' WHERE id = ?`).run(id);
}

export function prepareRejectedInsert(db: Db) {
  const stmt = db.prepare(
    `INSERT OR IGNORE INTO rejected_lines (source_id, line, col, code, reason, raw) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  return (sourceId: number, line: number, col: number, code: string, reason: string, raw: string) =>
    stmt.run(sourceId, line, col, code, reason, raw);
}

export interface RejectedLine {
  source: string;
  line: number;
  col: number;
  code: string;
  reason: string;
  raw: string;
}

export function listRejected(db: Db, limit?: number): RejectedLine[] {
  const sql = `SELECT s.path AS source, r.line, r.col, r.code, r.reason, r.raw FROM rejected_lines r
    JOIN sources s ON s.id = r.source_id ORDER BY r.source_id, r.line${limit !== undefined ? ' LIMIT ?' : ''}`;
  return (limit !== undefined ? db.prepare(sql).all(limit) : db.prepare(sql).all()) as RejectedLine[];
}
