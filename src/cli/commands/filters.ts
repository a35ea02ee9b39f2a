import type { CommandModule } from 'yargs';
import { listFilters, type StoredFilter } from '../../store/realized-repo.js';
import { renderRows, type Column } from '../../report/tabular.js';
import type { CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';

interface Args {
  db: string;
  format: string;
}

const COLUMNS: Column<StoredFilter>[] = [
  { header: 'name', get: (f) => f.name },
  { header: 'hash', get: (f) => f.hash },
  { header: 'vm', get: (f) => f.vmName },
  { header: 'vnic', get: (f) => f.vnicIndex },
  { header: 'host', get: (f) => f.host },
  { header: 'port', get: (f) => f.portName },
  { header: 'vmUuid', get: (f) => f.vmUuid },
];

export function filtersCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'filters',
    describe: 'List vNIC filters (vsipioctl getfilters, summarize-dvfilter)',
    builder: (y) => withFormat(withDb(y)) as never,
    handler: (argv) => {
      const db = open(argv.db, true);
      try {
        const rows = listFilters(db);
        ctx.io.out(
          renderRows(rows, COLUMNS, asOutputFormat(argv.format), (f) => ({
            name: f.name, hash: f.hash, vmUuid: f.vmUuid, vmName: f.vmName, vnicIndex: f.vnicIndex, host: f.host,
            worldId: f.worldId, portName: f.portName, slot: f.slot, ips: f.ips,
          })),
        );
      } finally {
        db.close();
      }
    },
  };
}
