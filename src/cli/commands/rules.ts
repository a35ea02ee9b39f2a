import type { CommandModule } from 'yargs';
import { listRules, resolveFilterName, type RuleRow } from '../../store/realized-repo.js';
import { renderRows, type Column } from '../../report/tabular.js';
import { UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';

interface Args {
  db: string;
  format: string;
  filter?: string;
}

const COLUMNS: Column<RuleRow>[] = [
  { header: 'filter', get: (r) => r.filter },
  { header: 'ruleset', get: (r) => r.ruleset },
  { header: 'id', get: (r) => r.ruleId },
  { header: 'at', get: (r) => r.position },
  { header: 'dir', get: (r) => r.direction },
  { header: 'proto', get: (r) => (r.protocol ?? 'ethertype') + (r.strict ? ' strict' : '') + (r.icmpType !== null ? ` type ${r.icmpType}` : '') },
  { header: 'src', get: (r) => r.src + (r.srcPorts ? ` port ${r.srcPorts}` : '') },
  { header: 'dst', get: (r) => r.dst + (r.dstPorts ? ` port ${r.dstPorts}` : '') },
  { header: 'action', get: (r) => r.action + (r.log ? ' log' : '') + (r.alg ? ` as ${r.alg}` : '') },
  { header: 'tag', get: (r) => r.tag },
  { header: 'internal', get: (r) => (r.internal ? 'yes' : '') },
];

export function rulesCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'rules',
    describe: 'List realized rules per filter (vsipioctl getrules -f)',
    builder: (y) => withFormat(withDb(y)).option('filter', { type: 'string', describe: 'filter name or hash' }) as never,
    handler: (argv) => {
      const db = open(argv.db, true);
      try {
        let name: string | undefined;
        if (argv.filter !== undefined) {
          const found = resolveFilterName(db, argv.filter);
          if (found === null) throw new UsageError(`no filter named or hashed '${argv.filter}' in ${argv.db} (see 'dfwsim filters')`);
          name = found;
        }
        const rows = listRules(db, name);
        ctx.io.out(
          renderRows(rows, COLUMNS, asOutputFormat(argv.format), (r) => ({
            filter: r.filter, ruleset: r.ruleset, ruleId: r.ruleId, position: r.position, direction: r.direction, af: r.af,
            protocol: r.protocol, strict: r.strict, icmpType: r.icmpType, src: r.src, dst: r.dst, srcPorts: r.srcPorts,
            dstPorts: r.dstPorts, action: r.action, log: r.log, tag: r.tag, alg: r.alg, internal: r.internal,
            line: r.line, section: r.section, source: r.source,
          })),
        );
      } finally {
        db.close();
      }
    },
  };
}
