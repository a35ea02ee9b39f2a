import * as m0001 from './0001-init.js';
import * as m0002 from './0002-realized-rules.js';
import * as m0003 from './0003-realized-read-indexes.js';
import * as m0004 from './0004-event-engine.js';

/** One schema step. The list is ordered and append-only: never edit or reorder a shipped entry. */
export interface Migration {
  name: string;
  up: string;
}

/** Explicit list (no directory scan), so the SQL ships inside the tsc output. */
export const migrations: readonly Migration[] = [
  { name: '0001-init', up: m0001.up },
  { name: '0002-realized-rules', up: m0002.up },
  { name: '0003-realized-read-indexes', up: m0003.up },
  { name: '0004-event-engine', up: m0004.up },
];
