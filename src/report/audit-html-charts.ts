import type { Traffic } from '../analysis/audit-traffic.js';

/**
 * The data behind the report's two charts, prepared in Node so the page script only hands it to
 * Chart.js: labels are formatted here (UTC, independent of the reader's locale) and every action
 * gets a fixed colour, the same in both charts.
 */

export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
}

export interface AuditChartData {
  /** `day`: the one UTC date of every bucket, when they share it (labels then show the time only) */
  overTime: { bucket: string; day: string | null; labels: string[]; series: ChartSeries[] };
  byAction: { labels: string[]; colors: string[]; values: number[] };
}

/** Allowing actions green, DROP amber, REJECT red: the reading an operator expects. */
const ACTION_COLORS: Record<string, string> = {
  ALLOW: '#2e7d32',
  PASS: '#66bb6a',
  DROP: '#f59e0b',
  REJECT: '#d32f2f',
  TERM: '#607d8b',
};
const OTHER_COLORS = ['#1e88e5', '#8e24aa', '#00897b', '#6d4c41', '#546e7a', '#c0ca33'];

/** Colour of an action: its fixed one, else one of a palette by position in the sorted list of unknown actions. */
function colorOf(action: string, others: string[]): string {
  const fixed = ACTION_COLORS[action.toUpperCase()];
  if (fixed) return fixed;
  return OTHER_COLORS[Math.max(0, others.indexOf(action)) % OTHER_COLORS.length] as string;
}

const DAY = 86_400_000;

/** Bucket start as a label: the date for day-wide buckets and wider, minutes or seconds below; the date left out when all share it. */
function bucketLabel(iso: string, bucketMs: number, oneDay: boolean): string {
  if (bucketMs >= DAY) return iso.slice(0, 10);
  const time = bucketMs >= 60_000 ? iso.slice(11, 16) : iso.slice(11, 19);
  return oneDay ? time : `${iso.slice(0, 10)} ${time}`;
}

/** `6 weeks`, `5 minutes`, `1 second`: the width of one bar of the time chart. */
export function bucketText(ms: number): string {
  const units: [number, string][] = [[7 * DAY, 'week'], [DAY, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [u, name] of units) if (ms >= u && ms % u === 0) return `${ms / u} ${name}${ms / u === 1 ? '' : 's'}`;
  return `${ms} ms`;
}

export function auditChartData(t: Traffic): AuditChartData {
  const actions = [...new Set([...t.timeSeries.actions, ...t.byAction.map((a) => a.action)])];
  const others = actions.filter((a) => !ACTION_COLORS[a.toUpperCase()]).sort();
  const ts = t.timeSeries;
  const first = ts.buckets[0]?.start.slice(0, 10);
  const oneDay = first !== undefined && ts.bucketMs < DAY && ts.buckets.every((b) => b.start.startsWith(first));
  return {
    overTime: {
      bucket: ts.bucketMs > 0 ? bucketText(ts.bucketMs) : '',
      day: oneDay ? first : null,
      labels: ts.buckets.map((b) => bucketLabel(b.start, ts.bucketMs, oneDay)),
      series: ts.actions.map((a) => ({ label: a, color: colorOf(a, others), values: ts.buckets.map((b) => b.counts[a] ?? 0) })),
    },
    byAction: {
      labels: t.byAction.map((a) => a.action),
      colors: t.byAction.map((a) => colorOf(a.action, others)),
      values: t.byAction.map((a) => a.events),
    },
  };
}
