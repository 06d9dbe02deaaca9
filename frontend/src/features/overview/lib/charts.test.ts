import { describe, expect, it } from "vitest";
import { makeFleetStats } from "@/test/fixtures";
import { changesByAction, commitToReady, failures, overviewCharts, provisioning, storesOverTime } from "./charts";
import { formatSeconds } from "./labels";

describe("the overview's charts", () => {
  const stats = makeFleetStats();

  it("put time series on Unix seconds, one table row per bucket", () => {
    const spec = storesOverTime(stats);
    expect(spec.x).toEqual([1767225600, 1767229200, 1767232800]);
    expect(spec.series.map((s) => s.values)).toEqual([
      [3, 4, 5],
      [1, 1, 1],
      [0, 0, 0],
    ]);
    expect(spec.columns).toEqual(["Time (hour starting)", "Stores", "Created", "Deleted"]);
    expect(spec.rows).toHaveLength(3);
    expect(spec.summary).toBe("Stores over time: from 3 to 5 stores.");
  });

  it("keep a bucket without a measure as a gap, not a zero", () => {
    const lag = commitToReady(stats);
    expect(lag.series[0]?.values).toEqual([20, 60, null]);
    expect(lag.rows[2]?.slice(1)).toEqual(["—", "—"]);
    expect(lag.counts).toBe(false);
    expect(lag.description).toContain("p50 40 s, p95 58 s over 2 changes");
  });

  it("stack nothing: one line per action, every action listed", () => {
    const changes = changesByAction(stats);
    expect(changes.series.map((s) => s.label)).toEqual(["Create", "Update", "Delete", "Rollback", "Retry"]);
    expect(changes.summary).toBe("Changes per hour by action: 7 in the range.");
  });

  it("draw the histogram and the failures as bars over named categories", () => {
    const histogram = provisioning(stats);
    expect(histogram.bars).toBe(true);
    expect(histogram.categories).toEqual([
      "0s–30s",
      "30s–1m",
      "1m–2m",
      "2m–5m",
      "5m–10m",
      "10m–20m",
      "20m–30m",
      "≥ 30m",
    ]);
    expect(failures(stats).categories).toEqual(["Timed out"]);
    expect(failures({ ...stats, failures: [] }).empty).toBe(true);
  });

  it("use distinct colours and give every chart axis labels", () => {
    for (const spec of overviewCharts(stats)) {
      expect(spec.xLabel).not.toBe("");
      expect(spec.yLabel).not.toBe("");
      expect(new Set(spec.series.map((s) => s.color)).size).toBe(spec.series.length);
    }
  });

  it("read durations in seconds, minutes or hours", () => {
    expect([formatSeconds(null), formatSeconds(42), formatSeconds(600), formatSeconds(7200)]).toEqual([
      "—",
      "42 s",
      "10.0 min",
      "2.0 h",
    ]);
  });
});
