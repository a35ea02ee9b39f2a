import type { Db } from '../open.js';
import type { ExportedSource } from './export-manifest.js';

/** The export target already holds another store's events (the same source id with another file, or the reverse). */
export class ExportTargetError extends Error {}

export interface ExportPlan {
  /** complete sources not exported before, in id order */
  todo: ExportedSource[];
  /** sources the target already holds */
  already: number;
  /** sources still being ingested (status partial): exported by a later run, once complete */
  partial: number;
}

/**
 * Which of the store's sources an incremental export writes: the complete ones the target does not
 * hold yet. A source is known by its id (the events' `source_id`) and its file's sha256; a target
 * that pairs one of them with another (an export of a different store) is refused, since its ids
 * would collide with ours.
 */
export function planExport(db: Db, exported: readonly { id: number; sha256: string }[]): ExportPlan {
  const byId = new Map(exported.map((s) => [s.id, s.sha256]));
  const bySha = new Map(exported.map((s) => [s.sha256, s.id]));
  const rows = db.prepare(`SELECT id, sha256, path, status, events FROM sources ORDER BY id`).all() as { id: number; sha256: string; path: string; status: string; events: number }[];
  const plan: ExportPlan = { todo: [], already: 0, partial: 0 };
  for (const s of rows) {
    const sha = byId.get(s.id);
    const id = bySha.get(s.sha256);
    if ((sha !== undefined && sha !== s.sha256) || (id !== undefined && id !== s.id))
      throw new ExportTargetError(`the target holds an export of another store (source ${s.id} ${s.path} is recorded there as ${sha !== undefined ? `sha256 ${sha.slice(0, 12)}...` : `source ${id}`}): export into a new folder or file`);
    if (sha !== undefined) plan.already++;
    else if (s.status !== 'complete') plan.partial++;
    else plan.todo.push({ id: s.id, sha256: s.sha256, path: s.path, rows: s.events });
  }
  return plan;
}
