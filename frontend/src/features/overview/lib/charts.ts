import type { FleetStats } from "../api/get-fleet-stats";
import { FAILURE_LABELS, formatSeconds, label } from "./labels";

/** Series colours: each keeps at least 3:1 contrast against a white and a slate-900 background, so a
 *  line reads in the light and the dark theme; they are also told apart by the legend's words. */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A63D2"] as const;

function colour(index: number): string {
  return PALETTE[index % PALETTE.length] ?? PALETTE[0];
}

export type ChartSeries = { label: string; values: (number | null)[]; color: string };

/** One chart, ready to draw (uPlot) and to read as a table. */
export type ChartSpec = {
  id: string;
  title: string;
  description: string;
  /** time: x in Unix seconds; category: x is the index into `categories`. */
  kind: "time" | "category";
  x: number[];
  categories: string[];
  bars: boolean;
  xLabel: string;
  yLabel: string;
  /** The y axis counts things: whole-number ticks only. */
  counts: boolean;
  series: ChartSeries[];
  /** The table's header and rows: the x label first, then one column per series. */
  columns: string[];
  rows: string[][];
  /** The chart in one sentence, for assistive technology. */
  summary: string;
  empty: boolean;
};

const hourly = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const daily = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

function timeLabel(stats: FleetStats, iso: string): string {
  return (stats.window.bucket === "hour" ? hourly : daily).format(new Date(iso));
}

function unix(iso: string): number {
  return Date.parse(iso) / 1000;
}

function cell(value: number | null, format: (v: number) => string = String): string {
  return value === null ? "—" : format(value);
}

function rowsOf(xs: string[], series: ChartSeries[], format?: (v: number) => string): string[][] {
  return xs.map((x, i) => [x, ...series.map((s) => cell(s.values[i] ?? null, format))]);
}

function bucketWord(stats: FleetStats): string {
  return stats.window.bucket === "hour" ? "hour" : "day";
}

function timeChart(
  stats: FleetStats,
  at: string[],
  base: Pick<ChartSpec, "id" | "title" | "description" | "yLabel" | "summary">,
  series: ChartSeries[],
  format?: (v: number) => string,
): ChartSpec {
  const xs = at.map((iso) => timeLabel(stats, iso));
  return {
    ...base,
    kind: "time",
    x: at.map(unix),
    categories: [],
    bars: false,
    xLabel: `Time (per ${bucketWord(stats)})`,
    counts: base.yLabel !== "Seconds",
    series,
    columns: [`Time (${bucketWord(stats)} starting)`, ...series.map((s) => s.label)],
    rows: rowsOf(xs, series, format),
    empty: series.every((s) => s.values.every((v) => v === null || v === 0)),
  };
}

export function storesOverTime(stats: FleetStats): ChartSpec {
  const points = stats.stores_over_time;
  const last = points.at(-1)?.stores ?? 0;
  const first = points[0]?.stores ?? 0;
  return timeChart(
    stats,
    points.map((p) => p.at),
    {
      id: "stores-over-time",
      title: "Stores over time",
      description: "Stores not deleted at the end of each bucket.",
      yLabel: "Stores",
      summary: `Stores over time: from ${first} to ${last} stores.`,
    },
    [
      { label: "Stores", values: points.map((p) => p.stores), color: colour(0) },
      { label: "Created", values: points.map((p) => p.created), color: colour(2) },
      { label: "Deleted", values: points.map((p) => p.deleted), color: colour(1) },
    ],
  );
}

export function commitToReady(stats: FleetStats): ChartSpec {
  const lag = stats.commit_to_ready;
  return timeChart(
    stats,
    lag.series.map((p) => p.at),
    {
      id: "commit-to-ready",
      title: "Commit → ready lag",
      description: `From a change's commit to the store's next move into ready. p50 ${formatSeconds(lag.p50_seconds)}, p95 ${formatSeconds(lag.p95_seconds)} over ${lag.count} changes.`,
      yLabel: "Seconds",
      summary: `Commit to ready lag: p50 ${formatSeconds(lag.p50_seconds)}, p95 ${formatSeconds(lag.p95_seconds)}, ${lag.count} changes.`,
    },
    [
      { label: "p50 (s)", values: lag.series.map((p) => p.p50_seconds ?? null), color: colour(0) },
      { label: "p95 (s)", values: lag.series.map((p) => p.p95_seconds ?? null), color: colour(1) },
    ],
  );
}

const ACTIONS = ["create", "update", "delete", "rollback", "retry"] as const;

export function changesByAction(stats: FleetStats): ChartSpec {
  const total = stats.changes.reduce((sum, p) => sum + ACTIONS.reduce((s, a) => s + (p[a] ?? 0), 0), 0);
  return timeChart(
    stats,
    stats.changes.map((p) => p.at),
    {
      id: "changes",
      title: `Changes per ${bucketWord(stats)} by action`,
      description: "Changes asked for (by people, rollouts and retries), when they were queued.",
      yLabel: "Changes",
      summary: `Changes per ${bucketWord(stats)} by action: ${total} in the range.`,
    },
    ACTIONS.map((action, i) => ({
      label: action.charAt(0).toUpperCase() + action.slice(1),
      values: stats.changes.map((p) => p[action] ?? 0),
      color: colour(i),
    })),
  );
}

function categoryChart(
  base: Pick<ChartSpec, "id" | "title" | "description" | "xLabel" | "yLabel" | "summary">,
  categories: string[],
  series: ChartSeries,
): ChartSpec {
  return {
    ...base,
    kind: "category",
    x: categories.map((_, i) => i),
    categories,
    bars: true,
    counts: true,
    series: [series],
    columns: [base.xLabel, series.label],
    rows: rowsOf(categories, [series]),
    empty: series.values.every((v) => !v),
  };
}

/** A bin's bound, short enough for eight to share an axis: 30s, 2m. */
function bound(seconds: number): string {
  return seconds < 60 ? `${seconds}s` : `${seconds / 60}m`;
}

function binLabel(from: number, to: number | null | undefined): string {
  return to === null || to === undefined ? `≥ ${bound(from)}` : `${bound(from)}–${bound(to)}`;
}

export function provisioning(stats: FleetStats): ChartSpec {
  const p = stats.provisioning;
  return categoryChart(
    {
      id: "provisioning",
      title: "Provisioning duration",
      description: `From a store's creation to its first ready, for stores created in the range. p50 ${formatSeconds(p.p50_seconds)}, p95 ${formatSeconds(p.p95_seconds)} over ${p.count} stores.`,
      xLabel: "Duration",
      yLabel: "Stores",
      summary: `Provisioning duration histogram: ${p.count} stores, p50 ${formatSeconds(p.p50_seconds)}, p95 ${formatSeconds(p.p95_seconds)}.`,
    },
    p.histogram.map((bin) => binLabel(bin.from_seconds, bin.to_seconds)),
    { label: "Stores", values: p.histogram.map((bin) => bin.stores), color: colour(0) },
  );
}

export function failures(stats: FleetStats): ChartSpec {
  const total = stats.failures.reduce((sum, f) => sum + f.failures, 0);
  return categoryChart(
    {
      id: "failures",
      title: "Failures by reason",
      description: "Moves into failed in the range, by what failed the store.",
      xLabel: "Reason",
      yLabel: "Failures",
      summary: `Failures by reason: ${total} in the range${total ? ": " + stats.failures.map((f) => `${label(FAILURE_LABELS, f.reason)} ${f.failures}`).join(", ") : ""}.`,
    },
    stats.failures.map((f) => label(FAILURE_LABELS, f.reason)),
    { label: "Failures", values: stats.failures.map((f) => f.failures), color: colour(1) },
  );
}

export function overviewCharts(stats: FleetStats): ChartSpec[] {
  return [storesOverTime(stats), provisioning(stats), commitToReady(stats), changesByAction(stats), failures(stats)];
}
