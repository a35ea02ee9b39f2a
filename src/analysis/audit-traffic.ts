import type { AnalyticsEngine } from '../store/analytics.js';
import type { DeniedFlow } from '../store/audit-repo.js';

/** Who a filter hash is, from getfilters / summarize-dvfilter (null fields when no inventory names it). */
export interface FilterName {
  name: string | null;
  vm: string | null;
  host: string | null;
}

export type FilterNames = ReadonlyMap<string, FilterName>;

export interface ActionCount {
  action: string;
  events: number;
}

export interface RuleHits {
  filter: string | null;
  name: string | null;
  ruleset: string | null;
  ruleId: number | null;
  action: string;
  events: number;
}

export interface FilterTraffic {
  filter: string | null;
  name: string | null;
  vm: string | null;
  host: string | null;
  events: number;
  denied: number;
  rejected: number;
}

export interface HostTraffic {
  host: string | null;
  events: number;
  denied: number;
  filters: number;
}

export interface TimeSeries {
  /** bucket width in ms (a round unit chosen so the span has at most `MAX_BUCKETS` buckets) */
  bucketMs: number;
  actions: string[];
  buckets: { start: string; counts: Record<string, number> }[];
}

export interface Traffic {
  /** packet records (TERM session summaries counted apart) */
  packets: number;
  sessionEnds: number;
  byAction: ActionCount[];
  /** the most logged (filter, rule, action) triples, most hit first (`distinctRules` counts all) */
  byRule: RuleHits[];
  distinctRules: number;
  /** the filters with the most packet records (`distinctFilters` counts all) */
  byFilter: FilterTraffic[];
  distinctFilters: number;
  byHost: HostTraffic[];
  /** the most frequent DROP/REJECT flows (source port left out) */
  topDenied: (Omit<DeniedFlow, 'firstMs' | 'lastMs' | 'filterHash'> & { filter: string | null; name: string | null; first: string | null; last: string | null })[];
  distinctDeniedFlows: number;
  timeSeries: TimeSeries;
}

const MAX_BUCKETS = 60;
/** Round bucket widths: 1 s ... 1 week. */
const UNITS = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400].map((s) => s * 1000);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The smallest round width that cuts [first, last] into at most MAX_BUCKETS buckets. */
export function bucketWidth(spanMs: number): number {
  for (const u of UNITS) if (spanMs / u < MAX_BUCKETS) return u;
  const week = UNITS[UNITS.length - 1] as number;
  return week * Math.ceil(spanMs / week / MAX_BUCKETS);
}

/** Traffic section: counts by action and host, the top filters, rules and denied flows, the time series. */
export async function trafficSection(engine: AnalyticsEngine, names: FilterNames, topLimit: number): Promise<Traffic> {
  let packets = 0;
  let sessionEnds = 0;
  const byAction: ActionCount[] = [];
  for (const a of await engine.actionCounts()) {
    if (a.term) sessionEnds += a.events;
    else {
      packets += a.events;
      byAction.push({ action: a.action ?? '-', events: a.events });
    }
  }
  const filters = await engine.topFilters(topLimit);
  const rules = await engine.topRules(topLimit);
  const top = await engine.topDeniedFlows(topLimit);
  const byHost = await engine.hostCounts();
  const series = await timeSeries(engine);
  const nameOf = (h: string | null) => (h === null ? undefined : names.get(h));
  return {
    packets,
    sessionEnds,
    byAction,
    byRule: rules.rows.map((r) => ({ filter: r.filterHash, name: nameOf(r.filterHash)?.name ?? null, ruleset: r.ruleset, ruleId: r.ruleId, action: r.action ?? '-', events: r.events })),
    distinctRules: rules.distinct,
    byFilter: filters.rows.map((f) => {
      const n = nameOf(f.filterHash);
      return { filter: f.filterHash, name: n?.name ?? null, vm: n?.vm ?? null, host: f.host, events: f.events, denied: f.denied, rejected: f.rejected };
    }),
    distinctFilters: filters.distinct,
    byHost,
    topDenied: top.flows.map(({ firstMs, lastMs, filterHash, ...f }) => ({ ...f, filter: filterHash, name: nameOf(filterHash)?.name ?? null, first: iso(firstMs), last: iso(lastMs) })),
    distinctDeniedFlows: top.distinct,
    timeSeries: series,
  };
}

async function timeSeries(engine: AnalyticsEngine): Promise<TimeSeries> {
  const span = await engine.eventTimeSpan();
  if (span.firstMs === null || span.lastMs === null) return { bucketMs: 0, actions: [], buckets: [] };
  const bucketMs = bucketWidth(span.lastMs - span.firstMs);
  // align to the unit (a 1-minute bucket starts on the minute) so charts read naturally
  const origin = span.firstMs - (span.firstMs % bucketMs);
  const actions = new Set<string>();
  const buckets = new Map<number, Record<string, number>>();
  for (const b of await engine.eventsOverTime(origin, bucketMs)) {
    const a = b.action ?? '-';
    actions.add(a);
    let counts = buckets.get(b.startMs);
    if (!counts) buckets.set(b.startMs, (counts = {}));
    counts[a] = (counts[a] ?? 0) + b.events;
  }
  // every bucket in the span, empty ones too, so a chart's x axis is time, not rank
  const out: TimeSeries['buckets'] = [];
  const last = span.lastMs - (span.lastMs % bucketMs);
  for (let t = origin; t <= last; t += bucketMs) out.push({ start: new Date(t).toISOString(), counts: buckets.get(t) ?? {} });
  return { bucketMs, actions: [...actions].sort(), buckets: out };
}

export { iso };
