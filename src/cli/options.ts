import type { Argv } from 'yargs';
import { DEFAULT_DB, openStore, StoreMissingError, type Db } from '../store/open.js';
import { MigrationHistoryError } from '../store/migrate.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../report/tabular.js';
import type { ProductGeneration } from '../model/replay.js';
import { UsageError } from './io.js';

/** `--db` on every command that touches the store. */
export function withDb<T>(y: Argv<T>) {
  return y.option('db', {
    type: 'string',
    default: DEFAULT_DB,
    describe: 'SQLite store file (":memory:" for a throw-away store)',
  });
}

/** `--format table|json|csv` on every command with tabular output. */
export function withFormat<T>(y: Argv<T>) {
  return y.option('format', {
    type: 'string',
    choices: OUTPUT_FORMATS as unknown as string[],
    default: 'table',
    describe: 'output format',
  });
}

/**
 * `--host`, `--since`, `--until` (which events a replay reads) and `--generation` (the product
 * generation for every filter): replay, explain and whatif take them alike.
 */
export function withReplayScope<T>(y: Argv<T>, rows: 'events' | 'records' = 'events') {
  return y
    .option('host', { type: 'string', describe: `only ${rows} of this host` })
    .option('since', { type: 'string', describe: 'ISO date/time' })
    .option('until', { type: 'string', describe: 'ISO date/time' })
    .option('generation', { type: 'string', choices: ['nsxv', 'nsxt2', 'nsxt3+'], describe: 'product generation for every filter' });
}

/** What `withReplayScope` options select: the event query and the replay's generation option. */
export function replayScope(argv: { host?: string | undefined; since?: string | undefined; until?: string | undefined; generation?: string | undefined }): {
  query: { host: string | undefined; since: string | undefined; until: string | undefined };
  generation: { generation?: ProductGeneration };
} {
  return {
    query: { host: argv.host, since: argv.since, until: argv.until },
    generation: argv.generation ? { generation: argv.generation as ProductGeneration } : {},
  };
}

export function asOutputFormat(s: string | undefined): OutputFormat {
  return (s ?? 'table') as OutputFormat;
}

/** Opens the store, turning the expected failures into usage errors (exit 2, no stack trace). */
export function open(path: string, readonly = false): Db {
  try {
    return openStore(path, { readonly });
  } catch (e) {
    if (e instanceof StoreMissingError || e instanceof MigrationHistoryError) throw new UsageError(e.message);
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_CORRUPT')
      throw new UsageError(`cannot open database ${path}: ${(e as Error).message}`);
    throw e;
  }
}

/** Parses a non-negative integer option given as text (ports, limits). */
export function intOption(name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a whole number from 0 to ${max}, got '${String(v)}'`);
  return n;
}
