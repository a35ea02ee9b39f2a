import type { AnalyticsEngine, EngineSpec } from '../store/analytics.js';
import { openAnalytics } from '../store/analytics-open.js';
import type { Db } from '../store/open.js';
import { rejectedByCode, storeCounts, type RejectedReason, type StoreCounts, type TimeSpan } from '../store/audit-repo.js';
import { listFilters } from '../store/realized-repo.js';
import { listSources } from '../store/sources-repo.js';
import { iso, trafficSection, type FilterNames, type Traffic } from './audit-traffic.js';
import { explainSection, ruleSections, type CauseSummary, type RuleSections } from './audit-rules.js';
import { RulesWorkerOutOfMemory, ruleSectionsInWorker } from './audit-rules-parallel.js';
import type { DriftReport } from './drift.js';
import type { DriftSplit } from './drift-parallel.js';
import { findDuplicatesVia, type DuplicatesReport } from './duplicates.js';
import { loadOwnershipVia } from './ownership.js';
import type { Explanation } from './explain.js';
import type { ShadowItem } from './shadow.js';
import { DEFAULT_RULE_LIMITS, ruleUsage, type HostRuleCount, type RuleCount, type RuleHitCount, type UnusedRule } from './rule-usage.js';

/**
 * The batch audit (issue 9): every analysis over one store, as one report object. Each section
 * is computed by its own module from set queries or a streaming pass, so the report's size is
 * bounded by filters, rules and the listing limits, never by the number of events.
 */

export interface InputFile {
  path: string;
  format: string;
  host: string | null;
  status: string;
  lines: number;
  events: number;
  skipped: number;
  rejected: number;
}

export interface Inputs {
  files: InputFile[];
  formats: { format: string; files: number; lines: number; events: number }[];
  hosts: { host: string; events: number; filters: number }[];
  timeSpan: { first: string | null; last: string | null };
  totals: { files: number; lines: number; events: number; skipped: number; rejected: number } & Omit<StoreCounts, 'sources' | 'rejectedLines'>;
  /** rejected lines by error code, each with its first occurrence (file:line:col) */
  rejectedByReason: RejectedReason[];
}

/** One explained REJECT/RST connection, in the shape `dfwsim explain --format json` prints. */
export type AuditExplanation = Explanation;

export type { CauseSummary };

/** A static shadow/redundancy finding: the same items `dfwsim lint --format json` prints (filter by name). */
export type ShadowedRule = ShadowItem;

export interface AuditReport {
  inputs: Inputs;
  traffic: Traffic;
  /** the first `limit` explained REJECT/RST connections (`summary.explanations` counts all) */
  explanations: AuditExplanation[];
  duplicates: DuplicatesReport;
  unusedRules: UnusedRule[];
  shadowedRules: ShadowedRule[];
  drift: DriftReport;
  ruleCounts: { filters: RuleCount[]; hosts: HostRuleCount[] };
  /** every realized rule (first line per id) with its logged hits: the index the report links to */
  rules: RuleHitCount[];
  summary: AuditSummary;
  notes: string[];
}

export interface AuditSummary {
  events: number;
  denied: number;
  rejected: number;
  explanations: { connections: number; shown: number; causes: CauseSummary[] };
  duplicateGroups: number;
  promiscuousSuspects: number;
  unusedRules: number;
  notLoggedRules: number;
  shadowed: number;
  redundant: number;
  driftedEvents: number;
  filtersOverLimit: number;
  /** finding counts by `--fail-on` name */
  findings: Record<FailOn, number>;
}

export const FAIL_ON = ['reject', 'shadowed', 'drift', 'duplicate'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface AuditOptions {
  /** explanations and denied flows listed in full (the summary counts all) */
  limit: number;
  /** duplicate window, ms */
  windowMs: number;
  ruleLimits?: { perFilter: number; perHost: number };
  /** the store's file: the rule sections (shadowed rules, drift) then run in a worker thread beside the rest (null: in-memory, inline) */
  storePath?: string | null;
  /** where the events are (issue 11): the store itself by default; the catalogue (sources, filters, rules) is always `db` */
  engine?: EngineSpec | undefined;
  /** the rules worker's heap ceiling, MB (audit-rules-parallel.ts) */
  rulesHeapMb?: number | undefined;
  /** drift's replay workers, one host partition each (drift-parallel.ts; needs `storePath`); 1 (default): one replay */
  driftWorkers?: number | undefined;
  /** called once drift is done, with how its replay was split (null: one replay); not in the report, so its JSON is the same for any `driftWorkers` */
  onDriftSplit?: ((split: DriftSplit | null) => void) | undefined;
  /** called as each analysis starts, with how many had started before it (0-based) and its name (one of `AUDIT_STEPS`) */
  onStep?: (started: number, name: string) => void;
}

export const AUDIT_STEPS = ['inputs', 'traffic', 'explanations', 'duplicates', 'rule usage', 'shadowed rules', 'drift'] as const;

function inputsSection(db: Db, counts: StoreCounts, span: TimeSpan): Inputs {
  const sources = listSources(db);
  const files = sources.map((s) => ({ path: s.path, format: s.format, host: s.host, status: s.status, lines: s.linesDone, events: s.events, skipped: s.skipped, rejected: s.rejected }));
  const formats = new Map<string, Inputs['formats'][number]>();
  for (const f of files) {
    const x = formats.get(f.format) ?? { format: f.format, files: 0, lines: 0, events: 0 };
    x.files++;
    x.lines += f.lines;
    x.events += f.events;
    formats.set(f.format, x);
  }
  const sum = (k: 'lines' | 'events' | 'skipped' | 'rejected') => files.reduce((n, f) => n + f[k], 0);
  return {
    files,
    formats: [...formats.values()].sort((a, b) => b.lines - a.lines || a.format.localeCompare(b.format)),
    hosts: [],
    timeSpan: { first: iso(span.firstMs), last: iso(span.lastMs) },
    totals: { files: files.length, lines: sum('lines'), events: sum('events'), skipped: sum('skipped'), rejected: sum('rejected'), filters: counts.filters, rulesets: counts.rulesets, rules: counts.rules, addrsets: counts.addrsets },
    rejectedByReason: rejectedByCode(db),
  };
}

export async function runAudit(db: Db, opts: AuditOptions): Promise<AuditReport> {
  const spec = opts.engine ?? (opts.storePath ? { kind: 'sqlite' as const, path: opts.storePath } : undefined);
  // no store file (an in-memory store): the events are in `db` itself
  const engine = await openAnalytics(spec ?? { kind: 'sqlite', path: ':memory:' }, db);
  try {
    return await auditWith(engine, db, opts, spec);
  } finally {
    await engine.close();
  }
}

async function auditWith(engine: AnalyticsEngine, db: Db, opts: AuditOptions, spec: EngineSpec | undefined): Promise<AuditReport> {
  let started = 0;
  const step = (name: string) => opts.onStep?.(started++, name);
  const notes: string[] = [];

  // the rule sections (shadowed rules, drift) start at once on the second core, and read the
  // store beside the set queries and the explanations that run here meanwhile
  const parallel = opts.storePath ? ruleSectionsInWorker(opts.storePath, { engine: spec, heapMb: opts.rulesHeapMb, driftWorkers: opts.driftWorkers, onStep: step }) : null;
  // a failure in the worker is reported when awaited, not as an unhandled rejection meanwhile
  parallel?.catch(() => undefined);

  step('inputs');
  const counts = storeCounts(db);
  const span = await engine.eventTimeSpan();
  const inputs = inputsSection(db, counts, span);
  // the catalogue counts what ingest stored; an engine loaded apart (an export) may lag behind it
  if (engine.kind !== 'sqlite' && span.events !== inputs.totals.events)
    notes.push(`the ${engine.kind} events (${span.events}) are not the store's (${inputs.totals.events} ingested): the engine was loaded from another or an older state of the store (run dfwsim export again)`);
  const names = new Map<string, { name: string | null; vm: string | null; host: string | null }>();
  const filters = listFilters(db);
  for (const f of filters) if (f.hash !== null && !names.has(f.hash)) names.set(f.hash, { name: f.name, vm: f.vmName, host: f.host });
  const filtersPerHost = new Map<string, number>();
  for (const f of filters) if (f.host !== null) filtersPerHost.set(f.host, (filtersPerHost.get(f.host) ?? 0) + 1);

  step('traffic');
  const traffic = await trafficSection(engine, names as FilterNames, opts.limit);
  const hostEvents = new Map<string, number>();
  for (const h of traffic.byHost) if (h.host !== null) hostEvents.set(h.host, h.events);
  inputs.hosts = [...new Set([...hostEvents.keys(), ...filtersPerHost.keys()])]
    .sort()
    .map((host) => ({ host, events: hostEvents.get(host) ?? 0, filters: filtersPerHost.get(host) ?? 0 }));

  step('explanations');
  // one ownership (a few store-wide queries) for explaining and duplicates
  const ownership = await loadOwnershipVia(engine, db);
  const { explanations, connections, causes } = await explainSection(engine, db, { limit: opts.limit, ownership });

  step('duplicates');
  const duplicates = await findDuplicatesVia(engine, db, { windowMs: opts.windowMs, limit: opts.limit, ownership });

  step('rule usage');
  const usage = await ruleUsage(engine, db, opts.ruleLimits ?? DEFAULT_RULE_LIMITS);
  if (usage.silentFilters.length > 0)
    notes.push(`${usage.silentFilters.length} filter(s) with realized rules logged no event in the store; their rules are not counted as unused: ${usage.silentFilters.slice(0, 10).join(', ')}${usage.silentFilters.length > 10 ? ', ...' : ''}`);
  if (counts.rules > 0)
    notes.push(`unused rules: only rules with logging on can be judged (dfwpktlog records only logged rules); ${usage.countedRules} logged rule(s) counted, rules without logging are listed as not-logged`);

  const inline = () => ruleSections(engine, db, { onStep: step, parallel: opts.storePath && spec ? { path: opts.storePath, engine: spec, workers: opts.driftWorkers ?? 1 } : undefined });
  let r: RuleSections;
  if (parallel === null) r = await inline();
  else {
    try {
      r = await parallel;
    } catch (e) {
      if (!(e instanceof RulesWorkerOutOfMemory)) throw e;
      notes.push(`shadowed rules and drift ran on the main thread: ${e.message}`);
      r = await inline();
    }
  }
  const { drift, shadow } = r;
  notes.push(...r.notes);
  if (r.withRules) opts.onDriftSplit?.(r.split);
  const shadowedRules: ShadowedRule[] = shadow.shadowedRules;
  notes.push(...shadow.notes.map((n) => `shadowed rules: ${n}`));
  if (shadow.summary.undetermined > 0) notes.push(`shadowed rules: ${shadow.summary.undetermined} rule(s) fragmented beyond the analysis budget, neither claimed nor cleared`);
  if (!r.withRules) notes.push('drift: no realized rules in the store (ingest vsipioctl getrules -f output to compare the log with the rules)');

  const byAction = new Map(traffic.byAction.map((a) => [a.action, a.events]));
  const summary: AuditSummary = {
    events: inputs.totals.events,
    denied: (byAction.get('DROP') ?? 0) + (byAction.get('REJECT') ?? 0),
    rejected: byAction.get('REJECT') ?? 0,
    explanations: { connections, shown: explanations.length, causes },
    duplicateGroups: duplicates.summary.extraObserverGroups,
    promiscuousSuspects: duplicates.summary.promiscuousSuspects,
    unusedRules: usage.unused.filter((u) => u.status === 'unused').length,
    notLoggedRules: usage.unused.filter((u) => u.status === 'not-logged').length,
    shadowed: shadowedRules.filter((s) => s.kind === 'shadowed').length,
    redundant: shadowedRules.filter((s) => s.kind === 'redundant').length,
    driftedEvents: drift.drifted,
    filtersOverLimit: usage.counts.filter((c) => c.over).length,
    findings: { reject: 0, shadowed: 0, drift: 0, duplicate: 0 },
  };
  summary.findings = {
    // REJECT records, plus connections an endpoint reset without a DFW REJECT
    reject: summary.rejected + causes.filter((c) => c.kind === 'endpoint-reset').reduce((n, c) => n + c.connections, 0),
    shadowed: summary.shadowed,
    drift: summary.driftedEvents,
    duplicate: summary.duplicateGroups,
  };
  return {
    inputs,
    traffic,
    explanations,
    duplicates,
    unusedRules: usage.unused,
    shadowedRules,
    drift,
    ruleCounts: { filters: usage.counts, hosts: usage.hosts },
    rules: usage.rules,
    summary,
    notes,
  };
}
