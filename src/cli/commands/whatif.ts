import type { CommandModule } from 'yargs';
import { loadOwnership } from '../../analysis/ownership.js';
import { compileRealized, loadRealizedFilters } from '../../analysis/realized.js';
import { recompileChanged, removeRuleScenario, whatif, type WhatifScenario } from '../../analysis/whatif.js';
import type { ProductGeneration } from '../../model/replay.js';
import { renderWhatif } from '../../report/whatif.js';
import { EXIT, UsageError, type CliContext } from '../io.js';
import { asOutputFormat, intOption, open, withDb, withFormat } from '../options.js';
import { excludedHashes } from './replay.js';
import { resolveFilterHashes } from '../../store/realized-repo.js';

interface Args {
  db: string;
  format: string;
  'exclude-filter'?: string[];
  'remove-rule'?: string[];
  filter?: string;
  host?: string;
  since?: string;
  until?: string;
  generation?: string;
  limit: string;
  'fail-on'?: string[];
}

const FINDINGS = ['newly-denied', 'any-change'] as const;

export function whatifCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'whatif',
    describe: 'Replay the logged events under the current rules and a proposed change; list every flow whose verdict or deciding rule changes',
    builder: (y) =>
      withFormat(withDb(y))
        .option('exclude-filter', { type: 'string', array: true, describe: 'put this filter (hash, name or VM name) on the exclusion list' })
        .option('remove-rule', { type: 'string', array: true, describe: 'remove this rule id (every line of it)' })
        .option('filter', { type: 'string', describe: 'with --remove-rule: only on this filter (hash, name or VM name)' })
        .option('host', { type: 'string', describe: 'only events of this host' })
        .option('since', { type: 'string', describe: 'ISO date/time' })
        .option('until', { type: 'string', describe: 'ISO date/time' })
        .option('generation', { type: 'string', choices: ['nsxv', 'nsxt2', 'nsxt3+'], describe: 'product generation for every filter' })
        .option('limit', { type: 'string', default: '50', describe: 'table: changed flows shown' })
        .option('fail-on', { type: 'string', array: true, choices: FINDINGS as unknown as string[], describe: 'exit 1 when a flow becomes denied (newly-denied) or anything changes (any-change)' }) as never,
    handler: (argv) => {
      const limit = intOption('limit', argv.limit) as number;
      const removeIds = (argv['remove-rule'] ?? []).map((x) => intOption('remove-rule', x) as number);
      if (argv.filter !== undefined && removeIds.length === 0) throw new UsageError('--filter goes with --remove-rule');
      const db = open(argv.db, true);
      try {
        const excluded = excludedHashes(db, argv['exclude-filter'] ?? []);
        const realized = loadRealizedFilters(db);
        const filters = compileRealized(realized);
        const notes: string[] = [];
        let afterRealized = realized;
        const onFilters: (string | null)[] = argv.filter === undefined ? [null] : resolveFilterHashes(db, argv.filter);
        if (onFilters.length === 0) throw new UsageError(`--filter: no filter named or hashed '${argv.filter}'`);
        for (const id of removeIds)
          for (const f of onFilters) {
            const r = removeRuleScenario(afterRealized, id, f);
            if (r.removed === 0) throw new UsageError(`--remove-rule ${id}: no such rule${f !== null ? ` on filter ${f}` : ' in the store'}`);
            afterRealized = r.realized;
            notes.push(`rule ${id} removed${f !== null ? ` from ${f}` : ''} (${r.removed} realized line(s))`);
          }
        if (excluded.length > 0) notes.push(`exclusion list: ${excluded.join(', ')}`);
        if (removeIds.length === 0 && excluded.length === 0) throw new UsageError('whatif: name a change (--exclude-filter, --remove-rule)');
        const before: WhatifScenario = { filters, excluded: [] };
        const after: WhatifScenario = { filters: recompileChanged(afterRealized, realized, filters), excluded };
        const result = whatif(db, { host: argv.host, since: argv.since, until: argv.until }, before, after, loadOwnership(db), argv.generation ? { generation: argv.generation as ProductGeneration } : {});
        result.notes.push(...notes);
        ctx.io.out(renderWhatif(result, asOutputFormat(argv.format), limit));
        const failOn = new Set(argv['fail-on'] ?? []);
        if ((failOn.has('any-change') && result.changed.length > 0) || (failOn.has('newly-denied') && result.summary.newlyDenied > 0)) ctx.exitCode = EXIT.findings;
      } finally {
        db.close();
      }
    },
  };
}
