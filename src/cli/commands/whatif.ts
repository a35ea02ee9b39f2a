import type { CommandModule } from 'yargs';
import { loadOwnership } from '../../analysis/ownership.js';
import { whatif } from '../../analysis/whatif.js';
import { buildWhatifScenarios } from '../../analysis/whatif-scenario.js';
import { renderDiagnostics } from '../../report/diagnostics.js';
import { renderWhatif } from '../../report/whatif.js';
import { resolveFilterHashes } from '../../store/realized-repo.js';
import { EXIT, UsageError, type CliContext } from '../io.js';
import { asOutputFormat, intOption, open, replayScope, withDb, withFormat, withReplayScope } from '../options.js';
import { excludedHashes } from './replay.js';

interface Args {
  db: string;
  format: string;
  'exclude-filter'?: string[];
  'remove-rule'?: string[];
  filter?: string;
  change?: string[];
  policy?: string[];
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
      withReplayScope(withFormat(withDb(y)))
        .option('exclude-filter', { type: 'string', array: true, describe: 'put this filter (hash, name or VM name) on the exclusion list' })
        .option('remove-rule', { type: 'string', array: true, describe: 'remove this rule id (every line of it)' })
        .option('filter', { type: 'string', describe: 'with --remove-rule: only on this filter (hash, name or VM name)' })
        .option('change', { type: 'string', array: true, describe: '.dfw change file: its rules replace (same id) or add to the realized rules, its exclude lines add to the exclusion list' })
        .option('policy', { type: 'string', array: true, describe: '.dfw files forming a whole alternative policy set, realized per filter' })
        .option('limit', { type: 'string', default: '50', describe: 'table: changed flows shown' })
        .option('fail-on', { type: 'string', array: true, choices: FINDINGS as unknown as string[], describe: 'exit 1 when a flow becomes denied (newly-denied) or anything changes (any-change)' }) as never,
    handler: (argv) => {
      const limit = intOption('limit', argv.limit) as number;
      const removeIds = (argv['remove-rule'] ?? []).map((x) => intOption('remove-rule', x) as number);
      if (argv.filter !== undefined && removeIds.length === 0) throw new UsageError('--filter goes with --remove-rule');
      const policyFiles = argv.policy ?? [];
      const yaml = policyFiles.find((f) => !f.endsWith('.dfw'));
      if (yaml !== undefined)
        throw new UsageError(`--policy ${yaml}: whatif replays logs per vNIC filter and takes .dfw files; Antrea / Kubernetes YAML is evaluated per connection with 'dfwsim eval --policy'`);
      const db = open(argv.db, true);
      try {
        const exclude = excludedHashes(db, argv['exclude-filter'] ?? []);
        const onFilters: (string | null)[] = argv.filter === undefined ? [null] : resolveFilterHashes(db, argv.filter);
        if (onFilters.length === 0) throw new UsageError(`--filter: no filter named or hashed '${argv.filter}'`);
        const removeRules = removeIds.flatMap((ruleId) => onFilters.map((filter) => ({ ruleId, filter })));
        if (exclude.length === 0 && removeRules.length === 0 && (argv.change ?? []).length === 0 && policyFiles.length === 0)
          throw new UsageError('whatif: name a change (--exclude-filter, --remove-rule, --change FILE, --policy FILE...)');
        const s = buildWhatifScenarios(db, { exclude, removeRules, changeFiles: argv.change ?? [], policyFiles });
        if (s.unknownRules.length > 0) throw new UsageError(`--remove-rule: no rule ${s.unknownRules.join(', ')} in the store`);
        const errors = s.diagnostics.filter((d) => d.severity === 'error');
        if (s.diagnostics.length > 0) ctx.io.err(renderDiagnostics(s.diagnostics, s.sources));
        if (errors.length > 0) throw new UsageError(`${errors.length} error(s) in the proposed rules: nothing replayed`);
        const result = whatif(db, replayScope(argv).query, s.before, s.after, loadOwnership(db), replayScope(argv).generation);
        result.notes.push(...s.notes);
        ctx.io.out(renderWhatif(result, asOutputFormat(argv.format), limit));
        const failOn = new Set(argv['fail-on'] ?? []);
        if ((failOn.has('any-change') && result.changed.length > 0) || (failOn.has('newly-denied') && result.summary.newlyDenied > 0)) ctx.exitCode = EXIT.findings;
      } finally {
        db.close();
      }
    },
  };
}
