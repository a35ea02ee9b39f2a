import type { CommandModule } from 'yargs';
import { renderRows } from '../../report/tabular.js';
import { UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';

interface Args {
  sql: string;
  db: string;
  format: string;
}

export function queryCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'query <sql>',
    describe: 'Run a read-only SQL query on the store',
    builder: (y) => withFormat(withDb(y)).positional('sql', { type: 'string', demandOption: true }) as never,
    handler: (argv) => {
      // read-only connection plus query_only: a write statement fails instead of changing the store
      const db = open(argv.db, true);
      try {
        let stmt;
        try {
          stmt = db.prepare(argv.sql);
        } catch (e) {
          throw new UsageError(`SQL error: ${(e as Error).message}`);
        }
        if (!stmt.reader) throw new UsageError('query runs on a read-only connection: only statements that return rows are allowed');
        let rows: Record<string, unknown>[];
        try {
          rows = stmt.all() as Record<string, unknown>[];
        } catch (e) {
          throw new UsageError(`SQL error: ${(e as Error).message}`);
        }
        const cols = stmt.columns().map((c) => ({ header: c.name, get: (r: Record<string, unknown>) => r[c.name] }));
        ctx.io.out(renderRows(rows, cols, asOutputFormat(argv.format)));
      } finally {
        db.close();
      }
    },
  };
}
