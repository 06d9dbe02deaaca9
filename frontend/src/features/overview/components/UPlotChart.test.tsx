import { render } from "@testing-library/react";
import uPlot from "uplot";
import { describe, expect, it } from "vitest";
import { makeFleetStats } from "@/test/fixtures";
import { provisioning, storesOverTime } from "../lib/charts";
import { categorySplits, UPlotChart } from "./UPlotChart";

type Drawn = { opts: uPlot.Options; data: uPlot.AlignedData };
/** What the last chart drawn was asked for (uPlot is a stand-in in tests: src/test/setup.ts). */
const lastDrawn = (): Drawn => (uPlot as unknown as { drawn: Drawn[] }).drawn.at(-1) as Drawn;

describe("a uPlot chart", () => {
  it("labels its axes, colours its series and draws time on the x axis", () => {
    render(<UPlotChart spec={storesOverTime(makeFleetStats())} />);
    const { opts, data } = lastDrawn();
    expect(opts.axes?.map((axis) => axis.label)).toEqual(["Time (per hour)", "Stores"]);
    expect(opts.scales?.x?.time).toBe(true);
    expect(opts.series.slice(1).map((s) => [s.label, s.stroke])).toEqual([
      ["Stores", "#0072B2"],
      ["Created", "#009E73"],
      ["Deleted", "#D55E00"],
    ]);
    expect(data[1]).toEqual([3, 4, 5]);
  });

  it("names the categories of a bar chart on its x axis", () => {
    render(<UPlotChart spec={provisioning(makeFleetStats())} />);
    const { opts } = lastDrawn();
    const xAxis = opts.axes?.[0];
    const values = xAxis?.values as (u: unknown, splits: number[]) => string[];
    expect(values(null, [0, 7])).toEqual(["0s–30s", "≥ 30m"]);
    expect(opts.axes?.[1]?.incrs).toEqual(expect.arrayContaining([1, 2, 5, 10]));
    expect(opts.scales?.x?.range).toEqual([-0.5, 7.5]);
  });

  it("names every other category when the chart is narrow", () => {
    const spec = provisioning(makeFleetStats());
    expect(categorySplits(spec, 800)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(categorySplits(spec, 340)).toEqual([0, 2, 4, 6]);
  });
});
