import type { CommandModule } from 'yargs';
import { areNsxExports, loadIntent } from '../../analysis/connectivity-load.js';
import { shadowIntent } from '../../analysis/connectivity-lint.js';
import { lintPolicies, lintStore } from '../../analysis/lint.js';
import { countKinds, type ShadowReport } from '../../analysis/shadow.js';
import type { ProductGeneration } from '../../model/replay.js';
import { renderDiagnostics } from '../../report/diagnostics.js';
import { renderLint } from '../../report/lint.js';
import { resolveFilterName } from '../../store/realized-repo.js';
import { EXIT, UsageError, type CliContext } from '../io.js';
import { asOutputFormat, open, withDb, withFormat } from '../options.js';

interface Args {
  db: string;
  format: string;
  policy?: string[];
  compat?: string;
  inventory?: string[];
  filter?: string;
  generation?: string;
  'fail-on'?: string[];
}

const FINDINGS = ['shadowed', 'redundant'] as const;

export function lintCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'lint',
    describe: 'Find shadowed and redundant rules (covered by the union of earlier rules) in realized filters (--db) or policy files (--policy)',
    builder: (y) =>
      withFormat(withDb(y))
        .option('policy', { type: 'string', array: true, describe: 'policy files (.dfw, or Antrea / K8s YAML): analyse them instead of the store' })
        .option('inventory', { type: 'string', array: true, describe: 'with YAML --policy: inventory files (kubectl get pods,namespaces -o json/yaml, scenario cluster:, vms:)' })
        .option('compat', { type: 'string', choices: ['nsxanalyzer'], describe: 'with an NSX Manager export: order and members as np-guard nsxanalyzer reads them' })
        .option('filter', { type: 'string', describe: 'only this filter of the store (name or hash)' })
        .option('generation', { type: 'string', choices: ['nsxv', 'nsxt2', 'nsxt3+'], describe: 'product generation for every filter (TCP strict rules)' })
        .option('fail-on', { type: 'string', array: true, choices: FINDINGS as unknown as string[], describe: 'exit 1 when a rule is shadowed / redundant' }) as never,
    handler: (argv) => {
      const policy = argv.policy ?? [];
      let report: ShadowReport;
      if (policy.length > 0) {
        if (argv.filter !== undefined) throw new UsageError('--filter selects a filter of the store; it does not go with --policy');
        if (areNsxExports(policy)) report = lintIntent(ctx, policy, argv.compat === 'nsxanalyzer' ? 'nsxanalyzer' : 'nsx');
        else {
          const r = lintPolicies(policy, argv.inventory ?? []);
          const shown = r.loaded.diagnostics.filter((d) => d.severity !== 'info');
          if (shown.length > 0) ctx.io.err(renderDiagnostics(shown, r.loaded.sources));
          const errors = shown.filter((d) => d.severity === 'error').length;
          if (errors > 0) throw new UsageError(`${errors} error(s) in the policy files: nothing analysed`);
          report = r.report;
        }
      } else {
        if (argv.inventory !== undefined) throw new UsageError('--inventory goes with --policy');
        const db = open(argv.db, true);
        try {
          let filter: string | undefined;
          if (argv.filter !== undefined) {
            const found = resolveFilterName(db, argv.filter);
            if (found === null) throw new UsageError(`no filter named or hashed '${argv.filter}' in ${argv.db} (see 'dfwsim filters')`);
            filter = found;
          }
          report = lintStore(db, {
            ...(filter !== undefined ? { filter } : {}),
            ...(argv.generation !== undefined ? { generation: argv.generation as ProductGeneration } : {}),
          });
        } finally {
          db.close();
        }
      }
      ctx.io.out(renderLint(report, asOutputFormat(argv.format)));
      const failOn = new Set(argv['fail-on'] ?? []);
      if ((failOn.has('shadowed') && report.summary.shadowed > 0) || (failOn.has('redundant') && report.summary.redundant > 0)) ctx.exitCode = EXIT.findings;
    },
  };
}

/**
 * An NSX Manager export (Policy API JSON): covered rules per category and direction over the
 * VM x VM x connection space, the same item shape plus `category` and `direction`.
 */
function lintIntent(ctx: CliContext, files: string[], semantics: 'nsx' | 'nsxanalyzer'): ShadowReport {
  const loaded = loadIntent(files, semantics);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  for (const d of loaded.diagnostics.filter((x) => x.severity !== 'info')) ctx.io.err(`${d.span?.file ?? ''}:${d.span?.line ?? 1}:${d.span?.column ?? 1}  ${d.severity}  ${d.code}  ${d.message}\n`);
  if (errors.length > 0) throw new UsageError(`${errors.length} error(s) in the NSX export: nothing analysed`);
  const items = shadowIntent(loaded.compiled);
  const rules = loaded.compiled.rules.ingress.length + loaded.compiled.rules.egress.length;
  return { shadowedRules: items, notes: [], summary: { units: 1, rules, ...countKinds(items), undetermined: 0 } };
}
