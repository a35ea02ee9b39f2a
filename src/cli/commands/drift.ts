import type { CommandModule } from 'yargs';
import { intentDrift, type IntentDriftItem } from '../../analysis/connectivity-drift.js';
import { loadIntent } from '../../analysis/connectivity-load.js';
import { renderDiagnostics } from '../../report/diagnostics.js';
import { renderRows, type Column } from '../../report/tabular.js';
import { filterNamesWithRules, listFilters, loadRulesets } from '../../store/realized-repo.js';
import { EXIT, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';

interface Args {
  db: string;
  format: string;
  policy: string[];
  compat?: string;
  'fail-on'?: string[];
}

export function driftCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'drift',
    describe: "Compare an NSX Manager policy export with the rules realized on each VM's filter (getrules in the store): missing, extra, different action or order",
    builder: (y) =>
      withFormat(withDb(y))
        .option('policy', { type: 'string', array: true, demandOption: true, describe: 'NSX Policy API JSON files (the intent)' })
        .option('compat', { type: 'string', choices: ['nsxanalyzer'], describe: 'read the export as np-guard nsxanalyzer does (array order, disabled rules kept, ...)' })
        .option('fail-on', { type: 'string', array: true, choices: ['drift'], describe: 'exit 1 when a rule differs' }) as never,
    handler: (argv) => {
      const loaded = loadIntent(argv.policy, argv.compat === 'nsxanalyzer' ? 'nsxanalyzer' : 'nsx');
      const shown = loaded.diagnostics.filter((d) => d.severity !== 'info');
      if (shown.length) ctx.io.err(renderDiagnostics(shown));
      if (loaded.diagnostics.some((d) => d.severity === 'error')) {
        ctx.exitCode = EXIT.usage;
        return;
      }
      const db = open(argv.db, true);
      try {
        const withRules = new Set(filterNamesWithRules(db));
        const filters = listFilters(db)
          .filter((f) => withRules.has(f.name))
          .map((f) => ({ filter: f, rulesets: loadRulesets(db, f.name) }));
        const report = intentDrift(loaded.compiled, filters);
        if (report.unmatched.length) ctx.io.err(`note: ${report.unmatched.length} filter(s) with realized rules match no VM of the export by name or UUID: ${report.unmatched.slice(0, 5).join(', ')}\n`);
        const columns: Column<IntentDriftItem>[] = [
          { header: 'Filter', get: (i) => i.filter },
          { header: 'VM', get: (i) => i.vm },
          { header: 'Rule', get: (i) => i.ruleId },
          { header: 'Difference', get: (i) => i.kind },
          { header: 'Intent', get: (i) => (i.intent ? `${i.intent.action} #${i.intent.position + 1} [${i.intent.category}] ${i.intent.policy}` : '') },
          { header: 'Realized', get: (i) => (i.realized ? `${i.realized.action} #${i.realized.position + 1} ${i.realized.ruleset}` : '') },
        ];
        ctx.io.out(renderRows(report.items, columns, asOutputFormat(argv.format)));
        if ((argv['fail-on'] ?? []).includes('drift') && report.items.length > 0) ctx.exitCode = EXIT.findings;
      } finally {
        db.close();
      }
    },
  };
}
